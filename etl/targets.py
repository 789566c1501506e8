"""Targets (chỉ tiêu) from the editable targets table, and the met / near / not met status of a figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from etl import reference

NEAR_POINTS = 0.10  # "within 10 points" of a rate target counts as near
STATUS_LABELS = {"met": "Đạt", "near": "Gần đạt", "not_met": "Chưa đạt"}


@dataclass(frozen=True)
class Target:
    indicator: str
    value: float
    direction: str  # higher | lower
    source: str


def target_for(indicator: str, unit_code: str, on: date, figures: dict | None = None) -> Target | None:
    """The target in force on `on` for the unit (a unit-specific row wins over `*`); `=other.id` refers to a figure."""
    rows = [
        r
        for r in reference.rules("targets")
        if r["indicator_id"] == indicator and r.in_force(on) and r["unit_code"] in ("*", unit_code)
    ]
    if not rows:
        return None
    row = sorted(rows, key=lambda r: r["unit_code"] == "*")[0]
    if row.fields.get("applies") == "year_end" and ((on.month, on.day) != (12, 31) or on > date.today()):
        return None  # e.g. plan.done_rate: 100 % is due at the end of the year, not every month nor before it is over
    text = row["value"]
    if text.startswith("="):
        ref = (figures or {}).get(text[1:])
        if ref is None:
            return None
        value = float(ref)
    else:
        value = float(text)
    return Target(indicator, value, row["direction"], row["source"])


def is_rate(indicator: str) -> bool:
    return indicator.endswith(("_rate", "compliance", "completeness", "timeliness"))


def status(value: float | None, target: Target | None) -> str | None:
    """met / near / not_met; None when there is no figure (no denominator) or no target."""
    if value is None or target is None:
        return None
    gap = (value - target.value) if target.direction == "higher" else (target.value - value)
    if gap >= -1e-12:
        return "met"
    if is_rate(target.indicator) and -gap <= NEAR_POINTS + 1e-12:
        return "near"
    return "not_met"


def evaluate(figures: dict, unit_code: str, on: date) -> dict[str, dict]:
    """For every indicator with a target: target value, status and source."""
    out = {}
    for ind in sorted({r["indicator_id"] for r in reference.rules("targets")}):
        t = target_for(ind, unit_code, on, figures)
        if t is not None and ind in figures:
            out[ind] = {
                "target": t.value,
                "direction": t.direction,
                "status": status(figures[ind], t),
                "source": t.source,
            }
    return out
