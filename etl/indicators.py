"""The one implementation of every indicator id of indicators.md, for a unit or a group over a date range.

Pages, reports, the CLI and tests all call `compute`. Rates are ratios of sums (never means of rates);
flows add up over periods, stocks are taken from the first/last period in the range.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from etl import config, coverage, reference, setwise
from etl.periods import iso_weeks, months


def ratio(num: float, den: float) -> float | None:
    """A rate whose denominator is 0 is null ("không phát sinh"), never 0 and never 100 %."""
    return num / den if den else None


@dataclass(frozen=True)
class Scope:
    """The reporting units a selection stands for, and the range."""

    code: str
    units: tuple[reference.Unit, ...]
    start: date
    end: date

    @property
    def codes(self) -> list[str]:
        return [u.code for u in self.units]


def scope(code: str, start: date, end: date, roll_forward: bool = False, units: reference.Units | None = None) -> Scope:
    units = units or reference.units()
    members = units.communes(code)
    group = units.get(code)
    if (
        group.level != "xa" and group.valid_to and end > group.valid_to
    ):  # a former district maps to the communes it became
        members = members + units.successors(members)
    if roll_forward:
        members = members + [p for m in list(members) for p in units.predecessors(m.code) if p.level == "xa"]
    return Scope(code, tuple(dict.fromkeys(members)), start, end)


def _one(con, sql: str, params: list) -> tuple:
    return con.execute(sql, params).fetchone()


def tthc(con: duckdb.DuckDBPyConnection, s: Scope) -> dict[str, object]:
    from etl.windowed import tthc_many

    return tthc_many(con, s, [(s.start, s.end)])[0]


def tthc_figures(received, online, resolved, timely, late, opening, pending, overdue) -> dict[str, object]:
    """The TTHC indicators from the range's sums: received, online, resolved, timely, late, opening and closing stocks
    (None when no TTHC row is in the range)."""
    return {
        "tthc.carried_over": opening,
        "tthc.received_new": received,
        "tthc.received_online": online,
        "tthc.resolved": resolved,
        "tthc.resolved_late": late,
        "tthc.pending_end": pending,
        "tthc.pending_overdue_end": overdue,
        "tthc.on_time_rate": ratio(timely or 0, resolved or 0),
        "tthc.online_rate": ratio(online or 0, received or 0),
    }


def petition_rows(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    """Petition cases of the scope that matter for [start, end], each with its accepted date and legal deadline
    (reference.deadline_days, applied in SQL by etl.setwise)."""
    return setwise.petition_rows(con, s)


def as_of(end: date, today: date | None = None) -> date:
    """The day a stock is read on: the end of the range, or today while the range is still running."""
    return min(end, today or config.today())


def petition_stats(rows: list[dict], start: date, end: date, today: date | None = None) -> dict[str, object]:
    received = sum(start <= r["received_date"] <= end for r in rows)
    mine = [r for r in rows if r["in_jurisdiction"]]
    must = [r for r in mine if r["accepted"] <= end and (r["resolved_date"] is None or r["resolved_date"] >= start)]
    resolved = [r for r in mine if r["resolved_date"] and start <= r["resolved_date"] <= end]
    on_time = [r for r in resolved if r["deadline"] is None or r["resolved_date"] <= r["deadline"]]
    open_at_end = [r for r in mine if r["accepted"] <= end and (r["resolved_date"] is None or r["resolved_date"] > end)]
    return {
        "petitions.received": received,
        "petitions.must_resolve": len(must),
        "petitions.resolved": len(resolved),
        "petitions.resolution_rate": ratio(len(resolved), len(must)),
        "petitions.on_time_rate": ratio(len(on_time), len(resolved)),
        "petitions.overdue_open": sum(
            r["deadline"] is not None and r["deadline"] < as_of(end, today) for r in open_at_end
        ),
        "petitions.crowd_cases": sum(bool(r["is_crowd"]) for r in must),
    }


def petition_figures(con: duckdb.DuckDBPyConnection, s: Scope, today: date | None = None) -> dict[str, object]:
    """petition_stats(petition_rows(con, s), s.start, s.end, today), counted in SQL (no row reaches Python)."""
    from etl.windowed import petitions_many

    return petitions_many(con, s, [(s.start, s.end)], today or config.today())[0]


def petition_split(con: duckdb.DuckDBPyConnection, s: Scope, by: str, today: date | None = None) -> dict[str, dict]:
    """petition_breakdown(petition_rows(con, s), s.start, s.end, by, today), counted in SQL."""
    from etl.windowed import petition_dict

    split = setwise.petition_counts(con, s, [(s.start, s.end)], as_of(s.end, today), by)[0]
    return {value: petition_dict(counts) for value, counts in split.items()}


def petition_breakdown(
    rows: list[dict], start: date, end: date, by: str, today: date | None = None
) -> dict[str, dict[str, object]]:
    """The same definitions split by petition_type or field."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r[by]].append(r)
    return {k: petition_stats(v, start, end, today) for k, v in sorted(groups.items())}


def covered_days(con: duckdb.DuckDBPyConnection, s: Scope) -> dict[str, list[coverage.Interval]]:
    """Per unit, the days of the range its loaded workbooks cover (a missing sheet there means zero held)."""
    by_unit = coverage.reports(con, s.codes, s.start, s.end)
    return {c: coverage.merge([(max(r.start, s.start), min(r.end, s.end)) for r in rs]) for c, rs in by_unit.items()}


