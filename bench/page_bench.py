"""Page benchmark: server-side run time of every page on the demo data, cold (empty cache) and warm (second run).

Prints figures; asserts nothing. Usage: python bench/page_bench.py [--db data/demo.duckdb]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SELECTIONS = [("X04", "2026-03"), ("X04", "2026"), ("NX", "2024"), ("38", "2023-01:2026-10")]


def pages() -> list[str]:
    import re

    text = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    return re.findall(r'st\.Page\("([^"]+)"', text)


def run(page: str, code: str, key: str, warm_runs: int = 3) -> tuple[float, float]:
    """Cold: the page's first run with an empty cache (the filters already drawn); warm: median of the next runs."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    at.query_params.update({"don_vi": code, "ky": key})
    at.run()
    st.cache_data.clear()  # cold: nothing of this selection computed yet
    t0 = time.perf_counter()
    at.switch_page(page).run()
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(warm_runs):
        t0 = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t0)
    if at.exception:
        raise SystemExit(f"{page} {code} {key}: {at.exception[0].value}")
    return cold, statistics.median(warm)


def main() -> None:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "data" / "demo.duckdb"))
    args = ap.parse_args()
    os.environ["CH33_DB"] = str(Path(args.db).resolve())
    os.chdir(ROOT)
    print(f"{'page':38} {'selection':22} {'cold s':>8} {'warm s':>8}")
    worst_cold = worst_warm = 0.0
    for page in pages():
        for code, key in SELECTIONS:
            cold, warm = run(page, code, key)
            worst_cold, worst_warm = max(worst_cold, cold), max(worst_warm, warm)
            print(f"{page:38} {code + ' ' + key:22} {cold:8.3f} {warm:8.3f}")
    print(f"worst cold {worst_cold:.3f} s (target < 2 s), worst warm {worst_warm:.3f} s (target < 0.5 s)")


if __name__ == "__main__":
    main()
