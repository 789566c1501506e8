"""Loading workbooks: each file all-or-nothing in one transaction, archived unchanged, recorded in the load history."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import config, db, reference
from etl.periods import Period, parse
from etl.read import ReadError, read_bytes
from etl.specs import SHEETS, Sheet
from etl.validate import Parsed, Problem, validate

ARROW_TYPES = {
    "varchar": pa.string(),
    "integer": pa.int32(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
    "double": pa.float64(),
}
MANIFEST = "manifest.jsonl"


@dataclass
class LoadResult:
    file_name: str
    status: str  # loaded | unchanged | rejected
    unit_code: str | None = None
    period: Period | None = None
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    load_id: int | None = None
    replaced_load_id: int | None = None
    manifest: dict | None = None  # the archive manifest line, written once the load is in the database for good

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _schema(spec: Sheet) -> pa.Schema:
    fields = [
        ("load_id", pa.int32()),
        ("unit_code", pa.string()),
        ("period_key", pa.string()),
        ("period_start", pa.date32()),
        ("period_end", pa.date32()),
    ]
    fields += [(c.name, ARROW_TYPES[db.sql_type(c)]) for c in spec.columns] + [("source_row", pa.int32())]
    return pa.schema(fields)


def _context_problems(con: duckdb.DuckDBPyConnection, parsed: Parsed) -> list[Problem]:
    """Checks that need what is already loaded: overlapping TTHC periods (error), carried-over stock (warning)."""
    out, p, unit = [], parsed.period, parsed.unit_code
    tthc = parsed.tables.get("TTHC") or []
    if not tthc:
        return out
    clash = con.execute(
        "select distinct period_key from tthc where unit_code = ? and period_key <> ? and period_start <= ? and period_end >= ? order by 1",
        [unit, p.key, p.end, p.start],
    ).fetchall()
    for (key,) in clash:
        other = parse(key)
        out.append(
            Problem(
                parsed.file_name,
                "TTHC",
                "",
                f"Số liệu TTHC kỳ {p.label} trùng thời gian với kỳ {other.label} ({key}) đã nhập cho đơn vị {unit}; "
                "số liệu sẽ bị tính hai lần. Hãy nhập theo đúng một loại kỳ, hoặc nhập lại kỳ đã có.",
            )
        )
    previous = dict(
        con.execute(
            "select field, pending_on_time + pending_overdue from tthc where unit_code = ? and period_end = ?",
            [unit, p.start - timedelta(days=1)],
        ).fetchall()
    )
    if previous:
        for row in tthc:
            before = previous.get(row["field"])
            if before is not None and before != row["carried_over"]:
                out.append(
                    Problem(
                        parsed.file_name,
                        "TTHC",
                        row["_cells"]["carried_over"],
                        f"«Kỳ trước chuyển qua» của lĩnh vực «{row['field']}» là {row['carried_over']}, nhưng kỳ trước còn {before} hồ sơ đang giải quyết.",
                        "warning",
                    )
                )
    return out


def _replace_dated(con: duckdb.DuckDBPyConnection, parsed: Parsed, spec: Sheet) -> Problem | None:
    """A register sheet present in the workbook is authoritative for its period: rows dated inside it go,
    whichever workbook brought them (no double counting when a quarter follows its months). An absent sheet
    only takes away the rows of the earlier version of the same (unit, period), so nothing else is lost."""
    p, unit = parsed.period, parsed.unit_code
    if spec.name not in parsed.tables:
        con.execute(f"delete from {spec.table} where unit_code = ? and period_key = ?", [unit, p.key])
        return None
    where = f"from {spec.table} where unit_code = ? and {spec.date_column} between ? and ?"
    others = con.execute(
        f"select count(*), string_agg(distinct period_key, ', ' order by period_key) {where} and period_key <> ?",
        [unit, p.start, p.end, p.key],
    ).fetchone()
    con.execute(f"delete {where}", [unit, p.start, p.end])
    if others[0]:
        return Problem(
            parsed.file_name,
            spec.name,
            "",
            f"Thay thế {others[0]} dòng đã nhập trước đây từ báo cáo kỳ {others[1]} "
            f"(ngày nằm trong kỳ {p.label}), để không tính hai lần.",
            "warning",
        )
    return None


def _apply(con: duckdb.DuckDBPyConnection, parsed: Parsed, load_id: int) -> tuple[dict[str, int], list[Problem]]:
    p, unit = parsed.period, parsed.unit_code
    counts, notes = {}, []
    for spec in SHEETS:
        rows = parsed.tables.get(spec.name)
        if spec.replace == "period":
            con.execute(f"delete from {spec.table} where unit_code = ? and period_key = ?", [unit, p.key])
        elif spec.replace == "dated" and (note := _replace_dated(con, parsed, spec)):
            notes.append(note)
        if not rows:
            continue
        base = {
            "load_id": load_id,
            "unit_code": unit,
            "period_key": p.key,
            "period_start": p.start,
            "period_end": p.end,
        }
        incoming = pa.Table.from_pylist(
            [base | {c.name: r[c.name] for c in spec.columns} | {"source_row": r["source_row"]} for r in rows],
            _schema(spec),
        )
        con.register("incoming", incoming)
        if spec.replace == "upsert":  # the newest period's row is the case's state
            key = spec.upsert_key[0]
            con.execute(
                f"delete from {spec.table} where unit_code = ? and period_end <= ? and {key} in (select {key} from incoming)",
                [unit, p.end],
            )
            con.execute(
                f"insert into {spec.table} by name select * from incoming where {key} not in (select {key} from {spec.table} where unit_code = ?)",
                [unit],
            )
        else:
            con.execute(f"insert into {spec.table} by name select * from incoming")
        con.unregister("incoming")
        counts[spec.name] = len(rows)
    return counts, notes


def _archive(archive: Path, name: str, data: bytes, digest: str) -> str:
    safe = re.sub(r"[^\w.\-]+", "_", Path(name).name, flags=re.UNICODE)
    archive_name = f"{digest[:16]}_{safe}"
    target = archive / archive_name
    if not target.exists():
        archive.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return archive_name


def load_bytes(
    con: duckdb.DuckDBPyConnection,
    name: str,
    data: bytes,
    archive: Path,
    *,
    received_at: datetime | None = None,
    loaded_at: datetime | None = None,
    units: reference.Units | None = None,
    archived_as: str | None = None,
    loaded_by: str | None = None,
) -> LoadResult:
    """Validate and load one workbook; `archived_as` names its archive copy when replaying the archive (rebuild)."""
    digest = hashlib.sha256(data).hexdigest()
    current = con.execute(
        "select r.unit_code, r.period_key from load_history h join reports r using (load_id) where h.file_hash = ?",
        [digest],
    ).fetchone()
    if current:
        return LoadResult(name, "unchanged", current[0], parse(current[1]))
    try:
        raw = read_bytes(name, data)
    except ReadError as exc:
        return LoadResult(name, "rejected", problems=[Problem(name, "", "", str(exc))])
    parsed = validate(raw, units or reference.units())
    if not parsed.errors:
        parsed.problems += _context_problems(con, parsed)
    result = LoadResult(name, "rejected", parsed.unit_code, parsed.period, parsed.problems)
    if parsed.errors:
        return result
    loaded_at = loaded_at or datetime.now().replace(microsecond=0)
    received_at = received_at or loaded_at
    archive_name = archived_as or _archive(archive, name, data, digest)
    con.begin()
    try:
        load_id = con.execute("select coalesce(max(load_id), 0) + 1 from load_history").fetchone()[0]
        replaced = con.execute(
            "select load_id, first_received_at from reports where unit_code = ? and period_key = ?",
            [parsed.unit_code, parsed.period.key],
        ).fetchone()
        result.rows, notes = _apply(con, parsed, load_id)
        result.problems += notes
        _record(con, parsed, load_id, replaced, name, digest, archive_name, loaded_at, received_at, result, loaded_by)
        con.execute("update meta set value = value + 1 where key = 'data_version'")
        con.commit()
    except Exception:
        con.rollback()
        raise
    result.status, result.load_id = "loaded", load_id
    result.replaced_load_id = replaced[0] if replaced else None
    if not archived_as:
        result.manifest = {
            "archive_name": archive_name,
            "file_name": name,
            "file_hash": digest,
            "loaded_by": loaded_by,
            "loaded_at": loaded_at.isoformat(),
            "received_at": received_at.isoformat(),
        }
    return result


def record_manifest(archive: Path, results: list[LoadResult]) -> None:
    """Append the accepted loads to the archive's manifest, once they are in the database for good."""
    lines = [json.dumps(r.manifest, ensure_ascii=False) + "\n" for r in results if r.manifest]
    if lines:
        with open(archive / MANIFEST, "a", encoding="utf-8") as f:
            f.writelines(lines)


