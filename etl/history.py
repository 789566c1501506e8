"""The load history as users read it: every accepted file, who loaded it and when, what it replaced, whether it is in force."""

from __future__ import annotations

import duckdb

from etl.indicators import Scope


def count(con: duckdb.DuckDBPyConnection, s: Scope) -> int:
    """How many loads the scope's units have (any period)."""
    return con.execute(
        "select count(*) from load_history where unit_code in (select unnest(?::varchar[]))", [s.codes]
    ).fetchall()[0][0]


def history(con: duckdb.DuckDBPyConnection, s: Scope, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Loads of the scope's units (any period), newest first; `in_force` is False once a newer version replaced it.
    `limit`/`offset`: one page of them (a province has tens of thousands)."""
    has_by = con.execute(
        "select count(*) from duckdb_columns() where table_name = 'load_history' and column_name = 'loaded_by'"
    ).fetchone()[0]
    by = "h.loaded_by" if has_by else "null"  # a database written before the column existed, read-only here
    cur = con.execute(
        f"""
        with final as (
            select h.load_id, h.file_name, {by} as loaded_by, h.loaded_at, h.received_at, h.unit_code, h.period_key,
                   h.replaced_load_id, h.rows_json, h.warnings_json, h.archive_name,
                   r.load_id is not null as in_force,
                   (select min(n.load_id) from load_history n where n.replaced_load_id = h.load_id) as replaced_by
            from load_history h left join reports r using (load_id)
            where h.unit_code in (select unnest(?::varchar[]))
        )
        select * from final order by load_id desc limit ? offset ?""",
        [s.codes, limit if limit is not None else 2**62, offset],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
