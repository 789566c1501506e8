"""Shared sidebar filters (đơn vị, kỳ, so sánh), kept across pages and mirrored in the URL query string.

The unit filter offers only the units the signed-in user may view (ui.data → etl.access); a unit in the URL or the
session that is not among them falls back to the user's own unit with a notice, so a crafted link never widens access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from etl import periods, reference, windows
from etl.periods import ROMAN, Period
from ui import data

KINDS = {"thang": "Tháng", "quy": "Quý", "6thang": "6 tháng", "9thang": "9 tháng", "nam": "Năm", "tuy_chon": "Tùy chọn"}
COMPARE = {"ky_truoc": "Kỳ trước", "cung_ky": "Cùng kỳ năm trước", "khong": "Không so sánh"}
LEVEL_ORDER = {"tinh": 0, "huyen": 2, "xa": 1, "nhom": 3}
PRESENTATION_KEYS = ("trinh_chieu", "man", "tu_dong", "in", "co_chu")
WIDGET_KEYS = ("don_vi", "loai_ky", "nam", "thang", "quy", "nua", "tu", "den", "so_sanh", "gop")


def keep() -> None:
    """In a callback before st.switch_page, which drops every widget's state: pin the shared filters as plain values so
    the next page opens on the same selection."""
    for key in WIDGET_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


@dataclass(frozen=True)
class Selection:
    """What the user chose (unit, period, comparison) and the windows it stands for (etl.windows): start/end is the
    headline window — the selected period up to its last month whose reports are due — and label says so."""

    code: str
    kind: str
    period_start: date
    period_end: date
    compare: str
    roll_forward: bool
    window: windows.Window

    @property
    def start(self) -> date:
        return self.window.start

    @property
    def end(self) -> date:
        return self.window.end

    @property
    def label(self) -> str:
        return self.window.label

    @property
    def compare_label(self) -> str:
        """«so với cùng kỳ năm 2025» (empty without a comparison)."""
        return self.window.compare.text if self.window.compare else ""

    @property
    def unit(self) -> reference.Unit:
        return reference.units().get(self.code)

    @property
    def is_group(self) -> bool:
        return self.unit.level != "xa"

    def query(self) -> dict[str, str]:
        return {"don_vi": self.code, "ky": self.key, "so_sanh": self.compare} | (
            {"gop": "1"} if self.roll_forward else {}
        )

    @property
    def key(self) -> str:
        if self.kind == "tuy_chon":
            return f"{self.period_start:%Y-%m}:{self.period_end:%Y-%m}"
        return _period_for(self.kind, self.period_start).key


def _period_for(kind: str, start: date) -> Period:
    y, m = start.year, start.month
    return periods.parse(
        {
            "thang": f"{y}-{m:02d}",
            "quy": f"{y}Q{(m - 1) // 3 + 1}",
            "6thang": f"{y}H{1 if m < 7 else 2}",
            "9thang": f"{y}M9",
            "nam": str(y),
        }[kind]
    )


KIND_NAMES = {
    "thang": "month",
    "quy": "quarter",
    "6thang": "half",
    "9thang": "nine",
    "nam": "year",
    "tuy_chon": "range",
}
MODE_NAMES = {"ky_truoc": "truoc", "cung_ky": "cung_ky", "khong": None}


def resolve(
    code: str, kind: str, start: date, end: date, mode: str, roll: bool, today: date | None = None
) -> Selection:
    """The selection and its windows (etl.windows.resolve, the one rule for running periods and comparisons)."""
    window = windows.resolve(code, start, end, KIND_NAMES[kind], MODE_NAMES[mode], today, roll)
    return Selection(code, kind, start, end, mode, roll, window)


def unit_label(unit: reference.Unit) -> str:
    if unit.level == "nhom":
        return f"Nhóm: {unit.name}"
    if unit.level == "tinh":
        return unit.name
    if unit.level == "huyen":  # short by design (the sidebar is narrow): the dates are in the box's help
        return f"{unit.name} (cũ)" if unit.valid_to else unit.name
    if unit.valid_to:
        return f"   {unit.name} (cũ)"
    return f"   {unit.name} (mới)" if unit.valid_from >= date(2025, 7, 1) else f"   {unit.name}"


def unit_options(units: reference.Units) -> list[str]:
    """Province, its current communes, then each former district with its former communes."""
    out = []
    for top in sorted(
        (u for u in units if u.level != "nhom" and (u.parent is None or units.get(u.parent) is None)),
        key=lambda u: u.code,
    ):
        out.append(top.code)
        kids = sorted(units.children(top.code), key=lambda u: (LEVEL_ORDER[u.level], u.name))
        for kid in kids:
            out.append(kid.code)
            out.extend(c.code for c in sorted(units.children(kid.code), key=lambda u: u.name))
    listed = set(out)  # a set: a list here made the sidebar quadratic in the number of communes
    out += [u.code for u in units if u.code not in listed and u.level != "nhom"]
    return out + [g.code for g in units.groups()]


def _init_from_query(years: list[int]) -> None:
    """First run of a session: take the view from the URL (a shared link opens the same view)."""
    if st.session_state.get("_filters_ready"):
        return
    q, units = st.query_params, reference.units()
    code, options = q.get("don_vi"), data.unit_choices(unit_options(units))
    st.session_state["don_vi"] = code if code in options else data.home_unit(options)
    if code and units.get(code) and code not in options:
        _refused_unit(units.get(code), units)
    st.session_state["so_sanh"] = q.get("so_sanh") if q.get("so_sanh") in COMPARE else "ky_truoc"
    st.session_state["gop"] = q.get("gop") == "1"
    key, kind, start, end = q.get("ky", ""), "nam", date(years[0], 1, 1), None
    try:
        if ":" in key:
            a, b = key.split(":")
            kind, start, end = "tuy_chon", periods.parse(a).start, periods.parse(b).end
        elif key:
            p = periods.parse(key)
            kind, start = (
                {"month": "thang", "quarter": "quy", "half": "6thang", "nine": "9thang", "year": "nam"}[p.kind],
                p.start,
            )
    except periods.PeriodError:
        pass
    st.session_state["loai_ky"] = kind
    st.session_state["nam"] = start.year if start.year in years else years[0]
    st.session_state["thang"], st.session_state["quy"], st.session_state["nua"] = (
        start.month,
        (start.month - 1) // 3 + 1,
        1 if start.month < 7 else 2,
    )
    st.session_state["tu"] = f"{start:%Y-%m}"
    st.session_state["den"] = f"{(end or periods.parse(str(start.year)).end):%Y-%m}"
    st.session_state["_filters_ready"] = True


def _refused_unit(unit: reference.Unit, units: reference.Units) -> None:
    home = units.get(st.session_state.get("don_vi") or "")
    st.session_state["_don_vi_tu_choi"] = f"Tài khoản này không được xem số liệu của {unit.name}" + (
        f"; đang hiển thị {home.name}." if home else "."
    )


def period_controls(years: list[int], prefix: str = "", kinds: dict[str, str] = KINDS) -> tuple[str, date, date]:
    """The period pickers in Vietnamese (Loại kỳ, Năm, Tháng / Quý / Nửa năm, or Từ tháng – Đến tháng): the sidebar's,
    and the template form's (prefix keeps their widget keys apart). Returns the kind, first and last day."""
    kind = st.selectbox("Loại kỳ", list(kinds), key=f"{prefix}loai_ky", format_func=kinds.get)
    if kind == "tuy_chon":
        months = [f"{y}-{m:02d}" for y in sorted(years) for m in range(1, 13)]
        label = lambda k: f"Tháng {int(k[5:])}/{k[:4]}"
        first = st.selectbox("Từ tháng", months, key=f"{prefix}tu", format_func=label)
        last = st.selectbox("Đến tháng", months, key=f"{prefix}den", format_func=label)
        start, end = periods.span(min(first, last), max(first, last))
        return kind, start, end
    year = st.selectbox("Năm", years, key=f"{prefix}nam")
    start = date(year, 1, 1)
    if kind == "thang":
        month = st.selectbox("Tháng", range(1, 13), key=f"{prefix}thang", format_func=lambda m: f"Tháng {m}")
        start = date(year, month, 1)
    elif kind == "quy":
        quarter = st.selectbox("Quý", range(1, 5), key=f"{prefix}quy", format_func=lambda q: f"Quý {ROMAN[q]}")
        start = date(year, 3 * quarter - 2, 1)
    elif kind == "6thang":
        half = st.selectbox(
            "Nửa năm",
            (1, 2),
            key=f"{prefix}nua",
            format_func=lambda h: "6 tháng đầu năm" if h == 1 else "6 tháng cuối năm",
        )
        start = date(year, 6 * half - 5, 1)
    p = _period_for(kind, start)
    return kind, p.start, p.end


