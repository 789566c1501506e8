"""Crash-safe bookkeeping and no silent loss (issue 10, findings 7 and 8).

A load killed at any point leaves the database as it was or as the load left it, and `rebuild` afterwards gives the
same database; what a killed writer leaves behind is cleaned by the next one. A replacement that would remove most of
a report needs a confirmation; `rebuild` on a path without archive refuses; a confirmation given on a preview that
someone else's replacement has made stale is refused.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import config, db, load, periods
from etl.load import load_paths, rebuild
from etl.template import write_workbook
from tests._workbooks import book, dump, load_ok, query, tthc_row
from tests.conftest import ROOT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECEIVED = datetime(2024, 5, 6, 8, 0)
LOADED = datetime(2024, 5, 6, 9, 30)
KILL_POINTS = 20

# The CLI load with "now" pinned (so a completed run and a killed one can be compared table by table) on a slow disk
# (each fsync takes 40 ms more, which widens the moments between the manifest, the swap and the commit line enough
# for random kills to land in them); prints "ready" once imported, so the kill delays spread over the load itself
# rather than over Python's start-up.
HELPER = textwrap.dedent("""
    import os
    import sys
    import time
    from datetime import datetime
    sys.path.insert(0, sys.argv[1])
    from etl import load
    from etl.__main__ import main

    real_fsync = os.fsync

    def slow_fsync(fd):
        time.sleep(0.04)
        real_fsync(fd)

    os.fsync = slow_fsync

    class Pinned(datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2024, 5, 6, 9, 30)

    load.datetime = Pinned
    print("ready", flush=True)
    sys.exit(main(sys.argv[2:]))
""")


class Killed(BaseException):
    """Stands for the process dying at the point where it is raised."""


class Pinned(datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(2024, 5, 6, 9, 30)


def receptions(month: int, days: int) -> list[dict]:
    return [
        {
            "reception_date": date(2024, month, d),
            "form": "Định kỳ",
            "host": "Chủ tịch",
            "visits": 1,
            "citizens": 2,
            "cases": 1,
        }
        for d in range(1, days + 1)
    ]


def report(folder: Path, unit: str, key: str, received: int, days: int = 0, name: str | None = None) -> Path:
    sheets = {"TTHC": [tthc_row("Hộ tịch", 0, received, 0, 0, received, 0, 0, 0)]}
    if days:
        sheets["Tiếp công dân"] = receptions(int(key[-2:]), days)
    return book(folder, unit, key, sheets, name=name)


def blank(folder: Path, unit: str = "NX03", key: str = "2024-03") -> Path:
    """The empty template `python -m etl template` gives a clerk (plan tasks pre-filled, nothing else)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"mau_{unit}_{key}.xlsx"
    write_workbook(path, unit_code=unit, unit_name="Xã Bình Lương", period=periods.parse(key))
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )


def leftovers(db_file: Path) -> list[str]:
    """Copies of writers and archive files the database does not know (what a kill leaves behind)."""
    stray = [p.name for p in db_file.parent.iterdir() if ".writing" in p.name]
    archive = config.archive_dir(db_file)
    con = db.connect(db_file, read_only=True)
    try:
        kept = {a for (a,) in con.execute("select archive_name from load_history").fetchall()}
    finally:
        con.close()
    stray += [p.name for p in archive.iterdir() if p.name != load.MANIFEST and p.name not in kept]
    return stray


def rebuilt_elsewhere(db_file: Path, folder: Path) -> dict:
    """Copy the archive alone beside a new database path, rebuild there, and dump it."""
    fresh = folder / "rebuilt.duckdb"
    shutil.copytree(config.archive_dir(db_file), config.archive_dir(fresh))
    results = rebuild(fresh)
    assert all(r.status == "loaded" for r in results), [str(p) for r in results for p in r.problems]
    return dump(fresh)


# --------------------------------------------------------------------------------------------- finding 7


@pytest.fixture
def seeded(tmp_path):
    """A database with four loads, and a batch of two more (a replacement and a new report)."""
    site = tmp_path / "site"
    db_file = site / "x.duckdb"
    seed = [
        report(tmp_path / "seed", "NX03", "2024-01", 10, 2),
        report(tmp_path / "seed", "NX03", "2024-02", 12),
        report(tmp_path / "seed", "NX03", "2024-03", 15, 3),
        report(tmp_path / "seed", "NX04", "2024-03", 7),
    ]
    assert all(r.status == "loaded" for r in load_paths(db_file, seed, received_at=RECEIVED))
    batch = [
        report(tmp_path / "batch", "NX03", "2024-03", 18, 4, name="NX03_2024-03_v2.xlsx"),
        report(tmp_path / "batch", "NX04", "2024-04", 9),
    ]
    return db_file, batch


