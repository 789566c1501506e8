"""Every indicator for several windows of one selection at once (a trend's months, a year-to-date series): each query
runs once with the windows as a VALUES table and groups by window, so twelve points cost about one.

`indicators.compute` is `compute_many` with one window: there is one implementation of each figure.
"""

from __future__ import annotations

from datetime import date

import duckdb

from etl import config, coverage, reference, setwise
from etl.specs import HARASSMENT

Spans = list[tuple[date, date]]


def _windows(spans: Spans) -> tuple[str, list]:
    return setwise._spans(spans)


def _by_window(rows: list[tuple], n: int, empty: tuple) -> list[tuple]:
    out = [empty] * n
    for w_no, *values in rows:
        out[w_no] = tuple(values)
    return out


def tthc_many(con: duckdb.DuckDBPyConnection, s, spans: Spans) -> list[dict[str, object]]:
    """TTHC figures per window: flows summed over the workbooks inside the window, the opening stock from its first
    period, the closing stocks from its last."""
    from etl.indicators import tthc_figures

    w_sql, w_params = _windows(spans)
    rows = con.execute(
        f"""with w(w_no, w_start, w_end) as (values {w_sql}),
        r as (
            select w.w_no, t.* from tthc t join w on t.period_start >= w.w_start and t.period_end <= w.w_end
            where t.unit_code in (select unnest(?::varchar[]))
        ), bounds as (select w_no, min(period_start) as first_start, max(period_end) as last_end from r group by w_no)
        select w_no, sum(received_online + received_offline), sum(received_online),
               sum(resolved_early + resolved_on_time + resolved_late), sum(resolved_early + resolved_on_time),
               sum(resolved_late), sum(carried_over) filter (where period_start = first_start),
               sum(pending_on_time + pending_overdue) filter (where period_end = last_end),
               sum(pending_overdue) filter (where period_end = last_end)
        from r join bounds using (w_no) group by w_no""",
        w_params + [s.codes],
    ).fetchall()
    return [tthc_figures(*sums) for sums in _by_window(rows, len(spans), (None,) * 8)]


def reception_many(con: duckdb.DuckDBPyConnection, s, spans: Spans) -> list[dict[str, object]]:

    rows = _register(
        con,
        s,
        spans,
        "receptions",
        "reception_date",
        ["count(*)", "sum(citizens)", "sum(cases)", "sum(crowd_groups)"]
        + ["count(*) filter (where host = 'Chủ tịch' and form = 'Định kỳ')"],
    )
    out = []
    for (days, citizens, cases, crowds, chair_days), (slots, required, met) in zip(
        rows, setwise.chair_totals(con, s, spans)
    ):
        out.append(reception_figures(days, citizens, cases, crowds, chair_days, slots, required, met))
    return out


def reception_figures(days, citizens, cases, crowds, chair_days, slots, required, met) -> dict:
    """The reception.* indicators from the register's sums and the chairman's weeks (one window or one commune)."""
    from etl.indicators import ratio

    return {
        "reception.days": days,
        "reception.citizens": citizens or 0,
        "reception.cases": cases or 0,
        "reception.crowd_groups": crowds or 0,
        "reception.chair_days": chair_days,
        "reception.chair_required": required,
        "reception.chair_compliance": ratio(met, slots),
        "reception.chair_weeks": slots,
        "reception.chair_weeks_met": met,
    }


def _register(
    con, s, spans: Spans, table: str, day: str, aggregates: list[str], params: list | None = None, by_year: bool = False
) -> list[tuple]:
    """Count and sum aggregates of one register per window of rows whose `day` lies in it (by_year: `day` is a year,
    in the window's years). The rows are first added up per day, then the days per window, so overlapping windows
    (a year-to-date series) cost about one pass. A window without rows gets 0 for a count, None for a sum."""
    w_sql, w_params = _windows(spans)
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    inner = ", ".join(f"{a} as a{i}" for i, a in enumerate(aggregates))
    outer = ", ".join(f"sum(a{i})" for i in range(len(aggregates)))
    on = "d between year(w.w_start) and year(w.w_end)" if by_year else "d between w.w_start and w.w_end"
    bounds = [lo.year, hi.year] if by_year else [lo, hi]
    rows = con.execute(
        f"""with w(w_no, w_start, w_end) as (values {w_sql}),
        daily as (
            select {day} as d, {inner} from {table} where unit_code in (select unnest(?::varchar[])) and {day} between ? and ?
            group by {day}
        )
        select w.w_no, {outer} from w join daily on {on} group by w.w_no""",
        w_params + (params or []) + [s.codes] + bounds,
    ).fetchall()
    empty = tuple(0 if a.startswith("count") else None for a in aggregates)
    return [
        tuple(int(v) if v is not None and a.startswith("count") else v for v, a in zip(values, aggregates))
        for values in _by_window(rows, len(spans), empty)
    ]


