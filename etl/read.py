"""File -> raw cell grids per sheet, with python-calamine (macros never run, formulas give their cached values).

Every file is inspected before it is parsed and parsed in a child process with a memory and time limit (etl/guard.py);
the grids are bounded after parsing (rows, columns and cells per sheet, cells per workbook, characters per cell) with
the limits of etl/config.py, stated in the README («Giới hạn tệp»).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from etl import config, guard
from etl.guard import OLE2_MAGIC, ZIP_MAGIC, ReadError, short, size_text
from etl.numbers import num

EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods"}
_NUMBER_LIKE = re.compile(r"[\d\s.,+\-eE]+")
__all__ = ["EXTENSIONS", "RawWorkbook", "ReadError", "parse", "read_bytes", "read_path", "size_text"]


@dataclass
class RawWorkbook:
    file_name: str
    sheets: dict[str, list[list[object]]]  # actual sheet name -> rows from A1 (empty cells are "")
    hidden: frozenset[str] = frozenset()
    problems: tuple[tuple[str, str, str], ...] = ()  # (sheet, cell, message): cells over a limit, errors for validate


def _check_container(name: str, data: bytes) -> None:
    ext = Path(name).suffix.lower()
    if ext not in EXTENSIONS:
        raise ReadError(
            f"{name}: loại tệp «{short(ext, 20) or 'không có đuôi'}» không được nhận. Hãy lưu bảng tính dưới dạng "
            f".xlsx (hoặc .xls, .xlsm, .ods)."
        )
    if not data:
        raise ReadError(f"{name}: tệp rỗng (0 byte). Hãy mở lại bảng tính, lưu và gửi lại.")
    if ext == ".xls":
        if not data.startswith(OLE2_MAGIC):
            raise ReadError(
                f"{name}: tệp không phải bảng tính Excel 97-2003 (.xls) thật (có thể là tệp khác bị đổi đuôi). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
            )
    elif not data.startswith((OLE2_MAGIC, ZIP_MAGIC)):
        # an Excel 97-2003 file saved with the wrong extension is read by content; anything else is not a workbook
        raise ReadError(
            f"{name}: nội dung tệp không phải bảng tính {ext} (có thể là tệp CSV hoặc văn bản bị đổi đuôi). Hãy mở bằng Excel và lưu dưới dạng .xlsx."
        )
    guard.inspect(name, data)


def unreadable(name: str, exc: Exception) -> str:
    """The message for an exception python-calamine raised on a file."""
    kind = type(exc).__name__
    if "Password" in kind or "password" in str(exc).lower():
        return guard.password(name)
    return guard.broken(name, kind)


def parse(name: str, data: bytes) -> tuple[dict[str, list[list[object]]], frozenset[str], tuple]:
    """(sheets, hidden sheets, problems) of a workbook that passed guard.inspect; runs in the worker process.

    Sheets come back as rows from A1 like `to_python(skip_empty_area=False)`, but built from the used area only: a
    single cell at XFD1048576 is refused by the area limits, never padded to 17 billion cells."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
        hidden = frozenset(m.name for m in wb.sheets_metadata if m.visible != SheetVisibleEnum.Visible)
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken zips, XML, passwords
        raise ReadError(unreadable(name, exc)) from exc
    if len(names) > config.MAX_SHEETS:
        raise ReadError(f"{name}: tệp có {num(len(names))} trang, vượt giới hạn {num(config.MAX_SHEETS)} trang.")
    sheets, problems, cells, chars = {}, [], 0, 0
    for sheet_name in names:
        if len(sheet_name) > config.MAX_SHEET_NAME_CHARS:
            raise ReadError(
                f"{name}: tên trang «{short(sheet_name)}» dài {num(len(sheet_name))} ký tự, vượt giới hạn "
                f"{config.MAX_SHEET_NAME_CHARS} ký tự. Hãy đặt lại tên trang cho ngắn."
            )
        try:
            sheet = wb.get_sheet_by_name(sheet_name)
        except Exception as exc:  # noqa: BLE001
            raise ReadError(unreadable(name, exc)) from exc
        if sheet.end is None:
            sheets[sheet_name] = []
            continue
        (top, left), (bottom, right) = sheet.start, sheet.end
        rows, cols = bottom + 1, right + 1
        problem = guard.area_problem(sheet_name, rows, cols)
        if problem:
            raise ReadError(f"{name}: {problem}")
        cells += rows * cols
        guard.check_total(name, cells)
        try:
            body = sheet.to_python(skip_empty_area=True)
        except Exception as exc:  # noqa: BLE001
            raise ReadError(unreadable(name, exc)) from exc
        pad = [""] * left
        grid = [[""] * cols for _ in range(top)] + [pad + row if left else row for row in body]
        for r in range(top, len(grid)):
            row = grid[r]
            for c, value in enumerate(row):
                if value.__class__ is str and value:
                    chars += len(value)
                    if len(value) > config.MAX_TEXT_CHARS:
                        problems.append(_long_text(sheet_name, f"{guard.col_letters(c)}{r + 1}", value))
                        row[c] = short(value, 40)
        if chars > config.MAX_TEXT_TOTAL_CHARS:
            raise ReadError(
                f"{name}: tệp chứa hơn {num(config.MAX_TEXT_TOTAL_CHARS)} ký tự chữ, vượt giới hạn của một báo cáo. "
                f"Hãy xóa các trang, cột ghi chú thừa rồi gửi lại."
            )
        sheets[sheet_name] = grid
    if len(problems) > 50:
        problems[50:] = [(problems[50][0], "", f"Còn {num(len(problems) - 50)} ô khác quá dài (như trên).")]
    return sheets, hidden, tuple(problems)


def _long_text(sheet: str, cell: str, value: str) -> tuple[str, str, str]:
    if _NUMBER_LIKE.fullmatch(value):
        return sheet, cell, f"Ô chứa một số dài {num(len(value))} ký tự: số quá lớn, không phải số liệu báo cáo."
    return (
        sheet,
        cell,
        f"Ô có {num(len(value))} ký tự, vượt giới hạn {num(config.MAX_TEXT_CHARS)} ký tự một ô. Hãy ghi ngắn lại (nội "
        f"dung chi tiết để trong hồ sơ giấy).",
    )


def read_bytes(name: str, data: bytes, *, isolated: bool = True) -> RawWorkbook:
    """Read a workbook from its bytes; raises ReadError with one clear message for anything unreadable or too large.

    The file is parsed in a child process (etl/guard.py); `isolated=False` parses in this process (tests, benchmarks:
    the inspection and the limits still apply, only the memory and time limits of the child are missing)."""
    _check_container(name, data)
    sheets, hidden, problems = guard.parse_isolated(name, data) if isolated else parse(name, data)
    return RawWorkbook(name, sheets, frozenset(hidden), tuple(problems))


def read_path(path: str | Path, name: str | None = None) -> RawWorkbook:
    path = Path(path)
    return read_bytes(name or path.name, path.read_bytes())
