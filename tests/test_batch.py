"""Batch loading (issue 12): read on every core, written in bulk per round, equal to loading one by one; and writes
that work in place on the database's spare copy (etl.twin) instead of copying the whole file."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from etl import batch, config, db, load, twin
from etl.load import load_paths
from tests._workbooks import book, dump, load_ok, query, tthc_row
from tests.test_crash import RECEIVED, Pinned, blank, report, run_cli


def one_by_one(db_file: Path, paths: list[Path]) -> list:
    """The reference: each file through load_bytes in turn (the path every load took before batches)."""
    archive = config.archive_dir(db_file)
    with db.writing(db_file) as w:
        results = [load._load_path(w.con, p, archive, RECEIVED, "Kiểm thử") for p in paths]
        w.after_swap.append(lambda: load.record_manifest(archive, results))
    return results


def summary(results) -> list[tuple]:
    return [
        (r.file_name, r.status, r.unit_code, r.load_id, r.replaced_load_id, r.rows, r.refusal,
         [(p.sheet, p.cell, p.message, p.severity) for p in r.problems])
        for r in results
    ]  # fmt: skip


@pytest.fixture
def mixed(tmp_path):
    """A seeded database and a batch with everything a province's folder holds: new reports for several communes and
    months, a replacement, a nearly empty replacement (refused), a quarter clashing with loaded months (refused), an
    invalid workbook, a text file named .xlsx, the same bytes twice, and a file identical to the version in force."""
    seed_dir, b = tmp_path / "seed", tmp_path / "batch"
    seed = [report(seed_dir, "NX03", "2024-01", 10, 2), report(seed_dir, "NX04", "2024-02", 12, 3)]
    files = []
    for unit in ("NX03", "NX04", "NX05", "NX06"):
        for month in (3, 4, 5):
            files.append(report(b, unit, f"2024-{month:02d}", 5 * month, month % 3 + 1))
    files.insert(4, report(b, "NX03", "2024-01", 11, 2, name="NX03_2024-01_v2.xlsx"))  # a replacement
    files.insert(7, blank(b / "mau", "NX04", "2024-02"))  # would empty a report: refused
    files.insert(9, book(b, "NX05", "2024Q1", {"TTHC": [tthc_row("Hộ tịch", 0, 3, 0, 0, 3)]}, name="quy.xlsx"))
    files.append(book(b, "NX06", "2024-06", {"TTHC": [tthc_row("Hộ tịch", 0, -4, 0, 0, 0)]}, name="sai.xlsx"))
    (b / "van_ban.xlsx").write_text("không phải bảng tính", encoding="utf-8")
    files.append(b / "van_ban.xlsx")
    files.append(shutil.copyfile(files[0], b / "ban_sao.xlsx"))  # the same bytes twice
    files.append(shutil.copyfile(seed[0], b / "da_co.xlsx"))  # replaced earlier in the batch: loads again
    files.append(shutil.copyfile(seed[1], b / "dang_dung.xlsx"))  # the version in force: unchanged
    return seed, files


@pytest.mark.parametrize("workers, chunk", [(1, batch.CHUNK), (2, batch.CHUNK), (2, 5)])
def test_a_batch_equals_loading_one_by_one_table_for_table(tmp_path, mixed, monkeypatch, workers, chunk):
    """chunk 5: a national folder is read and written a chunk at a time (bounded memory); the chunks split the
    replacement from its report, and the same bytes and the re-loaded seed fall in later chunks than their first."""
    seed, files = mixed
    monkeypatch.setattr(load, "datetime", Pinned)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)
    monkeypatch.setattr(batch, "CHUNK", chunk)
    bulk, single = tmp_path / "bulk" / "d.duckdb", tmp_path / "single" / "d.duckdb"
    for target in (bulk, single):
        assert {r.status for r in load_paths(target, seed, received_at=RECEIVED)} == {"loaded"}
    got = load_paths(bulk, files, received_at=RECEIVED, loaded_by="Kiểm thử", workers=workers)
    want = one_by_one(single, files)
    assert summary(got) == summary(want)
    statuses = [r.status for r in got]
    assert statuses.count("loaded") == 14 and statuses.count("rejected") == 4 and statuses.count("unchanged") == 2
    assert [r.refusal for r in got if r.status == "rejected"].count("loss") == 1
    assert dump(bulk) == dump(single)
    archive = lambda f: sorted(p.name for p in config.archive_dir(f).iterdir() if p.name != load.MANIFEST)  # noqa: E731
    assert archive(bulk) == archive(single)
    rebuilt = tmp_path / "rebuilt" / "d.duckdb"
    shutil.copytree(config.archive_dir(bulk), config.archive_dir(rebuilt))
    load.rebuild(rebuilt)
    assert dump(rebuilt) == dump(bulk)  # the manifest lists the batch's loads in load id order


def test_a_folder_loads_every_workbook_in_it_with_one_summary_line(tmp_path):
    folder = tmp_path / "tinh"
    for unit in ("NX03", "NX04"):
        for month in range(1, 12):
            report(folder / unit, unit, f"2024-{month:02d}", month, 1)
    (folder / "NX03" / "~$NX03_2024-01.xlsx").write_bytes(b"lock file of an open workbook")
    book(folder / "NX04", "NX04", "2024-12", {"TTHC": [tthc_row("Hộ tịch", 0, -1, 0, 0, 0)]}, name="loi.xlsx")
    db_file = tmp_path / "d.duckdb"
    out = run_cli("load", str(folder), "--db", str(db_file))
    assert out.returncode == 1, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("[KHÔNG NHẬP] loi.xlsx") and not any("[ĐÃ NHẬP]" in x for x in lines)
    assert lines[-1].startswith("Tổng cộng: 22 tệp đã nhập, 0 tệp không thay đổi, 1 tệp bị từ chối.")
    assert "Thời gian:" in lines[-1] and "tệp/giây" in lines[-1]
    assert query(db_file, "select count(*) from reports") == [(22,)]


def test_progress_is_drawn_on_a_terminal_only(tmp_path):
    class Terminal:
        def __init__(self, tty):
            self.tty, self.text = tty, ""

        def isatty(self):
            return self.tty

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    for tty in (True, False):
        stream = Terminal(tty)
        progress = batch.Progress(4, stream)
        for _ in range(4):
            progress.step()
        assert ("4/4 tệp" in stream.text and "tệp/giây" in stream.text) is tty
        assert ("còn khoảng" in stream.text) is tty


# ----------------------------------------------------------------------------------- writes on the spare copy


def copies_agree(db_file: Path) -> bool:
    a, b = twin.copies(twin.absolute(db_file))
    return dump(a) == dump(b)


def test_writes_after_the_first_copy_nothing_and_keep_both_copies_equal(tmp_path, monkeypatch):
    db_file = tmp_path / "d.duckdb"
    load_ok(db_file, report(tmp_path / "in", "NX03", "2024-01", 10, 2))
    load_ok(db_file, report(tmp_path / "in", "NX03", "2024-02", 11, 2))  # the spare copy exists from here on
    assert db_file.is_symlink() and copies_agree(db_file)

    def no_copy(*args, **kwargs):
        raise AssertionError("a write copied the database file")

    monkeypatch.setattr(twin.shutil, "copyfile", no_copy)
    for month in (3, 4, 5):
        load_ok(db_file, report(tmp_path / "in", "NX03", f"2024-{month:02d}", month, 2))
        assert copies_agree(db_file)
    refused = load_paths(db_file, [blank(tmp_path / "mau", "NX03", "2024-05")])  # nothing changes: nothing flips
    assert refused[0].refusal == "loss" and copies_agree(db_file)
    assert query(db_file, "select count(*) from reports") == [(5,)]


def test_a_batch_too_large_to_replay_refreshes_the_spare_copy_by_copying(tmp_path, monkeypatch):
    db_file = tmp_path / "d.duckdb"
    for month in (1, 2):
        load_ok(db_file, report(tmp_path / "in", "NX03", f"2024-{month:02d}", month, 2))
    copied = []
    real = twin.shutil.copyfile
    monkeypatch.setattr(twin.shutil, "copyfile", lambda *a, **k: copied.append(a) or real(*a, **k))
    monkeypatch.setattr(load, "NO_REPLAY_FROM", 2)  # a national folder: more files than a replay log should hold
    files = [report(tmp_path / "in", u, "2024-03", 4, 2) for u in ("NX03", "NX04", "NX05")]
    assert {r.status for r in load_paths(db_file, files)} == {"loaded"}
    assert len(copied) == 1 and copies_agree(db_file)  # one file copy instead of a replay, and both copies agree
    assert query(db_file, "select count(*) from reports") == [(5,)]


def test_a_database_changed_behind_the_writers_back_is_copied_again(tmp_path):
    db_file = tmp_path / "d.duckdb"
    for month in (1, 2):
        load_ok(db_file, report(tmp_path / "in", "NX03", f"2024-{month:02d}", month, 2))
    query(db_file, "delete from receptions where reception_date = '2024-02-01'")  # a tool writing to the file
    load_ok(db_file, report(tmp_path / "in", "NX04", "2024-02", 3, 2))
    assert copies_agree(db_file)
    assert query(db_file, "select count(*) from receptions where reception_date = '2024-02-01'") == [(1,)]


def test_an_old_single_file_database_becomes_two_copies_without_loss(tmp_path):
    db_file = tmp_path / "d.duckdb"
    load_ok(db_file, report(tmp_path / "in", "NX03", "2024-01", 10, 2))
    published = twin.published(twin.absolute(db_file))
    shutil.copyfile(published, tmp_path / "old.duckdb")  # as main wrote it: one plain file
    before = dump(tmp_path / "old.duckdb")
    old = tmp_path / "old.duckdb"
    load_ok(old, report(tmp_path / "in", "NX04", "2024-01", 5, 1))
    assert old.is_symlink() and len(dump(old)["reports"]) == len(before["reports"]) + 1
    assert copies_agree(old)


def test_a_reader_holding_the_old_copy_does_not_stop_the_next_write(tmp_path):
    db_file = tmp_path / "d.duckdb"
    for month in (1, 2):
        load_ok(db_file, report(tmp_path / "in", "NX03", f"2024-{month:02d}", month, 2))
    reader = db.connect(db_file, read_only=True)  # opened before the write: it keeps what it saw
    seen = reader.execute("select count(*) from reports").fetchall()
    twin.REPLAY_WAIT_SECONDS, wait = 0.5, twin.REPLAY_WAIT_SECONDS
    try:
        load_ok(db_file, report(tmp_path / "in", "NX03", "2024-03", 3, 2))  # its replay gives up on the held copy
        assert reader.execute("select count(*) from reports").fetchall() == seen == [(2,)]
        reader.close()
        load_ok(db_file, report(tmp_path / "in", "NX03", "2024-04", 4, 2))  # copies once, then in step again
    finally:
        twin.REPLAY_WAIT_SECONDS = wait
    assert query(db_file, "select count(*) from reports") == [(4,)] and copies_agree(db_file)


def test_a_preview_copies_nothing_and_changes_nothing(tmp_path, monkeypatch):
    db_file = tmp_path / "d.duckdb"
    load_ok(db_file, report(tmp_path / "in", "NX03", "2024-03", 15, 17))
    before = dump(db_file)
    monkeypatch.setattr(shutil, "copyfile", lambda *a, **k: (_ for _ in ()).throw(AssertionError("copied")))
    path = report(tmp_path / "v2", "NX03", "2024-03", 30, 17)
    result, after = load.dry_run(db_file, path.name, path.read_bytes(), lambda con, r: dump_counts(con))
    assert result.status == "loaded" and result.replaced_load_id == 1 and result.replaced_version.startswith("1:")
    assert after["tthc"] == 1 and dump(db_file) == before
    empty = blank(tmp_path / "mau", "NX03", "2024-03")
    result, _ = load.dry_run(db_file, empty.name, empty.read_bytes(), lambda con, r: {})
    assert result.loss and result.loss["before"]["Tiếp công dân"] == 17


def dump_counts(con) -> dict:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("tthc", "receptions", "reports")}


def test_received_at_and_loaded_by_reach_every_row_of_the_history(tmp_path):
    db_file = tmp_path / "d.duckdb"
    paths = [report(tmp_path / "in", u, "2024-01", 1, 1) for u in ("NX03", "NX04", "NX05")]
    load_paths(db_file, paths, received_at=datetime(2024, 2, 3, 8, 0), loaded_by="Văn thư")
    assert query(db_file, "select distinct received_at, loaded_by from load_history") == [
        (datetime(2024, 2, 3, 8, 0), "Văn thư")
    ]


def test_the_load_history_comes_a_page_at_a_time(tmp_path):
    """«Lịch sử nhập» of a province lists tens of thousands of loads: the page reads 200 at a time, newest first."""
    from datetime import date

    from etl import history, indicators

    db_file = tmp_path / "d.duckdb"
    load_paths(db_file, [report(tmp_path / "in", "NX03", f"2024-{m:02d}", m, 1) for m in range(1, 8)])
    con = db.connect(db_file, read_only=True)
    try:
        scope = indicators.scope("NX03", date(1900, 1, 1), date(2100, 12, 31), False)
        every = [r["load_id"] for r in history.history(con, scope)]
        assert history.count(con, scope) == 7 and every == [7, 6, 5, 4, 3, 2, 1]
        assert [r["load_id"] for r in history.history(con, scope, 3, 3)] == [4, 3, 2]
        assert [r["load_id"] for r in history.history(con, scope, 3, 6)] == [1]
    finally:
        con.close()
