"""Vietnamese numbers in words and figures (1.234 · 95,3 % · +2,1 điểm %), and when a change is too small to show.

Lives in etl so that sentences built headless (attention items, target verdicts, reports) and the pages format alike.
"""

from __future__ import annotations

NO_DENOMINATOR = "Không phát sinh"
UNCHANGED = "Không đổi"


def num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(value):,}".replace(",", ".")


def pct(rate: float | None, digits: int = 1) -> str:
    """0.953 -> '95,3 %'; a rate without a denominator is 'Không phát sinh', never 0 %."""
    if rate is None:
        return NO_DENOMINATOR
    return f"{rate * 100:.{digits}f}".replace(".", ",") + " %"


def points(delta: float | None) -> str:
    """A change of a rate, in percentage points: +2,1 điểm %."""
    if delta is None:
        return ""
    return ("+" if delta >= 0 else "-") + f"{abs(delta) * 100:.1f}".replace(".", ",") + " điểm %"


def change(delta: float | int | None) -> str:
    if delta is None:
        return ""
    return ("+" if delta >= 0 else "-") + num(abs(delta))


def shown_delta(is_rate: bool, now: float | None, before: float | None) -> float | None:
    """The change as the screen shows it: rates to 0,1 point, counts to 0,1 (whole counts exactly); 0 when the change is
    smaller than the displayed precision (it then reads «Không đổi», in grey); None when one side has no figure."""
    if now is None or before is None:
        return None
    d = round((now - before) * 100, 1) / 100 if is_rate else round(now - before, 1)
    return 0 if abs(d) < 1e-9 else d


def change_words(is_rate: bool, d: float) -> str:
    """A change as shown, in words: «tăng 2,3 điểm %», «giảm 12», «không đổi» (d from shown_delta)."""
    if d == 0:
        return "không đổi"
    size = points(abs(d))[1:] if is_rate else num(abs(d))
    return f"{'tăng' if d > 0 else 'giảm'} {size}"


def change_text(is_rate: bool, now: float | None, before: float | None) -> str | None:
    """«+2,1 điểm %» / «-3» / «Không đổi»; None when there is nothing to compare."""
    d = shown_delta(is_rate, now, before)
    if d is None:
        return None
    if d == 0:
        return UNCHANGED
    return points(d) if is_rate else change(d)
