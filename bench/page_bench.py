"""Page benchmark: server-side run time (Streamlit AppTest) of every page, cold (empty cache) and warm (median of the
next runs), and this process's peak memory (the dashboard process running all pages).

    python bench/page_bench.py [--db data/demo.duckdb] [--select CODE:PERIOD …] [--json]

bench/run.py runs it with --json in a child process (CH33_REFERENCE naming the synthetic reference folder). Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SELECTIONS = ["X04:2026-03", "X04:2026", "NX:2024", "38:2023-01:2026-10"]


def pages() -> list[str]:
    """Every page file of the navigation in dashboard.py (single- and multi-line st.Page calls)."""
    text = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    return re.findall(r'st\.Page\(\s*"([^"]+)"', text)


def run(page: str, code: str, key: str, warm_runs: int = 2) -> dict:
    """Cold: the page's first run with an empty cache (the filters already drawn); warm: median of the next runs (wall
    and this process's CPU seconds); the page's exception, if any (the benchmark goes on and reports it)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900)
    at.query_params.update({"don_vi": code, "ky": key})
    at.run()
    st.cache_data.clear()  # cold: nothing of this selection computed yet
    t0, c0 = time.perf_counter(), time.process_time()
    at.switch_page(page).run()
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
    warm, warm_cpu = [], []
    for _ in range(warm_runs):
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        warm.append(time.perf_counter() - t0)
        warm_cpu.append(time.process_time() - c0)
    error = f"{at.exception[0].value}" if at.exception else None
    return {"cold": cold, "warm": statistics.median(warm), "cold_cpu": cold_cpu, "warm_cpu": statistics.median(warm_cpu),
            "error": error}  # fmt: skip


def main() -> None:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "data" / "demo.duckdb"))
    ap.add_argument("--select", action="append", help="CODE:PERIOD, e.g. X04:2026 (repeatable)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args()
    os.environ["CH33_DB"] = str(Path(args.db).resolve())
    os.chdir(ROOT)
    out = []
    if not args.json:
        print(f"{'page':38} {'selection':22} {'cold s':>8} {'warm s':>8}")
    for page in pages():
        for selection in args.select or SELECTIONS:
            code, key = selection.split(":", 1)
            r = {"page": page, "code": code, "period": key} | run(page, code, key)
            out.append(r)
            if not args.json:
                print(
                    f"{page:38} {code + ' ' + key:22} {r['cold']:8.3f} {r['warm']:8.3f} {r['error'] or ''}", flush=True
                )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps({"pages": out, "rss_mb": round(rss, 1)}, ensure_ascii=False))
    else:
        worst_cold, worst_warm = max(r["cold"] for r in out), max(r["warm"] for r in out)
        print(f"worst cold {worst_cold:.3f} s, worst warm {worst_warm:.3f} s, peak memory {rss:.0f} MB")


if __name__ == "__main__":
    main()
