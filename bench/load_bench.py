"""Benchmark: builds the demo set, then prints load throughput (files/s, rows/s), one typical workbook's load time,
and indicator timings. Prints figures; asserts nothing (timings are not tests)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl import db, periods, reference  # noqa: E402
from etl.demo import workbooks  # noqa: E402
from etl.indicators import compute  # noqa: E402
from etl.load import load_bytes  # noqa: E402


def main() -> None:
    units = reference.units()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        t0 = time.perf_counter()
        files = workbooks(units, folder)
        t_write = time.perf_counter() - t0
        data = [(f.name, f.read_bytes(), received) for f, received in files]
        con = db.connect(folder / "bench.duckdb")
        per_file, rows = [], 0
        t0 = time.perf_counter()
        for name, blob, received in data:
            t1 = time.perf_counter()
            result = load_bytes(con, name, blob, folder / "archive", received_at=received, units=units)
            per_file.append(time.perf_counter() - t1)
            rows += sum(result.rows.values())
        t_load = time.perf_counter() - t0
        print(f"demo workbooks written: {len(files)} in {t_write:.1f} s ({t_write / len(files) * 1000:.1f} ms each)")
        print(
            f"loaded: {len(data)} files, {rows} rows in {t_load:.1f} s -> {len(data) / t_load:.1f} files/s, {rows / t_load:.0f} rows/s"
        )
        print(
            f"per file: median {statistics.median(per_file) * 1000:.1f} ms, p95 {sorted(per_file)[int(len(per_file) * 0.95)] * 1000:.1f} ms"
        )
        typical(con, units, folder)
        for code, first, last in (("NX03", "2024-03", None), ("X04", "2026", None), ("38", "2023", "2026-10")):
            start, end = periods.span(first, last)
            runs = []
            for _ in range(5):
                t1 = time.perf_counter()
                compute(con, code, start, end)
                runs.append(time.perf_counter() - t1)
            print(f"indicators {code} {first}..{last or first}: median {statistics.median(runs) * 1000:.1f} ms")
        con.close()


def typical(con, units, folder: Path) -> None:
    """One commune-month workbook with ≈300 register rows, loaded into the demo database."""
    from datetime import timedelta

    from etl.template import write_workbook

    p = periods.parse("2026-11")
    days = [p.start + timedelta(days=i % 30) for i in range(300)]
    rows = {
        "Tiếp công dân": [
            {
                "reception_date": d,
                "form": "Thường xuyên",
                "host": "Công chức được phân công",
                "visits": 1,
                "citizens": 2,
                "cases": 1,
            }
            for d in days[:120]
        ],
        "Đơn thư": [
            {
                "case_id": f"B-{i}",
                "received_date": d,
                "petition_type": "Kiến nghị, phản ánh",
                "field": "Đất đai",
                "in_jurisdiction": True,
            }
            for i, d in enumerate(days[:120])
        ],
        "Tuyên truyền": [
            {"event_date": d, "content": "Tuyên truyền", "form": "Hội nghị", "participants": 50} for d in days[:60]
        ],
    }
    path = folder / "typical.xlsx"
    write_workbook(path, unit_code="X01", unit_name="Xã Như Xuân", period=p, rows=rows)
    t0 = time.perf_counter()
    result = load_bytes(con, path.name, path.read_bytes(), folder / "archive", units=units)
    print(f"typical workbook (300 register rows): {result.status} in {(time.perf_counter() - t0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
