"""Set-based queries behind etl.indicators: one SQL statement whatever the number of communes in the scope.

The definitions are those of indicators.md, as etl.indicators states them; these queries only move the per-row and
per-unit work from Python into DuckDB (legal deadlines by the rules table, the chairman's reception weeks, monthly
reporting completeness). tests/test_scale.py checks each against the straightforward Python computation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb

from etl import reference
from etl.periods import iso_weeks, months


def _values(rows: list[tuple], types: tuple[str, ...]) -> tuple[str, list]:
    """A VALUES list of typed placeholders for `rows` (at least one row: an empty table gets a row of nulls that
    matches nothing)."""
    one = "(" + ", ".join(f"?::{t}" for t in types) + ")"
    rows = rows or [(None,) * len(types)]
    return ", ".join([one] * len(rows)), [v for r in rows for v in r]


def _deadline_rules() -> tuple[str, list]:
    rules = [
        (i, r["petition_type"], r["complexity"], r["is_remote"], int(r["days"]), r.valid_from, r.valid_to)
        for i, r in enumerate(reference.rules("deadline_rules"))
    ]
    return _values(rules, ("integer", "varchar", "varchar", "varchar", "integer", "date", "date"))


def petition_query(s) -> tuple[str, list]:
    """Petition cases of the scope that matter for [start, end], each with its accepted date and legal deadline: the
    first rule of deadline_rules.csv (file order) for its type, complexity (empty: Thường) and remoteness in force on
    the accepted day; no rule, no deadline. Rows in table order."""
    rules_sql, rules_params = _deadline_rules()
    remote = [u.code for u in s.units if u.is_remote]
    sql = f"""
        with rules(ord, petition_type, complexity, is_remote, days, valid_from, valid_to) as (values {rules_sql}),
        cases as (
            select rowid as row_no, unit_code, case_id, received_date,
                   coalesce(accepted_date, received_date) as accepted, petition_type, field, in_jurisdiction,
                   complexity, resolved_date, is_crowd,
                   coalesce(nullif(complexity, ''), 'Thường') as rule_complexity,
                   case when unit_code in (select unnest(?::varchar[])) then '1' else '0' end as rule_remote
            from petitions where unit_code in (select unnest(?::varchar[])) and received_date <= ?
              and (resolved_date is null or resolved_date >= ? or received_date >= ?)
        ), keys as (  -- the rule depends on these four only: match each combination once, not each case
            select distinct petition_type, rule_complexity, rule_remote, accepted from cases
        ), matched as (
            select k.*, min_by(r.days, r.ord) as days from keys k join rules r
              on r.petition_type = k.petition_type and r.complexity in ('*', k.rule_complexity)
             and r.is_remote in ('*', k.rule_remote) and r.valid_from <= k.accepted
             and (r.valid_to is null or k.accepted <= r.valid_to)
            group by all
        )
        select row_no, unit_code, case_id, received_date, accepted, petition_type, field, in_jurisdiction, complexity,
               resolved_date, is_crowd, accepted + m.days as deadline
        from cases left join matched m using (petition_type, rule_complexity, rule_remote, accepted)"""
    return sql, rules_params + [remote, s.codes, s.end, s.start, s.start]


def petition_rows(con: duckdb.DuckDBPyConnection, s) -> list[dict]:
    sql, params = petition_query(s)
    cur = con.execute(f"select * exclude (row_no) from ({sql}) order by row_no", params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values)) for values in cur.fetchall()]


def _spans(spans: list[tuple[date, date]]) -> tuple[str, list]:
    """The windows as a VALUES list w(w_no, w_start, w_end)."""
    return _values([(i, a, b) for i, (a, b) in enumerate(spans)], ("integer", "date", "date"))


BY = ("petition_type", "field", "unit_code")  # the columns petitions may be split by


def petition_counts(con: duckdb.DuckDBPyConnection, s, spans: list, today: date, by=None) -> list | dict:
    """The counts behind indicators.petition_stats for each window [start, end] of `spans` (s: the scope over all of
    them), aggregated in SQL over the rows petition_rows would give for that window: a dict of counts per window, or
    with `by` (one of BY) per window a dict {value: counts}, values sorted; with a tuple of BY, {by: that} for each,
    from one pass over the rows (grouping sets)."""
    bys = () if by is None else (by,) if isinstance(by, str) else tuple(by)
    if any(b not in BY for b in bys):
        raise ValueError(by)
    sql, params = petition_query(s)
    spans_sql, spans_params = _spans(spans)
    n = max(1, len(bys))
    keys = ", ".join(f"rows.{b} as k{i}" for i, b in enumerate(bys)) if bys else "null as k0"
    rows = con.execute(
        f"""with w(w_no, w_start, w_end) as (values {spans_sql}), rows as ({sql}), flagged as (
            select w.*, least(w_end, ?::date) as as_of, {keys}, rows.*,
                   coalesce(in_jurisdiction, false) as mine,
                   resolved_date is not null and resolved_date between w_start and w_end as done
            from rows join w on received_date <= w_end
             and (resolved_date is null or resolved_date >= w_start or received_date >= w_start))
        select w_no, {", ".join(f"grouping(k{i})" for i in range(n))}, {", ".join(f"k{i}" for i in range(n))},
               count(*) filter (where received_date between w_start and w_end),
               count(*) filter (where mine and accepted <= w_end
                                      and (resolved_date is null or resolved_date >= w_start)),
               count(*) filter (where mine and done),
               count(*) filter (where mine and done and (deadline is null or resolved_date <= deadline)),
               count(*) filter (where mine and accepted <= w_end and (resolved_date is null or resolved_date > w_end)
                                      and deadline is not null and deadline < as_of),
               count(*) filter (where mine and accepted <= w_end
                                      and (resolved_date is null or resolved_date >= w_start)
                                      and coalesce(is_crowd, false))
        from flagged group by grouping sets ({", ".join(f"(w_no, k{i})" for i in range(n))})
        order by all""",
        spans_params + params + [today],
    ).fetchall()
    names = ("received", "must", "resolved", "on_time", "overdue_open", "crowd")
    split: dict[str, list[dict]] = {b: [{} for _ in spans] for b in bys}
    out = [dict.fromkeys(names, 0) for _ in spans]
    for w_no, *rest in rows:
        flags, values, counts = rest[:n], rest[n : 2 * n], dict(zip(names, (int(v or 0) for v in rest[2 * n :])))
        i = flags.index(0)  # the grouping set of this row: its key is not aggregated away
        if bys:
            split[bys[i]][w_no][values[i]] = counts
        else:
            out[w_no] = counts
    if isinstance(by, str):
        return split[by]
    return split if bys else out


def open_cases(con: duckdb.DuckDBPyConnection, s, as_of: date) -> list[dict]:
    """Cases under the jurisdiction of the scope's units still open at the end of the range, with the days they are
    overdue on `as_of` (0 when not, or without a deadline), most overdue first, then by accepted day, then table order."""
    sql, params = petition_query(s)
    cur = con.execute(
        f"""select unit_code, case_id, petition_type, field, accepted, deadline,
                   greatest(0, coalesce(datediff('day', deadline, ?::date), 0))::integer as days_overdue
            from ({sql}) where coalesce(in_jurisdiction, false) and accepted <= ?
              and (resolved_date is null or resolved_date > ?)
            order by days_overdue desc, accepted, row_no""",
        [as_of] + params + [s.end, s.end],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values)) for values in cur.fetchall()]


def chair_slots(s, host: str = "Chủ tịch") -> list[tuple[int, date, date, date, int]]:
    """(0 week | 1 month, first day, last day, the day that places it, required days) of every week or month of the
    range the reception rule in force covers, before looking at any unit (the same for all)."""
    rules = [r for r in reference.rules("reception_rules") if r["host"] == host]
    out = []
    for monday in iso_weeks(s.start, s.end):
        thursday = monday + timedelta(days=3)
        rule = next((r for r in rules if r["per"] == "week" and r.in_force(thursday)), None)
        if rule:
            out.append((0, monday, monday + timedelta(days=6), thursday, int(rule["min_days"])))
    for m in months(s.start, s.end):
        rule = next((r for r in rules if r["per"] == "month" and r.in_force(m.start)), None)
        if rule:
            out.append((1, m.start, m.end, m.start, int(rule["min_days"])))
    return out


def _chair_query(s, host: str, spans: list) -> tuple[str, list] | None:
    """Each distinct slot is counted once for all windows (a year-to-date series shares most of them): a slot is the
    week (month), its placing day and the days receptions are counted on — the slot, within 6 days of its window."""
    week = timedelta(days=6)
    slot_ids: dict[tuple, int] = {}
    per_window = []
    for w, (a, b) in enumerate(spans):
        for kind, first, last, day, need in chair_slots(replace(s, start=a, end=b), host):
            if a <= day <= b:  # the placing day inside the window (a month begun before it is not the window's)
                key = (kind, first, last, day, need, max(first, a - week), min(last, b + week))
                per_window.append((w, slot_ids.setdefault(key, len(slot_ids))))
    if not per_window:
        return None
    slots_sql, slots_params = _values(
        [(i, *key) for key, i in slot_ids.items()],
        ("integer", "integer", "date", "date", "date", "integer", "date", "date"),
    )
    map_sql, map_params = _values(per_window, ("integer", "integer"))
    sql = f"""with slots(slot_id, kind, first_day, last_day, day, need, held_from, held_to) as (values {slots_sql}),
        window_slots(w_no, slot_id) as (values {map_sql}),
        unit_slots as (
            select distinct r.unit_code, slots.slot_id from reports r join slots
              on slots.day between r.period_start and r.period_end
            where r.unit_code in (select unnest(?::varchar[]))
        ), held as (
            select unit_code, reception_date from receptions where unit_code in (select unnest(?::varchar[]))
            and reception_date between ? and ? and host = ? and form = 'Định kỳ'
        ), counted as (
            select u.unit_code, u.slot_id, count(h.reception_date) as held
            from unit_slots u join slots using (slot_id) left join held h on h.unit_code = u.unit_code
             and h.reception_date between slots.held_from and slots.held_to
            group by all
        )
        select ws.w_no, c.unit_code, slots.kind, slots.first_day, slots.last_day, slots.need, c.held
        from counted c join slots using (slot_id) join window_slots ws using (slot_id)"""
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    return sql, slots_params + map_params + [s.codes, s.codes, lo - week, hi + week, host]


def chair_weeks(con: duckdb.DuckDBPyConnection, s, host: str = "Chủ tịch", missed_only: bool = False) -> list[tuple]:
    """(unit, 0|1, first day, last day, required, held) for each unit's weeks (months) whose placing day lies in the
    range and in one of the unit's accepted workbooks, with the periodic receptions `host` held in it (from 6 days
    before the range to 6 days after). Sorted by the unit's place in the scope, weeks before months, then by day."""
    query = _chair_query(s, host, [(s.start, s.end)])
    if query is None:
        return []
    order = {c: i for i, c in enumerate(s.codes)}
    sql = f"select * from ({query[0]}) where held < need" if missed_only else query[0]
    rows = [r[1:] for r in con.execute(sql, query[1]).fetchall()]
    return sorted(rows, key=lambda r: (order[r[0]], r[1], r[2]))


