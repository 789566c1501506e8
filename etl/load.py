"""Loading workbooks: each file all-or-nothing in one transaction, archived unchanged, recorded in the load history."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import config, db, reference
from etl.manifest import ARCHIVED, MANIFEST, _journal, _read_manifest, _verdicts, record_manifest, settle  # noqa: F401
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
UNCHECKED = "*"  # load_bytes(expect_version=…): replace whatever version is in force
NOUNS = {  # what a report holds, for the «nearly empty replacement» message
    "TTHC": "hồ sơ TTHC",
    "Đơn thư": "đơn thư",
    "Tiếp công dân": "ngày tiếp công dân",
    "Đối thoại": "hội nghị đối thoại",
    "Kỷ luật": "quyết định kỷ luật",
    "Kiểm tra công vụ": "đợt kiểm tra công vụ",
    "Tuyên truyền": "hoạt động tuyên truyền",
    "Giám sát, phản biện": "hoạt động giám sát, phản biện",
    "Dân vận khéo": "mô hình «Dân vận khéo»",
    "Kế hoạch": "nhiệm vụ kế hoạch đã triển khai",
}
log = logging.getLogger(__name__)
_REPLACE_EMPTY: ContextVar[bool] = ContextVar("replace_empty", default=False)


class NoArchive(Exception):
    """rebuild on a database path with no archive (or an empty one): nothing to rebuild from."""


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
    manifest: dict | None = None  # the archive manifest line, durable before the database holds the load
    replaced_version: str | None = None  # "load_id:file_hash" of the version replaced (what a preview showed)
    loss: dict | None = None  # {"before": …, "after": …} when the replacement would remove most of the report
    refusal: str | None = None  # why a valid file was not loaded: "loss" (not confirmed) | "changed" (since preview)

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


def clash_problems(parsed: Parsed, keys: list[str]) -> list[Problem]:
    """The TTHC periods already loaded for the unit that overlap the workbook's period (errors)."""
    p, unit = parsed.period, parsed.unit_code
    return [
        Problem(
            parsed.file_name,
            "TTHC",
            "",
            f"Số liệu TTHC kỳ {p.label} trùng thời gian với kỳ {parse(key).label} ({key}) đã nhập cho đơn vị {unit}; "
            "số liệu sẽ bị tính hai lần. Hãy nhập theo đúng một loại kỳ, hoặc nhập lại kỳ đã có.",
        )
        for key in keys
    ]


def stock_problems(parsed: Parsed, previous: dict[str, int]) -> list[Problem]:
    """«Kỳ trước chuyển qua» that differs from the previous period's pending stock of the field (warnings)."""
    out = []
    for row in parsed.tables.get("TTHC") or []:
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


def dated_note(parsed: Parsed, sheet: str, count: int, keys: str) -> Problem:
    """A dated register replaced rows another period's report had brought (warning)."""
    return Problem(
        parsed.file_name,
        sheet,
        "",
        f"Thay thế {count} dòng đã nhập trước đây từ báo cáo kỳ {keys} "
        f"(ngày nằm trong kỳ {parsed.period.label}), để không tính hai lần.",
        "warning",
    )


def _context_problems(con: duckdb.DuckDBPyConnection, parsed: Parsed) -> list[Problem]:
    """Checks that need what is already loaded: overlapping TTHC periods (error), carried-over stock (warning)."""
    p, unit = parsed.period, parsed.unit_code
    if not parsed.tables.get("TTHC"):
        return []
    clash = con.execute(
        "select distinct period_key from tthc where unit_code = ? and period_key <> ? and period_start <= ? and period_end >= ? order by 1",
        [unit, p.key, p.end, p.start],
    ).fetchall()
    previous = dict(
        con.execute(
            "select field, pending_on_time + pending_overdue from tthc where unit_code = ? and period_end = ?",
            [unit, p.start - timedelta(days=1)],
        ).fetchall()
    )
    return clash_problems(parsed, [key for (key,) in clash]) + stock_problems(parsed, previous)


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
    return dated_note(parsed, spec.name, others[0], others[1]) if others[0] else None


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


