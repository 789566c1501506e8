"""The level above: a group's communes side by side (every indicator per commune) and its DHIS2-style reporting grid.

Each commune's figures are those of `indicators.compute` over the part of the range it existed (an old commune until
30/6/2025, a new one from 1/7/2025), so its row never mixes in a period when it was not there. For a province of
a couple of hundred communes, 200 compute() calls take seconds, so `per_commune` asks each table once for all the
communes (group by unit_code) and reuses indicators' own pure functions; tests hold it equal to compute() per commune.
The group's own totals are `compute` for the group code (ratios of sums), never an average of the communes' rates.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from etl import config, coverage, indicators, periods, reference, setwise, windowed, windows
from etl.indicators import Scope, compute, ratio, scope
from etl.specs import HARASSMENT

HEADLINE = (
    "tthc.on_time_rate",
    "tthc.online_rate",
    "petitions.resolution_rate",
    "petitions.overdue_open",
    "reception.chair_compliance",
    "dialogue.sessions",
    "plan.done_rate",
    "reporting.month_rate",
)


def members(code: str, start: date, end: date, units: reference.Units | None = None) -> list[reference.Unit]:
    """The communes of a group that existed at some point of [start, end], old ones first, each list by name."""
    s = scope(code, start, end, units=units)
    alive = [u for u in s.units if u.valid_from <= end and (u.valid_to is None or u.valid_to >= start)]
    return sorted(alive, key=lambda u: (u.valid_from, u.name, u.code))


def unit_name(u: reference.Unit, start: date, end: date, short: bool = False) -> str:
    """The name, saying when an old or a new commune only covers part of the range (two «Xã Hóa Quỳ» exist)."""
    if u.level != "xa":
        return u.name
    if u.valid_to and u.valid_to < end:
        return f"{u.name} ({'cũ' if short else f'cũ, đến {periods.fmt_date(u.valid_to)}'})"
    if u.valid_from > start:
        return f"{u.name} ({'mới' if short else f'mới, từ {periods.fmt_date(u.valid_from)}'})"
    return u.name


def lifetime(unit: reference.Unit, start: date, end: date) -> tuple[date, date]:
    """The part of [start, end] the unit existed."""
    return max(start, unit.valid_from), min(end, unit.valid_to) if unit.valid_to else end


def is_due(p: periods.Period, on_time_days: int, today: date) -> bool:
    """A month's report is due once its deadline (period end + N days) is reached; before that a gap is not missing."""
    return windows.is_due(p.end, today, on_time_days)


def month_counts(con: duckdb.DuckDBPyConnection, s: Scope, on_time_days: int, today: date) -> dict[str, dict[str, int]]:
    """Per unit: months due, received (on time or late) and on time, from the one reporting grid."""
    out = {u.code: {"due": 0, "received": 0, "on_time": 0} for u in s.units}
    for r in coverage.month_cells(con, list(s.units), s.start, s.end, on_time_days, today):
        if r["due"]:
            row = out[r["unit_code"]]
            row["due"] += 1
            row["received"] += r["status"] in ("on_time", "late")
            row["on_time"] += r["status"] == "on_time"
    return out


def with_months(figures: dict) -> dict:
    """The comparison table's «Báo cáo» column: months received / months due, the same figure as completeness."""
    return figures | {"reporting.month_rate": figures["reporting.completeness"]}


def commune_figures(
    con: duckdb.DuckDBPyConnection,
    code: str,
    start: date,
    end: date,
    on_time_days: int = config.ON_TIME_DAYS,
    today: date | None = None,
    units: reference.Units | None = None,
    group: dict | None = None,
) -> list[dict]:
    """Every indicator of each commune of the group over the part of the range it existed, plus the reporting months
    due / received; the first row is the group itself ("unit_code" = the group code, compute() for it, or `group`
    when the caller already has exactly that: the dashboard's cached figures of the same selection)."""
    units = units or reference.units()
    today = today or config.today()
    alive = members(code, start, end, units)
    if group is None:
        group = compute(con, code, start, end, units=units, today=today, on_time_days=on_time_days)
    rows = [{"unit_code": code, "start": start, "end": end} | with_months(group)]
    bounds = {u.code: lifetime(u, start, end) for u in alive}
    figures = per_commune(con, alive, bounds, on_time_days, today)
    for u in alive:
        a, b = bounds[u.code]
        rows.append({"unit_code": u.code, "start": a, "end": b} | with_months(figures[u.code]))
    return rows


