"""What a periodic report needs, gathered from the one indicator implementation (etl.windows.figures, etl.details,
etl.compare) — the renderers (etl.report_doc, etl.report_xlsx) take this dict and compute nothing themselves."""

from __future__ import annotations

from datetime import date

import duckdb

from etl import compare, config, details, indicators, periods, reference, targets, windows

TARGETED = (
    "tthc.on_time_rate",
    "tthc.online_rate",
    "petitions.resolution_rate",
    "reception.chair_compliance",
    "dialogue.sessions",
    "plan.done_rate",
)


def _assessments(figures: dict, code: str, on: date, today: date) -> dict[str, dict]:
    out = {}
    for ind in TARGETED:
        a = targets.assess(ind, figures, code, on, today)
        out[ind] = {
            "status": a.status,
            "rule": a.rule,
            "verdict": a.verdict,
            "line": a.line,
            "target": a.target.value if a.target else None,
            "source": a.target.source if a.target else "",
        }
    return out


def _monthly(con: duckdb.DuckDBPyConnection, code: str, start: date, end: date, roll: bool, today: date) -> list[dict]:
    """The flows of each month of the window (for one chart per area); quarters beyond two years."""
    months = periods.months(start, end)
    if len(months) > 24:
        months = [periods.parse(f"{y}Q{q}") for y in range(start.year, end.year + 1) for q in range(1, 5)]
        months = [m for m in months if start <= m.start and m.end <= end]
    return [
        {"key": m.key, "label": m.label, "start": m.start}
        | indicators.compute(con, code, m.start, m.end, roll, today=today)
        for m in months
    ]


def gather(
    con: duckdb.DuckDBPyConnection,
    code: str,
    period_key: str,
    mode: str | None = "cung_ky",
    today: date | None = None,
    roll_forward: bool = False,
    period_end: str | None = None,
    units: reference.Units | None = None,
) -> dict:
    """Every figure, breakdown and list of the report for a unit or group and a period (or a range of keys)."""
    units = units or reference.units()
    today = today or config.today()
    unit = units.get(code)
    start, end = periods.span(period_key, period_end)
    window = windows.resolve(
        code, start, end, windows.kind_of(period_key, period_end), mode, today, roll_forward, units
    )
    result = windows.figures(con, code, window, roll_forward=roll_forward, units=units, today=today)
    s = indicators.scope(code, window.start, window.end, roll_forward, units)
    f = result["indicators"]
    data = {
        "unit": {"code": code, "name": unit.name, "level": unit.level, "is_group": unit.level != "xa"},
        "period": {"key": period_key, "label": periods.window_label(start, end), "start": start, "end": end},
        "window": window,
        "today": today,
        "figures": f,
        "compare": result.get("compare"),
        "assessments": _assessments(f, code, window.end, today),
        "tthc_by_field": details.tthc_by_field(con, s),
        "petitions_by": details.petition_breakdowns(con, s, today),
        "breakdowns": {
            name: details.breakdown(con, s, name)
            for name in (
                "reception.host",
                "reception.form",
                "dialogue.mode",
                "discipline.form",
                "discipline.behaviour",
                "discipline.subject",
                "outreach.form",
                "supervision.organisation",
            )
        },
        "plan_progress": details.plan_progress(con, s),
        "open_cases": [
            {
                k: c[k]
                for k in ("unit_code", "case_id", "petition_type", "field", "accepted", "deadline", "days_overdue")
            }
            for c in details.open_cases(con, s, today)
        ],
        "monthly": _monthly(con, code, window.start, window.end, roll_forward, today),
        "communes": [],
        "missing": [],
    }
    if data["unit"]["is_group"]:
        rows = compare.commune_figures(con, code, window.start, window.end, today=today, units=units)
        data["communes"] = [
            r | {"name": compare.unit_name(units.get(r["unit_code"]), window.start, window.end, short=True)}
            for r in rows[1:]
        ]
        grid = compare.reporting_table(con, code, start, end, today=today, units=units)
        missing = {r["unit_code"]: r for r in grid["per_unit"] if r["months_due"] and r["received"] < r["months_due"]}
        data["missing"] = [
            {
                "unit_code": c,
                "name": compare.unit_name(units.get(c), start, end, short=True),
                "months_due": r["months_due"],
                "received": r["received"],
            }
            for c, r in missing.items()
        ]
    return data
