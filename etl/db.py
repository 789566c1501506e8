"""The database: its schema (derived from the sheet specs) and how to open it safely across processes."""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import twin
from etl.specs import SHEETS, YES_NO, Column, Sheet

SQL_TYPES = {
    "text": "varchar",
    "count": "integer",
    "date": "date",
    "year": "integer",
    "percent": "double",
    "choice": "varchar",
}
LOCK_RETRY_SECONDS = 30.0

BASE_COLUMNS = "load_id integer not null, unit_code varchar not null, period_key varchar not null, period_start date not null, period_end date not null"

FIXED_TABLES = """
create table if not exists reports (
    unit_code varchar not null, period_key varchar not null, period_kind varchar not null,
    period_start date not null, period_end date not null, unit_name varchar, prepared_by varchar,
    prepared_date date, approved_by varchar, load_id integer not null,
    first_received_at timestamp not null, received_at timestamp not null,
    primary key (unit_code, period_key)
);
create table if not exists load_history (
    load_id integer primary key, file_name varchar not null, file_hash varchar not null,
    archive_name varchar not null, unit_code varchar not null, period_key varchar not null,
    loaded_at timestamp not null, received_at timestamp not null, rows_json varchar not null,
    warnings_json varchar not null, replaced_load_id integer, loaded_by varchar
);
alter table load_history add column if not exists loaded_by varchar;
create table if not exists meta (key varchar primary key, value bigint not null);
insert into meta select 'data_version', 0 where not exists (select 1 from meta where key = 'data_version');
insert into meta select 'write_seq', 0 where not exists (select 1 from meta where key = 'write_seq');
"""


def sql_type(col: Column) -> str:
    return "boolean" if col.options == YES_NO else SQL_TYPES[col.kind]


def table_ddl(spec: Sheet) -> str:
    cols = ", ".join(f"{c.name} {sql_type(c)}" for c in spec.columns)
    return f"create table if not exists {spec.table} ({BASE_COLUMNS}, {cols}, source_row integer)"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(FIXED_TABLES)
    for spec in SHEETS:
        con.execute(table_ddl(spec))


def is_lock_error(exc: Exception) -> bool:
    text = str(exc)  # another process's lock, or (same process) a copy open for writing that a reader wants
    return ("lock" in text.lower() and ("Could not set lock" in text or "Conflicting lock" in text)) or (
        "same database file with a different configuration" in text
    )


def connect(
    path: Path | str, read_only: bool = False, retry_seconds: float = LOCK_RETRY_SECONDS
) -> duckdb.DuckDBPyConnection:
    """Open the database, retrying while another process holds the write lock (DuckDB: one writer or many readers)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline, wait = time.monotonic() + retry_seconds, 0.02
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as exc:
            if not is_lock_error(exc) or time.monotonic() > deadline:
                raise
            time.sleep(wait)
            wait = min(wait * 2, 0.5)
    if not read_only:
        ensure_schema(con)
    return con


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select value from meta where key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


log = logging.getLogger(__name__)


@dataclass
class Writer:
    con: duckdb.DuckDBPyConnection
    path: Path | None = None  # the database being replaced
    started: float = 0.0  # time.time() when this writer got the lock: anything older in its way is a dead writer's
    before_swap: list[Callable[[], None]] = field(default_factory=list)  # make bookkeeping durable, then swap
    after_swap: list[Callable[[], None]] = field(default_factory=list)  # run once the new file is in place
    state: dict = field(default_factory=dict)  # the loaders' bookkeeping for this write (etl.load: the journal)


# hook(database, started), run under the writer lock before the copy is made: etl.load settles what a killed writer
# left in the archive.
WRITE_HOOKS: list[Callable[[Path, float], None]] = []
_OPEN: dict[int, Writer] = {}  # id(connection) -> its writer, while the write is open


def writer_of(con: duckdb.DuckDBPyConnection) -> Writer | None:
    """The open write this connection belongs to (None for a plain connection)."""
    return _OPEN.get(id(con))


def fsync_path(path: Path) -> None:
    """Flush a file or a folder entry to disk (a rename is durable only once its folder is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_copies(path: Path, started: float) -> None:
    """`<db>.<pid>.writing` copies (and their .wal) of writers killed before their swap: the lock holder is alone."""
    prefix = path.name + "."
    for entry in os.scandir(path.parent):
        name = entry.name
        if not name.startswith(prefix) or not name.endswith((".writing", ".writing.wal")):
            continue
        if not name[len(prefix) :].split(".", 1)[0].isdigit():
            continue
        try:
            if entry.stat().st_mtime >= started:
                continue
            os.unlink(entry.path)
        except FileNotFoundError:
            continue
        log.warning("Đã xóa bản sao dở dang %s của một lần ghi bị ngắt (cơ sở dữ liệu không bị ảnh hưởng).", name)


@contextmanager
def writing(path: Path | str, fresh: bool = False) -> Iterator[Writer]:
    """The one way to change the database: writers queue on a lock file and work in place on the spare of the
    database's two copies (etl.twin), which is then published atomically and brought back in step by replaying the
    write. Readers never wait for a writer and never see half a load; a failure, or a kill at any point, leaves the
    published database as it was or as the writer left it, never in between. What killed writers left is cleaned by
    the next writer (and `WRITE_HOOKS` finish their bookkeeping). `fresh`: start from an empty database (rebuild)."""
    path = twin.absolute(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = time.time()
        _remove_stale_copies(path, started)
        clean = path.with_name(path.name + ".clean")  # the last writer finished: nothing of a killed one to settle
        if not clean.exists():
            for hook in WRITE_HOOKS:  # reads the whole manifest and archive folder: only after an unfinished write
                hook(path, started)
        clean.unlink(missing_ok=True)
        current = twin.published(path)
        target = twin.spare(path, current)
        number = (twin.published_seq(current) if current else None) or 0
        if fresh or current is None:
            twin._remove(target)
        elif not twin.stamped(path, current) or _spare_seq(target) != number:
            twin.refresh(current, target)
        raw = duckdb.connect(str(target))
        writer = Writer(twin.Recorder(raw, recording=not fresh and current is not None), path, started)
        _OPEN[id(writer.con)] = writer
        try:
            ensure_schema(raw)
            twin.set_seq(raw, -1)  # out of step until the write is complete
            yield writer
            publish = fresh or current is None or writer.con.changed
            twin.set_seq(raw, number + 1 if publish else number)
            raw.execute("checkpoint")
            raw.close()
            fsync_path(target)
            for callback in writer.before_swap:
                callback()
            if publish:
                twin.point(path, target)
                twin.stamp(path, target)
        except BaseException:
            raw.close()
            raise
        finally:
            _OPEN.pop(id(writer.con), None)
        for callback in writer.after_swap:
            callback()
        if publish and current is not None:
            if writer.con.recording:
                twin.catch_up(current, writer.con.log, number + 1)
            else:
                twin.refresh(target, current)
        clean.touch()


def _spare_seq(copy: Path) -> int | None:
    """The write the spare copy holds (None: missing or unreadable, so it is copied again)."""
    if not copy.exists():
        return None
    try:
        con = duckdb.connect(str(copy), read_only=True)
    except duckdb.Error:
        return None
    try:
        return twin.seq(con)
    except duckdb.Error:
        return None
    finally:
        con.close()
