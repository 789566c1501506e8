"""Breakdowns, lists and the "Cần chú ý" items behind the pages, on the same scope and definitions as `indicators`."""

from __future__ import annotations

from datetime import date

import duckdb

from etl import coverage, indicators, periods, setwise
from etl.indicators import Scope, ratio

BREAKDOWNS = {  # (table, date column, breakdown column, extra sums)
    "discipline.form": ("discipline", "decision_date", "form", ()),
    "discipline.behaviour": ("discipline", "decision_date", "behaviour", ()),
    "discipline.subject": ("discipline", "decision_date", "subject", ()),
    "discipline.detection": ("discipline", "decision_date", "detection", ()),
    "outreach.form": ("outreach", "event_date", "form", ("participants",)),
    "supervision.organisation": ("supervision", "event_date", "organisation", ("recommendations", "accepted")),
    "supervision.form": ("supervision", "event_date", "form", ("recommendations", "accepted")),
    "reception.host": ("receptions", "reception_date", "host", ("citizens", "cases")),
    "reception.form": ("receptions", "reception_date", "form", ("visits", "citizens", "cases", "crowd_groups")),
    "dialogue.mode": ("dialogues", "dialogue_date", "mode", ("participants", "issues_raised", "issues_answered")),
}


def breakdown(con: duckdb.DuckDBPyConnection, s: Scope, name: str) -> list[dict]:
    """Rows per value of a register column in the range: count and the sums the register carries."""
    table, day, column, sums = BREAKDOWNS[name]
    extra = "".join(f", sum({c}) as {c}" for c in sums)
    cur = con.execute(
        f"select {column} as value, count(*) as count{extra} from {table} "
        f"where unit_code in (select unnest(?::varchar[])) and {day} between ? and ? group by all order by count desc, value",
        [s.codes, s.start, s.end],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def tthc_by_field(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    cur = con.execute(
        """
        with rows_in_range as (
            select * from tthc where unit_code in (select unnest(?::varchar[])) and period_start >= ? and period_end <= ?
        ), final as (
            select field, sum(received_online) as received_online, sum(received_offline) as received_offline,
                   sum(resolved_early) as resolved_early, sum(resolved_on_time) as resolved_on_time,
                   sum(resolved_late) as resolved_late,
                   sum(carried_over) filter (where period_start = (select min(period_start) from rows_in_range)) as carried_over,
                   sum(pending_on_time) filter (where period_end = (select max(period_end) from rows_in_range)) as pending_on_time_end,
                   sum(pending_overdue) filter (where period_end = (select max(period_end) from rows_in_range)) as pending_overdue_end
            from rows_in_range group by field
        )
        select * from final order by received_online + received_offline desc""",
        [s.codes, s.start, s.end],
    )
    names = [d[0] for d in cur.description]
    out = []
    for r in cur.fetchall():
        row = dict(zip(names, r))
        resolved = row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
        row["on_time_rate"] = ratio(row["resolved_early"] + row["resolved_on_time"], resolved)
        row["online_rate"] = ratio(row["received_online"], row["received_online"] + row["received_offline"])
        row["pending_overdue_end"] = row["pending_overdue_end"] or 0
        row["pending_on_time_end"] = row["pending_on_time_end"] or 0
        row["carried_over"] = row["carried_over"] or 0
        out.append(row)
    return out


def open_cases(con: duckdb.DuckDBPyConnection, s: Scope, today: date | None = None) -> list[dict]:
    """Cases under the commune's jurisdiction still open at the end of the range, most overdue first (no notes)."""
    return setwise.open_cases(con, s, indicators.as_of(s.end, today))


def petition_breakdowns(
    con: duckdb.DuckDBPyConnection, s: Scope, today: date | None = None
) -> dict[str, dict[str, dict]]:
    from etl.windowed import petition_dict

    bys = ("petition_type", "field")  # both splits from one pass over the cases
    split = setwise.petition_counts(con, s, [(s.start, s.end)], indicators.as_of(s.end, today), bys)
    return {by: {value: petition_dict(counts) for value, counts in split[by][0].items()} for by in bys}


def dialogues(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    cur = con.execute(
        """select unit_code, dialogue_date, topic, host, mode, participants, issues_raised, issues_answered
                         from dialogues where unit_code in (select unnest(?::varchar[])) and dialogue_date between ? and ? order by dialogue_date""",
        [s.codes, s.start, s.end],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def emulation_models(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    cur = con.execute(
        """select unit_code, model_name, field, recognised_year, level, is_rewarded from emulation_models
                         where unit_code in (select unnest(?::varchar[])) and recognised_year between ? and ? order by recognised_year, model_name""",
        [s.codes, s.start.year, s.end.year],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def plan_tasks(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    """Each unit's latest «Kế hoạch» in the range (the rows `plan.done_rate` counts)."""
    cur = con.execute(
        """
        with ranked as (
            select distinct unit_code, period_key, period_start, period_end from plan_tasks
            where unit_code in (select unnest(?::varchar[])) and period_start >= ? and period_end <= ?
        ), latest as (
            select unit_code, period_key from ranked
            qualify row_number() over (partition by unit_code order by period_end desc, period_start desc) = 1
        ), final as (
            select unit_code, period_key, task_code, content, progress, percent from plan_tasks join latest using (unit_code, period_key)
        )
        select * from final order by unit_code, task_code""",
        [s.codes, s.start, s.end],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def loads(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    """Workbooks in force for the scope's units that overlap the range, with when they were loaded and their warnings."""
    cur = con.execute(
        """select r.unit_code, r.period_key, r.period_start, r.period_end, h.file_name, h.loaded_at,
                                r.first_received_at, h.rows_json, h.warnings_json, h.replaced_load_id, h.load_id
                         from reports r join load_history h using (load_id)
                         where r.unit_code in (select unnest(?::varchar[])) and r.period_start <= ? and r.period_end >= ?
                         order by r.period_start, r.unit_code""",
        [s.codes, s.end, s.start],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def reporting_grid(
    con: duckdb.DuckDBPyConnection, s: Scope, on_time_days: int, today: date | None = None
) -> list[dict]:
    """Per unit and month of the range: on_time / late / missing / not_due (none where the unit did not exist)."""
    return coverage.month_cells(con, list(s.units), s.start, s.end, on_time_days, today)


def attention(con: duckdb.DuckDBPyConnection, s: Scope, on_time_days: int) -> list[dict]:
    """«Cần chú ý» (etl.attention): most serious first, repeated items folded."""
    from etl.attention import attention as items

    return items(con, s, on_time_days)


def tthc_resolution_by_period(
    con: duckdb.DuckDBPyConnection, s: Scope, bounds: tuple[tuple[date, date], ...]
) -> list[dict]:
    """Resolved early / on time / late per sub-range (the points of a trend), same row rule as `indicators.tthc`; None where no rows."""
    cur = con.execute(
        """
        with points as (
            select unnest(range(len(?))) as i, unnest(?) as start_date, unnest(?) as end_date
        ), final as (
            select i, sum(t.resolved_early) as resolved_early, sum(t.resolved_on_time) as resolved_on_time,
                   sum(t.resolved_late) as resolved_late, count(t.unit_code) as n
            from points left join tthc t
              on t.unit_code in (select unnest(?::varchar[])) and t.period_start >= points.start_date and t.period_end <= points.end_date
            group by i
        )
        select * from final order by i""",
        [[a for a, _ in bounds], [a for a, _ in bounds], [b for _, b in bounds], s.codes],
    )
    out = []
    for _, early, on_time, late, n in cur.fetchall():
        out.append(
            {"resolved_early": early or 0, "resolved_on_time": on_time or 0, "resolved_late": late or 0} if n else None
        )
    return out


def chair_weeks(con: duckdb.DuckDBPyConnection, s: Scope, codes: tuple[str, ...] | None = None) -> list[dict]:
    """Each week (or month, per the rule in force) of the chairman's periodic reception: days held against the rule;
    with `codes`, only those units' (a page of a large group: each unit's weeks depend on its own reports alone)."""
    if codes is not None:
        keep = set(codes)
        s = Scope(s.code, tuple(u for u in s.units if u.code in keep), s.start, s.end)
    return indicators.chair_weeks(con, s)


def chair_ranking(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    """The units that have chairman's reception weeks (months) in the range, most weeks short of the rule first (then
    the lower share met, then the scope's order): {unit_code, slots, met}."""
    order = {c: i for i, c in enumerate(s.codes)}
    rows = [{"unit_code": c, "slots": n, "met": met} for c, (n, _, met) in setwise.chair_by_unit(con, s).items()]
    return sorted(rows, key=lambda r: (r["met"] - r["slots"], r["met"] / r["slots"], order[r["unit_code"]]))


PLAN_STAGES = {"Hoàn thành": "done", "Đang thực hiện": "in_progress", "Chưa triển khai": "not_started"}


def plan_progress(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    """Per task code over the units' latest «Kế hoạch» in the range: how many units have it done, in progress, not started."""
    out: dict[str, dict] = {}
    for r in plan_tasks(con, s):
        row = out.setdefault(
            r["task_code"],
            {
                "task_code": r["task_code"],
                "content": r["content"],
                "units": 0,
                "done": 0,
                "in_progress": 0,
                "not_started": 0,
            },
        )
        row["units"] += 1
        row[PLAN_STAGES[r["progress"]]] += 1
    return list(out.values())


def reporting_summary(con: duckdb.DuckDBPyConnection, s: Scope, on_time_days: int) -> list[dict]:
    """Per month of the range, the unit names on time / late / missing, and not yet due (missing before its deadline)."""
    names = {u.code: u.name for u in s.units}
    out = {
        m.key: {"period_key": m.key, "on_time": [], "late": [], "missing": [], "not_due": [], "due": False}
        for m in periods.months(s.start, s.end)
    }
    for r in reporting_grid(con, s, on_time_days):
        row = out[r["period_key"]]
        row["due"] = r["due"]
        row[r["status"]].append(names[r["unit_code"]])
    return list(out.values())
