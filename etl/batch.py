"""Loading many workbooks at once: read and validated on every core, written in bulk.

The database work of a file is a few dozen small statements, and their number, not the rows, is what a batch costs.
So the files are written in rounds: round k holds the k-th file of each unit, in the order given, and the files of one
round (all of different units) are written together, one statement per table, in one transaction. A file of a round
that is refused (a clash with loaded TTHC periods, a replacement that would remove most of a report) takes the round
back and the round is written again without it, so every file stays all-or-nothing and a refused file changes nothing.
The result equals loading the files one by one in the given order, table for table (tests/test_batch.py), load ids
included; what the bulk path does not cover (the same file twice in a batch, an unexpected error) goes one by one.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from etl import config, load
from etl.batch_files import SUFFIXES, Progress, expand  # noqa: F401  (etl.batch's API)
from etl.batch_sql import Item, write_round
from etl.batch_worker import parse_all, prepare
from etl.load import LoadResult, _archive_name, load_bytes
from etl.manifest import _journal
from etl.specs import SHEETS
from etl.validate import Problem

log = logging.getLogger(__name__)
PARALLEL_FROM = 16  # fewer files are read in this process: starting workers costs more than it saves
CHUNK = 2500  # files read, held and written together: a province-year (1,992) is one chunk; memory stays bounded


@dataclass
class _File:
    index: int
    path: Path
    data: bytes | None = None
    digest: str | None = None
    result: LoadResult | None = None
    received_at: datetime | None = None
    loaded_at: datetime | None = None
    name: str = ""  # the file's name as the clerk gave it (a replayed archive copy: the manifest's)
    archived_as: str | None = None  # replaying the archive (rebuild): the copy's name; nothing archived, journalled
    loaded_by: str | None = None


def _rejected(f: _File, message: str) -> LoadResult:
    return LoadResult(f.name, "rejected", problems=[Problem(f.name, "", "", message)])


def load_batch(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    archive: Path,
    *,
    received_at: datetime | None = None,
    loaded_by: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    one_file=None,
    times: dict[str, tuple[datetime, datetime]] | None = None,
    replay: dict[str, dict] | None = None,
) -> list[LoadResult]:
    """Load `paths` into the writer connection `con` (inside db.writing). `one_file(con, path)` loads one file the
    careful way (etl.load._load_path), for the files the bulk path leaves to it."""
    files = [_File(i, Path(p)) for i, p in enumerate(paths)]
    loaded_at = load.datetime.now().replace(microsecond=0)  # load.datetime: what tests pin
    for f in files:  # times: {path: (received_at, loaded_at)} for files that carry their own (the demo)
        f.received_at, f.loaded_at = (times or {}).get(str(f.path)) or (received_at or loaded_at, loaded_at)
        f.name, f.loaded_by = f.path.name, loaded_by
        if entry := (replay or {}).get(str(f.path)):  # a manifest line (rebuild)
            f.name, f.archived_as, f.loaded_by = entry["file_name"], entry["archive_name"], entry.get("loaded_by")
            f.received_at = datetime.fromisoformat(entry["received_at"])
            f.loaded_at = datetime.fromisoformat(entry["loaded_at"])
    progress = progress or Progress(0)
    for first in range(0, len(files), CHUNK):  # a nation's 40,000 workbooks are never all in memory at once
        _load_chunk(con, files[first : first + CHUNK], archive, workers, progress, one_file)
    return [f.result for f in files]


def _load_chunk(con, files: list[_File], archive: Path, workers: int | None, progress: Progress, one_file) -> None:
    """load_batch for consecutive files: read, validate, write in rounds, then drop their bytes. A chunk sees the
    chunks before it in the database, as one by one would."""
    from etl import guard

    for f in files:
        try:
            if not f.path.is_file():
                raise FileNotFoundError(f.path)
            size = f.path.stat().st_size
            if size > config.MAX_UPLOAD_BYTES:
                f.result = _rejected(f, guard.too_large(f.name, size))
                continue
            f.data = f.path.read_bytes()
        except OSError:
            f.result = _rejected(f, f"{f.path}: không tìm thấy hoặc không mở được tệp.")
            continue
        f.digest = hashlib.sha256(f.data).hexdigest()
    _unchanged(con, [f for f in files if f.result is None])
    todo, seen, later = [], set(), []
    for f in files:
        if f.result is None:
            (later if f.digest in seen else todo).append(f)
            seen.add(f.digest)
    progress.step(len(files) - len(todo) - len(later))
    base = con.execute("select coalesce(max(load_id), 0) from load_history").fetchall()[0][0]
    items = _parse(todo, workers or min(2, os.cpu_count() or 1), progress)
    careful = _careful(files, items, later)
    for item in items:
        if item.parsed.unit_code in careful:
            later.append(item.file)
    later.sort(key=lambda f: f.index)
    items = [it for it in items if it.parsed.unit_code not in careful]
    for item in write_round_all(con, items, base, archive, progress):
        item.file.result = item.result
        if item.file.archived_as:
            continue  # a replay: the manifest has it already
        item.result.manifest = {
            "archive_name": item.archive_name,
            "file_name": item.file.name,
            "file_hash": item.file.digest,
            "loaded_by": item.file.loaded_by,
            "loaded_at": item.file.loaded_at.isoformat(),
            "received_at": item.file.received_at.isoformat(),
        }
        _journal(con, archive, item.result)
    for item in items:
        if item.result is None:  # its round failed: one by one
            later.append(item.file)
        else:
            item.file.result = item.file.result or item.result
    later.sort(key=lambda f: f.index)
    for f in later:  # one by one, in the files' order, after the rest
        f.result = one_file(con, f.path)
        progress.step()
    _in_file_order(con, base, [f.result for f in files if f.result.status == "loaded"])
    for f in files:
        f.data = None  # archived: the next chunk's bytes replace these


def _in_file_order(con, base: int, loaded: list[LoadResult]) -> None:
    """Give the loads the ids one by one would have given (the files' order), and list them so in the manifest, so
    that a rebuild from the archive gives the same ids too. Nothing to do unless a file was refused in a round or
    went one by one."""
    from etl import db

    mapping = {r.load_id: base + n for n, r in enumerate(loaded, 1)}
    if any(old != new for old, new in mapping.items()):
        _renumber(con, mapping)
    for r in loaded:
        r.load_id = mapping[r.load_id]
        if r.replaced_load_id in mapping:  # it replaced a load of this batch
            old = r.replaced_load_id
            r.replaced_load_id = mapping[old]
            r.replaced_version = f"{mapping[old]}:{r.replaced_version.split(':', 1)[1]}"
        if r.manifest:
            r.manifest["load_id"] = r.load_id
    writer = db.writer_of(con)  # the rounds journalled round by round: the manifest lists the loads in id order
    for _, lines in (writer.state.get("journal", {}) if writer else {}).values():
        lines.sort(key=lambda line: line.get("load_id", 0))


def _careful(files: list[_File], items: list[Item], later: list[_File]) -> set[str]:
    """Units whose files must go one by one to give the same result: the same bytes twice in the batch, or a file
    that is the version in force while another file of the batch brings the same unit (it may replace it first)."""
    unit_of = {it.file.digest: it.parsed.unit_code for it in items}
    unit_of |= {f.digest: f.result.unit_code for f in files if f.result and f.result.status == "unchanged"}
    careful = {unit_of.get(f.digest) for f in later}
    in_force = {f.result.unit_code for f in files if f.result and f.result.status == "unchanged"}
    careful |= in_force & {it.parsed.unit_code for it in items}
    careful.discard(None)
    for f in files:  # the «unchanged» verdicts of a careful unit are given again, in order
        if f.result and f.result.status == "unchanged" and f.result.unit_code in careful:
            f.result = None
            later.append(f)
    return careful


def _unchanged(con, files: list[_File]) -> None:
    """Files whose exact bytes are the version in force: «unchanged», like one by one (one query for all)."""
    if not files:
        return
    digests = sorted({f.digest for f in files})
    marks = ", ".join("?" for _ in digests)
    found = {
        h: (u, k)
        for h, u, k in con.execute(
            "select h.file_hash, r.unit_code, r.period_key from load_history h join reports r using (load_id) "
            f"where h.file_hash in ({marks})",
            digests,
        ).fetchall()
    }
    from etl.periods import parse

    for f in files:
        if f.digest in found:
            unit, key = found[f.digest]
            f.result = LoadResult(f.name, "unchanged", unit, parse(key))


def _parse(files: list[_File], workers: int, progress: Progress) -> list[Item]:
    """Read and validate on `workers` processes (in this one for a single file); invalid files get their result."""
    jobs = [(f.name, str(f.path)) for f in files]
    if workers > 1 and len(files) >= PARALLEL_FROM:
        answers = parse_all(jobs, workers, lambda: progress.step(0))
    else:
        answers = [prepare(*job) for job in jobs]
    items = []
    for f, (kind, value) in zip(files, answers):
        if kind == "unreadable":
            f.result = LoadResult(f.name, "rejected", problems=[Problem(f.name, "", "", value)])
        elif kind == "failed":
            f.result = _rejected(
                f,
                f"{f.name}: không nhập được tệp này do lỗi khi đọc hoặc kiểm tra ({value}); các tệp khác vẫn được "
                "nhập. Hãy mở bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx và gửi lại; nếu vẫn lỗi, gửi tệp "
                "cho người quản trị hệ thống.",
            )
        elif value.errors:
            f.result = LoadResult(f.name, "rejected", value.unit_code, value.period, value.problems)
        else:
            items.append(Item(f, value, f.archived_as or _archive_name(f.name, f.digest)))
            continue
        progress.step()
    return items


def write_round_all(con, items: list[Item], base: int, archive, progress) -> list[Item]:
    """Write the valid files in rounds (the k-th file of each unit), each round in bulk (etl.batch_sql). Load ids
    follow the files' order, as one by one; a refused file shifts the ids after it, which are then renumbered."""
    for n, item in enumerate(items, 1):
        item.load_id = base + n
    rounds, count = [], defaultdict(int)
    for item in items:
        k = count[item.parsed.unit_code]
        count[item.parsed.unit_code] += 1
        if k == len(rounds):
            rounds.append([])
        rounds[k].append(item)
    loaded, failed = [], []
    for members in rounds:
        try:
            loaded += write_round(con, members, archive)
        except Exception:  # noqa: BLE001 - the round goes one by one, so that only the file at fault is refused
            log.info("Một lượt ghi gộp bị lỗi; các tệp của lượt được nhập lần lượt.", exc_info=True)
            try:
                con.rollback()
            except duckdb.Error:  # no transaction was open
                pass
            failed += [it for it in members if not (it.result and it.result.status == "loaded")]
            for it in members:  # nothing of the failed round stays in the archive
                if it.archived:
                    (archive / it.archive_name).unlink(missing_ok=True)
                    it.archived = False
        progress.step(len(members))
    for it in failed:
        it.result = None
    return loaded


def _renumber(con, mapping: dict[int, int]) -> None:
    """Move load ids (every table that holds one, and replaced_load_id): one statement per column, through negative
    ids so that an old id never meets a new one."""
    import pyarrow as pa

    moved = {old: new for old, new in mapping.items() if old != new}
    if not moved:
        return
    con.register("renumbered", pa.table({"old": list(moved), "new": list(moved.values())}))
    con.begin()
    for t in ["reports", "load_history"] + [s.table for s in SHEETS]:
        for col in ("load_id", "replaced_load_id") if t == "load_history" else ("load_id",):
            con.execute(f"update {t} set {col} = -m.new from renumbered m where {t}.{col} = m.old")
            con.execute(f"update {t} set {col} = -{col} where {col} < 0")
    con.commit()
    con.unregister("renumbered")


__all__ = ["expand", "load_batch", "Progress", "load_bytes"]
