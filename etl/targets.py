"""Targets (chỉ tiêu) from the editable targets table, and the met / near / not met status of a figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from etl import config, numbers, reference

NEAR_POINTS = 0.10  # "within 10 points" of a rate target counts as near
STATUS_LABELS = {"met": "Đạt", "near": "Gần đạt", "not_met": "Chưa đạt"}


@dataclass(frozen=True)
class Target:
    indicator: str
    value: float
    direction: str  # higher | lower
    source: str


_found: dict = {"table": None, "rows": {}}  # the targets table last read, and the rows found in it (a group's table
# asks for every commune × indicator: thousands of look-ups of the same few rows)


def _row(indicator: str, unit_code: str, on: date):
    """The targets table's row in force on `on` for the unit (a unit-specific row wins over `*`)."""
    table = reference.rules("targets")
    if _found["table"] is not table or len(_found["rows"]) > 500_000:  # a new table (the CSV changed), or a full memo
        _found["table"], _found["rows"] = table, {}
    key = (indicator, unit_code, on)
    if key not in _found["rows"]:
        rows = [
            r for r in table if r["indicator_id"] == indicator and r.in_force(on) and r["unit_code"] in ("*", unit_code)
        ]
        _found["rows"][key] = sorted(rows, key=lambda r: r["unit_code"] == "*")[0] if rows else None
    return _found["rows"][key]


def year_end_only(indicator: str, unit_code: str, on: date) -> bool:
    """A target judged only on a year's last day (dialogue once a year, plan tasks done by year end)."""
    row = _row(indicator, unit_code, on)
    return row is not None and row.fields.get("applies") == "year_end"


def judged_on(on: date, today: date | None = None) -> bool:
    """Is `on` a year's end that has passed (when a year-end target can be judged)?"""
    return (on.month, on.day) == (12, 31) and on <= (today or config.today())


def target_for(
    indicator: str,
    unit_code: str,
    on: date,
    figures: dict | None = None,
    today: date | None = None,
    judged_only: bool = True,
) -> Target | None:
    """The target in force on `on` for the unit; `=other.id` refers to a figure. A year-end target is None before the
    year is over unless judged_only is False (to say what will be judged)."""
    row = _row(indicator, unit_code, on)
    if row is None:
        return None
    if judged_only and row.fields.get("applies") == "year_end" and not judged_on(on, today):
        return None  # e.g. plan.done_rate: 100 % is due at the end of the year, not every month nor before it is over
    text = row["value"]
    if text.startswith("="):
        ref = (figures or {}).get(text[1:])
        if ref is None:
            return None
        value = float(ref)
    else:
        value = float(text)
    return Target(indicator, value, row["direction"], row["source"])


def is_rate(indicator: str) -> bool:
    return indicator.endswith(("_rate", "compliance", "completeness", "timeliness"))


def status(value: float | None, target: Target | None) -> str | None:
    """met / near / not_met; None when there is no figure (no denominator) or no target."""
    if value is None or target is None:
        return None
    gap = (value - target.value) if target.direction == "higher" else (target.value - value)
    if gap >= -1e-12:
        return "met"
    if is_rate(target.indicator) and -gap <= NEAR_POINTS + 1e-12:
        return "near"
    return "not_met"


def evaluate(figures: dict, unit_code: str, on: date) -> dict[str, dict]:
    """For every indicator with a target: target value, status and source."""
    out = {}
    for ind in sorted({r["indicator_id"] for r in reference.rules("targets")}):
        t = target_for(ind, unit_code, on, figures)
        if t is not None and ind in figures:
            out[ind] = {
                "target": t.value,
                "direction": t.direction,
                "status": status(figures[ind], t),
                "source": t.source,
            }
    return out


MEASURED_BY = {"dialogue.sessions": "dialogue.required_held"}  # each commune once a year: count the commune-years held


