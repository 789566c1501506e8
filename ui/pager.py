"""Long lists shown a page at a time: a province has 166 communes and the nation 3,321, so a table of every commune (or
every open case, every loaded file) is built, sent and drawn only a page at a time. One control for every page of the
dashboard, so «Lịch sử nhập», «So sánh các xã», «Tình hình gửi báo cáo», «Đơn thư», «Tiếp công dân» and «Dữ liệu» read
the same way: «Trang: 1–100 trên 3.343».
"""

from __future__ import annotations

import streamlit as st

from ui import fmt


def count(total: int, size: int) -> int:
    """How many pages of `size` rows `total` rows take (at least one)."""
    return max(1, -(-total // size))


def bounds(total: int, size: int, page: int) -> tuple[int, int]:
    """The rows [first, last) of page `page` (0-based), clamped to the last page."""
    page = min(max(page, 0), count(total, size) - 1)
    return page * size, min(total, (page + 1) * size)


def label(total: int, size: int, page: int) -> str:
    first, last = bounds(total, size, page)
    return f"{fmt.num(first + 1)}–{fmt.num(last)} trên {fmt.num(total)}"


def current(total: int, size: int, key: str) -> tuple[int, int]:
    """The rows [first, last) of the page the «Trang» box `key` holds, read before the box is drawn further down the
    page (a page out of range, after another period or unit was chosen, is the first)."""
    page = st.session_state.get(key, 0)
    return bounds(total, size, page if page in range(count(total, size)) else 0)


def choose(total: int, size: int, key: str, what: str, container=st) -> tuple[int, int]:
    """A «Trang» select box when `total` rows take more than one page of `size`; the chosen page's rows [first, last).
    `what` (Vietnamese) says in the help what is listed and in which order. Nothing is drawn for a single page."""
    pages = count(total, size)
    if pages == 1:
        return 0, total
    if st.session_state.get(key, 0) not in range(pages):
        st.session_state[key] = 0  # the list got shorter (another period, another unit): back to its first page
    page = container.selectbox(
        "Trang",
        range(pages),
        key=key,
        format_func=lambda i: label(total, size, i),
        help=f"Mỗi trang {fmt.num(size)} {what}.",
    )
    return bounds(total, size, page)
