"""Fixture factory: real workbooks (xlsx via openpyxl, xls via xlwt, ods via odfpy) and real DuckDB files."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.specs import SHEETS_BY_NAME  # noqa: E402

INFO = {"Mã đơn vị": "NX03", "Tên đơn vị": "Xã Bình Lương", "Loại kỳ": "Tháng", "Kỳ": 3, "Năm": 2024}


def headers(sheet: str) -> list[str]:
    return [c.header for c in SHEETS_BY_NAME[sheet].columns]


def grid_from_dicts(sheet: str, rows: list[dict]) -> list[list]:
    """Header row + rows given as {header: value} (missing headers left blank)."""
    hs = headers(sheet)
    return [hs] + [[r.get(h, "") for h in hs] for r in rows]


def write_grids(path: Path, grids: dict[str, list[list]]) -> Path:
    """Write sheets given as cell grids (row lists from A1) in the format the suffix says."""
    path = Path(path)
    if path.suffix == ".xls":
        import xlwt

        wb = xlwt.Workbook()
        date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
        for name, grid in grids.items():
            ws = wb.add_sheet(name)
            for r, row in enumerate(grid):
                for c, v in enumerate(row):
                    if v is None or v == "":
                        continue
                    ws.write(r, c, v, date_style) if isinstance(v, date) else ws.write(r, c, v)
        wb.save(str(path))
    elif path.suffix == ".ods":
        import pandas as pd

        with pd.ExcelWriter(path, engine="odf") as xw:
            for name, grid in grids.items():
                pd.DataFrame(grid).to_excel(xw, sheet_name=name, header=False, index=False)
    else:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, grid in grids.items():
            ws = wb.create_sheet(name)
            for row in grid:
                ws.append([None if v == "" else v for v in row])
        wb.save(path)
    return path


def info_grid(**over) -> list[list]:
    info = dict(INFO) | {k.replace("_", " "): v for k, v in over.items()}
    return [[k, v] for k, v in info.items() if v is not None]


@pytest.fixture
def make_book(tmp_path):
    """make_book(name, info=..., sheets={sheet: [ {header: value}, ... ] or grid}) -> path of a real workbook."""
    counter = {"n": 0}

    def make(
        name: str | None = None, info: dict | None = None, sheets: dict | None = None, raw: dict | None = None
    ) -> Path:
        counter["n"] += 1
        name = name or f"book{counter['n']}.xlsx"
        grids = {"Thông tin": [[k, v] for k, v in (info or INFO).items() if v is not None]}
        for sheet, rows in (sheets or {}).items():
            grids[sheet] = grid_from_dicts(sheet, rows) if not rows or isinstance(rows[0], dict) else rows
        grids |= raw or {}
        return write_grids(tmp_path / name, grids)

    return make


def using_database(path: Path):
    """Generator body for a fixture: pages read $CH33_DB while the fixture is alive, and the old value comes back."""
    old = os.environ.get("CH33_DB")
    os.environ["CH33_DB"] = str(path)
    yield path
    if old is None:
        os.environ.pop("CH33_DB", None)
    else:
        os.environ["CH33_DB"] = old


@pytest.fixture
def db_file(tmp_path) -> Path:
    return tmp_path / "db" / "test.duckdb"
