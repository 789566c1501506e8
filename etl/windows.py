"""Comparison windows: how much of a selected period is covered, and what it is compared with — the one rule that
pages, meeting mode, exports, the CLI and the reports call.

A period is *covered* up to the last month whose reports are due (month end + the reporting delay ≤ today), not up to
the last file received. A running period is compared with the same months of the comparison period (2026 → T1–T10/2026
against T1–T10/2025). A commune that did not exist for part of the comparison window (formed on 1/7/2025) is compared
over the months both windows cover, or over its predecessors' figures when the user asked for merged history.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from etl import config, periods, reference

MODES = {"truoc": "kỳ trước", "cung_ky": "cùng kỳ năm trước"}


def is_due(month_end: date, today: date, delay: int = config.ON_TIME_DAYS) -> bool:
    """A report is due once its deadline (period end + N days) is reached."""
    return month_end + timedelta(days=delay) <= today


def covered_end(start: date, end: date, today: date, delay: int = config.ON_TIME_DAYS) -> date | None:
    """The end of the last month of [start, end] whose report is due; None when none is due yet."""
    due = [m.end for m in periods.months(start, end) if is_due(m.end, today, delay)]
    return due[-1] if due else None


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _back(kind: str, start: date, end: date, mode: str) -> int:
    """Months between a window and its comparison: a year for «cùng kỳ», a year, nine months; else the period's length."""
    if mode == "cung_ky" or kind in ("year", "nine"):
        return 12
    return periods.month_count(start, end)


@dataclass(frozen=True)
class Comparison:
    mode: str  # truoc | cung_ky
    start: date  # the comparison window
    end: date
    now_start: date  # the part of the headline window it is set against: the same months, one shift later
    now_end: date
    label: str  # «10 tháng đầu năm 2025»
    basis: str = ""  # why the compared months are fewer than the headline's, or that predecessors' figures are used

    @property
    def label_now(self) -> str:
        return periods.window_label(self.now_start, self.now_end)

    @property
    def trimmed(self) -> bool:
        return self.basis != "" and not self.basis.startswith("gộp")

    @property
    def text(self) -> str:
        """For a card's change: «so với cùng kỳ năm 2025», or the compared window itself when it was trimmed."""
        if self.trimmed:  # the header names both windows; a card has room for the compared one only
            return f"so với {self.label.lower()}"
        if self.mode == "cung_ky":
            return (
                f"so với cùng kỳ năm {self.start.year}"
                if self.start.year == self.end.year
                else f"so với {self.label.lower()}"
            )
        return f"so với {self.label[0].lower() + self.label[1:]}"


@dataclass(frozen=True)
class Window:
    period_start: date  # what the user selected
    period_end: date
    start: date  # the headline window: the selected period up to its last month due
    end: date
    label: str
    running: bool  # some months of the selected period are not due yet
    compare: Comparison | None = None
    note: str = ""  # why there is no comparison, when one was asked for

    @property
    def running_note(self) -> str:
        """Why the headline stops before the selected period's end."""
        if not self.running:
            return ""
        whole = periods.window_label(self.period_start, self.period_end)
        if self.end == self.period_end:
            return f"{whole} chưa có tháng nào đến hạn báo cáo: số liệu là những gì đã nhập đến nay."
        return (
            f"{whole} chưa kết thúc: số liệu tính đến hết tháng {self.end.month}/{self.end.year}, tháng cuối cùng "
            f"đã đến hạn báo cáo (hạn nộp {config.ON_TIME_DAYS} ngày sau khi hết tháng)."
        )

    @property
    def phrase(self) -> str:
        """«10 tháng đầu năm 2026 so với cùng kỳ năm 2025» — what every header says."""
        if self.compare is None:
            return self.label
        if self.compare.trimmed:
            c = self.compare
            return f"{self.label} · {c.label_now.lower()} {c.text} ({c.basis})"
        extra = f" ({self.compare.basis})" if self.compare.basis else ""
        return f"{self.label} {self.compare.text}{extra}"


def lifetime(code: str, roll_forward: bool, units: reference.Units) -> tuple[date, date | None, str]:
    """When a commune's own figures exist: (first day, last day or None, words on the predecessors when rolled forward).
    Groups are not limited: their members cover the whole time (a former district maps to the communes it became)."""
    unit = units.get(code)
    if unit is None or unit.level != "xa":
        return date.min, None, ""
    before = [p for p in units.predecessors(code) if p.level == "xa"]
    if roll_forward and before:
        return (
            min(p.valid_from for p in before),
            unit.valid_to,
            "gộp số liệu các xã cũ trước " + f"{unit.valid_from:%d/%m/%Y}",
        )
    return unit.valid_from, unit.valid_to, ""


