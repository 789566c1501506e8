"""Display pieces of the «Nhập số liệu» page: the report grouped by sheet, the replacement preview, the loaded summary."""

from __future__ import annotations

import io
from collections import defaultdict

import duckdb
import pandas as pd
import streamlit as st

from etl import indicators, periods, reference
from etl.load import LoadResult
from ui import fmt

HEADLINE = {  # indicator id -> label, shown old vs new before a replacement is confirmed
    "tthc.received_new": "Hồ sơ TTHC tiếp nhận mới",
    "tthc.on_time_rate": "Tỷ lệ giải quyết TTHC đúng hạn",
    "tthc.online_rate": "Tỷ lệ nộp trực tuyến",
    "petitions.received": "Đơn thư tiếp nhận",
    "petitions.resolved": "Đơn thư đã giải quyết",
    "petitions.overdue_open": "Đơn thư quá hạn",
    "reception.days": "Ngày tiếp công dân",
    "reception.chair_compliance": "Tuần Chủ tịch tiếp dân đúng quy định",
    "dialogue.sessions": "Hội nghị đối thoại",
    "discipline.decisions": "Quyết định kỷ luật",
    "outreach.events": "Hoạt động tuyên truyền",
    "plan.done_rate": "Nhiệm vụ kế hoạch hoàn thành",
}


def validity(unit: reference.Unit) -> str:
    return f" (đến {unit.valid_to:%d/%m/%Y})" if unit.valid_to else ""


def period_or_error(key: str, code: str | None, units: reference.Units) -> tuple[periods.Period | None, str | None]:
    if not key.strip():
        return None, None
    try:
        period = periods.parse(key)
    except periods.PeriodError as exc:
        return None, str(exc)
    if code and not units.can_report(code, period):
        return None, units.reportable_hint(units.get(code)) + f"; không tạo mẫu cho kỳ {period.label}."
    return period, None


def workbook_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def headline(con: duckdb.DuckDBPyConnection, result: LoadResult) -> dict:
    return indicators.compute(con, result.unit_code, result.period.start, result.period.end)


def show_rejected(result: LoadResult) -> None:
    st.error(
        f"**{result.file_name}: không nhập** — {len(result.errors)} lỗi. Cơ sở dữ liệu không thay đổi. Sửa các ô dưới đây rồi tải lên lại.",
        icon=":material/error:",
    )
    by_sheet = defaultdict(list)
    for p in result.problems:
        by_sheet[p.sheet or "Tệp"].append(p)
    for sheet, problems in by_sheet.items():
        st.markdown(f"**Trang «{sheet}»**" if sheet != "Tệp" else "**Tệp**")
        st.markdown(
            "\n".join(
                f"- {'Lỗi' if p.severity == 'error' else 'Cảnh báo'} tại `{p.where}`: {p.message}" for p in problems
            )
        )


def show_preview(result: LoadResult, before: dict, after: dict, units: reference.Units) -> None:
    unit = units.get(result.unit_code)
    st.warning(
        f"**{result.file_name}** sẽ thay thế bản nhập số {result.replaced_load_id} của {unit.name}, {result.period.label}. "
        "Kiểm tra các số liệu chính trước và sau rồi bấm «Xác nhận thay thế».",
        icon=":material/compare_arrows:",
    )
    rows = []
    for ind, label in HEADLINE.items():
        show = fmt.pct if ind.endswith(("_rate", "compliance")) else fmt.num
        rows.append(
            {
                "Chỉ số": label,
                "Bản đang dùng": show(before.get(ind)),
                "Bản mới": show(after.get(ind)),
                "Thay đổi": "" if before.get(ind) == after.get(ind) else "có thay đổi",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def show_loaded(result: LoadResult, units: reference.Units) -> None:
    if result.status != "loaded":
        show_rejected(result)
        return
    unit = units.get(result.unit_code)
    rows = ", ".join(f"{sheet}: {fmt.num(n)} dòng" for sheet, n in result.rows.items()) or "không có dòng số liệu"
    replaced = f" Đã thay thế bản nhập số {result.replaced_load_id}." if result.replaced_load_id else ""
    st.success(
        f"**Đã nhập** {result.file_name}: {unit.name}, {result.period.label} (bản nhập số {result.load_id}). {rows}.{replaced}",
        icon=":material/check_circle:",
    )
    if result.warnings:
        with st.expander(f"{len(result.warnings)} cảnh báo (không chặn việc nhập)"):
            st.markdown("\n".join(f"- `{p.where}`: {p.message}" for p in result.warnings))
