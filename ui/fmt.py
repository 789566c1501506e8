"""Vietnamese number, rate and date formatting (done in Python, never left to the browser locale)."""
from __future__ import annotations

from datetime import date

NO_DENOMINATOR = "Không phát sinh"


def num(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(value):,}".replace(",", ".")


def pct(rate: float | None, digits: int = 1) -> str:
    """0.953 -> '95,3 %'; a rate without a denominator is 'Không phát sinh', never 0 %."""
    if rate is None:
        return NO_DENOMINATOR
    return f"{rate * 100:.{digits}f}".replace(".", ",") + " %"


def day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""
