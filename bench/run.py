"""The benchmark of issue 12: `bash run.sh bench [--communes N --months M]` (default a province-year, 166 × 12).

Generates (or reuses, bench/cache/) N × M synthetic workbooks (bench/generate.py) for a synthetic reference folder
(bench/units.py), then measures in fresh child processes, and prints side by side against the issue's goals:
the raw python-calamine read of the same files (the floor) and a naive pandas+openpyxl read (on a sample); the
loader (etl.load.load_paths into a fresh database) and a rebuild from its archive; one upload into a small and into
the large database; indicator queries for a commune, a 200-commune group and the province; every page cold and warm
for a commune and for the province (Streamlit AppTest); the peak memory of the loader and of the dashboard process.

    --national-db --years Y   pages and queries on bench/national_db.py's SQL-built database of N communes × Y
                              years instead of the loaded one (national size without 40,000 workbooks)
    --plot                    draw docs/perf_scaling.png from every saved result (bench/cache/results_*.json)
Figures only: the machine is shared, so read the ratios. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from generate import CACHE, SEED, _write_commune, data_rows, generate  # noqa: E402
from units import group_code, write_reference  # noqa: E402

PERIOD = "2026"  # the pages' and queries' period: the year the months end in
TODAY = "2026-11-29"
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


TICK = os.sysconf("SC_CLK_TCK")


def tree_sample(pid: int, cpu: dict[int, float]) -> float:
    """Resident memory of a process and all its descendants now, MB (from /proc); records each one's CPU seconds so
    far into `cpu` (pid -> seconds), which counts worker processes the child never waits for."""
    parents, rss, used = {}, {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry)], rss[int(entry)] = int(stat[1]), int(stat[21]) * PAGE_BYTES
                used[int(entry)] = (int(stat[11]) + int(stat[12])) / TICK  # utime + stime
            except (OSError, IndexError, ValueError):
                continue
    family, frontier = {pid}, [pid]
    while frontier:
        kids = [p for p, parent in parents.items() if parent in frontier and p not in family]
        family.update(kids)
        frontier = kids
    cpu.update({p: used[p] for p in family if p in used})
    return sum(rss.get(p, 0) for p in family) / 2**20


def child(args: list[str], env: dict) -> dict:
    """Run `python args…` in a fresh process; its last stdout line is JSON. Adds wall seconds, the peak resident
    memory of the process and its descendants together (sampled every 0.1 s), and their CPU seconds: on a shared
    machine CPU time is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    log = CACHE / f"child.{os.getpid()}.log"  # the child's stderr (Streamlit's warnings, tracebacks), shown on failure
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [sys.executable, *args], stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT, text=True
        )
    peak, done, seen = [0.0], threading.Event(), {}

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_sample(proc.pid, seen))

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    out, _ = proc.communicate()
    done.set()
    watcher.join()
    if proc.returncode:
        sys.stderr.write(log.read_text(errors="replace")[-3000:])
        raise SystemExit(f"{' '.join(args[:2])} failed with exit code {proc.returncode}")
    log.unlink()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime  # the child and the workers it reaped
    result = json.loads(out.strip().splitlines()[-1])
    return result | {"wall": time.perf_counter() - t0, "tree_rss_mb": peak[0], "cpu": max(cpu, sum(seen.values()))}


