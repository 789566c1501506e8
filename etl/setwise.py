"""Set-based queries behind etl.indicators: one SQL statement whatever the number of communes in the scope.

The definitions are those of indicators.md, as etl.indicators states them; these queries only move the per-row and
per-unit work from Python into DuckDB (legal deadlines by the rules table, the chairman's reception weeks, monthly
reporting completeness). tests/test_scale.py checks each against the straightforward Python computation.
"""

from __future__ import annotations

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
                   case when list_contains(?, unit_code) then '1' else '0' end as rule_remote
            from petitions where list_contains(?, unit_code) and received_date <= ?
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


def petition_counts(con: duckdb.DuckDBPyConnection, s, start: date, end: date, as_of: date) -> dict[str, int]:
    """The counts behind indicators.petition_stats, aggregated in SQL over the same rows."""
    sql, params = petition_query(s)
    row = con.execute(
        f"""with rows as ({sql}), flagged as (
            select *, coalesce(in_jurisdiction, false) as mine,
                   resolved_date is not null and resolved_date between ? and ? as done
            from rows)
        select count(*) filter (where received_date between ? and ?),
               count(*) filter (where mine and accepted <= ? and (resolved_date is null or resolved_date >= ?)),
               count(*) filter (where mine and done),
               count(*) filter (where mine and done and (deadline is null or resolved_date <= deadline)),
               count(*) filter (where mine and accepted <= ? and (resolved_date is null or resolved_date > ?)
                                      and deadline is not null and deadline < ?),
               count(*) filter (where mine and accepted <= ? and (resolved_date is null or resolved_date >= ?)
                                      and coalesce(is_crowd, false))
        from flagged""",
        params + [start, end, start, end, end, start, end, end, as_of, end, start],
    ).fetchone()
    keys = ("received", "must", "resolved", "on_time", "overdue_open", "crowd")
    return dict(zip(keys, (int(v or 0) for v in row)))


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


def _chair_query(s, host: str) -> tuple[str, list] | None:
    slots = chair_slots(s, host)
    if not slots:
        return None
    slots_sql, slots_params = _values(slots, ("integer", "date", "date", "date", "integer"))
    sql = f"""with slots(kind, first_day, last_day, day, need) as (values {slots_sql}),
        unit_slots as (
            select distinct r.unit_code, slots.* from reports r join slots
              on slots.day between r.period_start and r.period_end
            where list_contains(?, r.unit_code) and slots.day between ? and ?
        ), held as (
            select unit_code, reception_date from receptions where list_contains(?, unit_code)
            and reception_date between ? and ? and host = ? and form = 'Định kỳ'
        )
        select u.unit_code, u.kind, u.first_day, u.last_day, u.need, count(h.reception_date) as held
        from unit_slots u left join held h on h.unit_code = u.unit_code
         and h.reception_date between u.first_day and u.last_day
        group by all"""
    week = timedelta(days=6)
    return sql, slots_params + [s.codes, s.start, s.end, s.codes, s.start - week, s.end + week, host]


def chair_weeks(con: duckdb.DuckDBPyConnection, s, host: str = "Chủ tịch") -> list[tuple]:
    """(unit, 0|1, first day, last day, required, held) for each unit's weeks (months) whose placing day lies in the
    range and in one of the unit's accepted workbooks, with the periodic receptions `host` held in it. Sorted by the
    unit's place in the scope, weeks before months, then by day."""
    query = _chair_query(s, host)
    if query is None:
        return []
    order = {c: i for i, c in enumerate(s.codes)}
    return sorted(con.execute(*query).fetchall(), key=lambda r: (order[r[0]], r[1], r[2]))


def chair_totals(con: duckdb.DuckDBPyConnection, s, host: str = "Chủ tịch") -> tuple[int, int, int]:
    """(slots, days required, slots met) over chair_weeks."""
    query = _chair_query(s, host)
    if query is None:
        return 0, 0, 0
    row = con.execute(f"select count(*), sum(need), count(*) filter (where held >= need) from ({query[0]})", query[1])
    n, need, met = row.fetchone()
    return int(n), int(need or 0), int(met)


