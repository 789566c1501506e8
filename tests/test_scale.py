"""The fast paths of issue 12 give the figures of the straightforward computation they replaced.

A multi-commune database from bench/national_db.py (the demo's rows cloned for synthetic communes, remote ones
included, plus the demo's old and new communes) with a few edits that exercise the edges: a missing month, a late
report, a quarter report over two months, a report straddling the range's start. Each set-based query is compared
with the per-row / per-unit Python it replaced (kept here as the reference), then `compute` as a whole for communes,
groups, the province, a former district and a rolled-forward commune, over ranges across the 1/7/2026 change of the
reception rule and mid-month custom ranges. The «Dữ liệu» export is built once per selection and its row loop reads
no whole-sheet size.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from unittest.mock import patch

import pytest

from bench.national_db import build
from etl import compare, config, coverage, db, details, indicators, reference, setwise, windowed, windows
from etl.periods import months

COMMUNES = 14
TODAY = date(2026, 11, 30)
RANGES = [
    (date(2026, 1, 1), date(2026, 10, 31)),
    (date(2026, 4, 1), date(2026, 9, 30)),  # weekly rule until 30/6, monthly after
    (date(2025, 6, 16), date(2025, 8, 20)),  # mid-month, across the merger
    (date(2024, 1, 1), date(2026, 10, 31)),
    (date(2026, 9, 1), date(2026, 9, 30)),
]


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    path, ref = folder / "n.duckdb", folder / "ref"
    build(path, ref, COMMUNES, 3)
    con = db.connect(path)
    # edges: B0002 misses 2026-03; B0003 sent 2026-02 late; B0004 sent one quarter report for 2026-04..05 (replacing
    # its two monthly ones); B0005 has a report from mid-May to mid-June (starts inside no month)
    con.execute("delete from reports where unit_code = 'B0002' and period_key = '2026-03'")
    con.execute(
        "update reports set first_received_at = timestamp '2026-03-25 10:00' "
        "where unit_code = 'B0003' and period_key = '2026-02'"
    )
    con.execute("delete from reports where unit_code = 'B0004' and period_key in ('2026-04', '2026-05')")
    con.execute(
        "insert into reports values ('B0004', '2026Q2x', 'quarter', date '2026-04-01', date '2026-05-31', 'x', "
        "null, null, null, 9999001, timestamp '2026-06-05 08:00', timestamp '2026-06-05 08:00')"
    )
    con.execute("delete from reports where unit_code = 'B0005' and period_key in ('2026-05', '2026-06')")
    con.execute(
        "insert into reports values ('B0005', 'mid', 'custom', date '2026-05-15', date '2026-06-14', 'x', "
        "null, null, null, 9999002, timestamp '2026-06-20 08:00', timestamp '2026-06-20 08:00')"
    )
    con.close()
    with patch.object(config, "REFERENCE_DIR", ref):
        con = db.connect(path, read_only=True)
        yield con, reference.units(ref)
        con.close()


# ------------------------------------------------------------------ the straightforward computations (reference)


def ref_communes(units: reference.Units, code: str) -> list[reference.Unit]:
    unit = units.by_code[code]
    if unit.level == "xa":
        return [unit]
    out = []
    children = units.members.get(code) or [u.code for u in units if u.parent == code]
    for child in children:
        out.extend(u for u in ref_communes(units, child) if u not in out)
    return out


def ref_petition_rows(con, s) -> list[dict]:
    remote = {u.code: u.is_remote for u in s.units}
    cur = con.execute(
        """select unit_code, case_id, received_date, coalesce(accepted_date, received_date) as accepted,
           petition_type, field, in_jurisdiction, complexity, resolved_date, is_crowd
           from petitions where list_contains(?, unit_code) and received_date <= ?
           and (resolved_date is null or resolved_date >= ? or received_date >= ?) order by rowid""",
        [s.codes, s.end, s.start, s.start],
    )
    names = [d[0] for d in cur.description]
    out = []
    for values in cur.fetchall():
        row = dict(zip(names, values))
        days = reference.deadline_days(
            row["petition_type"], row["complexity"] or "Thường", remote[row["unit_code"]], row["accepted"]
        )
        row["deadline"] = row["accepted"] + timedelta(days=days) if days is not None else None
        out.append(row)
    return out


def ref_chair_weeks(con, s) -> list[dict]:
    cover = indicators.covered_days(con, s)
    chair = con.execute(
        """select unit_code, reception_date from receptions where list_contains(?, unit_code)
        and reception_date between ? and ? and host = 'Chủ tịch' and form = 'Định kỳ'""",
        [s.codes, s.start - timedelta(days=6), s.end + timedelta(days=6)],
    ).fetchall()
    held = defaultdict(list)
    for code, d in chair:
        held[code].append(d)
    out = []
    for code, a, b, need in indicators.chair_slots(s, cover):
        n = sum(a <= d <= b for d in held[code])
        out.append({"unit_code": code, "start": a, "end": b, "required": need, "held": n, "met": n >= need})
    return out


def ref_month_cells(con, units, start, end, on_time_days, today) -> list[dict]:
    by_unit = coverage.reports(con, [u.code for u in units], start, end)
    out = []
    for m in months(start, end):
        due = windows.is_due(m.end, today, on_time_days)
        for u in units:
            mine = [r for r in by_unit[u.code] if r.start <= m.end and r.end >= m.start]
            status = coverage.unit_status(u, mine, m.start, m.end, on_time_days)
            if status is not None:
                status = "not_due" if status == "missing" and not due else status
                out.append({"unit_code": u.code, "period_key": m.key, "status": status, "due": due})
    return out


def ref_compute(con, code, start, end, roll_forward=False) -> dict:
    s = indicators.scope(code, start, end, roll_forward)
    cover = indicators.covered_days(con, s)
    weeks = ref_chair_weeks(con, s)
    out = indicators.tthc(con, s) | indicators.petition_stats(ref_petition_rows(con, s), start, end, TODAY)
    out |= {
        "reception.chair_required": sum(w["required"] for w in weeks),
        "reception.chair_compliance": indicators.ratio(sum(w["met"] for w in weeks), len(weeks)),
        "reception.chair_weeks": len(weeks),
        "reception.chair_weeks_met": sum(w["met"] for w in weeks),
        "dialogue.required": indicators.years_required(s, cover),
        "dialogue.required_held": indicators.years_held(s, cover, indicators.dialogue_years(con, s)),
    }
    cells = ref_month_cells(con, list(s.units), start, end, config.ON_TIME_DAYS, TODAY)
    return out | coverage.month_rates(cells)


# ------------------------------------------------------------------------------------------------------ the tests


def test_communes_index_keeps_the_order_and_members(national):
    _, units = national
    for code in ["38", "NX", "NHOM01", "CUM_TAY", "B0007", "NX03"]:
        assert [u.code for u in units.communes(code)] == [u.code for u in ref_communes(units, code)], code
    assert len(units.communes("38")) == 16 + COMMUNES + 6  # the old communes (via NX), the synthetic and new ones
    assert [u.code for u in units.predecessors("X04")] == [u.code for u in units if u.successor == "X04"]
    assert {u.code for u in units.children("NX")} == {f"NX{i:02d}" for i in range(1, 17)}


@pytest.mark.parametrize("code", ["38", "NHOM01", "B0004", "NX"])
def test_deadlines_in_sql_are_the_rules_per_case(national, code):
    con, _ = national
    for start, end in RANGES[:3]:
        s = indicators.scope(code, start, end)
        fast, slow = indicators.petition_rows(con, s), ref_petition_rows(con, s)
        assert fast == slow and len(fast) > 0
        assert any(r["deadline"] is None for r in fast) or all(r["deadline"] for r in fast)
        assert indicators.petition_figures(con, s, TODAY) == indicators.petition_stats(slow, start, end, TODAY)


def ref_open_cases(con, s, today) -> list[dict]:
    out = []
    for r in ref_petition_rows(con, s):
        if (
            r["in_jurisdiction"]
            and r["accepted"] <= s.end
            and (r["resolved_date"] is None or r["resolved_date"] > s.end)
        ):
            overdue = (indicators.as_of(s.end, today) - r["deadline"]).days if r["deadline"] else None
            keys = ("unit_code", "case_id", "petition_type", "field", "accepted", "deadline")
            out.append({k: r[k] for k in keys} | {"days_overdue": max(0, overdue or 0)})
    return sorted(out, key=lambda r: (-r["days_overdue"], r["accepted"]))


@pytest.mark.parametrize("code", ["38", "B0004", "NX"])
def test_open_cases_and_breakdowns_in_sql(national, code):
    con, _ = national
    for start, end in RANGES[:3]:
        s = indicators.scope(code, start, end)
        assert details.open_cases(con, s, TODAY) == ref_open_cases(con, s, TODAY)
        slow = ref_petition_rows(con, s)
        for by in ("petition_type", "field"):
            assert indicators.petition_split(con, s, by, TODAY) == indicators.petition_breakdown(
                slow, start, end, by, TODAY
            )
    assert any(c["days_overdue"] > 0 for c in details.open_cases(con, indicators.scope("38", *RANGES[0]), TODAY))


def test_deadline_rules_cover_remote_and_complexity(national):
    """The generated cases reach several rules: remote and not, each complexity (else the comparison proves little)."""
    con, _ = national
    rows = indicators.petition_rows(con, indicators.scope("38", *RANGES[3]))
    kinds = {(r["petition_type"], r["complexity"], (r["deadline"] - r["accepted"]).days) for r in rows if r["deadline"]}
    assert len({days for *_, days in kinds}) >= 3 and len({t for t, *_ in kinds}) >= 2


@pytest.mark.parametrize("code", ["38", "NHOM01", "B0002", "B0005", "X06"])
def test_reception_weeks_in_sql_are_the_python_slots(national, code):
    con, _ = national
    for start, end in RANGES:
        s = indicators.scope(code, start, end)
        fast = indicators.chair_weeks(con, s)
        assert fast == ref_chair_weeks(con, s), (code, start, end)
        missed = [(w["unit_code"], w["start"]) for w in fast if not w["met"]]
        assert [(r[0], r[2]) for r in setwise.chair_weeks(con, s, missed_only=True)] == missed
    assert any(not w["met"] for w in indicators.chair_weeks(con, indicators.scope("38", *RANGES[0])))


def test_completeness_in_sql_is_the_python_cells(national):
    con, units = national
    for code in ["38", "NX", "B0002", "B0003", "B0004", "B0005"]:
        s_units = list(indicators.scope(code, date(2020, 1, 1), date(2030, 1, 1)).units)
        for start, end in RANGES:
            fast = coverage.month_cells(con, s_units, start, end, config.ON_TIME_DAYS, TODAY)
            slow = ref_month_cells(con, s_units, start, end, config.ON_TIME_DAYS, TODAY)
            assert fast == slow, (code, start, end)
            assert coverage.reporting(con, s_units, start, end, config.ON_TIME_DAYS, TODAY) == coverage.month_rates(
                slow
            )
    cells = {
        (c["unit_code"], c["period_key"]): c["status"]
        for c in coverage.month_cells(con, units.communes("38"), *RANGES[0], config.ON_TIME_DAYS, TODAY)
    }
    assert cells["B0002", "2026-03"] == "missing" and cells["B0003", "2026-02"] == "late"
    assert cells["B0004", "2026-04"] == cells["B0004", "2026-05"] == "on_time"
    assert cells["B0005", "2026-05"] == "missing" and cells["B0005", "2026-06"] == "missing"


def test_dialogue_years_in_sql(national):
    con, _ = national
    for code in ["38", "NX", "B0001"]:
        for start, end in RANGES:
            s = indicators.scope(code, start, end)
            cover = indicators.covered_days(con, s)
            held = indicators.dialogue_years(con, s)
            expected = (indicators.years_required(s, cover), indicators.years_held(s, cover, held))
            assert setwise.dialogue_years(con, s, [(start, end)]) == [expected]


@pytest.mark.parametrize(
    "code,roll_forward", [("38", False), ("NHOM01", False), ("B0004", False), ("NX", False), ("X04", True)]
)
def test_compute_gives_the_figures_of_the_straightforward_computation(national, code, roll_forward):
    con, _ = national
    for start, end in RANGES:
        fast = indicators.compute(con, code, start, end, roll_forward=roll_forward, today=TODAY)
        slow = ref_compute(con, code, start, end, roll_forward)
        assert {k: fast[k] for k in slow} == slow, (code, start, end)
    assert fast["petitions.received"] > 0 and fast["reporting.months_due"] > 0


@pytest.mark.parametrize("code,roll_forward", [("38", False), ("NX", False), ("B0006", False), ("X04", True)])
def test_compute_many_is_compute_per_window(national, code, roll_forward):
    """A trend's months and a year-to-date series in one call: each point is compute over its own window, including
    windows on both sides of the merger (a former district's scope changes) and windows without any data."""
    con, _ = national
    trend = [(m.start, m.end) for m in months(date(2025, 4, 1), date(2026, 10, 31))]
    to_date = [(date(2026, 1, 1), m.end) for m in months(date(2026, 1, 1), date(2026, 10, 31))]
    spans = trend + to_date + [(date(2019, 1, 1), date(2019, 3, 31)), (date(2026, 3, 10), date(2026, 8, 20))]
    many = windowed.compute_many(con, code, spans, roll_forward, today=TODAY)
    for (start, end), figures in zip(spans, many):
        assert figures == indicators.compute(con, code, start, end, roll_forward=roll_forward, today=TODAY), (
            start,
            end,
        )
    assert many[-2]["petitions.received"] == 0 and many[-1]["reception.days"] > 0


@pytest.mark.parametrize("families", [("tthc",), ("petitions", "reporting"), ("registers",), ("reception", "plan")])
def test_a_trend_of_some_areas_is_the_full_figures_of_those_areas(national, families):
    """A page's trend asks only for its areas (etl.windowed.FAMILIES): the same values as the whole computation, and
    no figure of another area."""
    con, _ = national
    spans = [(m.start, m.end) for m in months(date(2025, 4, 1), date(2026, 10, 31))]
    full = windowed.compute_many(con, "38", spans, today=TODAY)
    some = windowed.compute_many(con, "38", spans, today=TODAY, families=families)
    prefixes = {"tthc": ("tthc.",), "petitions": ("petitions.",), "reporting": ("reporting.",), "plan": ("plan.",)}
    prefixes |= {"registers": ("dialogue.sessions", "dialogue.issues", "dialogue.answer", "dialogue.participants",
                               "discipline.", "inspection.",
                               "outreach.", "supervision.", "emulation."), "reception": ("reception.",)}  # fmt: skip
    for whole, part in zip(full, some):
        assert part == {k: v for k, v in whole.items() if k in part}
        assert part and all(k.startswith(sum((prefixes[f] for f in families), ())) for k in part), sorted(part)


@pytest.mark.parametrize("code", ["38", "NX"])
def test_per_commune_figures_are_compute_per_commune(national, code):
    """The comparison table's rows (petitions and the chairman's weeks in SQL per distinct range) are compute() over
    each commune's own part of the range."""
    con, _ = national
    for start, end in (RANGES[2], RANGES[1]):
        rows = compare.commune_figures(con, code, start, end, today=TODAY)
        assert len(rows) > 3
        for row in rows[1:]:
            expected = indicators.compute(con, row["unit_code"], row["start"], row["end"], today=TODAY)
            assert {k: row[k] for k in expected} == expected, (row["unit_code"], start, end)


# ------------------------------------------------------------------------------------------------- the export


class _View:
    """What ui.export reads from a View: the selection's loads."""

    def __init__(self, loads):
        self._loads = loads

    def detail(self, name):
        assert name == "loads"
        return self._loads


def _loads(n: int) -> list[dict]:
    moment = datetime(2026, 3, 5, 9, 0)
    return [
        {
            "unit_code": "X04",
            "period_key": "2026-02",
            "load_id": i,
            "file_name": f"=tep_{i}.xlsx",
            "first_received_at": moment,
            "loaded_at": moment,
            "rows_json": '{"TTHC": 6}',
            "warnings_json": '[{"where": "TTHC!C5", "message": "=SUM(A1)"}]',
            "replaced_load_id": None,
        }
        for i in range(n)
    ]


def test_export_loads_sheet_reads_no_sheet_size_per_row():
    """ws.max_row scans every cell; read once per row it made the export quadratic. Its use must not grow with rows."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ui import export

    counts = []
    for n in (3, 60):
        calls = [0]
        real = Worksheet.max_row.fget

        def counting(self, calls=calls, real=real):
            calls[0] += 1
            return real(self)

        book = Workbook()
        with patch.object(Worksheet, "max_row", property(counting)):
            export._loads_sheet(book.active, _View(_loads(n)))
        counts.append(calls[0])
        assert book.active.max_row == n + 1
        cells = list(book.active.iter_rows(min_row=2, values_only=True))
        assert cells[-1][3] == f"=tep_{n - 1}.xlsx" and book.active.cell(n + 1, 4).data_type == "s"
        assert book.active.cell(n + 1, 5).number_format == export.TIME_FORMAT
    assert counts[0] == counts[1]


def test_export_is_built_once_per_selection(monkeypatch):
    """A rerun of «Dữ liệu» (any widget) serves the cached workbook; another selection builds a new one."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from ui import export

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CH33_DB", raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    at.query_params.update({"don_vi": "X04", "ky": "2026-03"})
    at.run()
    before = export.BUILDS["workbooks"]
    at.switch_page("pages/du_lieu.py").run()
    assert not at.exception
    assert export.BUILDS["workbooks"] == before + 1
    at.run()
    at.run()
    assert export.BUILDS["workbooks"] == before + 1
    other = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    other.query_params.update({"don_vi": "X04", "ky": "2026-02"})
    other.run()
    other.switch_page("pages/du_lieu.py").run()
    assert not other.exception
    assert export.BUILDS["workbooks"] == before + 2


def test_a_large_export_is_built_only_when_asked(monkeypatch):
    """Above EAGER_LOADS workbooks the page hands the button a function: viewing «Dữ liệu» builds nothing."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from ui import export

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CH33_DB", raising=False)
    monkeypatch.setattr(export, "EAGER_LOADS", 3)
    st.cache_data.clear()
    before = export.BUILDS["workbooks"]
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    at.query_params.update({"don_vi": "NX", "ky": "2024"})  # 16 communes × 12 months: more than 3 workbooks
    at.run()
    at.switch_page("pages/du_lieu.py").run()
    assert not at.exception
    assert export.BUILDS["workbooks"] == before
    small = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    small.query_params.update({"don_vi": "X04", "ky": "2026-03"})  # one workbook: built with the page
    small.run()
    small.switch_page("pages/du_lieu.py").run()
    assert not small.exception
    assert export.BUILDS["workbooks"] == before + 1