def _record(
    con,
    parsed: Parsed,
    load_id: int,
    replaced,
    name: str,
    digest: str,
    archive_name: str,
    loaded_at: datetime,
    received_at: datetime,
    result: LoadResult,
    loaded_by: str | None,
) -> None:
    p, info = parsed.period, parsed.info
    first = min(replaced[1], received_at) if replaced else received_at
    con.execute("delete from reports where unit_code = ? and period_key = ?", [parsed.unit_code, p.key])
    con.execute(
        "insert into reports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            parsed.unit_code,
            p.key,
            p.kind,
            p.start,
            p.end,
            info.get("unit_name"),
            info.get("prepared_by"),
            info.get("prepared_date"),
            info.get("approved_by"),
            load_id,
            first,
            received_at,
        ],
    )
    warnings = [{"where": w.where, "message": w.message} for w in result.warnings]
    con.execute(
        "insert into load_history (load_id, file_name, file_hash, archive_name, unit_code, period_key, loaded_at, received_at, "
        "rows_json, warnings_json, replaced_load_id, loaded_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            name,
            digest,
            archive_name,
            parsed.unit_code,
            p.key,
            loaded_at,
            received_at,
            json.dumps(result.rows, ensure_ascii=False),
            json.dumps(warnings, ensure_ascii=False),
            replaced[0] if replaced else None,
            loaded_by,
        ],
    )