def chair_slots(
    s: Scope, cover: dict[str, list[coverage.Interval]], host: str = "Chủ tịch"
) -> list[tuple[str, date, date, int]]:
    """(unit, first day, last day, required days) for each week or month the reception rule in force covers."""
    slots = []
    rules = [r for r in reference.rules("reception_rules") if r["host"] == host]
    for code, spans in cover.items():
        for monday in iso_weeks(s.start, s.end):
            thursday = monday + timedelta(days=3)
            rule = next((r for r in rules if r["per"] == "week" and r.in_force(thursday)), None)
            if rule and coverage.contains(spans, thursday):
                slots.append((code, monday, monday + timedelta(days=6), int(rule["min_days"])))
        for m in months(s.start, s.end):
            rule = next((r for r in rules if r["per"] == "month" and r.in_force(m.start)), None)
            if rule and coverage.contains(spans, m.start):
                slots.append((code, m.start, m.end, int(rule["min_days"])))
    return slots


def chair_weeks(con: duckdb.DuckDBPyConnection, s: Scope, cover: dict | None = None) -> list[dict]:
    """Each week (or month) the chairman's reception rule covers, with the days held and whether the rule was met: the
    slots of chair_slots(s, covered_days(con, s)), computed for all units at once in SQL (etl.setwise; `cover` is
    accepted for callers that already have it and is the same as the workbooks' coverage)."""
    return [
        {"unit_code": code, "start": a, "end": b, "required": need, "held": n, "met": n >= need}
        for code, _, a, b, need, n in setwise.chair_weeks(con, s)
    ]


def reception(con: duckdb.DuckDBPyConnection, s: Scope, cover: dict | None = None) -> dict[str, object]:
    from etl.windowed import reception_many

    return reception_many(con, s, [(s.start, s.end)])[0]


def years_required(s: Scope, cover: dict) -> int:
    """Unit-years touched by the range and covered by the unit's workbooks (dialogue: at least once a year)."""
    years = range(s.start.year, s.end.year + 1)
    return sum(any(a.year <= y <= b.year for a, b in spans) for spans in cover.values() for y in years)


def years_held(s: Scope, cover: dict, held: set[tuple[str, int]]) -> int:
    """Of the unit-years `years_required` counts, those with at least one dialogue conference in the range."""
    years = range(s.start.year, s.end.year + 1)
    return sum(
        any(a.year <= y <= b.year for a, b in spans) and (code, y) in held
        for code, spans in cover.items()
        for y in years
    )


def dialogue_years(con: duckdb.DuckDBPyConnection, s: Scope) -> set[tuple[str, int]]:
    """(unit, year) pairs with a dialogue conference in that year up to the range's end (the rule is once a year, so
    a quarter ending on 31/12 counts the year's conferences, not only the quarter's)."""
    rows = con.execute(
        "select distinct unit_code, year(dialogue_date) from dialogues where unit_code in (select unnest(?::varchar[])) "
        "and dialogue_date between ? and ?",
        [s.codes, date(s.start.year, 1, 1), s.end],
    ).fetchall()
    return {(c, y) for c, y in rows}


def registers(con: duckdb.DuckDBPyConnection, s: Scope) -> dict[str, object]:
    from etl.windowed import registers_many

    return registers_many(con, s, [(s.start, s.end)])[0]


def register_figures(d: tuple, k: tuple, i: tuple, o: tuple, g: tuple, e: tuple) -> dict[str, object]:
    """The register indicators from each register's aggregate row: dialogues (count, participants, raised, answered),
    discipline (count, harassment), inspections (count, checked, violations), outreach (count, participants),
    supervision (count, recommendations, accepted), emulation models (count,)."""
    return {
        "dialogue.sessions": d[0],
        "dialogue.participants": d[1] or 0,
        "dialogue.issues_raised": d[2] or 0,
        "dialogue.answer_rate": ratio(d[3] or 0, d[2] or 0),
        "discipline.decisions": k[0],
        "discipline.harassment": k[1],
        "inspection.count": i[0],
        "inspection.officials_checked": i[1] or 0,
        "inspection.violations": i[2] or 0,
        "outreach.events": o[0],
        "outreach.participants": o[1] or 0,
        "supervision.events": g[0],
        "supervision.recommendations": g[1] or 0,
        "supervision.acceptance_rate": ratio(g[2] or 0, g[1] or 0),
        "emulation.models": e[0],
    }


def plan(con: duckdb.DuckDBPyConnection, s: Scope) -> dict[str, object]:
    from etl.windowed import plan_many

    return plan_many(con, s, [(s.start, s.end)])[0]


def compute(
    con: duckdb.DuckDBPyConnection,
    code: str,
    start: date,
    end: date,
    roll_forward: bool = False,
    units: reference.Units | None = None,
    today: date | None = None,
    on_time_days: int = config.ON_TIME_DAYS,
) -> dict[str, object]:
    """Every indicator id for a unit or group over [start, end]; `today` decides which months' reports are due (one
    window of etl.windowed.compute_many)."""
    from etl.windowed import compute_many

    return compute_many(con, code, [(start, end)], roll_forward, units, today, on_time_days)[0]
