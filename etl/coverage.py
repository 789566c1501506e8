"""Which days a unit's accepted workbooks cover, and DHIS2-style reporting completeness and timeliness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from etl import config
from etl.reference import Unit

Interval = tuple[date, date]


def merge(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def covers(intervals: list[Interval], start: date, end: date) -> bool:
    return any(a <= start and end <= b for a, b in merge(intervals))


def contains(intervals: list[Interval], day: date) -> bool:
    return any(a <= day <= b for a, b in intervals)


@dataclass(frozen=True)
class Report:
    unit_code: str
    start: date
    end: date
    first_received_at: datetime


def reports(con: duckdb.DuckDBPyConnection, codes: list[str], start: date, end: date) -> dict[str, list[Report]]:
    """Accepted workbooks of the units that overlap [start, end], by unit."""
    rows = con.execute(
        "select unit_code, period_start, period_end, first_received_at from reports "
        "where list_contains(?, unit_code) and period_start <= ? and period_end >= ?",
        [codes, end, start],
    ).fetchall()
    out: dict[str, list[Report]] = {c: [] for c in codes}
    for r in rows:
        out[r[0]].append(Report(*r))
    return out


def unit_status(unit: Unit, unit_reports: list[Report], start: date, end: date, on_time_days: int) -> str | None:
    """on_time | late | missing for a unit expected in [start, end]; None when the unit did not exist on `start`."""
    if not unit.valid_on(start):
        return None
    last = min(end, unit.valid_to) if unit.valid_to else end
    spans = [(r.start, r.end) for r in unit_reports]
    if not covers(spans, start, last):
        return "missing"
    timely = [
        (r.start, r.end) for r in unit_reports if r.first_received_at.date() <= r.end + timedelta(days=on_time_days)
    ]
    return "on_time" if covers(timely, start, last) else "late"


def reporting(
    con: duckdb.DuckDBPyConnection, units: list[Unit], start: date, end: date, on_time_days: int = config.ON_TIME_DAYS
) -> dict[str, object]:
    by_unit = reports(con, [u.code for u in units], start, end)
    status = {u.code: unit_status(u, by_unit[u.code], start, end, on_time_days) for u in units}
    expected = sum(s is not None for s in status.values())
    received = sum(s in ("on_time", "late") for s in status.values())
    on_time = sum(s == "on_time" for s in status.values())
    return {
        "reporting.expected": expected,
        "reporting.received": received,
        "reporting.completeness": received / expected if expected else None,
        "reporting.on_time": on_time,
        "reporting.timeliness": on_time / expected if expected else None,
    }
