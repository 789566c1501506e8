"""Benchmark of the level-above pages (So sánh đơn vị, Tình hình báo cáo): server-side AppTest run time, cold and warm.

1. The demo province (38) for a year, on the demo database.
2. A synthetic province of N communes (default 200) × M months of 2024 (default 12), generated with etl.demo's row
   generators into real workbooks (etl.template.write_workbook) loaded through etl.load.load_bytes, under a unit list
   written into a temporary reference folder (CH33_REFERENCE is set before etl is imported: a child process).
   The generated database is kept in --workdir and reused by the next run with the same N and M.

Prints figures; asserts nothing. Usage: python bench/compare_bench.py [--db data/demo.duckdb] [--communes 200] [--months 12]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = ("pages/so_sanh_don_vi.py", "pages/tinh_hinh_bao_cao.py")
PROVINCE = "99"

from page_bench import run  # noqa: E402  (the same cold/warm measurement as the page benchmark)


def report(label: str, code: str, key: str, target_warm: float) -> None:
    for page in PAGES:
        cold, warm = run(page, code, key)
        print(
            f"{label:30} {page:30} {code + ' ' + key:12} cold {cold:7.3f} s   warm {warm:6.3f} s   (target warm < {target_warm} s)",
            flush=True,
        )


def write_reference(folder: Path, communes: int) -> None:
    """units.csv: one province with N communes; the rules and targets copied from the project's reference folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "data" / "reference").glob("*.csv"):
        if f.name not in ("units.csv", "groups.csv"):
            shutil.copy(f, folder / f.name)
    with open(folder / "units.csv", "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["code", "name", "level", "parent_code", "valid_from", "valid_to", "successor_code", "is_remote"])
        w.writerow([PROVINCE, "Tỉnh Thử Nghiệm", "tinh", "", "2020-01-01", "", "", "0"])
        for i in range(1, communes + 1):
            w.writerow(
                [f"S{i:03d}", f"Xã Thử Nghiệm {i:03d}", "xa", PROVINCE, "2020-01-01", "", "", str(int(i % 5 == 0))]
            )


def _write_books(task: tuple[str, int, str]) -> list[tuple[str, str]]:
    """One commune's workbooks for the months (in a worker process: openpyxl writing is the slow part)."""
    import random
    from datetime import datetime, timedelta

    from etl import demo, reference
    from etl.periods import parse
    from etl.template import write_workbook

    code, months, out = task
    unit = reference.units().get(code)
    s, state, made = demo.strength(unit), demo.UnitState(), []
    for m in range(1, months + 1):
        p = parse(f"2024-{m:02d}")
        rng = random.Random(f"{demo.SEED}-{code}-{p.key}")
        rows = {
            "TTHC": demo.tthc_rows(rng, p, s, state),
            "Đơn thư": demo.petition_rows(rng, unit, p, s, state, False),
            **demo.register_rows(rng, unit, p, s),
            "Kế hoạch": demo.plan_rows(p, s),
        }
        if rng.random() < 0.02:
            continue  # a missing report now and then
        path = Path(out) / f"{code}_{p.key}.xlsx"
        write_workbook(path, unit_code=code, unit_name=unit.name, period=p, rows=rows)
        late = rng.randint(1, 8) if rng.random() < s else rng.randint(11, 30)
        made.append((str(path), (datetime.combine(p.end + timedelta(days=late), datetime.min.time())).isoformat()))
    return made


def build_synthetic(db_path: Path, communes: int, months: int) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from datetime import datetime

    from etl import config, db, reference
    from etl.load import load_bytes

    books = db_path.parent / "books"
    books.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    tasks = [(f"S{i:03d}", months, str(books)) for i in range(1, communes + 1)]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        made = sorted((b for chunk in pool.map(_write_books, tasks, chunksize=4) for b in chunk), key=lambda b: b[1])
    t1 = time.perf_counter()
    units = reference.units()
    with db.writing(db_path, fresh=True) as w:
        for path, received in made:
            when = datetime.fromisoformat(received)
            r = load_bytes(
                w.con,
                Path(path).name,
                Path(path).read_bytes(),
                config.archive_dir(db_path),
                received_at=when,
                loaded_at=when,
                units=units,
            )
            if r.status != "loaded":
                raise SystemExit(f"{path}: {[str(p) for p in r.problems]}")
    print(
        f"synthetic province: {len(made)} workbooks written in {t1 - t0:.0f} s, loaded in {time.perf_counter() - t1:.0f} s",
        flush=True,
    )


def synthetic(workdir: Path, communes: int, months: int) -> None:
    """Child process: CH33_REFERENCE and CH33_DB are already set to the synthetic province."""
    db_path = Path(os.environ["CH33_DB"])
    if not db_path.exists():
        build_synthetic(db_path, communes, months)
    from etl import db, indicators
    from etl.compare import commune_figures
    from etl.periods import span

    con = db.connect(db_path, read_only=True)
    start, end = span("2024")
    t0 = time.perf_counter()
    rows = commune_figures(con, PROVINCE, start, end)
    print(f"etl.compare.commune_figures for {len(rows) - 1} communes: {time.perf_counter() - t0:.3f} s", flush=True)
    t0 = time.perf_counter()
    indicators.compute(con, PROVINCE, start, end)
    print(f"etl.indicators.compute for the province: {time.perf_counter() - t0:.3f} s", flush=True)
    con.close()
    report(f"synthetic {communes} communes", PROVINCE, "2024", 3.0)


def main() -> None:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "data" / "demo.duckdb"))
    ap.add_argument("--communes", type=int, default=200)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--workdir", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "ch33_compare_bench"))
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument("--synthetic-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.chdir(ROOT)
    workdir = Path(args.workdir) / f"{args.communes}x{args.months}"
    if args.synthetic_child:
        return synthetic(workdir, args.communes, args.months)
    if not args.skip_demo:
        os.environ["CH33_DB"] = str(Path(args.db).resolve())
        for key in ("2024", "2025", "2026"):
            report("demo province", "38", key, 1.0)
    write_reference(workdir / "reference", args.communes)
    env = os.environ | {"CH33_REFERENCE": str(workdir / "reference"), "CH33_DB": str(workdir / "bench.duckdb")}
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--synthetic-child",
            "--communes",
            str(args.communes),
            "--months",
            str(args.months),
            "--workdir",
            args.workdir,
        ],
        env=env,
        check=True,
    )


if __name__ == "__main__":
    main()
