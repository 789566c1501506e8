"""Helpers for tests/test_loading.py and tests/test_indicators.py: real workbooks, real DuckDB files, table dumps.

Rows are given as dicts keyed by database column name (e.g. "carried_over") or by the sheet's header
(e.g. "Kỳ trước chuyển qua"); values are written into a real .xlsx with openpyxl (tests/conftest.py:write_grids).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from etl import config, db, reference
from etl.indicators import compute
from etl.load import LoadResult, load_bytes, load_paths
from etl.periods import parse, span
from etl.specs import SHEETS_BY_NAME
from tests.conftest import write_grids

KIND_LABELS = {"month": "Tháng", "quarter": "Quý", "half": "6 tháng", "nine": "9 tháng", "year": "Năm"}
TTHC_ORDER = (
    "carried_over",
    "received_online",
    "received_offline",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_on_time",
    "pending_overdue",
    "returned",
)


def info_for(unit: str, period_key: str, **extra) -> dict:
    p = parse(period_key)
    number = {
        "month": p.start.month,
        "quarter": (p.start.month - 1) // 3 + 1,
        "half": 1 if p.start.month == 1 else 2,
    }.get(p.kind)
    info = {
        "Mã đơn vị": unit,
        "Tên đơn vị": reference.units().get(unit).name,
        "Loại kỳ": KIND_LABELS[p.kind],
        "Kỳ": number,
        "Năm": p.start.year,
    }
    info.update(extra)
    return info


def grid(sheet: str, rows: list[dict]) -> list[list]:
    spec = SHEETS_BY_NAME[sheet]
    headers = [c.header for c in spec.columns]
    by_name = {c.name: c.header for c in spec.columns}
    out = [headers]
    for row in rows:
        named = {by_name.get(k, k): v for k, v in row.items()}
        unknown = set(named) - set(headers)
        assert not unknown, f"test bug: unknown columns {unknown} for {sheet}"
        out.append([named.get(h, "") for h in headers])
    return out


def tthc_row(field: str, *numbers: int) -> dict:
    """TTHC row from the nine counts in sheet order (returned may be omitted = 0)."""
    return {"field": field} | dict(zip(TTHC_ORDER, numbers))


def book(
    folder: Path,
    unit: str,
    period_key: str,
    sheets: dict | None = None,
    name: str | None = None,
    info: dict | None = None,
    raw: dict | None = None,
) -> Path:
    """A real .xlsx workbook for one unit × period. `sheets`: {sheet name: [row dicts]}; `raw`: {sheet: grid}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = name or f"{unit}_{period_key}.xlsx"
    grids = {"Thông tin": [[k, v] for k, v in (info or info_for(unit, period_key)).items() if v is not None]}
    for sheet, rows in (sheets or {}).items():
        grids[sheet] = grid(sheet, rows)
    grids |= raw or {}
    return write_grids(folder / name, grids)


def load(db_file: Path, path: Path, received_at: datetime | None = None) -> LoadResult:
    [result] = load_paths(db_file, [path], received_at=received_at)
    return result


def load_ok(db_file: Path, path: Path, received_at: datetime | None = None) -> LoadResult:
    result = load(db_file, path, received_at)
    assert result.status == "loaded", [str(p) for p in result.problems]
    return result


def dump(db_file: Path) -> dict[str, list[tuple]]:
    """Every table's full content, ordered (for before/after comparisons); read-only, so it changes nothing itself.
    meta.write_seq counts writes to tell the database's two copies apart (etl.twin): bookkeeping, not content."""
    con = db.connect(db_file, read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() order by all").fetchall()
        return {
            t if s == "main" else f"{s}.{t}": [
                row
                for row in con.execute(f'select * from "{s}"."{t}" order by all').fetchall()
                if not (t == "meta" and row[0] == "write_seq")
            ]
            for s, t in tables
        }
    finally:
        con.close()


def query(db_file: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = db.connect(db_file)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def indicators(db_file: Path, code: str, first: str, last: str | None = None, roll_forward: bool = False) -> dict:
    start, end = span(first, last)
    con = db.connect(db_file, read_only=True)
    try:
        return compute(con, code, start, end, roll_forward=roll_forward)
    finally:
        con.close()


def archive_files(db_file: Path) -> dict[str, bytes]:
    folder = config.archive_dir(db_file)
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


__all__ = [
    "book",
    "load",
    "load_ok",
    "dump",
    "query",
    "indicators",
    "archive_files",
    "info_for",
    "grid",
    "tthc_row",
    "load_bytes",
    "date",
    "datetime",
]