def _archive_name(name: str, digest: str, limit: int = 120) -> str:
    """<hash>_<the user's name, made safe and cut to `limit` bytes keeping its suffix>: a 245-byte name still fits the
    file system's 255-byte limit (the full name stays in the load history)."""
    safe = re.sub(r"[^\w.\-]+", "_", Path(name).name, flags=re.UNICODE)
    stem, suffix = Path(safe).stem, Path(safe).suffix[:10]
    while len((stem + suffix).encode("utf-8")) > limit:
        stem = stem[:-1]
    return f"{digest[:16]}_{stem}{suffix}"


def _archive(archive: Path, name: str, data: bytes, digest: str, sync_folder: bool = True) -> str:
    """Copy the file into the archive, on disk before the load commits (an orphan if it never does: cleaned later).
    `sync_folder=False`: the caller flushes the folder once for many copies (a batch round)."""
    archive_name = _archive_name(name, digest)
    target = archive / archive_name
    if not target.exists():
        created = not archive.exists()
        archive.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        if sync_folder:
            db.fsync_path(archive)
        if created:
            db.fsync_path(archive.parent)
    return archive_name


@contextmanager
def replacing_empty(allowed: bool = True) -> Iterator[None]:
    """Loads in this block may replace a report by a (nearly) empty one (CLI `load --replace-empty`)."""
    token = _REPLACE_EMPTY.set(allowed)
    try:
        yield
    finally:
        _REPLACE_EMPTY.reset(token)


def _content(con: duckdb.DuckDBPyConnection, unit: str, p: Period) -> dict[str, int]:
    """What the database holds for a report: TTHC dossiers (carried over + received), the register rows of the
    period (rows dated inside it for dated sheets) and the plan tasks under way."""
    out = {}
    for spec in SHEETS:
        where, args = f"from {spec.table} where unit_code = ? and period_key = ?", [unit, p.key]
        if spec.replace == "dated":
            where, args = (
                f"from {spec.table} where unit_code = ? and {spec.date_column} between ? and ?",
                [unit, p.start, p.end],
            )
        what = "count(*)"
        if spec.table == "tthc":
            what = "coalesce(sum(carried_over + received_online + received_offline), 0)"
        elif spec.table == "plan_tasks":
            where += " and progress <> 'Chưa triển khai'"
        out[spec.name] = int(con.execute(f"select {what} {where}", args).fetchone()[0])
    return out


def _is_loss(before: dict[str, int], after: dict[str, int]) -> bool:
    """A replacement removes most of a report when fewer than half of its TTHC dossiers, or fewer than half of its
    register rows (all other sheets together), remain; an empty template replacing any content is the extreme case."""
    rows_before = sum(n for k, n in before.items() if k != "TTHC")
    rows_after = sum(n for k, n in after.items() if k != "TTHC")
    return 2 * after["TTHC"] < before["TTHC"] or 2 * rows_after < rows_before


def _count(n: int, noun: str) -> str:
    return f"{n:,}".replace(",", ".") + " " + noun


def loss_text(result: LoadResult, name: str | None = None) -> str:
    """«Tệp … sẽ thay thế báo cáo NX03 tháng 3/2024 đang có … bằng một báo cáo gần như trống (chỉ còn …)»; `name`:
    the file name as the caller shows it (escaped for Markdown on a page)."""
    before, after = result.loss["before"], result.loss["after"]
    had = [k for k, n in before.items() if n]
    held = ", ".join(_count(before[k], NOUNS[k]) for k in had)
    left = ", ".join(_count(after[k], NOUNS[k]) for k in had)
    rows_kept = 2 * sum(n for k, n in after.items() if k != "TTHC") >= sum(n for k, n in before.items() if k != "TTHC")
    if not any(after.values()):
        what = "một báo cáo trống"
    elif rows_kept or 2 * after["TTHC"] >= before["TTHC"]:
        what = f"một báo cáo mất hơn một nửa số liệu (chỉ còn {left})"
    else:
        what = f"một báo cáo gần như trống (chỉ còn {left})"
    return f"Tệp {name or result.file_name} sẽ thay thế báo cáo {result.unit_code} {result.period.phrase} đang có {held} bằng {what}"


