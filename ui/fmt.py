"""Vietnamese number, rate, date and period formatting (done in Python, never left to the browser locale)."""

from __future__ import annotations

from datetime import date

from etl.periods import ROMAN, Period

NO_DENOMINATOR = "Không phát sinh"
PLOTLY_SEPARATORS = ",."  # plotly: decimal comma, thousands dot


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


def day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def short_label(p: Period) -> str:
    """Compact axis labels: T3/2024, Quý I/2024, 6T đầu/2024, 9T/2024, 2024."""
    if p.kind == "month":
        return f"T{p.start.month}/{p.start.year}"
    if p.kind == "quarter":
        return f"Quý {ROMAN[(p.start.month - 1) // 3 + 1]}/{p.start.year}"
    if p.kind == "half":
        return f"6T {'đầu' if p.start.month == 1 else 'cuối'}/{p.start.year}"
    if p.kind == "nine":
        return f"9T/{p.start.year}"
    return str(p.start.year)


def range_label(start: date, end: date) -> str:
    return f"{day(start)} – {day(end)}"