def raw_reads(paths: list[Path], sample: int = 40) -> dict:
    """The floor (python-calamine, every sheet of every file) and a naive pandas+openpyxl read of a sample."""
    import pandas as pd
    from python_calamine import CalamineWorkbook

    t0, c0 = time.perf_counter(), time.process_time()
    for p in paths:
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    calamine, calamine_cpu = time.perf_counter() - t0, time.process_time() - c0
    picked = paths[:: max(1, len(paths) // sample)][:sample]
    t0 = time.perf_counter()
    for p in picked:
        pd.read_excel(p, sheet_name=None, engine="openpyxl")
    pandas_each = (time.perf_counter() - t0) / len(picked)
    return {"calamine_s": calamine, "calamine_ms": calamine / len(paths) * 1000, "calamine_cpu_s": calamine_cpu, "pandas_ms": pandas_each * 1000,
            "pandas_sample": len(picked), "pandas_total_s": pandas_each * len(paths)}  # fmt: skip


def loading(args: argparse.Namespace, out: dict, big: Path, env: dict) -> None:
    """Generate (or reuse) the workbooks; raw reads, batch load, rebuild and the uploads, into `out`."""
    t0 = time.perf_counter()
    files = [p for p, _ in generate(args.communes, args.months, args.seed)]
    out |= {"files": len(files), "generate_s": time.perf_counter() - t0}
    out["data_rows"] = data_rows(args.communes, args.months, args.seed)
    print(f"{len(files)} workbooks ready ({out['generate_s']:.1f} s; cached in {files[0].parent})", flush=True)
    out["raw"] = raw_reads(files)
    work, small = big.parent, big.parent / "small.duckdb"
    work.mkdir(parents=True, exist_ok=True)
    listing = work / "files.txt"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    print("loading…", flush=True)
    out["load"] = child(["bench/load_bench.py", "load", str(big), f"@{listing}"], env)
    print("rebuilding…", flush=True)
    out["rebuild"] = child(["bench/load_bench.py", "rebuild", str(big)], env)
    # uploads: a new commune-month (the demo's xã Hóa Quỳ, 10/2026) and a corrected B0001 report replacing its own
    extra = CACHE / f"extra_s{args.seed}"
    last = files[-1].stem.split("_")[1]
    if not (extra / f"B0001_{last}.xlsx").exists():
        from etl import demo, reference

        extra.mkdir(parents=True, exist_ok=True)
        demo.workbooks(reference.units(ROOT / "data" / "reference"), extra, only={"X04"})
        _write_commune((1, [last], args.seed + 1, str(extra)))
    new, replacing = extra / "X04_2026-10.xlsx", extra / f"B0001_{last}.xlsx"
    own = [p for p in files if p.name.startswith("B0001_")]
    (work / "small.txt").write_text("\n".join(map(str, own)), encoding="utf-8")
    child(["bench/load_bench.py", "load", str(small), f"@{work / 'small.txt'}"], env)
    out["upload"] = {
        f"{size} {kind}": child(["bench/load_bench.py", "upload", str(db), str(path)], env)
        for size, db in (("small", small), ("large", big))
        for kind, path in (("new", new), ("replacing", replacing))
    }


def measure(args: argparse.Namespace) -> dict:
    n, m = args.communes, args.months
    ref = CACHE / f"ref_{n}"
    codes = write_reference(ref, n)
    env = os.environ | {"CH33_REFERENCE": str(ref), "CH33_TODAY": TODAY, "PYTHONPATH": str(ROOT)}
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    out: dict = {"communes": n, "months": m, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    out["code"] = git("rev-parse", "--short", "HEAD") + (
        " + uncommitted etl/" if git("status", "--short", "etl") else ""
    )
    big = CACHE / f"db_{n}x{m}_s{args.seed}" / "bench.duckdb"
    if not args.skip_load:
        loading(args, out, big, env)
    view = big
    if args.national_db:
        from national_db import build

        view = CACHE / f"national_{n}x{args.years}y.duckdb"
        if not view.exists():
            print(f"building the national-size database ({n} communes × {args.years} years)…", flush=True)
            t0 = time.perf_counter()
            build(view, ref, n, args.years)
            out["national_build_s"] = time.perf_counter() - t0
        out["view"] = f"national_db {n} communes × {args.years} years"
    else:
        out["view"] = f"the loaded database ({n} communes × {m} months)"
    out["queries"] = child(["bench/load_bench.py", "queries", str(view), PERIOD, codes[0], group_code(0), "38"], env)
    if not args.no_pages:
        print("pages…", flush=True)
        select = [f"{codes[0]}:{PERIOD}", f"38:{PERIOD}"]
        out["pages"] = child(["bench/page_bench.py", "--json", "--db", str(view), *sum([["--select", s] for s in select], [])], env)  # fmt: skip
    return out


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def table(r: dict) -> list[tuple[str, str, str]]:
    """(measure, figure, goal with ✓/✗) rows."""
    return (loading_rows(r) if "load" in r else []) + view_rows(r)


def loading_rows(r: dict) -> list[tuple[str, str, str]]:
    raw, load, files = r["raw"], r["load"], r["files"]
    per_file_ms = load["seconds"] / files * 1000
    ratio = per_file_ms / raw["calamine_ms"]
    if load.get("cpu") and raw.get("calamine_cpu_s"):  # CPU seconds: what the loader costs, less the machine's noise
        ratio = load["cpu"] / raw["calamine_cpu_s"]
    rate_goal = 1992 / 20 if files < 10000 else 39852 / 360
    rows = [
        (
            "raw calamine read (floor)",
            f"{raw['calamine_ms']:.2f} ms/file, {raw['calamine_s']:.1f} s total; CPU {raw.get('calamine_cpu_s', 0):.2f} s",
            "",
        ),
        (
            "pandas+openpyxl read",
            f"{raw['pandas_ms']:.0f} ms/file, ≈ {raw['pandas_total_s']:.0f} s total "
            f"(sample of {raw['pandas_sample']}, extrapolated)",
            "",
        ),  # fmt: skip
        (
            "loader: batch load",
            f"{load['seconds']:.1f} s, {files / load['seconds']:.0f} files/s, "
            f"{load['rows'] / load['seconds']:,.0f} rows/s, {load['statuses']}; CPU {load.get('cpu', 0):.1f} s",
            f"≥ {rate_goal:.0f} files/s (< 20 s province-year, < 6 min national) {mark(files / load['seconds'] >= rate_goal)}",
        ),  # fmt: skip
        (
            "loader: per-file cost / calamine read",
            f"wall {per_file_ms:.1f} ms / {raw['calamine_ms']:.2f} ms = {per_file_ms / raw['calamine_ms']:.0f}×; "
            f"CPU {load.get('cpu', 0) / max(raw.get('calamine_cpu_s', 1), 1e-9):.0f}×",
            f"≤ 10× (CPU when measured) {mark(ratio <= 10)}",
        ),  # fmt: skip
        (
            "loader: rebuild from archive",
            f"{r['rebuild']['seconds']:.1f} s ({files / r['rebuild']['seconds']:.0f} files/s); CPU {r['rebuild'].get('cpu', 0):.1f} s",
            f"≥ {rate_goal:.0f} files/s {mark(files / r['rebuild']['seconds'] >= rate_goal)}",
        ),  # fmt: skip
        (
            "loader: peak memory",
            f"{load['tree_rss_mb']:.0f} MB (process tree; main process {load['rss_mb']:.0f} MB)",
            f"< 1024 MB {mark(load['tree_rss_mb'] < 1024)}",
        ),  # fmt: skip
    ]
    for key, u in r["upload"].items():
        goal = f"< 1 s {mark(u['seconds'] < 1)}" if key.startswith("large") else ""
        rows.append((f"upload, {key} ({u['status']})", f"{u['seconds']:.2f} s (+ imports {u['imports']:.2f} s)", goal))
    return rows


def view_rows(r: dict) -> list[tuple[str, str, str]]:
    rows = []
    for code, q in r["queries"].items():
        if isinstance(q, dict):
            rows.append((f"indicators {code} ({q['communes']} commune{'s' * (q['communes'] > 1)})", f"cold {q['cold']:.3f} s, warm {q['warm']:.3f} s", ""))  # fmt: skip
    for p in r.get("pages", {}).get("pages", []):
        commune = p["code"] != "38"
        warm_goal, cold_goal = (0.3, None) if commune else (1.0, 3.0)
        ok = p["warm"] < warm_goal and (cold_goal is None or p["cold"] < cold_goal)
        goal = f"warm < {warm_goal} s" + (f", cold < {cold_goal:.0f} s" if cold_goal else "") + f" {mark(ok)}"
        name = Path(p["page"]).stem
        if p.get("error"):
            rows.append((f"page {name} · {p['code']} {p['period']}", f"ERROR: {p['error'][:60]}", "✗"))
            continue
        cpu = f" (CPU {p['cold_cpu']:.2f} / {p['warm_cpu']:.2f})" if "cold_cpu" in p else ""
        rows.append((f"page {name} · {p['code']} {p['period']}", f"cold {p['cold']:.2f} s, warm {p['warm']:.2f} s{cpu}", goal))  # fmt: skip
    if "pages" in r:
        rss = r["pages"]["tree_rss_mb"]
        rows.append(("dashboard process: peak memory", f"{rss:.0f} MB (all pages, both selections)", f"< 800 MB {mark(rss < 800)}"))  # fmt: skip
    return rows


def show(r: dict) -> None:
    rows = table(r)
    print(f"\ncode {r.get('code')}, {r.get('when')}")
    print(f"{r['communes']} communes × {r['months']} months = {r.get('files', 0)} workbooks, {r.get('data_rows', 0):,} data rows; "
          f"queries and pages on {r['view']}, period {PERIOD}, today {TODAY}")  # fmt: skip
    w0, w1 = max(len(a) for a, _, _ in rows), max(len(b) for _, b, _ in rows)
    for a, b, c in rows:
        print(f"{a:{w0}}  {b:{w1}}  {c}")
    pages = r.get("pages", {}).get("pages", [])
    if pages:
        print(f"pages: worst warm {max(p['warm'] for p in pages):.2f} s, worst cold {max(p['cold'] for p in pages):.2f} s, "
              f"median warm {statistics.median(p['warm'] for p in pages):.2f} s")  # fmt: skip


def plot(results: list[Path], out: Path) -> None:
    """Load time and page times against the number of communes, from saved results (one point per file)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rs = sorted((json.loads(p.read_text("utf-8")) for p in results), key=lambda r: r["communes"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    loads = [r for r in rs if "load" in r]
    x = [r["communes"] for r in loads]
    cpu = lambda r, k: r[k].get("cpu", r[k]["seconds"])  # noqa: E731 - CPU seconds: steadier on a shared machine
    left.plot(x, [cpu(r, "load") for r in loads], "o-", label="batch load (load_paths)")
    left.plot(x, [cpu(r, "rebuild") for r in loads], "s--", label="rebuild from archive")
    left.plot(
        x, [r["raw"].get("calamine_cpu_s", r["raw"]["calamine_s"]) for r in loads], "^:", label="raw calamine read"
    )
    for r in loads:
        left.annotate(f"{r['files']} files ({r['months']} mo.)", (r["communes"], cpu(r, "load")), fontsize=8,
                      xytext=(4, -10), textcoords="offset points")  # fmt: skip
    left.set(xscale="log", yscale="log", xlabel="communes", ylabel="CPU seconds", title="Loading N communes × M months")
    for kind, style in (("warm", "o-"), ("cold", "s--")):
        for who, colour in (("commune", "tab:green"), ("province", "tab:purple")):
            pts = [(r["communes"], max(p[kind] for p in r["pages"]["pages"] if (p["code"] == "38") == (who == "province")))
                   for r in rs if "pages" in r]  # fmt: skip
            if pts:
                right.plot(*zip(*sorted(pts)), style, color=colour, label=f"slowest page, {who}, {kind}")
    right.axhline(1.0, color="grey", lw=0.8, ls=":")
    right.set(
        xscale="log", yscale="log", xlabel="communes", ylabel="seconds", title=f"Pages (server side), period {PERIOD}"
    )
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--communes", type=int, default=166)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--national-db", action="store_true")
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--no-pages", action="store_true")
    ap.add_argument("--skip-load", action="store_true", help="only queries and pages (with --national-db)")
    ap.add_argument("--plot", action="store_true")
    args = ap.parse_args()
    if args.plot:
        return plot(sorted(CACHE.glob("results_*.json")), ROOT / "docs" / "perf_scaling.png")
    r = measure(args)
    suffix = (f"_national{args.years}y" if args.national_db else "") + ("_views" if args.skip_load else "")
    (CACHE / f"results_{args.communes}x{args.months}{suffix}.json").write_text(json.dumps(r, indent=1), "utf-8")
    show(r)


if __name__ == "__main__":
    main()
