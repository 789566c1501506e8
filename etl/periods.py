"""Reporting periods: keys (2024-03, 2024Q1, 2024H1, 2024M9, 2024), their dates and Vietnamese labels."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
KIND_LABELS = {"month": "Tháng", "quarter": "Quý", "half": "6 tháng", "nine": "9 tháng", "year": "Năm"}
_KEY_RE = re.compile(r"^(\d{4})(?:-(\d{2})|Q([1-4])|H([12])|(M9))?$")


class PeriodError(ValueError):
    """A period key or Thông tin combination that does not name a period (message in Vietnamese)."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    key: str
    kind: str

    @property
    def label(self) -> str:
        y = self.start.year
        if self.kind == "month":
            return f"Tháng {self.start.month}/{y}"
        if self.kind == "quarter":
            return f"Quý {ROMAN[(self.start.month - 1) // 3 + 1]}/{y}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {y}"
        if self.kind == "nine":
            return f"9 tháng năm {y}"
        return f"Năm {y}"

    @property
    def phrase(self) -> str:
        """The label inside a sentence: «tháng 3/2024», «quý I/2024» (Roman numerals stay upper case)."""
        return self.label[0].lower() + self.label[1:]

    def contains(self, other: "Period") -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@lru_cache(maxsize=4096, typed=True)
def parse(key: str) -> Period:
    """Parse a period key; raises PeriodError with a Vietnamese message. Memoised (Period is frozen): a national table
    asks for the same dozen keys tens of thousands of times; typed, so 2024 and 2024.0 stay different questions."""
    m = _KEY_RE.match(str(key).strip().upper().replace("-Q", "Q"))
    if not m:
        raise PeriodError(
            f"Kỳ «{key}» không hợp lệ: dùng 2024-03 (tháng), 2024Q1 (quý), 2024H1/2024H2 (6 tháng), 2024M9 (9 tháng) hoặc 2024 (năm)."
        )
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise PeriodError(f"Năm {year} của kỳ «{key}» không hợp lệ.")
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"Tháng {month} của kỳ «{key}» không hợp lệ (1–12).")
        return Period(date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}", "month")
    if m.group(3):
        q = int(m.group(3))
        return Period(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), f"{year}Q{q}", "quarter")
    if m.group(4):
        h = int(m.group(4))
        return Period(date(year, 6 * h - 5, 1), _month_end(year, 6 * h), f"{year}H{h}", "half")
    if m.group(5):
        return Period(date(year, 1, 1), date(year, 9, 30), f"{year}M9", "nine")
    return Period(date(year, 1, 1), date(year, 12, 31), str(year), "year")


def from_parts(kind: str, number: int | None, year: int) -> Period:
    """Period from the «Thông tin» sheet's Loại kỳ / Kỳ / Năm (kind is month/quarter/half/nine/year)."""
    limits = {"month": 12, "quarter": 4, "half": 2}
    if kind in limits:
        if number is None or not 1 <= number <= limits[kind]:
            found = "để trống" if number is None else f"là «{number}»"
            raise PeriodError(
                f"Kỳ {found}, nhưng với loại kỳ «{KIND_LABELS[kind]}» phải là số từ 1 đến {limits[kind]}."
            )
        key = {"month": f"{year}-{number:02d}", "quarter": f"{year}Q{number}", "half": f"{year}H{number}"}[kind]
    else:
        key = f"{year}M9" if kind == "nine" else str(year)
    return parse(key)


def span(first: str, last: str | None = None) -> tuple[date, date]:
    """The date range from the start of `first` to the end of `last` (or of `first`)."""
    a = parse(first)
    b = parse(last) if last else a
    if b.end < a.start:
        raise PeriodError(f"Kỳ cuối «{last}» đứng trước kỳ đầu «{first}».")
    return a.start, b.end


def months(start: date, end: date) -> list[Period]:
    """Every month fully inside [start, end]."""
    out, y, m = [], start.year, start.month
    while date(y, m, 1) <= end:
        p = parse(f"{y}-{m:02d}")
        if start <= p.start and p.end <= end:
            out.append(p)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def iso_weeks(start: date, end: date) -> list[date]:
    """Mondays of the ISO weeks whose Thursday lies in [start, end] (a week belongs to the period of its Thursday)."""
    thursday = start + timedelta(days=(3 - start.weekday()) % 7)
    out = []
    while thursday <= end:
        out.append(thursday - timedelta(days=3))
        thursday += timedelta(days=7)
    return out


def fmt_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def shift_months(d: date, n: int) -> date:
    """The first day of the month n months after (before, n < 0) d's month."""
    k = d.year * 12 + d.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def month_count(start: date, end: date) -> int:
    """Calendar months from start's month to end's month, both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def window_label(start: date, end: date) -> str:
    """A range of whole months in words: the period's own name when it is one (Quý I/2026), else «10 tháng đầu năm
    2026», «Tháng 7–10/2026», «Tháng 11/2025 – tháng 2/2026»."""
    y = start.year
    for key in (
        f"{y}-{start.month:02d}",
        f"{y}Q{(start.month - 1) // 3 + 1}",
        f"{y}H{1 if start.month < 7 else 2}",
        f"{y}M9",
        str(y),
    ):
        p = parse(key)
        if (p.start, p.end) == (start, end):
            return p.label
    if end.year == y and start.month == 1:
        return f"{end.month} tháng đầu năm {y}"
    if end.year == y:
        return f"Tháng {start.month}–{end.month}/{y}"
    return f"Tháng {start.month}/{y} – tháng {end.month}/{end.year}"