def resolve(
    code: str,
    start: date,
    end: date,
    kind: str,
    mode: str | None,
    today: date | None = None,
    roll_forward: bool = False,
    units: reference.Units | None = None,
    delay: int = config.ON_TIME_DAYS,
) -> Window:
    """The headline window of the selection and, for mode truoc | cung_ky, the window it is compared with.
    kind is the selection's period kind (month, quarter, half, nine, year, or range for a custom span)."""
    units = units or reference.units()
    today = today or config.today()
    last = covered_end(start, end, today, delay)
    running = last is None or last < end
    head_end = last or end  # nothing due yet (a month still running): show what is loaded, compare nothing
    window = Window(start, end, start, head_end, periods.window_label(start, head_end), running)
    if mode not in MODES:
        return window
    if last is None:
        return _without(window, "Kỳ đã chọn chưa có tháng nào đến hạn báo cáo nên chưa so sánh.")
    back = _back(kind, start, end, mode)
    first_day, last_day, rolled = lifetime(code, roll_forward, units)
    a = max(start, first_day, periods.shift_months(first_day, back) if first_day > date.min else start)
    if a.day != 1:
        a = periods.shift_months(a, 1)
    b = head_end if last_day is None else min(head_end, last_day, _month_end(periods.shift_months(last_day, back)))
    name = units.get(code).name
    if a > b:
        formed = first_day > periods.shift_months(start, -back)
        why = f"{name} thành lập ngày {first_day:%d/%m/%Y}" if formed else f"{name} chỉ tồn tại đến {last_day:%d/%m/%Y}"
        hint = " Chọn «Gộp số liệu các xã cũ» để so sánh với các xã trước sáp nhập." if units.predecessors(code) else ""
        return _without(window, f"Không có kỳ so sánh: {why}.{hint}")
    then_a, then_b = periods.shift_months(a, -back), _month_end(periods.shift_months(b, -back))
    basis = rolled
    if (a, b) != (start, head_end):
        basis = (
            f"{name} thành lập ngày {first_day:%d/%m/%Y}, chỉ so sánh các tháng cả hai kỳ đều có"
            if a > start
            else f"{name} tồn tại đến {last_day:%d/%m/%Y}, chỉ so sánh các tháng cả hai kỳ đều có"
        )
    cmp = Comparison(mode, then_a, then_b, a, b, periods.window_label(then_a, then_b), basis)
    return Window(start, end, start, head_end, window.label, running, cmp)


def _without(window: Window, note: str) -> Window:
    return Window(
        window.period_start, window.period_end, window.start, window.end, window.label, window.running, None, note
    )


def kind_of(first: str, last: str | None = None) -> str:
    """The period kind a CLI selection stands for: that of its key, or «range» for a span of keys."""
    return "range" if last and last != first else periods.parse(first).kind


def figures(
    con,
    code: str,
    window: Window,
    roll_forward: bool = False,
    units: reference.Units | None = None,
    today: date | None = None,
) -> dict:
    """The headline figures of the window and, when it has a comparison, both sides of it — the object the CLI prints
    and the pages, meeting screens and exports read (one implementation of «compared with what»)."""
    from etl.indicators import compute

    def run(a: date, b: date) -> dict:
        return compute(con, code, a, b, roll_forward=roll_forward, units=units, today=today)

    out = {
        "unit": code,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "label": window.label,
        "period": {"start": window.period_start.isoformat(), "end": window.period_end.isoformat()},
        "running": window.running,
        "indicators": run(window.start, window.end),
    }
    c = window.compare
    if c is None:
        return out | ({"compare": None, "compare_note": window.note} if window.note else {})
    now = out["indicators"] if (c.now_start, c.now_end) == (window.start, window.end) else run(c.now_start, c.now_end)
    return out | {
        "compare": {
            "mode": c.mode,
            "start": c.start.isoformat(),
            "end": c.end.isoformat(),
            "label": c.label,
            "text": c.text,
            "basis": c.basis,
            "indicators": run(c.start, c.end),
            "current": {"start": c.now_start.isoformat(), "end": c.now_end.isoformat(), "indicators": now},
        }
    }