def _grouped(
    con: duckdb.DuckDBPyConnection, sql: str, bounds: dict[str, tuple[date, date]], extra: list | None = None
) -> dict[str, tuple]:
    """Run `sql` (which reads the CTE `bounds` (unit_code, a, b) and selects unit_code first) -> {unit_code: rest of row}."""
    codes = list(bounds)
    cte = "with bounds as (select unnest(?) as unit_code, unnest(?) as a, unnest(?) as b) "
    rows = con.execute(
        cte + sql, [codes, [bounds[c][0] for c in codes], [bounds[c][1] for c in codes]] + (extra or [])
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def _tthc(con: duckdb.DuckDBPyConnection, bounds: dict) -> dict[str, dict]:
    """indicators.tthc for each unit over its own bounds."""
    got = _grouped(
        con,
        """, rows_in_range as (
            select t.* from tthc t join bounds using (unit_code) where t.period_start >= bounds.a and t.period_end <= bounds.b
        ), edges as (
            select unit_code, min(period_start) as first_start, max(period_end) as last_end from rows_in_range group by unit_code
        )
        select unit_code, sum(received_online + received_offline), sum(received_online),
               sum(resolved_early + resolved_on_time + resolved_late), sum(resolved_early + resolved_on_time), sum(resolved_late),
               sum(carried_over) filter (where period_start = first_start),
               sum(pending_on_time + pending_overdue) filter (where period_end = last_end),
               sum(pending_overdue) filter (where period_end = last_end)
        from rows_in_range join edges using (unit_code) group by unit_code""",
        bounds,
    )
    out = {}
    for code in bounds:
        out[code] = indicators.tthc_figures(*got.get(code, (None,) * 8))
    return out


def _registers(con: duckdb.DuckDBPyConnection, bounds: dict) -> dict[str, dict]:
    """indicators.registers for each unit over its own bounds: one query per register, grouped by unit."""

    def q(table: str, day: str, sums: str, extra: list | None = None) -> dict[str, tuple]:
        return _grouped(
            con,
            f"select unit_code, count(*){sums} from {table} x join bounds using (unit_code) "
            f"where x.{day} between bounds.a and bounds.b group by unit_code",
            bounds,
            extra,
        )

    d = q("dialogues", "dialogue_date", ", sum(participants), sum(issues_raised), sum(issues_answered)")
    k = q(
        "discipline",
        "decision_date",
        ", count(*) filter (where behaviour in (select unnest(?::varchar[])))",
        [list(HARASSMENT)],
    )
    i = q("inspections", "inspection_date", ", sum(officials_checked), sum(violations)")
    o = q("outreach", "event_date", ", sum(participants)")
    g = q("supervision", "event_date", ", sum(recommendations), sum(accepted)")
    e = _grouped(
        con,
        "select unit_code, count(*) from emulation_models x join bounds using (unit_code) "
        "where x.recognised_year between year(bounds.a) and year(bounds.b) group by unit_code",
        bounds,
    )
    out = {}
    for c in bounds:
        dd, kk, ii = d.get(c, (0, None, None, None)), k.get(c, (0, 0)), i.get(c, (0, None, None))
        oo, gg, ee = o.get(c, (0, None)), g.get(c, (0, None, None)), e.get(c, (0,))
        out[c] = indicators.register_figures(dd, kk, ii, oo, gg, ee)
    return out


def _plan(con: duckdb.DuckDBPyConnection, bounds: dict) -> dict[str, dict]:
    """indicators.plan for each unit: its latest «Kế hoạch» inside its bounds."""
    got = _grouped(
        con,
        """, ranked as (
            select distinct p.unit_code, p.period_key, p.period_start, p.period_end from plan_tasks p join bounds using (unit_code)
            where p.period_start >= bounds.a and p.period_end <= bounds.b
        ), latest as (
            select unit_code, period_key from ranked
            qualify row_number() over (partition by unit_code order by period_end desc, period_start desc) = 1
        )
        select unit_code, count(*) filter (where progress = 'Hoàn thành'), count(*)
        from plan_tasks join latest using (unit_code, period_key) group by unit_code""",
        bounds,
    )
    return {c: {"plan.tasks": got.get(c, (0, 0))[1], "plan.done_rate": ratio(*got.get(c, (0, 0)))} for c in bounds}


def _reception(
    con: duckdb.DuckDBPyConnection, alive: list[reference.Unit], bounds: dict, cover: dict
) -> dict[str, dict]:
    """indicators.reception (with its chair_weeks) for each unit over its own bounds."""
    sums = _grouped(
        con,
        """select unit_code, count(*), sum(citizens), sum(cases), sum(crowd_groups),
        count(*) filter (where host = 'Chủ tịch' and form = 'Định kỳ') from receptions x join bounds using (unit_code)
        where x.reception_date between bounds.a and bounds.b group by unit_code""",
        bounds,
    )
    talks = _grouped(
        con,
        "select unit_code, list(distinct year(dialogue_date)) from dialogues x join bounds using (unit_code) "
        "where x.dialogue_date between date_trunc('year', bounds.a) and bounds.b group by unit_code",
        bounds,
    )
    chair: dict[str, tuple[int, int, int]] = {}
    for (a, b), units in _by_bounds(alive, bounds).items():  # the chairman's weeks in SQL, once per distinct range
        chair |= setwise.chair_by_unit(con, Scope("", tuple(units), a, b))
    out = {}
    for u in alive:
        a, b = bounds[u.code]
        slots, required, met = chair.get(u.code, (0, 0, 0))
        days, citizens, cases, crowds, chair_days = sums.get(u.code, (0, None, None, None, 0))
        out[u.code] = windowed.reception_figures(days, citizens, cases, crowds, chair_days, slots, required, met) | {
            "dialogue.required": indicators.years_required(Scope(u.code, (u,), a, b), {u.code: cover[u.code]}),
            "dialogue.required_held": indicators.years_held(
                Scope(u.code, (u,), a, b), {u.code: cover[u.code]}, {(u.code, y) for y in talks.get(u.code, ([],))[0]}
            ),
        }
    return out


def _by_bounds(alive: list[reference.Unit], bounds: dict) -> dict[tuple[date, date], list[reference.Unit]]:
    """The communes grouped by their own range (most share the group's)."""
    out: dict[tuple[date, date], list[reference.Unit]] = {}
    for u in alive:
        out.setdefault(bounds[u.code], []).append(u)
    return out


def per_commune(
    con: duckdb.DuckDBPyConnection,
    alive: list[reference.Unit],
    bounds: dict[str, tuple[date, date]],
    on_time_days: int = config.ON_TIME_DAYS,
    today: date | None = None,
) -> dict[str, dict]:
    """compute(con, u.code, *bounds[u.code]) for every commune u, asking each table once for all of them."""
    if not alive:
        return {}
    first, last = min(a for a, _ in bounds.values()), max(b for _, b in bounds.values())
    every = Scope("", tuple(alive), first, last)
    by_unit = coverage.reports(con, every.codes, first, last)
    cover = {}
    for u in alive:
        a, b = bounds[u.code]
        cover[u.code] = coverage.merge(
            [(max(r.start, a), min(r.end, b)) for r in by_unit[u.code] if r.start <= b and r.end >= a]
        )
    no_cases = windowed.petition_dict(
        dict.fromkeys(("received", "must", "resolved", "on_time", "overdue_open", "crowd"), 0)
    )
    cases: dict[str, dict] = {}
    for (a, b), units in _by_bounds(alive, bounds).items():  # petitions counted in SQL, once per distinct range
        split = setwise.petition_counts(
            con, Scope("", tuple(units), a, b), [(a, b)], today or config.today(), "unit_code"
        )
        cases |= {code: windowed.petition_dict(counts) for code, counts in split[0].items()}
    tthc, registers, plan = _tthc(con, bounds), _registers(con, bounds), _plan(con, bounds)
    cells: dict[str, list[dict]] = {u.code: [] for u in alive}
    for c in coverage.month_cells(con, alive, first, last, on_time_days, today):
        a, b = bounds[c["unit_code"]]
        if a <= periods.parse(c["period_key"]).start <= b:
            cells[c["unit_code"]].append(c)
    reception = _reception(con, alive, bounds, cover)
    out = {}
    for u in alive:
        a, b = bounds[u.code]
        figures = (
            tthc[u.code]
            | cases.get(u.code, no_cases)
            | reception[u.code]
            | registers[u.code]
            | plan[u.code]
            | coverage.month_rates(cells[u.code])
        )
        out[u.code] = dict(sorted(figures.items()))
    return out


def reporting_table(
    con: duckdb.DuckDBPyConnection,
    code: str,
    start: date,
    end: date,
    on_time_days: int = config.ON_TIME_DAYS,
    today: date | None = None,
    units: reference.Units | None = None,
) -> dict:
    """The group's commune × month grid (on_time / late / missing / not_due; no cell where the unit did not exist),
    the rates per month (coverage.reporting), per commune and in total (unit-months due), and who is missing for the
    latest month that is due, with the days since its deadline."""
    units = units or reference.units()
    today = today or config.today()
    alive = members(code, start, end, units)
    s = Scope(code, tuple(alive), start, end)
    months = periods.months(start, end)
    due = {m.key: is_due(m, on_time_days, today) for m in months}
    grid = coverage.month_cells(con, alive, start, end, on_time_days, today)
    cells = {(r["unit_code"], r["period_key"]): r["status"] for r in grid}
    per_month = [
        {"period_key": m.key, "due": due[m.key], "deadline": m.end + timedelta(days=on_time_days)}
        | coverage.month_rates([c for c in grid if c["period_key"] == m.key])
        | {"reporting.expected": sum(c["period_key"] == m.key for c in grid)}
        for m in months
    ]
    counts = month_counts(con, s, on_time_days, today)
    per_unit = [
        {
            "unit_code": u.code,
            "months_due": c["due"],
            "received": c["received"],
            "on_time": c["on_time"],
            "completeness": ratio(c["received"], c["due"]),
            "timeliness": ratio(c["on_time"], c["due"]),
        }
        for u in alive
        for c in [counts[u.code]]
    ]
    latest = next((m for m in reversed(months) if due[m.key]), None)
    missing = []
    if latest:
        deadline = latest.end + timedelta(days=on_time_days)
        missing = [
            {"unit_code": u.code, "period_key": latest.key, "deadline": deadline, "days_late": (today - deadline).days}
            for u in alive
            if cells.get((u.code, latest.key)) == "missing"
        ]
    rates = coverage.month_rates(grid)
    totals = {
        "expected": rates["reporting.months_due"],
        "received": rates["reporting.months_received"],
        "on_time": rates["reporting.months_on_time"],
        "completeness": rates["reporting.completeness"],
        "timeliness": rates["reporting.timeliness"],
    }
    return {
        "units": [u.code for u in alive],
        "months": [m.key for m in months],
        "cells": cells,
        "per_month": per_month,
        "per_unit": per_unit,
        "totals": totals,
        "latest": latest.key if latest else None,
        "missing": missing,
    }
