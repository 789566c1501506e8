"""The reporting page's commune × month grid, and what both comparison pages need to show a long list a page at a time:
commune names looked up once per list, a capped list of names for a caption, the grid's worst-first order.

A group of more than PAGE communes (a province has 166, the nation 3,343) is shown PAGE communes at a time (ui.pager):
the Styler is built only for the rows shown, never for every commune on every rerun.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from etl import compare, periods, reference
from ui import fmt, palette

PAGE = 100  # communes a page
NAMES_SHOWN = 20  # names in a caption, then «… và N xã khác»
CELLS = {
    "on_time": ("✓", "Đúng hạn", palette.STATUS_BG["met"]),
    "late": ("!", "Nộp muộn", palette.STATUS_BG["near"]),
    "missing": ("✗", "Chưa nộp", palette.STATUS_BG["not_met"]),
    "not_due": ("…", "Chưa đến hạn", palette.STATUS_BG[None]),
}
GRID_LEGEND = (
    "✓ nộp đúng hạn (nền xanh) · ! nộp muộn (nền vàng) · ✗ chưa nộp (nền đỏ) · … chưa đến hạn nộp (nền xám) · "
    "ô trống: xã chưa thành lập hoặc đã sáp nhập trong tháng đó, không phải nộp. «Nộp đủ», «Đúng hạn»: "
    "số tháng đã nộp (đúng hạn) trên số tháng đã đến hạn của xã."
)
GRID_PAGED = (
    "Bảng chia trang, xã nộp thiếu nhiều nhất đứng trước: tỷ lệ nộp đủ thấp nhất trước, cùng tỷ lệ thì xã ít tháng nộp "
    "đúng hạn hơn trước, rồi theo tên; xã chưa có tháng nào đến hạn nộp đứng cuối. Hai dòng «Cả nhóm» ở cuối mỗi trang "
    "tính trên toàn nhóm."
)
GRID_ORDER = "xã, xã nộp thiếu nhiều nhất trước"  # the pager's help: «Mỗi trang 100 xã, xã nộp thiếu nhiều nhất trước.»


def names(codes, start: date, end: date, short: bool = False) -> dict[str, str]:
    """{code: name} (etl.compare.unit_name), the unit list read once for the whole list."""
    units = reference.units()
    return {c: compare.unit_name(units.get(c), start, end, short) for c in codes}


def name_list(codes: list[str], start: date, end: date, limit: int = NAMES_SHOWN) -> str:
    """The communes' short names for a caption: at most `limit`, then «… và N xã khác» (only those shown are named)."""
    shown = list(names(codes[:limit], start, end, short=True).values())
    return fmt.names(shown + codes[limit:], limit, noun="xã")  # one wording with every other capped list


def worst_first(t: dict, start: date, end: date) -> list[str]:
    """The grid's communes, those missing most first: lowest completeness, then lowest timeliness, then by name;
    communes with no month due yet last."""
    short = names(t["units"], start, end, short=True)
    return [
        u["unit_code"]
        for u in sorted(
            t["per_unit"],
            key=lambda u: (
                not u["months_due"],
                u["completeness"] or 0,
                u["timeliness"] or 0,
                short[u["unit_code"]],
                u["unit_code"],
            ),
        )
    ]


def reporting_grid(t: dict, start: date, end: date, is_group: bool, codes: list[str] | None = None) -> tuple:
    """The commune × month grid as a Styler (symbol, or words when there are few months, on a status colour), each
    commune's own rates first, then the group's rate of each month; with its column settings. `codes`: the communes
    shown, in their order (all of t["units"] by default); the group's rows are always the whole group's."""
    months = [periods.parse(k) for k in t["months"]]
    one_year = len({m.start.year for m in months}) == 1
    words = len(months) <= 6
    headers = [fmt.short_label(m) for m in months]
    codes = t["units"] if codes is None else codes
    per_unit = {r["unit_code"]: r for r in t["per_unit"]}
    short = names(codes, start, end, short=True)
    rows, css = [], []
    for code in codes:
        r, cells = per_unit[code], [t["cells"].get((code, m.key)) for m in months]
        rows.append(
            {
                "Xã": short[code],
                "Nộp đủ": fmt.pct(r["completeness"], 0) if r["months_due"] else "…",
                "Đúng hạn": fmt.pct(r["timeliness"], 0) if r["months_due"] else "…",
            }
            | {
                h: (f"{CELLS[c][0]} {CELLS[c][1]}" if words else CELLS[c][0]) if c else ""
                for h, c in zip(headers, cells)
            }
        )
        css.append(["", "", ""] + [f"background-color: {CELLS[c][2]}" if c else "" for c in cells])
    for label, key in (("Cả nhóm: nộp đủ", "reporting.completeness"), ("Cả nhóm: đúng hạn", "reporting.timeliness"))[
        : 2 * is_group
    ]:
        rows.append(
            {"Xã": label, "Nộp đủ": "", "Đúng hạn": ""}
            | {
                h: ((fmt.pct(m[key], 0) if m["due"] else "…") if m["reporting.expected"] else "")
                for h, m in zip(headers, t["per_month"])
            }
        )
        css.append([""] * (3 + len(months)))
    frame = pd.DataFrame(rows)
    config = {
        "Xã": st.column_config.TextColumn(width=134, pinned=True),
        "Nộp đủ": st.column_config.TextColumn(width=64, pinned=True, help="Tháng đã nộp / tháng đã đến hạn nộp của xã"),
        "Đúng hạn": st.column_config.TextColumn(
            width=70, pinned=True, help="Tháng nộp đúng hạn / tháng đã đến hạn nộp của xã"
        ),
    }
    for h, m in zip(headers, months):
        config[h] = st.column_config.TextColumn(
            f"T{m.start.month}" if one_year else h, width=110 if words else (38 if one_year else 64), help=m.label
        )
    return frame.style.apply(lambda _: pd.DataFrame(css, columns=frame.columns), axis=None), config
