"""Cached access to the figures for pages: a short read-only connection per call, cache keyed on the data version.

No page runs SQL or computes a rate: everything comes from `etl.indicators` and `etl.details`. Access is checked here
too (etl.access decides): a View is only built for a unit the signed-in user may view, the history, report and figures
functions refuse other units, and uploads and archived originals ask `may_load`. Pages never decide.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st

from etl import access, config, db, details, indicators, periods, windowed


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


# ---------------------------------------------------------------- access (etl.access decides, ui.auth knows the user)


def who() -> access.User:
    from ui import auth

    return auth.current()


def allow_view(code: str) -> None:
    """Stop the run with a refusal unless the user may view `code` (the filters never offer such a unit)."""
    if not access.can_view(who(), code):
        from ui import auth

        auth.refuse("Tài khoản này không được xem số liệu của đơn vị đã chọn.", unit=code)


def require_page(url_path: str) -> None:
    """A page run while the user may not open it (its own script, a test) stops with a refusal (or the sign-in form)."""
    if not access.can_open(who(), url_path):
        from ui import auth

        auth.gate()  # nobody signed in on a server that requires it: sign in first
        st.title("Không được phép")
        auth.refuse(auth.page_refusal(url_path), url_path=url_path)


def unit_choices(codes: list[str]) -> list[str]:
    """The units of a list the user may select."""
    return access.choices(who(), codes)


def home_unit(codes: list[str]) -> str | None:
    return access.home(who(), codes)


def may_load(code: str | None) -> bool:
    return access.can_load(who(), code)


def load_refusal(code: str | None) -> str | None:
    """Why the user may not load a workbook of `code` (None: they may)."""
    if may_load(code):
        return None
    user = who()
    mine = access.loadable(user)
    return (
        f"Tài khoản này không được nhập số liệu của đơn vị «{code}»"
        + (f"; chỉ được nhập cho {', '.join(sorted(mine))}." if mine else ".")
        + " Tệp không được nhập."
    )


def original(path: Path, row: dict) -> bytes | None:
    """The archived original of a load (a row of `history`), for users who may load its unit; None when it is missing."""
    if not access.can_download_original(who(), row["unit_code"]):
        from ui import auth

        auth.refuse("Chỉ tài khoản được nhập số liệu của đơn vị này mới tải được tệp gốc.", unit=row["unit_code"])
    archived = config.archive_dir(path) / row["archive_name"]
    return archived.read_bytes() if archived.exists() else None


def figures(path: str, data_version: tuple, code: str, start: date, end: date, roll_forward: bool = False) -> dict:
    allow_view(code)
    return _figures(path, data_version, code, start, end, roll_forward)


@st.cache_data(show_spinner=False, max_entries=512)
def _figures(path: str, data_version: tuple, code: str, start: date, end: date, roll_forward: bool = False) -> dict:
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
def trends(
    path: str,
    data_version: tuple,
    code: str,
    start: date,
    end: date,
    roll_forward: bool = False,
    families: tuple[str, ...] | None = None,
) -> tuple[list[dict], list[dict]]:
    """The indicators of each month (or quarter) of the range, and from the start of the range to the end of each:
    both trends in one pass (the year-to-date windows share their rows with the monthly ones, so one query for the
    two costs about two thirds of two); `families` (etl.windowed.FAMILIES): only the areas a page draws."""
    points = sub_periods(start, end)
    spans = [(p.start, p.end) for p in points] + [(start, p.end) for p in points]
    con = _connect(path)
    try:
        many = windowed.compute_many(con, code, spans, roll_forward=roll_forward, families=families)
    finally:
        con.close()
    n = len(points)
    return [{"period": p} | f for p, f in zip(points, many[:n])], [{"period": p} | f for p, f in zip(points, many[n:])]


def series(*args, families: tuple[str, ...] | None = None) -> list[dict]:
    """The indicators of each month (or quarter) of the range, for trend charts (every point in one pass); args:
    path, data version, code, start, end, roll_forward, as trends takes them."""
    return trends(*args, families=families)[0]


def cumulative(*args, families: tuple[str, ...] | None = None) -> list[dict]:
    """The indicators from the start of the range to the end of each month (or quarter): year-to-date points whose last
    one is the headline figure, so a rate chart never contradicts its card."""
    return trends(*args, families=families)[1]


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
        allow_view(sel.code)
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
        return _figures(*self._args())

    def previous(self) -> Compared | None:
        """The comparison etl.windows chose for the selection (same months, same point in time for stocks)."""
        c = self.sel.window.compare
        if c is None:
            return None
        now = _figures(*self._args(c.now_start, c.now_end))
        return Compared(now, _figures(*self._args(c.start, c.end)), c.text, c.basis)

    def card_args(self) -> tuple:
        """What every card takes after its indicator and title: figures, comparison, unit, the day targets are read on."""
        return self.figures(), self.previous(), self.sel.code, self.sel.end

    def series(self, *families: str) -> list[dict]:
        """Monthly points; with family names (etl.windowed.FAMILIES) only those areas' indicators."""
        return series(*self._args(), families=families or None)

    def cumulative(self, *families: str) -> list[dict]:
        return cumulative(*self._args(), families=families or None)

    def merger(self) -> date | None:
        """The day new communes replaced old ones inside the range (1/7/2025), when the selection spans it."""
        s = indicators.scope(self.sel.code, self.sel.start, self.sel.end, self.sel.roll_forward)
        days = {u.valid_from for u in s.units if s.start < u.valid_from <= s.end}
        return min(days) if days else None

    def detail(self, name: str, *args):
        path, ver, code, start, end, roll = self._args()
        return detail(path, ver, name, code, start, end, roll, *args)


def history(
    path: str, data_version: tuple, code: str, roll_forward: bool = False, page: int = 0, size: int | None = None
) -> tuple[int, list[dict]]:
    """How many loads the unit has (with its predecessors when rolled forward), and page `page` of them (`size` a
    page, all when None), newest first."""
    allow_view(code)
    return _history(path, data_version, code, roll_forward, page, size)


@st.cache_data(show_spinner=False, max_entries=64)
def _history(path: str, data_version: tuple, code: str, roll_forward: bool, page: int, size: int | None):
    from etl.history import count, history

    con = _connect(path)
    try:
        scope = indicators.scope(code, date(1900, 1, 1), date(2100, 12, 31), roll_forward)
        return count(con, scope), history(con, scope, size, page * (size or 0))
    finally:
        con.close()


def report(
    path: str, data_version: tuple, code: str, first: str, last: str | None, mode: str | None, roll_forward: bool
) -> tuple[bytes, bytes]:
    """The periodic report (.docx) and its appendices (.xlsx) for the selection (etl.report_data → report_doc/_xlsx)."""
    allow_view(code)
    return _report(path, data_version, code, first, last, mode, roll_forward)


@st.cache_data(show_spinner=False, max_entries=16)
def _report(
    path: str, data_version: tuple, code: str, first: str, last: str | None, mode: str | None, roll_forward: bool
) -> tuple[bytes, bytes]:
    from etl import report_data, report_doc, report_xlsx

    con = _connect(path)
    try:
        gathered = report_data.gather(con, code, first, mode, roll_forward=roll_forward, period_end=last)
    finally:
        con.close()
    return report_doc.render(gathered), report_xlsx.appendices(gathered)
