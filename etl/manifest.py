"""The archive's manifest (manifest.jsonl): which archived files the database holds, durable before the database swap,
and the cleanup every writer runs under the lock (torn lines, verdicts of killed writes, orphaned archive copies)."""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from pathlib import Path

import duckdb

from etl import config, db

MANIFEST = "manifest.jsonl"
ARCHIVED = re.compile(r"^[0-9a-f]{16}_")  # the archive's copies: <sha256[:16]>_<name>
log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------- the archive's manifest
# One JSON object a line. A load's line carries {"write": token, "load_id": n} and is on disk (fsync) before the
# database file that holds the load replaces the old one; {"commit": token} follows the swap. A killed writer leaves
# a token with neither {"commit"} nor {"abort"}: the next writer decides from the database (does its load_history
# hold those loads?) and appends the verdict, so the manifest always says which loads the database holds. Lines
# without a token (older archives, or record_manifest for plain connections) were written after the commit.


def _append(archive: Path, records: list[dict]) -> None:
    """Append lines to the manifest, on disk when this returns."""
    path = archive / MANIFEST
    new = not path.exists()
    archive.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as f:
        f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())
    if new:
        db.fsync_path(archive)


def _read_manifest(archive: Path) -> list[dict]:
    path = archive / MANIFEST
    if not path.exists():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError:
            log.warning("Bỏ qua dòng %d hỏng của %s.", number, path)
    return out


def _verdicts(records: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """The load lines, and each write token's verdict: commit | abort | open (the writer died before saying)."""
    verdict = {}
    for r in records:
        if "commit" in r:
            verdict[r["commit"]] = "commit"
        elif "abort" in r:
            verdict[r["abort"]] = "abort"
    loads = [r for r in records if "archive_name" in r]
    for r in loads:
        if "write" in r:
            verdict.setdefault(r["write"], "open")
    return loads, verdict


def _database_loads(path: Path) -> tuple[set[tuple[int, str]], set[str]] | None:
    """(load_id, file_hash) pairs and archive names in the database's load history; None if it cannot be read."""
    if not path.exists():
        return None
    try:
        con = db.connect(path, read_only=True)
        try:
            rows = con.execute("select load_id, file_hash, archive_name from load_history").fetchall()
        finally:
            con.close()
    except duckdb.Error:
        return None
    return {(i, h) for i, h, _ in rows}, {a for _, _, a in rows}


def _journal(con: duckdb.DuckDBPyConnection, archive: Path, result) -> None:
    """Inside a db.writing block: the load's manifest line goes to disk before the swap, its commit line after."""
    writer = db.writer_of(con)
    if writer is None:
        return  # a plain connection: the caller records the manifest (record_manifest) once it is done
    journals = writer.state.setdefault("journal", {})
    if archive not in journals:
        token, lines = uuid.uuid4().hex, []
        journals[archive] = (token, lines)

        def commit() -> None:
            try:
                _append(archive, [{"commit": token}])
            except OSError as exc:  # the database holds the loads; the next writer writes the verdict
                log.warning("Chưa ghi được dòng xác nhận vào %s (%s); lần ghi sau sẽ ghi.", archive / MANIFEST, exc)

        writer.before_swap.append(lambda: lines and _append(archive, lines))
        writer.after_swap.insert(0, lambda: lines and commit())
    token, lines = journals[archive]
    result.manifest |= {"write": token, "load_id": result.load_id}
    lines.append(result.manifest)


def record_manifest(archive: Path, results: list) -> None:
    """Append the accepted loads made on a plain connection (outside db.writing) to the archive's manifest, once
    they are in the database for good; loads made inside db.writing are already there."""
    lines = [r.manifest for r in results if r.manifest and "write" not in r.manifest]
    if lines:
        _append(archive, lines)


def settle(path: Path, started: float) -> None:
    """Run by every writer under the lock (db.WRITE_HOOKS): finish the bookkeeping of writers killed mid-way.
    A torn last manifest line is cut; each open write token gets its verdict from the database; archive copies that
    neither the manifest nor the database knows, older than this writer, are removed. Each step says so in the log.
    A disk error here does not stop the write (what is left open is settled by a later one)."""
    try:
        _settle(path, started)
    except OSError as exc:
        log.warning("Chưa dọn được kho lưu trữ của %s (%s); lần ghi sau sẽ làm tiếp.", path, exc)


def _settle(path: Path, started: float) -> None:
    archive = config.archive_dir(path)
    manifest = archive / MANIFEST
    if not archive.is_dir():
        return
    if manifest.exists() and manifest.stat().st_size:
        with open(manifest, "rb+") as f:
            body = f.read()
            if not body.endswith(b"\n"):
                f.truncate(body.rfind(b"\n") + 1)
                os.fsync(f.fileno())
                log.warning("Đã cắt dòng ghi dở ở cuối %s (một lần ghi bị ngắt).", manifest)
    loads, verdict = _verdicts(_read_manifest(archive))
    known = None
    if "open" in verdict.values() and (known := _database_loads(path)) is not None:
        settled = []
        for token in [t for t, v in verdict.items() if v == "open"]:
            mine = [(r["load_id"], r["file_hash"]) for r in loads if r.get("write") == token]
            verdict[token] = "commit" if all(m in known[0] for m in mine) else "abort"
            settled.append({verdict[token]: token})
            log.warning(
                "Lần ghi bị ngắt (%d tệp): %s.",
                len(mine),
                "cơ sở dữ liệu đã có các tệp này, ghi xác nhận vào sổ lưu trữ"
                if verdict[token] == "commit"
                else "cơ sở dữ liệu không có các tệp này, sổ lưu trữ ghi là không nhập",
            )
        _append(archive, settled)
    if not loads:
        return  # no manifest to tell orphans from originals: keep everything
    listed = {r["archive_name"] for r in loads if verdict.get(r.get("write"), "commit") != "abort"}
    candidates = []
    for entry in os.scandir(archive):
        name = entry.name
        if name == MANIFEST or name in listed or not entry.is_file() or not ARCHIVED.match(name):
            continue
        try:
            if entry.stat().st_mtime < started:
                candidates.append(entry)
        except FileNotFoundError:
            continue
    if candidates and known is None:
        known = _database_loads(path)
    if candidates and known is not None:  # without a readable database, nothing tells an orphan from an original
        for entry in candidates:
            if entry.name in known[1]:
                continue
            Path(entry.path).unlink(missing_ok=True)
            log.warning("Đã xóa %s khỏi kho lưu trữ: tệp của một lần nhập không hoàn tất.", entry.name)


db.WRITE_HOOKS.append(settle)