def registers_many(con: duckdb.DuckDBPyConnection, s, spans: Spans) -> list[dict[str, object]]:
    from etl.indicators import register_figures

    d = _register(
        con,
        s,
        spans,
        "dialogues",
        "dialogue_date",
        ["count(*)", "sum(participants)", "sum(issues_raised)", "sum(issues_answered)"],
    )
    k = _register(
        con,
        s,
        spans,
        "discipline",
        "decision_date",
        ["count(*)", "count(*) filter (where behaviour in (select unnest(?::varchar[])))"],
        [list(HARASSMENT)],
    )
    i = _register(
        con, s, spans, "inspections", "inspection_date", ["count(*)", "sum(officials_checked)", "sum(violations)"]
    )
    o = _register(con, s, spans, "outreach", "event_date", ["count(*)", "sum(participants)"])
    g = _register(con, s, spans, "supervision", "event_date", ["count(*)", "sum(recommendations)", "sum(accepted)"])
    e = _register(con, s, spans, "emulation_models", "recognised_year", ["count(*)"], by_year=True)
    return [register_figures(*parts) for parts in zip(d, k, i, o, g, e)]


def plan_many(con: duckdb.DuckDBPyConnection, s, spans: Spans) -> list[dict[str, object]]:
    """Per window, the tasks of each unit's newest plan inside the window (of two ending the same day, the shorter)."""
    from etl.indicators import ratio

    w_sql, w_params = _windows(spans)
    rows = con.execute(
        f"""with w(w_no, w_start, w_end) as (values {w_sql}),
        ranked as (
            select distinct w.w_no, unit_code, period_key, period_start, period_end from plan_tasks t
            join w on t.period_start >= w.w_start and t.period_end <= w.w_end where t.unit_code in (select unnest(?::varchar[]))
        ), latest as (
            select w_no, unit_code, period_key from ranked
            qualify row_number() over (partition by w_no, unit_code order by period_end desc, period_start desc) = 1
        )
        select w_no, count(*) filter (where progress = 'Hoàn thành'), count(*)
        from plan_tasks join latest using (unit_code, period_key) group by w_no""",
        w_params + [s.codes],
    ).fetchall()
    return [{"plan.tasks": n, "plan.done_rate": ratio(done, n)} for done, n in _by_window(rows, len(spans), (0, 0))]


def petition_dict(n: dict[str, int]) -> dict[str, object]:
    """The petition indicators from setwise.petition_counts' counts (the keys of indicators.petition_stats)."""
    from etl.indicators import ratio

    return {
        "petitions.received": n["received"],
        "petitions.must_resolve": n["must"],
        "petitions.resolved": n["resolved"],
        "petitions.resolution_rate": ratio(n["resolved"], n["must"]),
        "petitions.on_time_rate": ratio(n["on_time"], n["resolved"]),
        "petitions.overdue_open": n["overdue_open"],
        "petitions.crowd_cases": n["crowd"],
    }


def petitions_many(con: duckdb.DuckDBPyConnection, s, spans: Spans, today: date) -> list[dict[str, object]]:
    """Petition figures per window; `today` decides the day open cases are judged on (a window's end, or today)."""
    return [petition_dict(n) for n in setwise.petition_counts(con, s, spans, today)]


FAMILIES = ("tthc", "petitions", "reception", "dialogue", "registers", "plan", "reporting")


def compute_many(
    con: duckdb.DuckDBPyConnection,
    code: str,
    spans: Spans,
    roll_forward: bool = False,
    units: reference.Units | None = None,
    today: date | None = None,
    on_time_days: int = config.ON_TIME_DAYS,
    families: tuple[str, ...] | None = None,
) -> list[dict[str, object]]:
    """indicators.compute for each window [start, end] of `spans`, in order. Windows whose scope is the same set of
    units (all of them, but for a former district on both sides of the merger) share each query. `families` (of
    FAMILIES): only those indicators, for a trend chart that draws one area (a province's trend costs a second)."""
    from etl.indicators import scope

    today = today or config.today()
    out: list[dict | None] = [None] * len(spans)
    parts: dict[tuple, list[int]] = {}
    scopes = [scope(code, a, b, roll_forward, units) for a, b in spans]
    for i, s in enumerate(scopes):
        parts.setdefault(tuple(s.codes), []).append(i)
    for indexes in parts.values():
        mine = [spans[i] for i in indexes]
        first = scopes[indexes[0]]
        s = type(first)(first.code, first.units, min(a for a, _ in mine), max(b for _, b in mine))
        jobs = {
            "tthc": lambda: tthc_many(con, s, mine),
            "petitions": lambda: petitions_many(con, s, mine, today),
            "reception": lambda: reception_many(con, s, mine),
            "dialogue": lambda: [
                {"dialogue.required": r, "dialogue.required_held": h} for r, h in setwise.dialogue_years(con, s, mine)
            ],
            "registers": lambda: registers_many(con, s, mine),
            "plan": lambda: plan_many(con, s, mine),
            "reporting": lambda: coverage.reporting_many(con, list(s.units), mine, on_time_days, today),
        }
        columns = [job() for name, job in jobs.items() if families is None or name in families]
        for pos, i in enumerate(indexes):
            figures: dict[str, object] = {}
            for column in columns:
                figures |= column[pos]
            out[i] = dict(sorted(figures.items()))
    return out