def dialogue_years(con: duckdb.DuckDBPyConnection, s) -> tuple[int, int]:
    """(unit-years of the range covered by the unit's workbooks, those of them with a dialogue conference between
    1/1 of the range's first year and its end): indicators.years_required and years_held."""
    row = con.execute(
        """with ys as (select unnest(range(?, ?)) as y),
        covered as (
            select distinct r.unit_code, ys.y from reports r join ys
              on year(greatest(r.period_start, ?::date)) <= ys.y and ys.y <= year(least(r.period_end, ?::date))
            where list_contains(?, r.unit_code) and r.period_start <= ? and r.period_end >= ?
        ), held as (
            select distinct unit_code, year(dialogue_date) as y from dialogues
            where list_contains(?, unit_code) and dialogue_date between ? and ?
        )
        select count(*), count(held.y) from covered left join held using (unit_code, y)""",
        [s.start.year, s.end.year + 1, s.start, s.end, s.codes, s.end, s.start]
        + [s.codes, date(s.start.year, 1, 1), s.end],
    ).fetchone()
    return int(row[0]), int(row[1])


def _cells_query(units: list, start: date, end: date, on_time_days: int, due_of) -> tuple[str, list] | None:
    ms = months(start, end)
    if not units or not ms:
        return None
    month_sql, month_params = _values(
        [(i, m.key, m.start, m.end, due_of(m.end)) for i, m in enumerate(ms)],
        ("integer", "varchar", "date", "date", "boolean"),
    )
    sql = f"""with ms(m_no, key, m_start, m_end, due) as (values {month_sql}),
        us as (
            select unnest(?::varchar[]) as code, unnest(?::date[]) as valid_from, unnest(?::date[]) as valid_to,
                   unnest(range(len(?::varchar[]))) as u_no
        ), rep as (
            select unit_code, period_start as a, period_end as b,
                   first_received_at::date <= period_end + ?::integer as timely
            from reports where list_contains(?, unit_code) and period_start <= ? and period_end >= ?
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
        )
        select m_no, u_no, code, key, due, coalesce(bool_or(not i.timely), false) as covered,
               coalesce(bool_or(i.timely), false) as timely
        from cells c left join islands i on i.unit_code = c.code and i.a <= c.m_start and c.last <= i.b
        group by m_no, u_no, code, key, due"""
    codes = [u.code for u in units]
    params = [codes, [u.valid_from for u in units], [u.valid_to for u in units], codes]
    return sql, month_params + params + [on_time_days, codes, end, start]


def month_cells(con, units: list, start: date, end: date, on_time_days: int, due_of) -> list[dict]:
    """coverage.month_cells in one statement: per unit (existing on the month's first day) and month, on_time when
    the workbooks received within `on_time_days` of their period's end cover the month (up to the unit's last day),
    late when all workbooks do, else missing (not_due before its deadline, `due_of(month_end)`)."""
    query = _cells_query(units, start, end, on_time_days, due_of)
    if query is None:
        return []
    out = []
    for code, key, due, covered, timely in con.execute(
        f"select code, key, due, covered, timely from ({query[0]}) order by m_no, u_no", query[1]
    ).fetchall():
        status = ("on_time" if timely else "late") if covered else ("missing" if due else "not_due")
        out.append({"unit_code": code, "period_key": key, "status": status, "due": due})
    return out


def month_totals(con, units: list, start: date, end: date, on_time_days: int, due_of) -> tuple[int, ...]:
    """coverage.month_rates' counts over month_cells: (months due, received, on time, units expected, units with no
    due month missing, units with every due month on time)."""
    query = _cells_query(units, start, end, on_time_days, due_of)
    if query is None:
        return 0, 0, 0, 0, 0, 0
    row = con.execute(
        f"""select count(*), count(*) filter (where covered), count(*) filter (where covered and timely),
                   count(distinct code), count(distinct code) - count(distinct code) filter (where not covered),
                   count(distinct code) - count(distinct code) filter (where not (covered and timely))
            from ({query[0]}) where due""",
        query[1],
    ).fetchone()
    return tuple(int(v) for v in row)