@dataclass(frozen=True)
class Assessment:
    """One figure against its target or legal minimum, in words every screen, export and report uses alike."""

    indicator: str
    value: float | None
    target: Target | None  # in force, even when not judged yet
    status: str | None  # met / near / not_met; None without a figure, a target, or before a year-end target is due
    rule: str  # «ít nhất 1 hội nghị đối thoại mỗi xã mỗi năm — 6 xã: cần 6», «chỉ tiêu 95 %»
    verdict: str  # «đạt chỉ tiêu 95 %», «chưa đạt: còn 2 tuần chưa tiếp đủ», «xét vào cuối năm 2026: đã có 4/6»

    @property
    def value_text(self) -> str:
        return value_text(self.indicator, self.value)

    @property
    def line(self) -> str:
        """The rule and the verdict in one line for a card or a caption."""
        return "; ".join(t for t in (self.rule[0].upper() + self.rule[1:] if self.rule else "", self.verdict) if t)


def value_text(indicator: str, value, digits: int = 1) -> str:
    """A figure as every screen and report shows it: «95,3 %» for a rate, «1.234» for a count."""
    return numbers.pct(value, digits) if is_rate(indicator) else numbers.num(value)


def _rule(indicator: str, row, target: Target | None, figures: dict) -> str:
    words = (row.fields.get("rule") or "").strip()
    if indicator == "dialogue.sessions":
        need = figures.get("dialogue.required") or 0
        return f"{words or 'ít nhất 1 lần mỗi năm'} — cần {numbers.num(need)}" if need else words
    if words:
        return words
    return f"chỉ tiêu {value_text(indicator, target.value, 0)}" if target else ""


def _shortfall(indicator: str, value: float, target: Target, figures: dict) -> str:
    if indicator == "reception.chair_compliance":
        slots, met = figures.get("reception.chair_weeks") or 0, figures.get("reception.chair_weeks_met") or 0
        return f"{numbers.num(met)}/{numbers.num(slots)} tuần (tháng) đạt, còn {numbers.num(slots - met)} chưa tiếp đủ"
    if indicator == "dialogue.sessions":
        need, held = figures.get("dialogue.required") or 0, figures.get("dialogue.required_held") or 0
        return f"{numbers.num(held)}/{numbers.num(need)} xã-năm đã tổ chức, còn {numbers.num(need - held)} chưa tổ chức"
    if is_rate(indicator):
        return f"kém {numbers.points(target.value - value)[1:]}" if target.direction == "higher" else ""
    return f"cần {value_text(indicator, target.value, 0)}"


def assess(indicator: str, figures: dict, unit_code: str, on: date, today: date | None = None) -> Assessment:
    """The figure, the target or minimum in force on `on`, and a verdict that explains itself."""
    value = figures.get(indicator)
    row = _row(indicator, unit_code, on)
    target = target_for(indicator, unit_code, on, figures, today, judged_only=False) if row else None
    if target is None:
        return Assessment(indicator, value, None, None, "", "")
    rule = _rule(indicator, row, target, figures)
    if indicator == "dialogue.sessions" and not figures.get("dialogue.required"):
        return Assessment(indicator, value, None, None, "", "")  # no commune-year covered by a report: nothing required
    measured = figures.get(MEASURED_BY.get(indicator, indicator), value)
    if measured is None:
        return Assessment(indicator, value, target, None, rule, "không phát sinh")
    if row.fields.get("applies") == "year_end" and not judged_on(on, today):
        so_far = (
            f"đã có {numbers.num(figures.get('dialogue.required_held'))}/{numbers.num(figures.get('dialogue.required'))} xã-năm"
            if indicator == "dialogue.sessions"
            else f"hiện đạt {value_text(indicator, value, 0) if value is not None else '–'}"
        )
        return Assessment(indicator, value, target, None, rule, f"xét vào cuối năm {on.year}; {so_far}")
    if indicator == "dialogue.sessions":
        target = Target(indicator, float(figures.get("dialogue.required") or 0), target.direction, target.source)
    state = status(measured, target)
    if state == "met":
        verdict = f"đạt {'chỉ tiêu ' + value_text(indicator, target.value, 0) if is_rate(indicator) else 'quy định'}"
    else:
        verdict = f"{STATUS_LABELS[state].lower()}: {_shortfall(indicator, measured, target, figures)}"
    return Assessment(indicator, value, target, state, rule, verdict)