def chair_totals(con: duckdb.DuckDBPyConnection, s, spans: list, host: str = "Chủ tịch") -> list[tuple[int, int, int]]:
    """(slots, days required, slots met) over chair_weeks, for each window of `spans`."""
    query = _chair_query(s, host, spans)
    out = [(0, 0, 0)] * len(spans)
    if query is None:
        return out
    for w_no, n, need, met in con.execute(
        f"select w_no, count(*), sum(need), count(*) filter (where held >= need) from ({query[0]}) group by w_no",
        query[1],
    ).fetchall():
        out[w_no] = (int(n), int(need or 0), int(met))
    return out


def chair_by_unit(con: duckdb.DuckDBPyConnection, s, host: str = "Chủ tịch") -> dict[str, tuple[int, int, int]]:
    """chair_totals per unit of the scope over [s.start, s.end]: {unit: (slots, days required, slots met)}; units
    without any slot are left out."""
    query = _chair_query(s, host, [(s.start, s.end)])
    if query is None:
        return {}
    rows = con.execute(
        f"select unit_code, count(*), sum(need), count(*) filter (where held >= need) from ({query[0]}) group by 1",
        query[1],
    ).fetchall()
    return {code: (int(n), int(need or 0), int(met)) for code, n, need, met in rows}


def dialogue_years(con: duckdb.DuckDBPyConnection, s, spans: list) -> list[tuple[int, int]]:
    """For each window: (unit-years of the window covered by the unit's workbooks, those of them with a dialogue
    conference between 1/1 of the window's first year and its end): indicators.years_required and years_held."""
    spans_sql, spans_params = _spans(spans)
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    rows = con.execute(
        f"""with w(w_no, w_start, w_end) as (values {spans_sql}),
        ys as (select w_no, w_start, w_end, unnest(range(year(w_start), year(w_end) + 1)) as y from w),
        covered as (
            select distinct ys.w_no, r.unit_code, ys.y from reports r join ys
              on r.period_start <= ys.w_end and r.period_end >= ys.w_start
             and year(greatest(r.period_start, ys.w_start)) <= ys.y and ys.y <= year(least(r.period_end, ys.w_end))
            where r.unit_code in (select unnest(?::varchar[])) and r.period_start <= ? and r.period_end >= ?
        ), held as (
            select distinct w.w_no, unit_code, year(dialogue_date) as y from dialogues join w
              on dialogue_date between make_date(year(w.w_start), 1, 1) and w.w_end
            where unit_code in (select unnest(?::varchar[]))
        )
        select covered.w_no, count(*), count(held.y) from covered left join held using (w_no, unit_code, y)
        group by covered.w_no""",
        spans_params + [s.codes, hi, lo, s.codes],
    ).fetchall()
    out = [(0, 0)] * len(spans)
    for w_no, required, held in rows:
        out[w_no] = (int(required), int(held))
    return out


