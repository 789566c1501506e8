"""Display pieces of the «Nhập số liệu» page: the report grouped by sheet, the replacement preview, the loaded summary."""

from __future__ import annotations

import io
from collections import defaultdict

import duckdb
import pandas as pd
import streamlit as st

from etl import config, indicators, periods, reference
from etl.load import LoadResult, loss_text
from ui import filters, fmt
from ui.safe import code, md

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


LIMIT_MB = config.MAX_UPLOAD_BYTES // (1024 * 1024)  # .streamlit/config.toml server.maxUploadSize says the same
UPLOAD_LABEL = f"Chọn một hay nhiều tệp bảng tính đã điền (.xlsx, .xls, .xlsm, .ods; tối đa {LIMIT_MB} MB mỗi tệp)"
UPLOAD_HELP = (
    f"Kéo thả tệp vào khung dưới đây hoặc bấm «Chọn tệp». Tệp lớn hơn {LIMIT_MB} MB không tải lên được "
    "(bảng tính báo cáo của một xã thường nhỏ hơn 1 MB). Có thể chọn nhiều tệp một lúc."
)
# Streamlit's uploader has no language setting: its English («Upload», «50MB per file», «24.0B», «Drag and drop files
# here») is replaced by CSS, keyed on the data-testid attributes of Streamlit 1.5x–1.6x. Sizes are shown by the page.
_AFTER = "font-size: 0.875rem; line-height: 1.6; white-space: nowrap;"
UPLOADER_CSS = f"""<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p
  {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p::after
  {{ content: "Chọn tệp"; {_AFTER} }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after
  {{ content: "hoặc kéo thả tệp vào đây · tối đa {LIMIT_MB} MB mỗi tệp"; {_AFTER} }}
[data-testid="stFileUploaderDropzone"] > div > span:only-child {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] > div > span:only-child::after {{ content: "Thả tệp vào đây"; {_AFTER} }}
[data-testid="stFileChipName"] + div {{ display: none; }}
[data-testid="stFileChip"][aria-invalid="true"] [data-testid="stFileChipName"] + div {{ display: block; font-size: 0; }}
[data-testid="stFileChip"][aria-invalid="true"] [data-testid="stFileChipName"] + div::after
  {{ content: "Không tải lên được: tệp lớn hơn {LIMIT_MB} MB hoặc mất kết nối"; font-size: 0.75rem; }}
</style>"""


def size(n: int) -> str:
    """A file size the Vietnamese way: 24 B · 1,5 KB · 20 MB (1 KB = 1.024 B, as the upload limit counts)."""
    units, value, i = ("B", "KB", "MB", "GB"), float(n), 0
    while value >= 1024 and i < len(units) - 1:
        value, i = value / 1024, i + 1
    return f"{fmt.num(round(value, 1) if i else int(value))} {units[i]}"


def validity(unit: reference.Unit) -> str:
    return f" (đến {unit.valid_to:%d/%m/%Y})" if unit.valid_to else ""


TEMPLATE_KINDS = {k: v for k, v in filters.KINDS.items() if k != "tuy_chon"}  # a template covers one reporting period


def template_years() -> list[int]:
    """Years a template can be made for, newest first: from 2023 (the demo's first year) to next year."""
    return list(range(config.today().year + 1, 2022, -1))


def preset_period(prefix: str, kind: str, start) -> None:
    """Open the template form's period pickers on a period (the one being viewed)."""
    years = template_years()
    st.session_state[f"{prefix}loai_ky"] = kind
    st.session_state[f"{prefix}nam"] = start.year if start.year in years else years[0]
    st.session_state[f"{prefix}thang"] = start.month
    st.session_state[f"{prefix}quy"] = (start.month - 1) // 3 + 1
    st.session_state[f"{prefix}nua"] = 1 if start.month < 7 else 2


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


def _about_file(result: LoadResult, message: str) -> str:
    """A whole-file message without the file name it starts with (the headline already names the file)."""
    prefix = f"{result.file_name}: "
    if not message.startswith(prefix):
        return message
    rest = message[len(prefix) :]
    return rest[:1].upper() + rest[1:]


