"""KPI cards: headline figure, target, status in words and colour, and the change against the comparison period."""
from __future__ import annotations

import streamlit as st

from etl import targets
from ui import fmt

BADGES = {"met": ":green-badge[:material/check_circle: Đạt chỉ tiêu]", "near": ":orange-badge[:material/warning: Gần đạt]",
          "not_met": ":red-badge[:material/cancel: Chưa đạt]", None: ":gray-badge[Chưa có chỉ tiêu hoặc không phát sinh]"}


def value_text(ind: str, value) -> str:
    return fmt.pct(value) if targets.is_rate(ind) else fmt.num(value)


def delta(ind: str, now, before) -> str | None:
    if now is None or before is None:
        return None
    return fmt.points(now - before) if targets.is_rate(ind) else fmt.change(now - before)


def card(ind: str, title: str, figures: dict, previous: dict | None, compare_label: str, unit_code: str, when,
         lower_is_better: bool = False, note: str = "") -> None:
    """One bordered card; the status badge carries words and an icon, never colour alone."""
    value = figures.get(ind)
    target = targets.target_for(ind, unit_code, when, figures)
    status = targets.status(value, target)
    with st.container(border=True):
        change = delta(ind, value, previous.get(ind)) if previous else None
        same = previous is not None and value is not None and value == previous.get(ind)
        st.metric(title, value_text(ind, value), delta="Không đổi" if same else change,
                  delta_color="off" if same else ("inverse" if lower_is_better else "normal"), delta_arrow="off" if same else "auto",
                  delta_description=f"so với {compare_label}" if change else None)
        target_text = f"Chỉ tiêu: {value_text(ind, target.value)}" if target else ""
        st.markdown(BADGES[status] if target else f":gray-badge[{note or 'Không có chỉ tiêu'}]")
        if target_text:
            st.caption(f"{target_text} · {target.source}")
