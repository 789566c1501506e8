"""A national-size database built by SQL in seconds: the demo database's rows cloned for N synthetic communes.

The demo's six new communes (X01…X06, monthly workbooks 7/2025–10/2026) are the templates: synthetic commune i takes
the rows of template i mod 6 (petition cases, receptions, TTHC, registers, plan, its reports and load history), with
its own unit code and load ids. Months outside the demo's range take the same calendar month of 7/2025–6/2026, every
date shifted by whole years. The demo's own rows stay, so the real units still show their figures.

Usage: python bench/national_db.py OUT.duckdb REFERENCE_DIR [--communes 3321] [--years 1]
then CH33_DB=OUT.duckdb CH33_REFERENCE=REFERENCE_DIR bash run.sh dashboard (or bench/page_bench.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEMPLATES = ("X01", "X02", "X03", "X04", "X05", "X06")
FIRST_DEMO, LAST_DEMO = (2025, 7), (2026, 10)  # the templates' months
LAST_YEAR = 2026


def _month_map(years: int) -> list[tuple[str, str, int]]:
    """(target month key, template month key, years to shift) for every month of the `years` years ending 2026
    (up to the demo's last month)."""
    out = []
    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        for month in range(1, 13):
            if (year, month) > LAST_DEMO:
                break
            if FIRST_DEMO <= (year, month) <= LAST_DEMO:
                src_year = year
            else:
                src_year = 2025 if month >= 7 else 2026
            out.append((f"{year}-{month:02d}", f"{src_year}-{month:02d}", year - src_year))
    return out


def _demo_db(work: Path) -> Path:
    """data/demo.duckdb when it exists, else a fresh demo built into `work`."""
    from etl import config

    if config.DEMO_DB.exists():
        return config.DEMO_DB
    from etl import demo

    out = work / "demo.duckdb"
    demo.build_demo(out)
    return out


def _shifted(con, table: str, source: str) -> str:
    """The select list of `table` with unit_code, period_key and load_id remapped and every date moved by m.shift."""
    cols = con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = 'src' "
        "and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    out = []
    for name, kind in cols:
        if name == "unit_code":
            out.append("c.code as unit_code")
        elif name == "period_key":
            out.append("m.key as period_key")
        elif name in ("load_id", "replaced_load_id"):
            out.append(f"case when t.{name} is null then null else c.idx * {{months}} + m.idx + 1000000 end as {name}")
        elif name in ("file_name", "archive_name"):
            out.append(f"replace(t.{name}, t.unit_code || '_' || t.period_key, c.code || '_' || m.key) as {name}")
        elif kind == "DATE":
            out.append(f"(t.{name} + to_years(m.shift))::date as {name}")
        elif kind == "TIMESTAMP":
            out.append(f"(t.{name} + to_years(m.shift))::timestamp as {name}")
        else:
            out.append(f"t.{name}")
    return ", ".join(out)


def build(db_path: Path | str, reference_folder: Path | str, communes: int, years: int) -> None:
    """Write `reference_folder` (bench/units.write_reference) and a database at `db_path` holding the demo's rows plus
    `communes` synthetic communes × the months of `years` years ending 2026 (replacing any file there)."""
    import duckdb

    from bench.units import write_reference
    from etl import db
    from etl.specs import SHEETS

    db_path = Path(db_path)
    codes = write_reference(Path(reference_folder), communes)
    month_map = _month_map(years)
    with tempfile.TemporaryDirectory() as tmp:
        source = _demo_db(Path(tmp))
        db_path.unlink(missing_ok=True)
        shutil.copyfile(source, db_path)
        con = duckdb.connect(str(db_path))
        try:
            db.ensure_schema(con)
            con.execute(f"attach '{source}' as src (read_only)")
            con.execute("create temp table c (idx integer, code varchar, src varchar)")
            con.executemany(
                "insert into c values (?, ?, ?)",
                [(i, code, TEMPLATES[i % len(TEMPLATES)]) for i, code in enumerate(codes)],
            )
            con.execute("create temp table m (idx integer, key varchar, src_key varchar, shift integer)")
            con.executemany("insert into m values (?, ?, ?, ?)", [(i, *row) for i, row in enumerate(month_map)])
            con.execute("begin")
            for table in [s.table for s in SHEETS] + ["reports", "load_history"]:
                select = _shifted(con, table, "src").replace("{months}", str(len(month_map)))
                con.execute(
                    f"insert into {table} select {select} from src.{table} t "
                    "join c on t.unit_code = c.src join m on t.period_key = m.src_key"
                )
            con.execute("update meta set value = (select count(*) from load_history) where key = 'data_version'")
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("reference")
    ap.add_argument("--communes", type=int, default=3321)
    ap.add_argument("--years", type=int, default=1)
    args = ap.parse_args()
    t0 = time.perf_counter()
    build(args.db, args.reference, args.communes, args.years)
    import duckdb

    con = duckdb.connect(args.db, read_only=True)
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("reports", "petitions", "receptions")}
    con.close()
    print(f"{args.db}: {args.communes} communes × {args.years} years in {time.perf_counter() - t0:.1f} s, {counts}")


if __name__ == "__main__":
    main()
