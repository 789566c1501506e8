"""Typing of single spreadsheet cells by column kind; each parser returns (value, Vietnamese error or None)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from etl import config
from etl.numbers import num
from etl.specs import YES_NO, Column
from etl.text import clean, norm

EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (18264, 73051)  # 1950-01-01 .. 2099-12-31: a number outside is not a plausible date
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_COUNT = re.compile(r"^(\d+|\d{1,3}(?:\.\d{3})+)$")  # 12, 1234 or 1.234 (Vietnamese thousands dot)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL and other control characters: never stored
SHOWN_CHARS = 60  # a cell is quoted back at most this long


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: object) -> str:
    """How a cell's content is quoted back to the clerk."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and not math.isfinite(value):
        return "số quá lớn"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = _CONTROL.sub("", str(value)).strip()
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def latest_date() -> date:
    """The last plausible date in a workbook: a year after today (the real clock, not $CH33_TODAY)."""
    return date.today() + timedelta(days=config.LATEST_DAYS_AHEAD)


def _plausible(day: date) -> tuple[date | None, str | None]:
    if config.EARLIEST_DATE <= day <= latest_date():
        return day, None
    return None, (
        f"ngày {day.day:02d}/{day.month:02d}/{day.year} không hợp lý: chỉ nhận ngày từ "
        f"{config.EARLIEST_DATE:%d/%m/%Y} đến {latest_date():%d/%m/%Y} (không quá một năm sau hôm nay). "
        "Kiểm tra lại năm đã ghi."
    )


def parse_date(value: object) -> tuple[date | None, str | None]:
    """A date from a real date, an Excel serial number or day-first text, between 01/01/2000 and a year from today."""
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return _plausible(EXCEL_EPOCH + timedelta(days=int(value)))
        return None, f"«{shown(value)}» không phải ngày; ghi ngày dạng dd/mm/yyyy, ví dụ 15/03/2024."
    text = str(value).strip()
    m = _DMY.match(text)
    if m:
        d, mo, y = (int(g) for g in m.groups())
    elif m := _YMD.match(text):
        y, mo, d = (int(g) for g in m.groups())
    else:
        return (
            None,
            f"«{shown(text)}» không phải ngày; ghi ngày dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ 15/03/2024.",
        )
    try:
        day = date(y, mo, d)
    except ValueError:
        hint = " (ngày ghi trước, tháng ghi sau: có thể đã ghi kiểu tháng/ngày)" if mo > 12 and d <= 12 else ""
        return None, f"«{text}» không phải ngày có thật{hint}; ghi dạng dd/mm/yyyy, ví dụ 15/03/2024."
    return _plausible(day)


def parse_count(value: object) -> tuple[int | None, str | None]:
    """A whole number from 0 to MAX_COUNT (what the database's INTEGER column holds)."""
    expected = "phải là số nguyên không âm (0, 1, 2, …), không có phần thập phân"
    too_big = f"là số quá lớn: số đếm tối đa {num(config.MAX_COUNT)}. Kiểm tra lại số đã ghi."
    if isinstance(value, bool):
        return None, f"«{value}» {expected}."
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"Ô chứa số quá lớn hoặc không phải số: số đếm tối đa {num(config.MAX_COUNT)}."
    if isinstance(value, (int, float)):
        if float(value).is_integer() and value >= 0:
            return (int(value), None) if value <= config.MAX_COUNT else (None, f"«{shown(value)}» {too_big}")
        return None, f"«{shown(value)}» {expected}."
    text = str(value).strip()
    if _COUNT.match(text):
        digits = text.replace(".", "")
        if len(digits.lstrip("0")) > len(str(config.MAX_COUNT)) or int(digits) > config.MAX_COUNT:
            return None, f"«{shown(text)}» {too_big}"
        return int(digits), None
    return None, f"«{shown(text)}» {expected}."


def parse_number(value: object, low: float, high: float, whole: bool) -> tuple[float | None, str | None]:
    what = f"một số {'nguyên ' if whole else ''}từ {low:g} đến {high:g}"
    if isinstance(value, bool):
        return None, f"«{value}» phải là {what}."
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().rstrip("%").strip().replace(",", ".")
        try:
            number = float(text) if len(text) <= 40 else math.inf
        except ValueError:
            return None, f"«{shown(value)}» phải là {what}."
    if not math.isfinite(number) or not low <= number <= high or (whole and not number.is_integer()):
        return None, f"«{shown(value)}» phải là {what}."
    return (int(number) if whole else number), None


def parse_text(value: object) -> str:
    """Text as stored: NFC, whitespace collapsed, control characters (NUL …) dropped; a formula-looking text such as
    «=HYPERLINK(…)» stays text (python-calamine gives cached values, nothing is ever evaluated)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return shown(value)
    return clean(_CONTROL.sub("", value) if isinstance(value, str) else value)


def parse_cell(col: Column, value: object) -> tuple[object, str | None]:
    """Type a non-blank cell for its column."""
    if col.kind == "date":
        return parse_date(value)
    if col.kind == "count":
        return parse_count(value)
    if col.kind == "year":
        return parse_number(value, 1900, 2100, whole=True)
    if col.kind == "percent":
        return parse_number(value, 0, 100, whole=False)
    if col.kind == "choice":
        found = col.lookup().get(norm(parse_text(value)))
        if found is None:
            allowed = "; ".join(f"«{c.value}»" for c in col.options)
            return None, f"«{shown(value)}» không có trong danh mục; chọn một trong: {allowed}."
        return (found == "Có") if col.options == YES_NO else found, None
    return parse_text(value), None


def blank_value(col: Column) -> object:
    """The value of a blank cell in a column with "blank = …" (None where blank means unknown)."""
    if col.default is None:
        return None
    return (col.default == "Có") if col.options == YES_NO else col.default
