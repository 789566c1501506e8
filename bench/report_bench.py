"""Benchmark of the periodic report (etl.report_data → report_doc / report_xlsx): one commune, and a province of N
communes (default 166, like Thanh Hóa) built with the comparison benchmark's synthetic generator. Goals (issue 11):
a commune report < 3 s, a 166-commune province report < 15 s. Prints figures; asserts nothing.

Usage: python bench/report_bench.py [--communes 166] [--months 12]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def timed(label: str, code: str, key: str, db_path: Path, today: date, goal: float) -> None:
    from etl import db, report_data, report_doc, report_xlsx

    t0 = time.perf_counter()
    con = db.connect(db_path, read_only=True)
    try:
        data = report_data.gather(con, code, key, "cung_ky", today=today)
    finally:
        con.close()
    t1 = time.perf_counter()
    doc = report_doc.render(data)
    t2 = time.perf_counter()
    xlsx = report_xlsx.appendices(data)
    t3 = time.perf_counter()
    print(
        f"{label:34} {code:5} {key:7} figures {t1 - t0:6.2f} s  .docx {t2 - t1:5.2f} s ({len(doc) // 1024} KB)  "
        f".xlsx {t3 - t2:5.2f} s ({len(xlsx) // 1024} KB)  total {t3 - t0:6.2f} s  (goal < {goal:g} s)",
        flush=True,
    )


def child(communes: int, months: int) -> None:
    import compare_bench

    db_path = Path(os.environ["CH33_DB"])
    if not db_path.exists():
        compare_bench.build_synthetic(db_path, communes, months)
    timed(f"synthetic province, {communes} communes", compare_bench.PROVINCE, "2024", db_path, date(2025, 3, 1), 15)
    timed("synthetic commune", "S001", "2024H1", db_path, date(2025, 3, 1), 3)


def main() -> None:
    import compare_bench

    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=166)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--workdir", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "ch33_report_bench"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.communes, args.months)
    demo = ROOT / "data" / "demo.duckdb"
    if demo.exists():
        for code, key in (("X04", "2025H2"), ("NX03", "2024"), ("38", "2025")):
            timed("demo", code, key, demo, date(2026, 11, 29), 3 if code != "38" else 15)
    workdir = Path(args.workdir) / f"{args.communes}x{args.months}"
    compare_bench.write_reference(workdir / "reference", args.communes)
    env = os.environ | {"CH33_REFERENCE": str(workdir / "reference"), "CH33_DB": str(workdir / "bench.duckdb")}
    cmd = [sys.executable, __file__, "--child", "--communes", str(args.communes), "--months", str(args.months)]
    subprocess.run(cmd + ["--workdir", args.workdir], env=env, check=True)


if __name__ == "__main__":
    main()