def _cells_query(units: list, spans: list, on_time_days: int, due_of) -> tuple[str, list] | None:
    month_ids: dict = {}  # a month's cells do not depend on the window: each month once for all windows
    per_window = [(w, month_ids.setdefault(m, len(month_ids))) for w, (a, b) in enumerate(spans) for m in months(a, b)]
    if not units or not per_window:
        return None
    month_sql, month_params = _values(
        [(i, m.key, m.start, m.end, due_of(m.end)) for m, i in month_ids.items()],
        ("integer", "varchar", "date", "date", "boolean"),
    )
    map_sql, map_params = _values(per_window, ("integer", "integer"))
    sql = f"""with ms(m_no, key, m_start, m_end, due) as (values {month_sql}),
        window_months(w_no, m_no) as (values {map_sql}),
        us as (
            select unnest(?::varchar[]) as code, unnest(?::date[]) as valid_from, unnest(?::date[]) as valid_to,
                   unnest(range(len(?::varchar[]))) as u_no
        ), rep as (
            select unit_code, period_start as a, period_end as b,
                   first_received_at::date <= period_end + ?::integer as timely
            from reports where unit_code in (select unnest(?::varchar[])) and period_start <= ? and period_end >= ?
        ), islands as (  -- merged spans: of all workbooks (timely = false) and of the timely ones (timely = true)
            select unit_code, timely, min(a) as a, max(b) as b from (
                select *, sum(case when prev_end is null or a > prev_end + 1 then 1 else 0 end)
                          over (partition by unit_code, timely order by a, b rows unbounded preceding) as island
                from (
                    select unit_code, k.timely, a, b, max(b) over (partition by unit_code, k.timely order by a, b
                           rows between unbounded preceding and 1 preceding) as prev_end
                    from rep join (values (false), (true)) k(timely) on rep.timely or not k.timely
                )
            ) group by unit_code, timely, island
        ), cells as (
            select u_no, m_no, code, key, due, m_start, least(m_end, coalesce(valid_to, m_end)) as last
            from us join ms on valid_from <= m_start and (valid_to is null or m_start <= valid_to)
        ), statuses as (
            select m_no, u_no, code, key, due, coalesce(bool_or(not i.timely), false) as covered,
                   coalesce(bool_or(i.timely), false) as timely
            from cells c left join islands i on i.unit_code = c.code and i.a <= c.m_start and c.last <= i.b
            group by m_no, u_no, code, key, due
        )
        select w_no, statuses.* from statuses join window_months using (m_no)"""
    codes = [u.code for u in units]
    params = [codes, [u.valid_from for u in units], [u.valid_to for u in units], codes]
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    return sql, month_params + map_params + params + [on_time_days, codes, hi, lo]


