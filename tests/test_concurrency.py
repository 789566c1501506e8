"""Loads from the CLI while another process keeps reading: no lock errors, no half loads, each read is a whole state."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

from etl import periods, reference
from etl.template import write_workbook
from tests.conftest import ROOT

READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from etl import db, indicators
    from datetime import date
    path, stop = Path(sys.argv[2]), Path(sys.argv[3])
    seen, errors, worst = [], [], 0.0
    while not stop.exists():
        t0 = time.perf_counter()
        try:
            con = db.connect(path, read_only=True)
            try:
                f = indicators.compute(con, "NX03", date(2024, 1, 1), date(2024, 12, 31))
            finally:
                con.close()
            seen.append((f["tthc.received_new"], f["reporting.received"]))
        except Exception as exc:
            errors.append(repr(exc))
        worst = max(worst, time.perf_counter() - t0)
    print(json.dumps({"seen": seen, "errors": errors, "worst": worst}))
""")


def month_book(folder, month: int, received: int, unit: str = "NX03"):
    rows = [
        {
            "field": "Hộ tịch",
            "carried_over": 0,
            "received_online": received,
            "received_offline": 0,
            "resolved_early": 0,
            "resolved_on_time": received,
            "resolved_late": 0,
            "pending_on_time": 0,
            "pending_overdue": 0,
            "returned": 0,
        }
    ]
    path = folder / f"{unit}_{month:02d}.xlsx"
    write_workbook(
        path,
        unit_code=unit,
        unit_name=reference.units().get(unit).name,
        period=periods.parse(f"2024-{month:02d}"),
        rows={"TTHC": rows},
    )
    return path


def test_cli_loads_while_another_process_reads(tmp_path):
    db_file, stop = tmp_path / "c.duckdb", tmp_path / "stop"
    first = month_book(tmp_path, 1, 1)
    assert (
        subprocess.run(
            [sys.executable, "-m", "etl", "load", str(first), "--db", str(db_file)], cwd=ROOT, capture_output=True
        ).returncode
        == 0
    )
    # 20 loads: months 2..12 (11 new periods), then months 2..10 again with new figures (9 replacements)
    plan = [(m, m) for m in range(2, 13)] + [(m, 100 * m) for m in range(2, 11)]
    books = []
    for i, (m, n) in enumerate(plan):
        (tmp_path / f"v{i}").mkdir()
        books.append(month_book(tmp_path / f"v{i}", m, n))
    states, current = [], {1: 1}
    states.append((sum(current.values()), len(current) == 12))
    for m, n in plan:
        current[m] = n
        states.append((sum(current.values()), len(current) == 12))
    allowed = {(total, int(full)) for total, full in states}
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(ROOT), str(db_file), str(stop)], stdout=subprocess.PIPE, text=True
    )
    time.sleep(0.5)
    codes = []
    t0 = time.perf_counter()
    for book in books:
        codes.append(
            subprocess.run(
                [sys.executable, "-m", "etl", "load", str(book), "--db", str(db_file)], cwd=ROOT, capture_output=True
            ).returncode
        )
    loading = time.perf_counter() - t0
    time.sleep(0.3)
    stop.touch()
    out = json.loads(reader.communicate(timeout=60)[0])
    seen = [tuple(s) for s in out["seen"]]
    print(
        f"\n[concurrency] {len(books)} CLI loads in {loading:.1f} s; {len(seen)} reads, {len(out['errors'])} reader errors, "
        f"worst read {out['worst'] * 1000:.0f} ms, {len(set(seen))} distinct states seen of {len(allowed)}"
    )
    assert codes == [0] * 20
    assert out["errors"] == []
    assert len(seen) > 20 and set(seen) <= allowed
    order = [t for t, _ in states]
    assert [order.index(t) for t, _ in seen] == sorted(order.index(t) for t, _ in seen)  # never goes back in time
    assert seen[-1] == (states[-1][0], 1)


def test_a_reader_sees_each_batch_whole(tmp_path):
    """Three CLI batches of 24 files (NX03's months and other communes, read on two workers, written in rounds) while
    another process reads: every read is the state before or after a whole batch, never inside one."""
    db_file, stop = tmp_path / "c.duckdb", tmp_path / "stop"
    batches, current, states = [], {}, [(0, 0)]
    for b, months in enumerate((range(1, 5), range(5, 9), range(1, 9))):
        folder = tmp_path / f"lo{b}"
        folder.mkdir()
        for m in months:
            current[m] = 10 * b + m
            month_book(folder, m, current[m])
            for unit in ("NX04", "NX05"):
                month_book(folder, m, b + 1, unit)
        batches.append(folder)
        states.append((sum(current.values()), 0))

    def load(folder):
        return subprocess.run(
            [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db_file)], cwd=ROOT, capture_output=True
        )

    runs = [load(batches[0])]  # the database exists before the reader starts
    states = states[1:]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(ROOT), str(db_file), str(stop)], stdout=subprocess.PIPE, text=True
    )
    time.sleep(0.5)
    runs += [load(f) for f in batches[1:]]
    time.sleep(0.3)
    stop.touch()
    out = json.loads(reader.communicate(timeout=60)[0])
    seen = [tuple(s) for s in out["seen"]]
    print(f"\n[concurrency] 3 batches of {[len(list(f.iterdir())) for f in batches]} files; {len(seen)} reads")
    assert [r.returncode for r in runs] == [0, 0, 0], [
        (r.stdout.decode()[-300:], r.stderr.decode()[-300:]) for r in runs
    ]
    assert out["errors"] == []
    totals = [t for t, _ in states]
    assert {t for t, _ in seen} <= set(totals) and len(seen) > 3
    assert [totals.index(t) for t, _ in seen] == sorted(totals.index(t) for t, _ in seen)
    assert seen[-1][0] == totals[-1]
