"""Loader and indicator measurements, run by bench/run.py in a fresh child process per phase (so each phase's peak
memory is its own). Prints one JSON object on the last line of stdout; asserts nothing (timings are not tests).

    python bench/load_bench.py load DB @LIST              batch load of the files listed (one a line) into a fresh
                                                           DB (etl.load.load_paths)
    python bench/load_bench.py rebuild DB                  rebuild DB from its archive (etl.load.rebuild)
    python bench/load_bench.py upload DB FILE              one upload (etl.load.load_upload), after a warm-up import
    python bench/load_bench.py queries DB PERIOD CODE…     etl.indicators.compute per code: cold (first) and warm

CH33_REFERENCE must name the reference folder the files were written for (bench/units.py).
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its reaped children (worker processes), MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rss_mb": round(own, 1), "children_rss_mb": round(kids, 1)}


def load(db_file: Path, paths: list[Path]) -> dict:
    from etl import load as loader

    for leftover in db_file.parent.glob(db_file.name + "*"):  # the database, its WAL, lock and any published copies
        leftover.unlink(missing_ok=True)
    archive = loader.config.archive_dir(db_file)
    if archive.exists():
        import shutil

        shutil.rmtree(archive)
    options = {}
    if "workers" in inspect.signature(loader.load_paths).parameters:
        options["workers"] = os.cpu_count()
    t0 = time.perf_counter()
    results = loader.load_paths(db_file, paths, **options)
    seconds = time.perf_counter() - t0
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    rows = sum(sum(r.rows.values()) for r in results if r.status == "loaded")
    problems = [str(p) for r in results if r.status != "loaded" for p in r.problems][:5]
    return {"seconds": seconds, "files": len(paths), "rows": rows, "statuses": statuses, "problems": problems}


def rebuild(db_file: Path) -> dict:
    from etl import load as loader

    t0 = time.perf_counter()
    results = loader.rebuild(db_file)
    return {"seconds": time.perf_counter() - t0, "files": len(results)}


def upload(db_file: Path, path: Path) -> dict:
    t0 = time.perf_counter()
    from etl import load as loader

    imports = time.perf_counter() - t0
    data = path.read_bytes()
    t0 = time.perf_counter()
    result = loader.load_upload(db_file, path.name, data, loaded_by="bench", replace_empty=True)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "imports": imports, "status": result.status, "replaced": bool(result.replaced_version)}


def queries(db_file: Path, period: str, codes: list[str]) -> dict:
    from etl import db, periods, reference
    from etl.indicators import compute

    start, end = periods.span(period)
    units = reference.units()
    con = db.connect(db_file, read_only=True)
    out = {}
    for code in codes:
        t0 = time.perf_counter()
        compute(con, code, start, end, units=units)
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(3):
            t0 = time.perf_counter()
            compute(con, code, start, end, units=units)
            warm.append(time.perf_counter() - t0)
        out[code] = {"cold": cold, "warm": statistics.median(warm), "communes": len(units.communes(code))}
    con.close()
    return out


def main() -> None:
    # the database path is not resolved: it may be a link to the published copy
    phase, db_file, rest = sys.argv[1], Path(sys.argv[2]).absolute(), sys.argv[3:]
    if phase == "load":
        names = Path(rest[0][1:]).read_text("utf-8").split("\n") if rest[0].startswith("@") else rest
        out = load(db_file, [Path(p) for p in names if p])
    elif phase == "rebuild":
        out = rebuild(db_file)
    elif phase == "upload":
        out = upload(db_file, Path(rest[0]))
    elif phase == "queries":
        out = queries(db_file, rest[0], rest[1:])
    else:
        raise SystemExit(__doc__)
    print(json.dumps(out | peak_mb(), ensure_ascii=False))


if __name__ == "__main__":
    main()
