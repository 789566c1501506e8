"""One round of a batch (files of different units) written in bulk: the statements of etl.load.load_bytes, each run
once for all the round's files instead of once per file. Same checks, same messages, same rows."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from etl import db, load
from etl.load import (
    _REPLACE_EMPTY,
    LoadResult,
    _content,
    _is_loss,
    _schema,
    clash_problems,
    dated_note,
    loss_text,
    stock_problems,
)
from etl.specs import SHEETS
from etl.validate import Parsed, Problem


@dataclass
class Item:
    file: object  # etl.batch._File
    parsed: Parsed
    archive_name: str
    load_id: int = 0
    result: LoadResult | None = None
    replaced: tuple | None = None
    notes: list = field(default_factory=list)
    archived: bool = False


def _keys(items: list[Item]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "i": n,
                "unit_code": it.parsed.unit_code,
                "period_key": it.parsed.period.key,
                "period_start": it.parsed.period.start,
                "period_end": it.parsed.period.end,
                "sheets": sorted(it.parsed.tables),
            }
            for n, it in enumerate(items)
        ],
        pa.schema(
            [
                ("i", pa.int32()),
                ("unit_code", pa.string()),
                ("period_key", pa.string()),
                ("period_start", pa.date32()),
                ("period_end", pa.date32()),
                ("sheets", pa.list_(pa.string())),
            ]
        ),
    )


def _context(con, items: list[Item]) -> dict[int, list[Problem]]:
    """etl.load._context_problems for every file of the round: two queries in all."""
    with_tthc = {n for n, it in enumerate(items) if it.parsed.tables.get("TTHC")}
    clashes, previous = {n: [] for n in with_tthc}, {n: {} for n in with_tthc}
    if with_tthc:
        for n, key in con.execute(
            "select distinct k.i, t.period_key from tthc t join batch_keys k on t.unit_code = k.unit_code and "
            "t.period_key <> k.period_key and t.period_start <= k.period_end and t.period_end >= k.period_start "
            "order by 1, 2"
        ).fetchall():
            clashes.get(n, []).append(key)
        for n, fld, stock in con.execute(
            "select k.i, t.field, t.pending_on_time + t.pending_overdue from tthc t join batch_keys k on "
            "t.unit_code = k.unit_code and t.period_end = k.period_start - interval 1 day"
        ).fetchall():
            previous.get(n, {})[fld] = stock
    return {
        n: clash_problems(it.parsed, clashes[n]) + stock_problems(it.parsed, previous[n]) if n in with_tthc else []
        for n, it in enumerate(items)
    }


def _incoming(items: list[Item], spec) -> pa.Table | None:
    rows = []
    for it in items:
        p = it.parsed.period
        base = {
            "load_id": it.load_id,
            "unit_code": it.parsed.unit_code,
            "period_key": p.key,
            "period_start": p.start,
            "period_end": p.end,
        }
        rows += [
            base | {c.name: r[c.name] for c in spec.columns} | {"source_row": r["source_row"]}
            for r in it.parsed.tables.get(spec.name) or []
        ]
    return pa.Table.from_pylist(rows, _schema(spec)) if rows else None


def _apply(con, items: list[Item]) -> None:
    """etl.load._apply for all files of the round, one delete and one insert per table."""
    for spec in SHEETS:
        t = spec.table
        if spec.replace == "period":
            con.execute(
                f"delete from {t} using batch_keys k where {t}.unit_code = k.unit_code and {t}.period_key = k.period_key"
            )
        elif spec.replace == "dated":
            where = (
                f"from {t} join batch_keys k on {t}.unit_code = k.unit_code and {t}.{spec.date_column} between "
                f"k.period_start and k.period_end where list_contains(k.sheets, '{spec.name}')"
            )
            for n, count, keys in con.execute(
                f"select k.i, count(*), string_agg(distinct {t}.period_key, ', ' order by {t}.period_key) {where} "
                f"and {t}.period_key <> k.period_key group by k.i order by k.i"
            ).fetchall():
                items[n].notes.append(dated_note(items[n].parsed, spec.name, count, keys))
            con.execute(
                f"delete from {t} using batch_keys k where {t}.unit_code = k.unit_code and ("
                f"(list_contains(k.sheets, '{spec.name}') and {t}.{spec.date_column} between k.period_start and "
                f"k.period_end) or (not list_contains(k.sheets, '{spec.name}') and {t}.period_key = k.period_key))"
            )
        incoming = _incoming(items, spec)
        if incoming is None:
            continue
        con.register("incoming", incoming)
        if spec.replace == "upsert":
            key = spec.upsert_key[0]
            con.execute(
                f"delete from {t} using incoming i where {t}.unit_code = i.unit_code and {t}.{key} = i.{key} "
                f"and {t}.period_end <= i.period_end"
            )
            con.execute(
                f"insert into {t} by name select * from incoming i where i.{key} not in "
                f"(select x.{key} from {t} x where x.unit_code = i.unit_code)"
            )
        else:
            con.execute(f"insert into {t} by name select * from incoming")
        con.unregister("incoming")
        for it in items:
            if it.parsed.tables.get(spec.name):
                it.result.rows[spec.name] = len(it.parsed.tables[spec.name])


def _replaced(con, items: list[Item]) -> None:
    for n, load_id, first, version in con.execute(
        "select k.i, r.load_id, r.first_received_at, r.load_id || ':' || h.file_hash from batch_keys k join reports r "
        "on r.unit_code = k.unit_code and r.period_key = k.period_key left join load_history h using (load_id)"
    ).fetchall():
        items[n].replaced = (load_id, first, version)


_S, _D, _I, _T = pa.string(), pa.date32(), pa.int32(), pa.timestamp("us")
REPORTS = pa.schema(
    list(zip("unit_code period_key period_kind period_start period_end unit_name prepared_by prepared_date approved_by "
             "load_id first_received_at received_at".split(), (_S, _S, _S, _D, _D, _S, _S, _D, _S, _I, _T, _T)))
)  # fmt: skip
HISTORY = pa.schema(
    list(zip("load_id file_name file_hash archive_name unit_code period_key loaded_at received_at rows_json "
             "warnings_json replaced_load_id loaded_by".split(), (_I, _S, _S, _S, _S, _S, _T, _T, _S, _S, _I, _S)))
)  # fmt: skip


def _record(con, items: list[Item]) -> None:
    """etl.load._record for the round: the reports and the load history, in bulk."""
    reports, history = [], []
    for it in items:
        p, info, r = it.parsed.period, it.parsed.info, it.result
        received_at, loaded_at = it.file.received_at, it.file.loaded_at
        first = min(it.replaced[1], received_at) if it.replaced else received_at
        reports.append(
            (it.parsed.unit_code, p.key, p.kind, p.start, p.end, info.get("unit_name"), info.get("prepared_by"),
             info.get("prepared_date"), info.get("approved_by"), it.load_id, first, received_at)
        )  # fmt: skip
        warnings = [{"where": w.where, "message": w.message} for w in r.warnings]
        history.append(
            (it.load_id, it.file.name, it.file.digest, it.archive_name, it.parsed.unit_code, p.key, loaded_at,
             received_at, json.dumps(r.rows, ensure_ascii=False), json.dumps(warnings, ensure_ascii=False),
             it.replaced[0] if it.replaced else None, it.file.loaded_by)
        )  # fmt: skip
    con.execute(
        "delete from reports using batch_keys k where reports.unit_code = k.unit_code and reports.period_key = k.period_key"
    )
    for table, rows, schema in (("reports", reports, REPORTS), ("load_history", history, HISTORY)):
        con.register("batch_rows", pa.Table.from_pylist([dict(zip(schema.names, r)) for r in rows], schema))
        con.execute(f"insert into {table} by name select * from batch_rows")  # one statement, not one a row
        con.unregister("batch_rows")
    con.execute("update meta set value = value + ? where key = 'data_version'", [len(items)])


def _archive_all(archive: Path, items: list[Item]) -> None:
    """etl.load._archive for the round: each copy on disk (fsync) before the commit, the folder flushed once."""
    created = not archive.exists()
    todo = [it for it in items if not it.file.archived_as and not (archive / it.archive_name).exists()]
    for it in todo:
        it.archived = True  # this round writes the copy: it goes if the round fails
    if todo:
        archive.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(8) as pool:  # fsync waits on the disk, not the CPU: many at once
            list(pool.map(lambda it: load._archive(archive, it.file.name, it.file.data, it.file.digest, False), todo))
    db.fsync_path(archive)
    if created:
        db.fsync_path(archive.parent)


def write_round(con, items: list[Item], archive: Path) -> list[Item]:
    """Write the round; the files refused on what is loaded get their result and are left out. Returns the loaded."""
    replace_empty = _REPLACE_EMPTY.get()  # a replay (rebuild) is never refused: see below
    while items:
        con.register("batch_keys", _keys(items))
        context = _context(con, items)
        refused = []
        for n, it in enumerate(items):
            it.notes, it.replaced = [], None
            problems = it.parsed.problems + context[n]
            it.result = LoadResult(it.parsed.file_name, "rejected", it.parsed.unit_code, it.parsed.period, problems)
            if any(p.severity == "error" for p in problems):
                refused.append(it)
        if refused:
            items = [it for it in items if it not in refused]
            continue
        _replaced(con, items)
        before = {id(it): _content(con, it.parsed.unit_code, it.parsed.period) for it in items if it.replaced}
        con.begin()
        _apply(con, items)
        for it in items:
            if it.replaced and before[id(it)]:
                after = _content(con, it.parsed.unit_code, it.parsed.period)
                if _is_loss(before[id(it)], after):
                    it.result.loss = {"before": before[id(it)], "after": after}
                    if not (replace_empty or it.file.archived_as):
                        refused.append(it)
        if refused:
            con.rollback()
            for it in refused:
                it.result.refusal, it.result.rows = "loss", {}
                text = loss_text(it.result) + "; thêm --replace-empty nếu đúng là muốn thay."
                it.result.problems.append(Problem(it.result.file_name, "", "", text))
            items = [it for it in items if it not in refused]
            continue
        for it in items:
            it.result.problems += it.notes
        _record(con, items)
        _archive_all(archive, items)
        con.commit()
        con.unregister("batch_keys")
        for it in items:
            r = it.result
            r.status, r.load_id = "loaded", it.load_id
            r.replaced_load_id = it.replaced[0] if it.replaced else None
            r.replaced_version = it.replaced[2] if it.replaced else None
        return items
    return []
