"""Cached access to the figures for pages: a short read-only connection per call, cache keyed on the data version.

No page runs SQL or computes a rate: everything comes from `etl.indicators` and `etl.details`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st

from etl import config, db, details, indicators, periods


def database() -> Path:
    """The dashboard's database: $CH33_DB, else data/ch33.duckdb when loaded, else the demo database."""
    if os.environ.get("CH33_DB"):
        return config.db_path()
    return config.DEFAULT_DB if config.DEFAULT_DB.exists() else config.DEMO_DB


def version(path: Path) -> tuple[float, int]:
    """Changes whenever a load swaps in a new database file, so cached figures never outlive the data."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _connect(path: str):
    return db.connect(path, read_only=True)


@st.cache_data(show_spinner=False, max_entries=512)
def figures(path: str, data_version: tuple, code: str, start: date, end: date, roll_forward: bool = False) -> dict:
    con = _connect(path)
    try:
        return indicators.compute(con, code, start, end, roll_forward=roll_forward)
    finally:
        con.close()


def sub_periods(start: date, end: date) -> list[periods.Period]:
    """Points of a trend: months for up to two years, quarters beyond."""
    months = periods.months(start, end)
    if len(months) <= 24:
        return months
    out: list[periods.Period] = []
    for m in months:  # whole quarters; the months of a quarter cut by the range stay months (no half-empty quarter)
        q = periods.parse(f"{m.start.year}Q{(m.start.month - 1) // 3 + 1}")
        if start <= q.start and q.end <= end:
            if q not in out:
                out.append(q)
        else:
            out.append(m)
    return out


@st.cache_data(show_spinner=False, max_entries=128)
def series(path: str, data_version: tuple, code: str, start: date, end: date, roll_forward: bool = False) -> list[dict]:
    """The indicators of each month (or quarter) of the range, for trend charts."""
    con = _connect(path)
    try:
        return [
            {"period": p} | indicators.compute(con, code, p.start, p.end, roll_forward=roll_forward)
            for p in sub_periods(start, end)
        ]
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=128)
def cumulative(
    path: str, data_version: tuple, code: str, start: date, end: date, roll_forward: bool = False
) -> list[dict]:
    """The indicators from the start of the range to the end of each month (or quarter): year-to-date points whose last
    one is the headline figure, so a rate chart never contradicts its card."""
    con = _connect(path)
    try:
        return [
            {"period": p} | indicators.compute(con, code, start, p.end, roll_forward=roll_forward)
            for p in sub_periods(start, end)
        ]
    finally:
        con.close()


@dataclass(frozen=True)
class Compared:
    """Both sides of a comparison: `now` over the compared part of the headline window, `then` over the window it is
    compared with, and the words for it («so với cùng kỳ năm 2025»)."""

    now: dict
    then: dict
    text: str
    basis: str = ""


@st.cache_data(show_spinner=False, max_entries=512)
def detail(
    path: str, data_version: tuple, name: str, code: str, start: date, end: date, roll_forward: bool = False, *args
):
    """One of etl.details' functions (breakdown, open_cases, attention, …) for the selection."""
    con = _connect(path)
    try:
        return getattr(details, name)(con, indicators.scope(code, start, end, roll_forward), *args)
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=8)
def years(path: str, data_version: tuple) -> list[int]:
    """Years that have loaded workbooks, newest first (the current year when the database is empty)."""
    con = _connect(path)
    try:
        row = con.execute("select min(period_start), max(period_end) from reports").fetchone()
    finally:
        con.close()
    if not row[0]:
        return [config.today().year]
    return list(range(row[1].year, row[0].year - 1, -1))


class View:
    """The selection bound to the database, so pages call view.figures() instead of threading arguments."""

    def __init__(self, sel, path: Path):
        # today is part of the cache key: which months are due (and so every to-date figure) changes with the day
        self.sel, self.path, self.version = sel, path, version(path) + (config.today(),)

    def _args(self, start: date | None = None, end: date | None = None):
        return (
            str(self.path),
            self.version,
            self.sel.code,
            start or self.sel.start,
            end or self.sel.end,
            self.sel.roll_forward,
        )

    def figures(self) -> dict:
        return figures(*self._args())

    def previous(self) -> Compared | None:
        """The comparison etl.windows chose for the selection (same months, same point in time for stocks)."""
        c = self.sel.window.compare
        if c is None:
            return None
        now = figures(*self._args(c.now_start, c.now_end))
        return Compared(now, figures(*self._args(c.start, c.end)), c.text, c.basis)

    def card_args(self) -> tuple:
        """What every card takes after its indicator and title: figures, comparison, unit, the day targets are read on."""
        return self.figures(), self.previous(), self.sel.code, self.sel.end

    def series(self) -> list[dict]:
        return series(*self._args())

    def cumulative(self) -> list[dict]:
        return cumulative(*self._args())

    def merger(self) -> date | None:
        """The day new communes replaced old ones inside the range (1/7/2025), when the selection spans it."""
        s = indicators.scope(self.sel.code, self.sel.start, self.sel.end, self.sel.roll_forward)
        days = {u.valid_from for u in s.units if s.start < u.valid_from <= s.end}
        return min(days) if days else None

    def detail(self, name: str, *args):
        path, ver, code, start, end, roll = self._args()
        return detail(path, ver, name, code, start, end, roll, *args)


@st.cache_data(show_spinner=False, max_entries=64)
def history(path: str, data_version: tuple, code: str, roll_forward: bool = False) -> list[dict]:
    from etl.history import history as load_history

    con = _connect(path)
    try:
        return load_history(con, indicators.scope(code, date(1900, 1, 1), date(2100, 12, 31), roll_forward))
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=16)
def report(
    path: str, data_version: tuple, code: str, first: str, last: str | None, mode: str | None, roll_forward: bool
) -> tuple[bytes, bytes]:
    """The periodic report (.docx) and its appendices (.xlsx) for the selection (etl.report_data → report_doc/_xlsx)."""
    from etl import report_data, report_doc, report_xlsx

    con = _connect(path)
    try:
        gathered = report_data.gather(con, code, first, mode, roll_forward=roll_forward, period_end=last)
    finally:
        con.close()
    return report_doc.render(gathered), report_xlsx.appendices(gathered)