def killed_after_swap(monkeypatch, db_file: Path, batch: list) -> None:
    """Load the batch and die right after the new database file replaced the old one (before the commit line)."""
    real = os.replace

    def dies_after_swap(src, dst):
        real(src, dst)
        if Path(dst) == db_file.absolute():
            raise Killed

    monkeypatch.setattr(db.os, "replace", dies_after_swap)
    with pytest.raises(Killed):
        load_paths(db_file, batch, received_at=RECEIVED)
    monkeypatch.undo()


def test_a_kill_between_the_swap_and_the_manifest_loses_nothing(tmp_path, seeded, monkeypatch):
    """Finding 7 (571 loads → rebuild «400 tệp»): the process dies right after the new database is in place."""
    db_file, batch = seeded
    killed_after_swap(monkeypatch, db_file, batch)
    tables = dump(db_file)
    assert len(tables["load_history"]) == 6  # the database holds the batch
    assert rebuilt_elsewhere(db_file, tmp_path / "elsewhere") == tables  # so does the archive alone
    rebuild(db_file)
    assert dump(db_file) == tables


def test_a_kill_before_the_swap_changes_nothing(tmp_path, seeded, monkeypatch):
    db_file, batch = seeded
    before = dump(db_file)
    real = os.replace

    def dies_before_swap(src, dst):
        if Path(dst) == db_file.absolute():
            raise Killed
        real(src, dst)

    monkeypatch.setattr(db.os, "replace", dies_before_swap)
    with pytest.raises(Killed):
        load_paths(db_file, batch, received_at=RECEIVED)
    monkeypatch.undo()
    assert dump(db_file) == before
    rebuild(db_file)  # the next write reads the verdict from the database: the batch never made it
    assert dump(db_file) == before
    assert leftovers(db_file) == []  # and the batch's archive copies are gone
    assert rebuilt_elsewhere(db_file, tmp_path / "elsewhere") == before


def test_the_next_write_cleans_what_a_killed_writer_left(tmp_path, seeded, caplog):
    db_file, batch = seeded
    archive = config.archive_dir(db_file)
    stale = [db_file.with_name(f"{db_file.name}.4242.writing"), db_file.with_name(f"{db_file.name}.4242.writing.wal")]
    orphans = [archive / "0123456789abcdef_chet_giua_chung.xlsx", archive / "fedcba9876543210_dang_ghi.xlsx.tmp"]
    foreign = archive / "ghi_chu_cua_van_phong.txt"  # not an archive copy: never touched
    db_file.with_name(db_file.name + ".clean").unlink()  # a writer killed mid-way never marks its write finished
    for path in stale + orphans + [foreign]:
        path.write_bytes(b"PK\x03\x04 half written")
        os.utime(path, (time.time() - 60, time.time() - 60))
    with open(archive / load.MANIFEST, "a", encoding="utf-8") as f:
        f.write('{"archive_name": "0123456789abcdef_chet_giua_chung.xlsx", "file_na')  # torn by the kill
    caplog.set_level(logging.WARNING)
    assert [r.status for r in load_paths(db_file, batch[1:2], received_at=RECEIVED)] == ["loaded"]
    assert not any(p.exists() for p in stale + orphans) and foreign.exists()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "4242.writing" in logged and "chet_giua_chung" in logged and "dang_ghi" in logged and "cắt dòng" in logged
    lines = (archive / load.MANIFEST).read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line) for line in lines)
    assert rebuilt_elsewhere(db_file, tmp_path / "elsewhere") == dump(db_file)


def test_rebuild_without_the_database_replays_an_unfinished_write(tmp_path, seeded, monkeypatch):
    """The database is lost right after a kill between swap and commit line: the archive alone still has the batch."""
    db_file, batch = seeded
    killed_after_swap(monkeypatch, db_file, batch)
    tables = dump(db_file)
    db_file.unlink()
    rebuild(db_file)
    assert dump(db_file) == tables


def _start(db_file: Path, batch: list[Path]) -> subprocess.Popen:
    args = [sys.executable, "-c", HELPER, str(ROOT), "load", *map(str, batch), "--db", str(db_file)]
    args += ["--received-at", RECEIVED.isoformat(timespec="minutes"), "--by", "Kiểm thử"]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    assert proc.stdout.readline().strip() == b"ready", proc.stderr.read().decode()
    return proc


def _reap(proc: subprocess.Popen) -> None:
    proc.wait(timeout=60)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # any helper process the loader started dies with it
    except ProcessLookupError:
        pass
    proc.stdout.close()
    proc.stderr.close()


