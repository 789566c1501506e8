"""Vietnamese number, rate, date and period formatting (done in Python, never left to the browser locale)."""

from __future__ import annotations

from datetime import date

from etl.numbers import NO_DENOMINATOR, UNCHANGED, change, change_text, change_words, num, pct, points, shown_delta  # noqa: F401
from etl.periods import ROMAN, Period

PLOTLY_SEPARATORS = ",."  # plotly: decimal comma, thousands dot


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


def names(items: list[str], limit: int = 20, noun: str = "đơn vị") -> str:
    """A list of names for a caption or a hover: at most `limit`, then «… và N đơn vị khác» (a nation has thousands;
    only the first `limit` items are shown, so the rest may be anything countable)."""
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" … và {num(len(items) - limit)} {noun} khác"
