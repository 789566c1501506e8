"""KPI cards: headline figure, target, status in words and colour, and the change against the comparison period."""

from __future__ import annotations

import zlib

import streamlit as st

from etl import targets
from ui import fmt

BADGES = {
    "met": ":green-badge[:material/check_circle: Đạt]",
    "near": ":orange-badge[:material/warning: Gần đạt]",
    "not_met": ":red-badge[:material/cancel: Chưa đạt]",
}
PENDING = ":gray-badge[:material/schedule: Xét vào cuối năm]"


value_text = targets.value_text


def delta(ind: str, now, before) -> str | None:
    """The change as shown: «Không đổi» when it is smaller than the displayed precision (never a red «-0,0»)."""
    return fmt.change_text(targets.is_rate(ind), now, before)


def card(
    ind: str, title: str, figures: dict, previous, unit_code: str, when, lower_is_better: bool = False, note: str = ""
) -> None:
    """One bordered card: the figure, its change against the comparison (ui.data.Compared), and the target or legal
    minimum with a verdict in words (etl.targets.assess, the same sentence on every screen); never colour alone."""
    value = figures.get(ind)
    a = targets.assess(ind, figures, unit_code, when)
    with st.container(border=True, key=f"the_{ind.replace('.', '_')}_{zlib.crc32(title.encode())}"):
        change = delta(ind, previous.now.get(ind), previous.then.get(ind)) if previous else None
        same = change == fmt.UNCHANGED
        st.metric(
            title,
            value_text(ind, value),
            delta=change,
            delta_color="off" if same else ("inverse" if lower_is_better else "normal"),
            delta_arrow="off" if same else "auto",
            delta_description=previous.text if change else None,
        )
        if a.status:
            st.markdown(BADGES[a.status])
        elif a.target is not None and a.verdict.startswith("xét"):
            st.markdown(PENDING)
        elif a.target is None:
            st.markdown(f":gray-badge[{note or 'Không đặt chỉ tiêu'}]")
        if a.target is not None:
            st.caption(f"{a.line} · {a.target.source}")


def row(specs: list[tuple], figures: dict, previous, unit_code: str, when) -> None:
    """Cards side by side that wrap onto the next line when the screen is narrow (at least 10rem each, ui.page.STYLE);
    each spec is (indicator, title) or (indicator, title, lower_is_better, note)."""
    with st.container(horizontal=True, gap="small"):
        for spec in specs:
            ind, title, lower, note = (*spec, False, "")[:4]
            card(ind, title, figures, previous, unit_code, when, lower_is_better=lower, note=note)


def verdict(ind: str, figures: dict, unit_code: str, when) -> str:
    """' — đạt chỉ tiêu 95 %' / ' — chưa đạt: kém 3,2 điểm %' for a chart title; empty when nothing is judged."""
    a = targets.assess(ind, figures, unit_code, when)
    return f" — {a.verdict}" if a.status else ""
