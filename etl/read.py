"""File -> raw cell grids per sheet, with python-calamine (macros never run, formulas give their cached values)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from etl import config

EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods"}
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


class ReadError(Exception):
    """A file that cannot be read as a workbook; str() is one Vietnamese message naming the file."""


@dataclass
class RawWorkbook:
    file_name: str
    sheets: dict[str, list[list[object]]]  # actual sheet name -> rows from A1 (empty cells are "")
    hidden: frozenset[str] = frozenset()


def _check_container(name: str, data: bytes) -> None:
    ext = Path(name).suffix.lower()
    if ext not in EXTENSIONS:
        raise ReadError(
            f"{name}: loại tệp «{ext or 'không có đuôi'}» không được nhận. Hãy lưu bảng tính dưới dạng .xlsx (hoặc .xls, .xlsm, .ods)."
        )
    if not data:
        raise ReadError(f"{name}: tệp rỗng (0 byte). Hãy mở lại bảng tính, lưu và gửi lại.")
    if len(data) > config.MAX_UPLOAD_BYTES:
        size = f"{len(data) / 1048576:.1f}".replace(".", ",")
        limit = f"{config.MAX_UPLOAD_BYTES / 1048576:g}".replace(".", ",")
        raise ReadError(
            f"{name}: tệp quá lớn ({size} MB, tối đa {limit} MB). Bảng tính báo cáo của một xã thường nhỏ hơn 1 MB: xóa ảnh hoặc trang thừa rồi gửi lại."
        )
    if ext == ".xls":
        if not data.startswith(OLE2_MAGIC):
            raise ReadError(
                f"{name}: tệp không phải bảng tính Excel 97-2003 (.xls) thật (có thể là tệp khác bị đổi đuôi). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
            )
    elif data.startswith(OLE2_MAGIC):
        if ENCRYPTED_MARK in data:  # an encrypted OOXML file is an OLE2 container with an EncryptedPackage stream
            raise ReadError(f"{name}: tệp được đặt mật khẩu (mã hóa). Hãy bỏ mật khẩu rồi lưu lại và gửi lại.")
        # otherwise an Excel 97-2003 file saved with the wrong extension: calamine reads it by content
    elif not data.startswith(ZIP_MAGIC):
        raise ReadError(
            f"{name}: nội dung tệp không phải bảng tính {ext} (có thể là tệp CSV hoặc văn bản bị đổi đuôi). Hãy mở bằng Excel và lưu dưới dạng .xlsx."
        )


def read_bytes(name: str, data: bytes) -> RawWorkbook:
    """Read a workbook from its bytes; raises ReadError with one clear message for anything unreadable."""
    _check_container(name, data)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        hidden = {m.name for m in wb.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
        sheets = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}
    except ReadError:
        raise
    except Exception as exc:  # calamine raises several types for broken zips, XML, passwords
        kind = type(exc).__name__
        if "Password" in kind:
            raise ReadError(f"{name}: tệp được đặt mật khẩu. Hãy bỏ mật khẩu rồi lưu lại và gửi lại.") from exc
        raise ReadError(
            f"{name}: tệp bị hỏng, không đọc được ({kind}). Hãy mở bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx và gửi lại."
        ) from exc
    return RawWorkbook(name, sheets, frozenset(hidden))


def read_path(path: str | Path, name: str | None = None) -> RawWorkbook:
    path = Path(path)
    return read_bytes(name or path.name, path.read_bytes())
