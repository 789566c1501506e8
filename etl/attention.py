"""«Cần chú ý»: what breaks a rule in the range, ordered by how serious it is, repeated items folded into one line.

Severity: 1 a legal deadline has passed (petitions, administrative files); 2 a legal minimum or a target is missed
(the chairman's reception weeks, the yearly dialogue, rates under their target); 3 a report is missing or late.
Each item names its unit (for a group), its page, and reads as one sentence.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import duckdb

from etl import config, coverage, indicators, periods, setwise, targets
from etl.indicators import Scope

SEVERITY_LABELS = {1: "Quá hạn luật định", 2: "Chưa đạt quy định, chỉ tiêu", 3: "Báo cáo chưa nộp, nộp muộn"}
PAGES = {
    "petitions": "don_thu",
    "tthc": "cai_cach_hanh_chinh",
    "reception": "tiep_cong_dan",
    "dialogue": "tiep_cong_dan",
    "reporting": "tinh_hinh_bao_cao",
}
RATES = (
    ("tthc.on_time_rate", "tthc", "hồ sơ thủ tục hành chính giải quyết đúng hạn"),
    ("tthc.online_rate", "tthc", "hồ sơ nộp trực tuyến"),
    ("petitions.resolution_rate", "petitions", "tỷ lệ giải quyết đơn thư"),
)


def item(severity: int, kind: str, unit_code: str | None, text: str) -> dict:
    return {"severity": severity, "kind": kind, "unit_code": unit_code, "text": text, "page": PAGES[kind]}


def fold(numbers: list[tuple[int, int]]) -> str:
    """[(2026, 12), (2026, 15), (2027, 1)] -> «12, 15/2026; 1/2027» (the year once per run of numbers)."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for year, n in numbers:
        by_year[year].append(n)
    return "; ".join(f"{', '.join(str(n) for n in ns)}/{y}" for y, ns in sorted(by_year.items()))


def _overdue(con: duckdb.DuckDBPyConnection, s: Scope, today: date) -> list[dict]:
    from etl.details import open_cases

    per_unit: dict[str, list[dict]] = defaultdict(list)
    for c in open_cases(con, s, today):
        if c["days_overdue"] > 0:
            per_unit[c["unit_code"]].append(c)
    out = []
    for code, cases in per_unit.items():
        worst = max(cases, key=lambda c: c["days_overdue"])
        out.append(
            item(
                1,
                "petitions",
                code,
                f"{len(cases)} đơn thư quá hạn giải quyết; lâu nhất quá hạn "
                f"{worst['days_overdue']} ngày (hạn {worst['deadline']:%d/%m/%Y}).",
            )
        )
    return out


