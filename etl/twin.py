"""Two copies of the database, so that a write costs what it changes, not the size of the database.

`<db>` is a symbolic link to `<db>.a` or `<db>.b`: the published copy, which readers open. A writer works in place on
the other copy (kept identical to the published one), flips the link atomically, then replays the same statements on
the copy it left, so the two are identical again for the next write. Readers never see half a write (they read the
published copy, which no one writes to) and never wait: a reader that opened the old copy just before the flip keeps
it, and the replay waits for it to close.

Each copy says in meta.write_seq which write it holds (-1 while a writer works on it). A writer finds the spare copy in
step when its write_seq equals the published one's; otherwise (a killed writer, a replay that gave up, an old layout)
it copies the published file once, the old way, and goes on.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)
SEQ = "write_seq"
REPLAY_WAIT_SECONDS = 20.0


def absolute(path: Path | str) -> Path:
    """The path made absolute with its folders resolved but not its last part (which may be the published link)."""
    path = Path(path)
    return Path(os.path.realpath(path.parent)) / path.name


def copies(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + ".a"), path.with_name(path.name + ".b")


def _remove(copy: Path) -> None:
    for p in (copy, copy.with_name(copy.name + ".wal")):
        p.unlink(missing_ok=True)


def point(path: Path, target: Path) -> None:
    """Publish `target`: replace the link (or the file) at `path` atomically by a link to it, durably."""
    from etl.db import fsync_path

    tmp = path.with_name(path.name + ".link")
    tmp.unlink(missing_ok=True)
    os.symlink(target.name, tmp)
    os.replace(tmp, path)
    fsync_path(path.parent)


def published(path: Path) -> Path | None:
    """The copy readers open; a database in the old single-file layout becomes copy a (a hard link: no copying)."""
    if path.is_symlink():
        return path.with_name(os.readlink(path))
    if not path.exists():
        return None
    a, b = copies(path)
    _remove(a)
    _remove(b)
    os.link(path, a)
    point(path, a)
    return a


def spare(path: Path, current: Path | None) -> Path:
    a, b = copies(path)
    return b if current == a else a


def seq(con: duckdb.DuckDBPyConnection) -> int | None:
    row = con.execute(f"select value from meta where key = '{SEQ}'").fetchone()
    return int(row[0]) if row else None


def set_seq(con: duckdb.DuckDBPyConnection, value: int) -> None:
    con.execute(f"insert or replace into meta values ('{SEQ}', ?)", [value])


def published_seq(current: Path) -> int | None:
    from etl.db import connect

    try:
        con = connect(current, read_only=True)
    except duckdb.Error:
        return None
    try:
        return seq(con)
    except duckdb.Error:
        return None
    finally:
        con.close()


def _stat(copy: Path) -> list[int]:
    st = copy.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def stamp(path: Path, copy: Path) -> None:
    """Remember the published copy as the writer left it: a change by anything else (a tool writing to the file
    directly) shows as a different stamp, and the next writer copies it instead of trusting the spare."""
    tmp = path.with_name(path.name + ".twin.tmp")
    tmp.write_text(json.dumps({"copy": copy.name, "stat": _stat(copy)}))
    os.replace(tmp, path.with_name(path.name + ".twin"))


def stamped(path: Path, copy: Path) -> bool:
    try:
        mark = json.loads(path.with_name(path.name + ".twin").read_text())
        return mark["copy"] == copy.name and mark["stat"] == _stat(copy)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def refresh(current: Path, target: Path) -> None:
    """Make `target` a byte copy of the published file (a new file moved into place: a reader of the old keeps it)."""
    from etl.db import fsync_path

    tmp = target.with_name(target.name + ".copy")
    shutil.copyfile(current, tmp)
    fsync_path(tmp)
    _remove(target)
    os.replace(tmp, target)
    log.info("Đã sao chép lại bản dự phòng %s từ bản đang dùng.", target.name)


class Recorder:
    """The writer's connection: forwards everything, and records the statements that change data (with the Arrow
    tables they read) so that they can be replayed on the other copy. A rolled-back transaction is forgotten."""

    SKIP = ("select", "checkpoint", "pragma")
    MAX_ROWS = 1_000_000  # beyond this many recorded rows (a national batch) the copy is refreshed by a file copy

    def __init__(self, con: duckdb.DuckDBPyConnection, recording: bool = True) -> None:
        self.raw, self.recording, self.log, self.changed, self.rows = con, recording, [], False, 0

    def __getattr__(self, name):
        return getattr(self.raw, name)

    def _keep(self, *entry) -> None:
        self.changed = self.changed or entry[0] in ("execute", "executemany")
        if not self.recording:
            return
        self.log.append(entry)
        self.rows += (
            len(entry[2])
            if entry[0] == "executemany"
            else getattr(entry[2], "num_rows", 0)
            if entry[0] == "register"
            else 0
        )
        if self.rows > self.MAX_ROWS:  # keeping every row for the replay would cost more memory than a copy costs time
            self.stop_recording()

    def stop_recording(self) -> None:
        """The spare copy will be refreshed by a file copy, not a replay: nothing more is kept (a national batch)."""
        self.recording, self.log = False, []

    def execute(self, sql, params=None):
        if not sql.lstrip()[:10].lower().startswith(self.SKIP):
            self._keep("execute", sql, params)
        return self.raw.execute(sql) if params is None else self.raw.execute(sql, params)

    def executemany(self, sql, params):
        params = list(params)
        self._keep("executemany", sql, params)
        return self.raw.executemany(sql, params)

    def register(self, name, obj):
        self._keep("register", name, obj)
        self.raw.execute("select 1").fetchall()  # DuckDB 2 refuses to register while a fetchone() left rows
        return self.raw.register(name, obj)

    def unregister(self, name):
        self._keep("unregister", name)
        return self.raw.unregister(name)

    def begin(self):
        self._keep("begin")
        return self.raw.begin()

    def commit(self):
        self._keep("commit")
        return self.raw.commit()

    def rollback(self):
        if self.recording:
            starts = [i for i, e in enumerate(self.log) if e[0] == "begin"]
            del self.log[starts[-1] if starts else len(self.log) :]
            self.changed = any(e[0] in ("execute", "executemany") for e in self.log)
        return self.raw.rollback()


def replay(con: duckdb.DuckDBPyConnection, entries: list[tuple]) -> None:
    for kind, *args in entries:
        if kind == "execute":
            sql, params = args
            con.execute(sql) if params is None else con.execute(sql, params)
        elif kind == "executemany":
            con.executemany(*args)
        else:
            getattr(con, kind)(*args)


def catch_up(copy: Path, entries: list[tuple], value: int) -> bool:
    """Replay a write on the copy it left (waiting for readers that still have it open). False, and the copy is
    left marked out of step, when that fails: the next writer then copies the file once instead."""
    from etl.db import connect

    try:
        con = connect(copy, retry_seconds=REPLAY_WAIT_SECONDS)
    except duckdb.Error as exc:
        log.warning("Chưa cập nhật được bản dự phòng %s (%s); lần ghi sau sẽ sao chép lại.", copy.name, exc)
        return False
    try:
        set_seq(con, -1)
        replay(con, entries)
        set_seq(con, value)
        con.execute("checkpoint")
        return True
    except duckdb.Error as exc:
        log.warning("Chưa cập nhật được bản dự phòng %s (%s); lần ghi sau sẽ sao chép lại.", copy.name, exc)
        return False
    finally:
        con.close()