def show_rejected(result: LoadResult) -> None:
    """The refusal: a headline, then the problems by sheet with their cells. A file that could not be read at all (a
    text file renamed .xlsx, an encrypted workbook) has no cells: its message is the headline, without a cells section."""
    name = md(result.file_name)
    whole = [p for p in result.problems if not p.sheet]
    if not any(p.sheet for p in result.problems):
        reasons = " ".join(md(_about_file(result, p.message)) for p in whole)
        st.error(
            f"**{name}: không nhập.** {reasons} Cơ sở dữ liệu không thay đổi.".replace("  ", " "),
            icon=":material/error:",
        )
        return
    fix = "Sửa các ô dưới đây" if any(p.cell for p in result.problems) else "Sửa các trang dưới đây"
    st.error(
        f"**{name}: không nhập** — {len(result.errors)} lỗi. Cơ sở dữ liệu không thay đổi. {fix} rồi tải lên lại.",
        icon=":material/error:",
    )
    by_sheet = defaultdict(list)
    for p in result.problems:
        by_sheet[p.sheet].append(p)
    for sheet, problems in by_sheet.items():
        st.markdown(f"**Trang «{md(sheet)}»**" if sheet else "**Cả tệp**")
        st.markdown(
            "\n".join(
                f"- {'Lỗi' if p.severity == 'error' else 'Cảnh báo'}"
                + (f" tại {code(p.where)}: " if p.where else ": ")
                + md(_about_file(result, p.message) if not p.sheet else p.message)
                for p in problems
            )
        )


def show_preview(result: LoadResult, before: dict, after: dict, units: reference.Units) -> None:
    unit = units.get(result.unit_code)
    st.warning(
        f"**{md(result.file_name)}** sẽ thay thế bản nhập số {result.replaced_load_id} của {md(unit.name)}, {result.period.label}. "
        "Kiểm tra các số liệu chính trước và sau rồi bấm «Xác nhận thay thế».",
        icon=":material/compare_arrows:",
    )
    if result.loss:  # most of the report would go: say what, and make the confirmation a deliberate act
        st.error(
            f"**{loss_text(result, md(result.file_name))}.** Chỉ bấm «Xác nhận thay thế» nếu đúng là muốn thay: số liệu này sẽ không còn "
            "trong các chỉ số (bản cũ vẫn giữ trong kho lưu trữ và lịch sử nhập).",
            icon=":material/warning:",
        )
    rows = []
    for ind, label in HEADLINE.items():
        show = fmt.pct if ind.endswith(("_rate", "compliance")) else fmt.num
        rows.append(
            {
                "Chỉ số": label,
                "Bản đang dùng": show(before.get(ind)),
                "Bản mới": show(after.get(ind)),
                "Thay đổi": "không đổi" if before.get(ind) == after.get(ind) else "có thay đổi",
            }
        )
    frame = pd.DataFrame(rows)
    if (frame["Thay đổi"] == "không đổi").all():
        frame = frame.drop(columns="Thay đổi")
        st.info("Các số liệu chính dưới đây: không có số liệu nào thay đổi.", icon=":material/info:")
    # every row in view, no inner scrolling: a header and 35 px a row
    st.dataframe(frame, hide_index=True, height=38 + 35 * len(frame) + 2)


def show_loaded(result: LoadResult, units: reference.Units) -> None:
    if result.status != "loaded":
        show_rejected(result)
        return
    unit = units.get(result.unit_code)
    rows = ", ".join(f"{md(sheet)}: {fmt.num(n)} dòng" for sheet, n in result.rows.items()) or "không có dòng số liệu"
    replaced = f" Đã thay thế bản nhập số {result.replaced_load_id}." if result.replaced_load_id else ""
    st.success(
        f"**Đã nhập** {md(result.file_name)}: {md(unit.name)}, {result.period.label} (bản nhập số {result.load_id}). {rows}.{replaced}",
        icon=":material/check_circle:",
    )
    if result.warnings:
        with st.expander(f"{len(result.warnings)} cảnh báo (không chặn việc nhập)"):
            st.markdown(
                "\n".join(f"- {code(p.where) + ': ' if p.where else ''}{md(p.message)}" for p in result.warnings)
            )
