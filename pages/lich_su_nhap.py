"""Lịch sử nhập: every accepted file of the selected unit or group, who loaded it and when, what it replaced; archived copies."""

import json

import pandas as pd
import streamlit as st

from etl import periods, reference
from ui import auth, data, fmt, pager, safe
from ui.page import current_view

data.require_page("lich-su-nhap")  # etl.access decides
st.title("Lịch sử nhập số liệu")
view = current_view()
if view is None:
    st.info("Chưa có cơ sở dữ liệu, nên chưa có lần nhập nào. Vào trang «Nhập số liệu» để tải tệp lên.")
    st.stop()
units = reference.units()
PAGE = 200  # loads a page: a province has tens of thousands, and a table of them all helps no one
total, _ = data.history(str(view.path), view.version, view.sel.code, view.sel.roll_forward, 0, 0)
first, _ = pager.choose(total, PAGE, "trang_lich_su", "lần nhập, mới nhất trước")
page = first // PAGE
_, rows = data.history(str(view.path), view.version, view.sel.code, view.sel.roll_forward, page, PAGE)
st.markdown(f"**{view.sel.unit.name}** — mọi kỳ, mới nhất trước")
if not rows:
    st.info(f"Chưa có tệp nào của {view.sel.unit.name} được nhập. Vào trang «Nhập số liệu» để tải tệp lên.")
    st.stop()


def status(r: dict) -> str:
    if r["in_force"]:
        return "Đang dùng"
    return f"Đã được thay bằng bản số {r['replaced_by']}" if r["replaced_by"] else "Không còn dùng"


table = pd.DataFrame(
    [
        {
            "Bản số": str(r["load_id"]),
            "Tệp": r["file_name"],
            "Người nhập": r["loaded_by"] or "–",
            "Nhập lúc": r["loaded_at"].strftime("%d/%m/%Y %H:%M"),
            "Đơn vị": units.get(r["unit_code"]).name,
            "Kỳ": periods.parse(r["period_key"]).label,
            "Thay thế bản": str(r["replaced_load_id"]) if r["replaced_load_id"] else "",
            "Số dòng": fmt.num(sum(json.loads(r["rows_json"]).values())),
            "Cảnh báo": fmt.num(len(json.loads(r["warnings_json"]))),
            "Trạng thái": status(r),
        }
        for r in rows
    ]
)
st.metric("Số lần nhập", fmt.num(total))
col = st.column_config.TextColumn  # the columns that fit 1024 px with the sidebar open, short headers
group = view.sel.is_group
WIDTHS = {"Bản số": 50, "Tệp": 120 if group else 150, "Người nhập": 110 if group else 120, "Nhập lúc": 125}
WIDTHS |= ({"Đơn vị": 95} if group else {}) | {"Kỳ": 90, "Trạng thái": 140 if group else 160}
st.dataframe(
    table,
    hide_index=True,
    column_order=list(WIDTHS),
    column_config={k: col("Bản" if k == "Bản số" else k, width=w) for k, w in WIDTHS.items()},
    height=min(38 + 35 * len(table) + 2, 740),  # every row without an inner scroll, up to 20 rows
)
st.caption(
    "«Trạng thái» cho biết bản nào đang dùng và bản nào đã được thay; số dòng và cảnh báo của từng bản ở trang «Dữ liệu»."
)

st.subheader("Tải bản lưu trữ")
by_id = {r["load_id"]: r for r in rows if data.may_load(r["unit_code"])}  # originals: for those who may load the unit
if not by_id:
    st.info(
        "Chỉ tài khoản được nhập số liệu của đơn vị mới tải được tệp gốc đã lưu "
        "(tệp gốc có thể chứa họ tên, số điện thoại không đưa vào cơ sở dữ liệu).",
        icon=":material/lock:",
    )
    st.stop()
chosen = st.selectbox(
    "Chọn bản nhập",
    list(by_id),
    key="ban_luu_tru",
    format_func=lambda i: f"Bản số {i}: {by_id[i]['file_name']} ({periods.parse(by_id[i]['period_key']).label})",
)
row = by_id[chosen]
blob = data.original(view.path, row)  # refuses a unit the user may not load
if blob is not None:
    st.download_button(
        "Tải tệp gốc đã lưu",
        blob,
        file_name=row["file_name"],
        icon=":material/download:",
        on_click=auth.record,  # the audit log: who downloaded which original
        args=("download_original", row["unit_code"], row["file_name"]),
    )
else:
    st.warning(f"Không tìm thấy bản lưu trữ {safe.md(row['archive_name'])} trong kho lưu trữ.")