def month_cells(con, units: list, start: date, end: date, on_time_days: int, due_of) -> list[dict]:
    """coverage.month_cells in one statement: per unit (existing on the month's first day) and month, on_time when
    the workbooks received within `on_time_days` of their period's end cover the month (up to the unit's last day),
    late when all workbooks do, else missing (not_due before its deadline, `due_of(month_end)`)."""
    query = _cells_query(units, [(start, end)], on_time_days, due_of)
    if query is None:
        return []
    out = []
    for code, key, due, covered, timely in con.execute(
        f"select code, key, due, covered, timely from ({query[0]}) order by m_no, u_no", query[1]
    ).fetchall():
        status = ("on_time" if timely else "late") if covered else ("missing" if due else "not_due")
        out.append({"unit_code": code, "period_key": key, "status": status, "due": due})
    return out


def month_totals(con, units: list, spans: list, on_time_days: int, due_of) -> list[tuple[int, ...]]:
    """coverage.month_rates' counts over month_cells, for each window: (months due, received, on time, units expected,
    units with no due month missing, units with every due month on time)."""
    out = [(0, 0, 0, 0, 0, 0)] * len(spans)
    query = _cells_query(units, spans, on_time_days, due_of)
    if query is None:
        return out
    for w_no, *values in con.execute(
        f"""select w_no, count(*), count(*) filter (where covered), count(*) filter (where covered and timely),
                   count(distinct code), count(distinct code) - count(distinct code) filter (where not covered),
                   count(distinct code) - count(distinct code) filter (where not (covered and timely))
            from ({query[0]}) where due group by w_no""",
        query[1],
    ).fetchall():
        out[w_no] = tuple(int(v) for v in values)
    return out
