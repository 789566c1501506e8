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
        "where unit_code in (select unnest(?::varchar[])) and period_start <= ? and period_end >= ?",
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


def month_cells(
    con: duckdb.DuckDBPyConnection,
    units: list[Unit],
    start: date,
    end: date,
    on_time_days: int = config.ON_TIME_DAYS,
    today: date | None = None,
) -> list[dict]:
    """Per unit and month of [start, end]: on_time / late / missing, or not_due (missing before its deadline); no cell
    where the unit did not exist on the month's first day. Every screen's completeness and timeliness comes from these."""
    from etl import setwise, windows

    today = today or config.today()
    return setwise.month_cells(
        con, units, start, end, on_time_days, lambda month_end: windows.is_due(month_end, today, on_time_days)
    )


def month_rates(cells: list[dict]) -> dict[str, object]:
    """Reports received / reports due so far and on time / due so far (unit-months), and the units behind them: a unit
    is expected when one of its months is due, received when every due month is, on time when every due month was."""
    due = [c for c in cells if c["due"]]
    received = [c for c in due if c["status"] in ("on_time", "late")]
    on_time = [c for c in due if c["status"] == "on_time"]
    units = {c["unit_code"] for c in due}
    missing = {c["unit_code"] for c in due if c["status"] == "missing"}
    late = {c["unit_code"] for c in due if c["status"] != "on_time"}
    return {
        "reporting.months_due": len(due),
        "reporting.months_received": len(received),
        "reporting.months_on_time": len(on_time),
        "reporting.completeness": len(received) / len(due) if due else None,
        "reporting.timeliness": len(on_time) / len(due) if due else None,
        "reporting.expected": len(units),
        "reporting.received": len(units - missing),
        "reporting.on_time": len(units - late),
    }


def reporting(
    con: duckdb.DuckDBPyConnection,
    units: list[Unit],
    start: date,
    end: date,
    on_time_days: int = config.ON_TIME_DAYS,
    today: date | None = None,
) -> dict[str, object]:
    """month_rates(month_cells(...)), counted in SQL."""
    return reporting_many(con, units, [(start, end)], on_time_days, today)[0]


def reporting_many(
    con: duckdb.DuckDBPyConnection,
    units: list[Unit],
    spans: list[tuple[date, date]],
    on_time_days: int = config.ON_TIME_DAYS,
    today: date | None = None,
) -> list[dict[str, object]]:
    """`reporting` for each window [start, end] of `spans`, in one statement."""
    from etl import setwise, windows

    today = today or config.today()
    out = []
    for totals in setwise.month_totals(
        con, units, spans, on_time_days, lambda month_end: windows.is_due(month_end, today, on_time_days)
    ):
        due, received, on_time, expected, units_received, units_on_time = totals
        out.append(
            {
                "reporting.months_due": due,
                "reporting.months_received": received,
                "reporting.months_on_time": on_time,
                "reporting.completeness": received / due if due else None,
                "reporting.timeliness": on_time / due if due else None,
                "reporting.expected": expected,
                "reporting.received": units_received,
                "reporting.on_time": units_on_time,
            }
        )
    return out