def _changed_text(con: duckdb.DuckDBPyConnection, result: LoadResult, now) -> str:
    head = f"Báo cáo {result.unit_code} {result.period.phrase}"
    if not now:
        return f"{head} đã bị gỡ sau khi xem trước; không nhập. Hãy tải tệp lên lại để xem trước."
    name, at, by = con.execute(
        "select file_name, loaded_at, loaded_by from load_history where load_id = ?", [now[0]]
    ).fetchone()
    who = f" bởi {by}" if by else ""
    return (
        f"{head} đã được nhập lại sau khi xem trước (nay là bản nhập số {now[0]}, tệp «{name}», lúc "
        f"{at:%H:%M %d/%m/%Y}{who}); không thay thế. Hãy xem lại bảng so sánh mới rồi xác nhận lần nữa."
    )


def _refused(con: duckdb.DuckDBPyConnection, result: LoadResult, why: str, message: str) -> LoadResult:
    con.rollback()
    result.refusal, result.rows = why, {}
    result.problems.append(Problem(result.file_name, "", "", message))
    return result


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
    replace_empty: bool | None = None,
    expect_version: str | None = UNCHECKED,
    raw=None,
) -> LoadResult:
    """Validate and load one workbook (`raw`: the workbook already read from `data`, not read again); `archived_as` names its archive copy when replaying the archive (rebuild).
    A replacement that would remove most of the report is refused unless `replace_empty` (default: the
    `replacing_empty()` block); `expect_version` ("load_id:file_hash" of the version a preview showed, None for no
    report) refuses the load if the report of that (unit, period) is no longer that version."""
    digest = hashlib.sha256(data).hexdigest()
    current = con.execute(
        "select r.unit_code, r.period_key from load_history h join reports r using (load_id) where h.file_hash = ?",
        [digest],
    ).fetchone()
    if current:
        return LoadResult(name, "unchanged", current[0], parse(current[1]))
    try:
        raw = raw or read_bytes(name, data)
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
    archive_name = archived_as or _archive_name(name, digest)
    if replace_empty is None:
        replace_empty = archived_as is not None or _REPLACE_EMPTY.get()
    con.begin()
    try:
        load_id = con.execute("select coalesce(max(load_id), 0) + 1 from load_history").fetchone()[0]
        replaced = con.execute(
            "select r.load_id, r.first_received_at, r.load_id || ':' || h.file_hash from reports r "
            "left join load_history h using (load_id) where r.unit_code = ? and r.period_key = ?",
            [parsed.unit_code, parsed.period.key],
        ).fetchone()
        if expect_version != UNCHECKED and (replaced[2] if replaced else None) != expect_version:
            return _refused(con, result, "changed", _changed_text(con, result, replaced))
        before = _content(con, parsed.unit_code, parsed.period) if replaced else None
        result.rows, notes = _apply(con, parsed, load_id)
        if before:
            after = _content(con, parsed.unit_code, parsed.period)
            if _is_loss(before, after):
                result.loss = {"before": before, "after": after}
                if not replace_empty:
                    text = loss_text(result) + "; thêm --replace-empty nếu đúng là muốn thay."
                    return _refused(con, result, "loss", text)
        result.problems += notes
        _record(con, parsed, load_id, replaced, name, digest, archive_name, loaded_at, received_at, result, loaded_by)
        con.execute("update meta set value = value + 1 where key = 'data_version'")
        if not archived_as:
            _archive(archive, name, data, digest)
        con.commit()
    except Exception:
        con.rollback()
        raise
    result.status, result.load_id = "loaded", load_id
    result.replaced_load_id = replaced[0] if replaced else None
    result.replaced_version = replaced[2] if replaced else None
    if not archived_as:
        result.manifest = {
            "archive_name": archive_name,
            "file_name": name,
            "file_hash": digest,
            "loaded_by": loaded_by,
            "loaded_at": loaded_at.isoformat(),
            "received_at": received_at.isoformat(),
        }
        _journal(con, archive, result)
    return result


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
    """One file of a batch, isolated: anything that goes wrong while reading, validating or loading it rejects this
    file with one Vietnamese message (no traceback), leaves nothing of it in the archive, and the batch goes on."""
    import errno

    from etl import guard

    rejected = lambda message: LoadResult(path.name, "rejected", problems=[Problem(path.name, "", "", message)])
    try:
        if not path.is_file():  # a folder, a device or a pipe is never read (/dev/zero would never end)
            raise FileNotFoundError(path)
        if path.stat().st_size > config.MAX_UPLOAD_BYTES:  # refused before it is read into memory
            return rejected(guard.too_large(path.name, path.stat().st_size))
        data = path.read_bytes()
    except OSError:
        return rejected(f"{path}: không tìm thấy hoặc không mở được tệp.")
    listing = lambda: {e.name for e in os.scandir(archive)} - {MANIFEST} if archive.is_dir() else set()
    archived, last_load = listing(), con.execute("select max(load_id) from load_history").fetchone()[0]
    try:
        return load_bytes(con, path.name, data, archive, received_at=received_at, loaded_by=loaded_by)
    except Exception as exc:
        if con.execute("select max(load_id) from load_history").fetchone()[0] != last_load:
            raise  # the load is in the database and only what follows failed: the whole write is abandoned
        for name in listing() - archived:
            (archive / name).unlink(missing_ok=True)
        log.info("Tệp %s bị từ chối do lỗi khi nhập.", path.name, exc_info=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
            return rejected(
                f"{path.name}: tên tệp quá dài để lưu vào kho lưu trữ. Hãy đổi tên tệp cho ngắn hơn (dưới 150 ký tự) "
                "rồi nhập lại; các tệp khác vẫn được nhập."
            )
        return rejected(
            f"{path.name}: không nhập được tệp này do lỗi khi đọc hoặc kiểm tra ({type(exc).__name__}); các tệp "
            "khác vẫn được nhập. Hãy mở bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx và gửi lại; nếu vẫn lỗi, "
            "gửi tệp cho người quản trị hệ thống."
        )


NO_REPLAY_FROM = 20_000  # files in a batch beyond which (≈ 850,000 rows) the spare copy is copied, not replayed


def load_paths(
    db_file: Path,
    paths: list[Path],
    received_at: datetime | None = None,
    loaded_by: str | None = None,
    *,
    workers: int | None = None,
    progress=None,
) -> list[LoadResult]:
    """Load files (a folder stands for the workbooks in it), each all-or-nothing, read on every core and written in
    bulk (etl.batch); the batch becomes visible to readers at once. `progress`: an etl.batch.Progress."""
    from etl.batch import expand, load_batch

    archive = config.archive_dir(db_file)
    paths = expand([Path(p) for p in paths])
    with db.writing(db_file) as w:
        if len(paths) > NO_REPLAY_FROM and hasattr(w.con, "stop_recording"):
            w.con.stop_recording()  # its rows would outgrow the replay log: the spare copy is refreshed by a copy
        results = load_batch(
            w.con,
            paths,
            archive,
            received_at=received_at,
            loaded_by=loaded_by,
            workers=workers,
            progress=progress,
            one_file=lambda con, path: _load_path(con, path, archive, received_at, loaded_by),
        )
        w.after_swap.append(lambda: record_manifest(archive, results))
    return results


def _replayed(db_file: Path, archive: Path) -> list[dict]:
    """The manifest's loads the database holds, in order (after settle, under the writer lock). A write whose verdict
    is still open can only be the last one, with its database gone: it is replayed (its file passed every check)."""
    loads, verdict = _verdicts(_read_manifest(archive))
    kept = [r for r in loads if verdict.get(r.get("write"), "commit") != "abort"]
    if any(verdict.get(r.get("write")) == "open" for r in kept):
        log.warning("Sổ lưu trữ có lần ghi bị ngắt mà không còn cơ sở dữ liệu để đối chiếu; các tệp đó được nhập lại.")
    return kept


def rebuild(db_file: Path) -> list[LoadResult]:
    """Rebuild the database from its archive alone (replaying the manifest in order) and swap it in atomically.
    Raises NoArchive, creating nothing, when the database has no archive or an empty one (a mistyped path)."""
    archive = config.archive_dir(db_file)
    if not any("archive_name" in r for r in _read_manifest(archive)):
        raise NoArchive(
            f"Không có kho lưu trữ {archive} (hoặc kho không có tệp nào đã nhập), nên không dựng lại được cơ sở dữ "
            f"liệu {config.db_path(db_file)}. Kiểm tra lại đường dẫn --db; không tạo tệp nào."
        )
    from etl.batch import load_batch

    with db.writing(db_file, fresh=True) as w:
        entries = _replayed(db_file, archive)
        paths = [archive / e["archive_name"] for e in entries]
        replay = {str(path): e for path, e in zip(paths, entries)}
        if len(replay) < len(paths):  # the same copy loaded twice (an older version loaded again): one by one
            return [_replay_one(w.con, archive, e) for e in entries]
        return load_batch(
            w.con, paths, archive, replay=replay, one_file=lambda con, p: _replay_one(con, archive, replay[str(p)])
        )


def _replay_one(con, archive: Path, e: dict) -> LoadResult:
    return load_bytes(
        con,
        e["file_name"],
        (archive / e["archive_name"]).read_bytes(),
        archive,
        archived_as=e["archive_name"],
        received_at=datetime.fromisoformat(e["received_at"]),
        loaded_at=datetime.fromisoformat(e["loaded_at"]),
        loaded_by=e.get("loaded_by"),
    )


def load_upload(
    db_file: Path,
    name: str,
    data: bytes,
    loaded_by: str | None = None,
    *,
    replace_empty: bool = False,
    expect_version: str | None = UNCHECKED,
) -> LoadResult:
    """Load one uploaded file (the dashboard's «Nhập số liệu» page) the same way as the CLI; `expect_version` is the
    version of the report the preview showed (LoadResult.replaced_version), checked under the writer lock."""
    archive = config.archive_dir(db_file)
    with db.writing(db_file) as w:
        result = load_bytes(
            w.con, name, data, archive, loaded_by=loaded_by, replace_empty=replace_empty, expect_version=expect_version
        )
        w.after_swap.append(lambda: record_manifest(archive, [result]))
    return result


def dry_run(
    db_file: Path, name: str, data: bytes, figures: Callable[[duckdb.DuckDBPyConnection, LoadResult], dict]
) -> tuple[LoadResult, dict | None]:
    """What loading would do, on a scratch database in memory holding only the file's unit (and the communes merged
    into it or it into): the result, and figures(con, result) after the load, to show a replacement before it is
    confirmed. The database and its archive are untouched, and nothing as large as the database is copied."""
    units = reference.units()
    try:
        raw = read_bytes(name, data)
    except ReadError as exc:
        return LoadResult(name, "rejected", problems=[Problem(name, "", "", str(exc))]), None
    unit = validate(raw, units).unit_code
    codes = {unit} | {u.code for u in units.predecessors(unit)} if unit else set()
    if unit and units.get(unit):
        codes |= {u.code for u in units.successors([units.get(unit)])}
    with tempfile.TemporaryDirectory() as folder:
        con = duckdb.connect(":memory:")
        try:
            db.ensure_schema(con)
            if codes and Path(db_file).exists():
                _scratch(con, Path(db_file), sorted(codes), data)
            result = load_bytes(con, name, data, Path(folder) / "archive", replace_empty=True, units=units, raw=raw)
            after = figures(con, result) if result.status == "loaded" else None
        finally:
            con.close()
    return result, after


def _scratch(con: duckdb.DuckDBPyConnection, db_file: Path, codes: list[str], data: bytes) -> None:
    """Copy the rows of `codes` (and the load history entry of an identical file) from the published database."""
    deadline = time.monotonic() + db.LOCK_RETRY_SECONDS
    while True:
        try:
            con.execute(f"attach '{str(db_file).replace(chr(39), chr(39) * 2)}' as src (read_only)")
            break
        except duckdb.Error as exc:
            if not db.is_lock_error(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'src' and table_name in "
                "(select table_name from duckdb_tables() where database_name = 'memory')"
            ).fetchall()
        ]
        marks = ", ".join("?" for _ in codes)
        for table in tables:
            if table == "meta":
                continue
            where = f"unit_code in ({marks})"
            params = list(codes)
            if table == "load_history":
                where += " or file_hash = ?"
                params.append(hashlib.sha256(data).hexdigest())
            con.execute(f"insert into main.{table} by name select * from src.{table} where {where}", params)
        con.execute(
            "update main.meta set value = (select value from src.meta where key = 'data_version') where key = 'data_version'"
        )
    finally:
        con.execute("detach src")
