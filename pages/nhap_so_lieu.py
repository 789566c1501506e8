"""Nhập số liệu: download the template, upload workbooks, see at once what is wrong and where; replacements are previewed."""

import hashlib

import streamlit as st

from etl import annotate, reference
from etl.load import dry_run, load_upload
from etl.read import ReadError, read_bytes
from etl.template import build_workbook
from ui import auth, data, filters, upload
from ui.page import current_view
from ui.safe import md

data.require_page("nhap-so-lieu")  # etl.access decides: roles that may load
st.title("Nhập số liệu")
path = data.database()
view = current_view()
units = reference.units()

with st.expander("Tải tệp mẫu để điền", icon=":material/download:", expanded=False):
    communes = [u for u in units if u.level == "xa" and data.may_load(u.code)]
    default = view.sel.code if view and view.sel.unit.level == "xa" and data.may_load(view.sel.code) else None
    c1, c2 = st.columns(2)
    code = c1.selectbox(
        "Đơn vị",
        key="mau_don_vi",
        options=[None] + [u.code for u in communes],
        index=([None] + [u.code for u in communes]).index(default),
        format_func=lambda c: "Để trống (tự điền)" if c is None else units.get(c).name + upload.validity(units.get(c)),
    )
    with c2:  # the sidebar's Vietnamese period pickers (no period codes to type), opened on the period being viewed
        if view and view.sel.kind != "tuy_chon" and "mau_loai_ky" not in st.session_state:
            upload.preset_period("mau_", view.sel.kind, view.sel.period_start)
        kind, start, _ = filters.period_controls(upload.template_years(), prefix="mau_", kinds=upload.TEMPLATE_KINDS)
    period, problem = upload.period_or_error(filters.period_of(kind, start).key, code, units)
    if problem:
        st.warning(problem)
    else:
        unit = units.get(code) if code else None
        st.download_button(
            "Tải tệp mẫu (.xlsx)",
            upload.workbook_bytes(build_workbook(unit_code=code, unit_name=unit.name if unit else None, period=period)),
            file_name=f"mau_{code or 'xa'}_{period.key if period else 'ky'}.xlsx",
            icon=":material/download:",
        )

by = st.text_input("Người nhập", key="nguoi_nhap", placeholder="Họ tên công chức Văn phòng – Thống kê")
st.html(upload.UPLOADER_CSS)
files = st.file_uploader(upload.UPLOAD_LABEL, accept_multiple_files=True, key="tep_tai_len", help=upload.UPLOAD_HELP)
done = st.session_state.setdefault("da_nhap", {})

for f in files or []:
    blob = f.getvalue()
    digest = hashlib.sha256(blob).hexdigest()
    st.divider()
    st.caption(f":material/description: {md(f.name)} · {upload.size(len(blob))}")
    if stale := st.session_state.get("loi_phien_ban", {}).pop(digest, None):  # refused: the preview below is new
        st.error(md(stale), icon=":material/sync_problem:")
    if digest in done:
        upload.show_loaded(done[digest], units)
        continue
    result, after = dry_run(path, f.name, blob, upload.headline)
    if result.unit_code and (refusal := data.load_refusal(result.unit_code)):  # another unit's workbook
        st.error(f"{md(f.name)}: {md(refusal)}", icon=":material/block:")
        auth.record("denied", unit=result.unit_code, file=f.name)
        continue
    if result.status == "rejected":
        upload.show_rejected(result)
        try:
            raw = read_bytes(f.name, blob)
        except ReadError:
            continue
        st.download_button(
            "Tải bản có đánh dấu ô lỗi (.xlsx)",
            annotate.annotated_copy(f.name, blob, raw, result.problems),
            file_name=f"{f.name.rsplit('.', 1)[0]}_loi.xlsx",
            key=f"loi_{digest}",
            icon=":material/download:",
        )
        continue
    if result.status == "unchanged":
        st.info(
            f"{md(f.name)}: giống hệt bản đang dùng của {md(units.get(result.unit_code).name)}, {result.period.label} — "
            "không có gì thay đổi.",
            icon=":material/check:",
        )
        continue
    seen = st.session_state.setdefault("da_xem", {})  # digest -> version of the report the last preview showed
    shown, seen[digest] = seen.get(digest, result.replaced_version), result.replaced_version
    if result.replaced_load_id is not None:
        before = data.figures(str(path), data.version(path), result.unit_code, result.period.start, result.period.end)
        preview = st.empty()  # the warning, the table and the button go once the replacement is confirmed
        with preview.container():
            upload.show_preview(result, before, after, units)
            confirmed = st.button(
                "Xác nhận thay thế", key=f"xac_nhan_{digest}", type="primary", icon=":material/published_with_changes:"
            )
        if not confirmed:
            continue
        preview.empty()
    outcome = load_upload(
        path,
        f.name,
        blob,
        loaded_by=auth.loaded_by(by),
        replace_empty=result.loss is not None,  # confirmed after the red warning
        expect_version=shown,  # checked under the writer lock: someone else's replacement since the preview refuses
    )
    if outcome.refusal == "changed":  # someone else's load since the preview: show why, over the new preview
        st.session_state.setdefault("loi_phien_ban", {})[digest] = outcome.errors[0].message
        st.rerun()
    done[digest] = outcome
    if done[digest].status == "loaded":  # the audit log: who loaded or replaced which unit's report
        auth.record("replace" if done[digest].replaced_load_id else "load", done[digest].unit_code, f.name)
    upload.show_loaded(done[digest], units)