def _load_path(
    con: duckdb.DuckDBPyConnection, path: Path, archive: Path, received_at: datetime | None, loaded_by: str | None
) -> LoadResult:
    try:
        data = path.read_bytes()
    except OSError:
        return LoadResult(
            path.name,
            "rejected",
            problems=[Problem(path.name, "", "", f"{path}: không tìm thấy hoặc không mở được tệp.")],
        )
    return load_bytes(con, path.name, data, archive, received_at=received_at, loaded_by=loaded_by)


def load_paths(
    db_file: Path, paths: list[Path], received_at: datetime | None = None, loaded_by: str | None = None
) -> list[LoadResult]:
    """Load files one after another (each all-or-nothing); the batch becomes visible to readers at once."""
    archive = config.archive_dir(db_file)
    with db.writing(db_file) as w:
        results = [_load_path(w.con, Path(p), archive, received_at, loaded_by) for p in paths]
        w.after_swap.append(lambda: record_manifest(archive, results))
    return results


def rebuild(db_file: Path) -> list[LoadResult]:
    """Rebuild the database from its archive alone (replaying the manifest in order) and swap it in atomically."""
    archive = config.archive_dir(db_file)
    entries = []
    if (archive / MANIFEST).exists():
        entries = [
            json.loads(line) for line in (archive / MANIFEST).read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    with db.writing(db_file, fresh=True) as w:
        return [
            load_bytes(
                w.con,
                e["file_name"],
                (archive / e["archive_name"]).read_bytes(),
                archive,
                archived_as=e["archive_name"],
                received_at=datetime.fromisoformat(e["received_at"]),
                loaded_at=datetime.fromisoformat(e["loaded_at"]),
                loaded_by=e.get("loaded_by"),
            )
            for e in entries
        ]


def load_upload(db_file: Path, name: str, data: bytes, loaded_by: str | None = None) -> LoadResult:
    """Load one uploaded file (the dashboard's «Nhập số liệu» page) the same way as the CLI."""
    archive = config.archive_dir(db_file)
    with db.writing(db_file) as w:
        result = load_bytes(w.con, name, data, archive, loaded_by=loaded_by)
        w.after_swap.append(lambda: record_manifest(archive, [result]))
    return result


def dry_run(
    db_file: Path, name: str, data: bytes, figures: Callable[[duckdb.DuckDBPyConnection, LoadResult], dict]
) -> tuple[LoadResult, dict | None]:
    """What loading would do, on a scratch copy (the database and its archive are untouched): the result, and
    figures(con, result) after the load, to show a replacement before it is confirmed."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "scratch.duckdb"
        if Path(db_file).exists():
            shutil.copyfile(db_file, scratch)
        con = db.connect(scratch)
        try:
            result = load_bytes(con, name, data, Path(folder) / "archive")
            after = figures(con, result) if result.status == "loaded" else None
        finally:
            con.close()
    return result, after