def period_of(kind: str, start: date) -> Period:
    """The reporting period a kind and first day stand for (a month, a quarter, a half, nine months, a year)."""
    return _period_for(kind, start)


def sidebar(years: list[int]) -> Selection:
    """Render the shared filters in the sidebar and return the selection (years: newest first)."""
    _init_from_query(years)
    units = reference.units()
    options = data.unit_choices(unit_options(units))
    if not options:
        from ui import auth

        auth.refuse("Tài khoản này chưa được gán đơn vị nào để xem. Hỏi người quản trị (lệnh python -m etl user).")
    if st.session_state.get("don_vi") not in options:  # a unit set by a callback or left from another account
        asked = units.get(st.session_state.get("don_vi") or "")
        st.session_state["don_vi"] = data.home_unit(options)
        if asked:
            _refused_unit(asked, units)
    if st.session_state.get("_don_vi_tu_choi"):
        st.warning(st.session_state.pop("_don_vi_tu_choi"), icon=":material/lock:")
    with st.sidebar:
        code = st.selectbox(
            "Đơn vị",
            options,
            key="don_vi",
            format_func=lambda c: unit_label(units.get(c)),
            help="(cũ): huyện, xã đã sáp nhập ngày 01/07/2025; (mới): xã thành lập từ ngày đó.",
        )
        kind, start, end = period_controls(years)
        mode = st.radio("So sánh với", list(COMPARE), key="so_sanh", format_func=COMPARE.get)
        roll = False
        if units.predecessors(code):
            roll = st.checkbox(
                "Gộp số liệu các xã cũ",
                key="gop",
                help="Tính cả số liệu của các xã đã sáp nhập vào xã này trước 01/7/2025.",
            )
    sel = resolve(code, kind, start, end, mode, roll)
    keep = {
        k: st.query_params[k] for k in PRESENTATION_KEYS if k in st.query_params
    }  # meeting mode keeps its screen in the URL
    st.query_params.from_dict(sel.query() | keep)
    return sel
