"""Synthetic workbooks for benchmarks: N communes × M months, deterministic for a seed, cached on disk.

Each commune-month is written by the real template writer (etl/template.py) with the demo's row generators
(etl/demo.py: TTHC fields, petition register carried over month to month, receptions, outreach, plan…), sized like a
merged commune of the demo (two or three former communes). The months are the M months ending 2026-10 (the demo's
last month; the synthetic communes exist from 2025-07, so M ≤ 16). Workbooks are written on every core
(multiprocessing) into bench/cache/wb_<N>x<M>_s<seed>/, and a rerun with the same (N, M, seed) reuses them.

    python bench/generate.py --communes 166 --months 12
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import shutil
import sys
import time
import types
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from units import PROVINCE, REMOTE_EVERY, commune_codes, commune_name  # noqa: E402

CACHE = ROOT / "bench" / "cache"
SEED = 33
LAST_MONTH = date(2026, 10, 1)
MAX_MONTHS = 16  # 2025-07 .. 2026-10: the synthetic communes are valid from 2025-07-01
INDEX = "files.json"  # written last: a folder without it is an interrupted generation and is redone


def month_keys(months: int) -> list[str]:
    """The `months` period keys ending 2026-10, oldest first."""
    if not 1 <= months <= MAX_MONTHS:
        raise SystemExit(f"--months must be 1..{MAX_MONTHS} (synthetic communes exist from 2025-07)")
    keys, y, m = [], LAST_MONTH.year, LAST_MONTH.month
    for _ in range(months):
        keys.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return keys[::-1]


def cache_dir(communes: int, months: int, seed: int = SEED) -> Path:
    return CACHE / f"wb_{communes}x{months}_s{seed}"


def commune_rows(number: int, keys: list[str], seed: int) -> list[tuple[str, dict[str, list[dict]], datetime]]:
    """Every month's rows of synthetic commune `number` (1-based) with its received time: deterministic for a seed.
    Months run in order because open petitions and pending TTHC files carry over to the next month."""
    from etl import demo, reference
    from etl.periods import parse

    code = commune_codes(number)[-1]
    remote = number % REMOTE_EVERY == 0
    unit = reference.Unit(code, commune_name(number), "xa", PROVINCE, date(2025, 7, 1), None, None, remote)
    own = random.Random(f"{seed}-{code}")
    strength = round(own.uniform(0.75, 1.0) - (0.2 if remote else 0.0), 2)
    size = own.choice((2, 3))  # a new commune is two or three former ones, as in the demo
    state, out = demo.UnitState(), []
    for key in keys:
        p = parse(key)
        rng = random.Random(f"{seed}-{code}-{key}")
        rows = {
            "TTHC": demo.tthc_rows(rng, p, strength, state, size),
            "Đơn thư": demo.petition_rows(rng, unit, p, strength, state, False, size),
            **demo.register_rows(rng, unit, p, strength),
            "Kế hoạch": demo.plan_rows(p, strength),
        }
        late = rng.randint(1, 8) if rng.random() < strength else rng.randint(11, 30)
        received = datetime.combine(p.end + timedelta(days=late), datetime.min.time()).replace(hour=9)
        out.append((key, rows, received))
    return out


def _write_commune(job: tuple[int, list[str], int, str]) -> list[tuple[str, str, int]]:
    """Worker: write one commune's workbooks; returns (file name, received ISO, data rows) per month."""
    from etl.periods import parse
    from etl.template import write_workbook

    number, keys, seed, folder = job
    code, made = commune_codes(number)[-1], []
    for key, rows, received in commune_rows(number, keys, seed):
        name = f"{code}_{key}.xlsx"
        write_workbook(
            Path(folder) / name,
            unit_code=code,
            unit_name=commune_name(number),
            period=parse(key),
            rows=rows,
            info={"prepared_by": "Công chức Văn phòng – Thống kê", "approved_by": "Chủ tịch UBND xã"},
        )
        made.append((name, received.isoformat(), sum(len(v) for v in rows.values())))
    return made


@contextlib.contextmanager
def _no_main():
    """Spawned workers re-run the caller's __main__ (a Streamlit script under AppTest, whose workers then die and are
    replaced for ever): they get an empty one instead; `_write_commune` comes from this module, found by sys.path."""
    real = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = real


def generate(
    communes: int, months: int, seed: int = SEED, workers: int | None = None, progress=print
) -> list[tuple[Path, datetime]]:
    """The workbooks of `communes` × `months` (cached): (path, received_at) sorted by arrival, as etl.demo.workbooks."""
    folder = cache_dir(communes, months, seed)
    index = folder / INDEX
    if not index.exists():
        keys = month_keys(months)
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        jobs = [(n, keys, seed, str(tmp)) for n in range(1, communes + 1)]
        made, t0 = [], time.perf_counter()
        workers = workers or os.cpu_count() or 1
        with _no_main(), multiprocessing.get_context("spawn").Pool(workers) as pool:
            for i, files in enumerate(pool.imap_unordered(_write_commune, jobs, chunksize=2), 1):
                made.extend(files)
                if i % 50 == 0 or i == communes:
                    progress(
                        f"  generated {len(made)} workbooks ({i}/{communes} communes, {time.perf_counter() - t0:.0f} s)"
                    )
        made.sort(key=lambda f: (f[1], f[0]))
        (tmp / INDEX).write_text(json.dumps(made), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    return [(folder / name, datetime.fromisoformat(at)) for name, at, _ in json.loads(index.read_text("utf-8"))]


def data_rows(communes: int, months: int, seed: int = SEED) -> int:
    """Data rows over all generated workbooks (from the cache index)."""
    return sum(r for _, _, r in json.loads((cache_dir(communes, months, seed) / INDEX).read_text("utf-8")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--communes", type=int, default=166)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    t0 = time.perf_counter()
    files = generate(args.communes, args.months, args.seed)
    print(
        f"{len(files)} workbooks in {cache_dir(args.communes, args.months, args.seed)} ({time.perf_counter() - t0:.1f} s)"
    )


if __name__ == "__main__":
    main()