def _tthc_overdue(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    rows = con.execute(
        """
        with rows_in_range as (
            select * from tthc where unit_code in (select unnest(?::varchar[])) and period_start >= ? and period_end <= ?
        ), last_period as (
            select unit_code, max(period_end) as period_end from rows_in_range group by unit_code
        ), final as (
            select unit_code, sum(pending_overdue) as overdue from rows_in_range join last_period using (unit_code, period_end)
            group by unit_code
        )
        select * from final where overdue > 0""",
        [s.codes, s.start, s.end],
    ).fetchall()
    return [item(1, "tthc", code, f"{n} hồ sơ thủ tục hành chính tồn đã quá hạn giải quyết.") for code, n in rows]


def _reception(con: duckdb.DuckDBPyConnection, s: Scope) -> list[dict]:
    missed: dict[str, list[dict]] = defaultdict(list)
    for code, _, a, b, need, held in setwise.chair_weeks(con, s, missed_only=True):
        missed[code].append({"start": a, "end": b, "required": need})
    out = []
    for code, slots in missed.items():
        weeks = [w for w in slots if (w["end"] - w["start"]).days <= 6]
        months = [w for w in slots if (w["end"] - w["start"]).days > 6]
        parts = []
        if weeks:
            iso = [w["start"].isocalendar() for w in weeks]
            parts.append(f"{len(weeks)} tuần: {fold([(y, n) for y, n, _ in iso])}")
        if months:
            parts.append(f"{len(months)} tháng: {fold([(w['start'].year, w['start'].month) for w in months])}")
        need = max(w["required"] for w in slots)
        out.append(
            item(
                2,
                "reception",
                code,
                f"Chủ tịch chưa tiếp công dân định kỳ đủ quy định {' và '.join(parts)} "
                f"(quy định ít nhất {need} ngày mỗi {'tuần' if weeks else 'tháng'}).",
            )
        )
    return out


def _dialogue(con: duckdb.DuckDBPyConnection, s: Scope, today: date) -> list[dict]:
    from etl.details import dialogues

    year = Scope(s.code, s.units, date(s.end.year, 1, 1), s.end)
    held = {r["unit_code"] for r in dialogues(con, year)}
    over = s.end >= date(s.end.year, 12, 31) and s.end <= today
    out = []
    reported = {  # units with a workbook covering part of the year so far (indicators.covered_days not empty)
        code
        for (code,) in con.execute(
            "select distinct unit_code from reports where unit_code in (select unnest(?::varchar[])) and period_start <= ? "
            "and period_end >= ?",
            [year.codes, year.end, year.start],
        ).fetchall()
    }
    for code in year.codes:
        if code in reported and code not in held:
            text = (
                f"Chưa tổ chức hội nghị đối thoại với Nhân dân trong năm {s.end.year} (quy định ít nhất 1 lần mỗi năm)."
                if over
                else f"Chưa tổ chức hội nghị đối thoại với Nhân dân năm {s.end.year}; quy định ít nhất 1 lần, "
                f"còn đến 31/12/{s.end.year}."
            )
            out.append(item(2, "dialogue", code, text))
    return out


def _rates(con: duckdb.DuckDBPyConnection, s: Scope, today: date) -> list[dict]:
    """Rates under their target, for the selection as a whole (a group's own total, ratio of sums)."""
    figures = indicators.tthc(con, s) | indicators.petition_figures(con, s)
    out = []
    for ind, kind, words in RATES:
        a = targets.assess(ind, figures, s.code, s.end, today)
        if a.status in ("near", "not_met"):
            out.append(item(2, kind, None, f"{words[0].upper() + words[1:]} {a.value_text}, {a.verdict}."))
    return out


def _reports(con: duckdb.DuckDBPyConnection, s: Scope, on_time_days: int, today: date) -> list[dict]:
    missing: dict[str, list[periods.Period]] = defaultdict(list)
    late: dict[str, list[periods.Period]] = defaultdict(list)
    for c in coverage.month_cells(con, list(s.units), s.start, s.end, on_time_days, today):
        if c["due"] and c["status"] in ("missing", "late"):
            (missing if c["status"] == "missing" else late)[c["unit_code"]].append(periods.parse(c["period_key"]))
    out = []
    for code in dict.fromkeys(list(missing) + list(late)):
        parts = []
        if missing[code]:
            parts.append(f"chưa nộp báo cáo tháng {fold([(m.start.year, m.start.month) for m in missing[code]])}")
        if late[code]:
            parts.append(f"nộp muộn báo cáo tháng {fold([(m.start.year, m.start.month) for m in late[code]])}")
        text = "; ".join(parts)
        out.append(item(3, "reporting", code, text[0].upper() + text[1:] + "."))
    return out


def attention(con: duckdb.DuckDBPyConnection, s: Scope, on_time_days: int, today: date | None = None) -> list[dict]:
    """Every item, most serious first; within a severity, by unit in the scope's order."""
    today = today or config.today()
    items = (
        _overdue(con, s, today)
        + _tthc_overdue(con, s)
        + _reception(con, s)
        + _dialogue(con, s, today)
        + _rates(con, s, today)
        + _reports(con, s, on_time_days, today)
    )
    order = {u.code: i for i, u in enumerate(s.units)}
    return sorted(items, key=lambda i: (i["severity"], -1 if i["unit_code"] is None else order.get(i["unit_code"], 0)))


def by_unit(items: list[dict]) -> list[tuple[str | None, list[dict]]]:
    """For a group: the items grouped by commune, the communes with the most serious items first (then the most items);
    items about the whole group (unit None) come first."""
    groups: dict[str | None, list[dict]] = defaultdict(list)
    for i in items:
        groups[i["unit_code"]].append(i)
    return sorted(groups.items(), key=lambda kv: (kv[0] is not None, min(i["severity"] for i in kv[1]), -len(kv[1])))