def _stage(db_file: Path, state: str) -> str:
    """Where the kill landed, read from what it left: the batch's manifest lines without a verdict mean it died
    between writing them and the commit line."""
    lines = [json.loads(x) for x in (config.archive_dir(db_file) / load.MANIFEST).read_text("utf-8").splitlines()]
    decided = {x.get("commit") or x.get("abort") for x in lines}
    open_ = any("write" in x and x["write"] not in decided for x in lines)
    if open_:
        return "journal written, not swapped" if state == "before" else "swapped, commit line not written"
    return "before the journal" if state == "before" else "after the commit line"


def _kill_when_journalled(proc: subprocess.Popen, manifest: Path, delay: float) -> None:
    """Kill `delay` seconds after the batch's manifest lines reach the file (or when the load ends first)."""
    size, deadline = manifest.stat().st_size, time.monotonic() + 60
    while manifest.stat().st_size == size and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    time.sleep(delay)


def test_a_load_killed_at_random_points_leaves_before_or_after_and_rebuild_agrees(tmp_path, seeded, monkeypatch):
    """Half the kills at random times over the whole CLI load, half at random times within 150 ms after its manifest
    lines are written (the journal, the swap and the commit line, on a disk whose fsync takes 40 ms)."""
    db_file, batch = seeded
    pristine = db_file.parent
    before = dump(db_file)

    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference)
    proc = _start(reference / db_file.name, batch)
    ready = time.perf_counter()
    _reap(proc)
    duration = time.perf_counter() - ready
    assert proc.returncode == 0
    after = dump(reference / db_file.name)
    assert after != before and len(after["load_history"]) == 6
    rng = random.Random(int(os.environ.get("CH33_KILL_SEED", "20241010")))
    spread = KILL_POINTS - KILL_POINTS // 2
    plan = [("time", (i + rng.random()) / spread * duration) for i in range(spread)]  # one in each slice of the load
    plan += [("journal", rng.uniform(0, 0.15)) for _ in range(KILL_POINTS // 2)]
    monkeypatch.setattr(load, "datetime", Pinned)  # the next write in this process: the same clock as the helper

    def kill(i: int, mode: str, delay: float) -> str:
        site = tmp_path / f"kill{i}"
        shutil.copytree(pristine, site)
        target = site / db_file.name
        proc = _start(target, batch)
        if mode == "time":
            time.sleep(delay)
        else:
            _kill_when_journalled(proc, config.archive_dir(target) / load.MANIFEST, delay)
        proc.send_signal(signal.SIGKILL)
        _reap(proc)
        state = dump(target)
        where = f"kill {i} ({mode} + {delay * 1000:.0f} ms)"
        assert state in (before, after), f"{where}: neither before nor after"
        stage = _stage(target, "before" if state == before else "after")
        # rebuild at once, the kill's leftovers still there: the same database, and the leftovers are gone
        rebuild(target)
        assert dump(target) == state, f"{where}, {stage}: rebuild differs"
        assert leftovers(target) == [], where
        assert rebuilt_elsewhere(target, tmp_path / f"fresh{i}") == state, where  # the archive alone gives it too
        # the clerk loads the batch again: the after state
        again = load_paths(target, batch, received_at=RECEIVED, loaded_by="Kiểm thử")
        assert {r.status for r in again} == ({"loaded"} if state == before else {"unchanged"}), where
        assert dump(target) == after, where
        return stage

    with ThreadPoolExecutor(max_workers=2) as pool:  # two kills at a time: the file stays well under two minutes
        stages = list(pool.map(lambda args: kill(*args), [(i, m, d) for i, (m, d) in enumerate(plan)]))
    befores = sum(s.startswith(("before", "journal")) for s in stages)
    print(
        f"\n[crash] load of {len(batch)} files: {duration * 1000:.0f} ms after start-up; {KILL_POINTS} kills "
        f"({spread} over the load, {KILL_POINTS // 2} within 150 ms of the journal): {befores} before, "
        f"{KILL_POINTS - befores} after ("
        + ", ".join(f"{stages.count(s)} {s}" for s in sorted(set(stages)))
        + "); every rebuild identical"
    )


# --------------------------------------------------------------------------------------------- finding 8


def test_an_empty_template_does_not_replace_a_report_unless_asked(tmp_path):
    db_file = tmp_path / "d.duckdb"
    real = report(tmp_path / "in", "NX03", "2024-03", 15, 17)
    load_ok(db_file, real)
    before = dump(db_file)
    archived = sorted(p.name for p in config.archive_dir(db_file).iterdir())
    template = blank(tmp_path / "mau")
    refused = run_cli("load", str(template), "--db", str(db_file))
    assert refused.returncode == 1, refused.stderr
    assert (
        f"Tệp {template.name} sẽ thay thế báo cáo NX03 tháng 3/2024 đang có 15 hồ sơ TTHC, 17 ngày tiếp công dân "
        "bằng một báo cáo trống; thêm --replace-empty nếu đúng là muốn thay." in refused.stdout
    )
    assert dump(db_file) == before
    assert sorted(p.name for p in config.archive_dir(db_file).iterdir()) == archived  # nothing of it archived

    half = report(tmp_path / "in", "NX03", "2024-03", 5, 17, name="sua_tthc.xlsx")  # TTHC 15 → 5, registers kept
    refused = run_cli("load", str(half), "--db", str(db_file))
    assert refused.returncode == 1 and "mất hơn một nửa số liệu (chỉ còn 5 hồ sơ TTHC" in refused.stdout

    accepted = run_cli("load", str(template), "--db", str(db_file), "--replace-empty")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert query(db_file, "select count(*) from receptions") == [(0,)]
    assert query(db_file, "select load_id, replaced_load_id from load_history order by 1") == [(1, None), (2, 1)]


def test_a_fuller_replacement_needs_no_confirmation(tmp_path):
    db_file = tmp_path / "d.duckdb"
    load_ok(db_file, report(tmp_path / "in", "NX03", "2024-03", 15, 4))
    r = load_ok(db_file, report(tmp_path / "in", "NX03", "2024-03", 8, 2, name="v2.xlsx"))  # exactly half is kept
    assert r.replaced_load_id == 1 and r.loss is None


@pytest.mark.parametrize("archive", ["none", "empty"])
def test_rebuild_on_a_mistyped_path_refuses_and_creates_nothing(tmp_path, archive):
    target = tmp_path / "du_lieu" / "ch33.duckdb"  # the real one is data/ch33.duckdb
    if archive == "empty":
        config.archive_dir(target).mkdir(parents=True)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    out = run_cli("rebuild", "--db", str(target))
    assert out.returncode == 2
    assert "Không có kho lưu trữ" in out.stderr and "không tạo tệp nào" in out.stderr and "Traceback" not in out.stderr
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


@pytest.fixture
def site(tmp_path, monkeypatch):
    db_file = tmp_path / "site.duckdb"
    load_ok(db_file, report(tmp_path / "seed", "NX03", "2024-03", 15, 17))
    monkeypatch.setenv("CH33_DB", str(db_file))
    return db_file


def upload(path: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": "NX03", "ky": "2024-03"})
    at.run()
    at.switch_page("pages/nhap_so_lieu.py").run()
    at.file_uploader(key="tep_tai_len").set_value([(path.name, path.read_bytes(), XLSX)])
    return at.run()


def confirm(at: AppTest) -> AppTest:
    return at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("xac_nhan_"))).click().run()


def test_upload_of_an_empty_template_shows_what_is_lost_and_waits_for_confirmation(site, tmp_path):
    before = dump(site)
    at = upload(blank(tmp_path / "mau"))
    assert not at.exception
    [warning] = [e.value for e in at.error]
    assert "đang có 15 hồ sơ TTHC, 17 ngày tiếp công dân" in warning and "trống" in warning
    assert dump(site) == before
    at = confirm(at)
    assert any("Đã thay thế bản nhập số 1" in s.value for s in at.success)
    assert query(site, "select count(*) from receptions") == [(0,)]


def test_confirmation_after_someone_elses_replacement_is_refused(site, tmp_path):
    at = upload(report(tmp_path / "mine", "NX03", "2024-03", 30, 17, name="cua_toi.xlsx"))
    assert any("sẽ thay thế bản nhập số 1" in w.value for w in at.warning)
    theirs = load_ok(site, report(tmp_path / "theirs", "NX03", "2024-03", 40, 17, name="cua_nguoi_khac.xlsx"))
    at = confirm(at)
    assert not at.exception
    assert any("đã được nhập lại sau khi xem trước" in e.value and "cua\\_nguoi\\_khac" in e.value for e in at.error)
    assert query(site, "select load_id from reports") == [(theirs.load_id,)]  # theirs stays
    at = confirm(at)  # confirmed again, on the preview that now shows their version
    assert any(f"Đã thay thế bản nhập số {theirs.load_id}" in s.value for s in at.success)
    assert query(site, "select file_name from load_history where load_id = (select load_id from reports)") == [
        ("cua_toi.xlsx",)
    ]
