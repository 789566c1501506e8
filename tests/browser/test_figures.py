"""Figures that agree on every screen, read from the DOM of a real browser.

One reporting-completeness figure (reports received / reports due so far) on Tổng quan, Tình hình báo cáo, Dữ liệu and
meeting screen 1, equal to the indicator CLI's; a change smaller than the displayed precision reads «Không đổi» in grey,
never a red «-0,0»; the last point of each year-to-date rate chart is the card's figure; a running year is shown up to its
last month due and compared with the same months. Screenshots go to tests/screenshots/figures_*.png.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT
from ui import fmt

pytestmark = pytest.mark.browser

VIEWPORT = "1920x1080"
# Streamlit reports the run finished and the page still a moment before lazily loaded elements (metrics, plotly) mount:
# wait for the figures themselves, then for the page to be still again.
READY = """(charts) => document.querySelectorAll('[data-testid=stMetricValue], .pt-box[data-ind] .pt-num').length > 0
    && document.querySelectorAll('[data-testid=stPlotlyChart]').length >= charts
    && [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('.js-plotly-plot')?.data)"""
MAIN_TEXT = "document.querySelector('[data-testid=stMain]').innerText"
METRICS = """() => [...document.querySelectorAll('[data-testid=stMetric]')].map(m => {
    const d = m.querySelector('[data-testid=stMetricDelta]');
    return {label: m.querySelector('[data-testid=stMetricLabel]').innerText.trim(),
            value: m.querySelector('[data-testid=stMetricValue]').innerText.trim(),
            delta: d ? d.innerText.trim() : null, color: d ? getComputedStyle(d).color : null,
            arrow: d ? d.querySelectorAll('[data-testid^=stMetricDeltaIcon]').length : 0, text: m.innerText};
})"""
CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => ({
    title: (g.layout.title && g.layout.title.text || '').replace(/<[^>]+>/g, ''),
    traces: g.data.map(t => ({name: t.name, x: t.x, y: t.y, text: t.customdata}))}))"""
SENTENCE = (
    r"Đã nhận (?P<counts>[\d.]+/[\d.]+) báo cáo tháng đã đến hạn \((?P<completeness>\d+,\d %)\), "
    r"đúng hạn (?P<timeliness>\d+,\d %)"
)
ZERO_CHANGE = re.compile(r"[+\-−]\s*0,0(?!\d)")


def clean(text: str) -> str:
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="session")
def window(demo_db):
    """The indicator CLI's whole answer (window, labels, comparison) for a selection, optionally with --compare."""

    @functools.cache
    def run(code: str, key: str, compare: str | None = None) -> dict:
        args = [sys.executable, "-m", "etl", "indicators", "--db", str(demo_db), "--unit", code, "--period", key]
        out = subprocess.run(
            args + (["--compare", compare] if compare else []), cwd=ROOT, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    return run


def visit(tabs, path: str, name: str, charts: int = 1, full_page: bool = True):
    """Open path, wait until its figures and charts are drawn, save tests/screenshots/figures_<name>_<viewport>.png."""
    tab = tabs[VIEWPORT]
    page = tab.open(path)
    page.wait_for_function(READY, arg=charts, polling=100, timeout=60_000)
    tab.settle()
    tab.shot(f"figures_{name}", full_page=full_page)
    assert page.locator("[data-testid=stException]").count() == 0, page.locator("[data-testid=stException]").first
    return page


def metrics(page) -> dict[str, dict]:
    return {m["label"]: m for m in page.evaluate(METRICS)}


def card_values(page, labels: list[str]) -> tuple[str, ...]:
    shown = metrics(page)
    assert all(label in shown for label in labels), (labels, list(shown))
    return tuple(clean(shown[label]["value"]) for label in labels)


REPORTING_CARDS = ["Báo cáo tháng đã nhận / đã đến hạn", "Tỷ lệ nộp đủ", "Tỷ lệ nộp đúng hạn"]


@pytest.mark.parametrize("code, key", [("X04", "2026"), ("NX03", "2024"), ("NX", "2024")])
def test_reporting_completeness_is_one_figure_on_every_screen(tabs, window, code, key):
    f = window(code, key)["indicators"]
    expected = (
        f"{fmt.num(f['reporting.months_received'])}/{fmt.num(f['reporting.months_due'])}",
        fmt.pct(f["reporting.completeness"]),
        fmt.pct(f["reporting.timeliness"]),
    )
    sel, name = f"don_vi={code}&ky={key}", f"{code}_{key}"
    shown = {}

    page = visit(tabs, f"/?{sel}", f"{name}_tong_quan")
    text = clean(page.evaluate(MAIN_TEXT))
    m = re.search("Báo cáo: " + SENTENCE, text)
    assert m, f"no reporting sentence on Tổng quan: {text[:3000]}"
    shown["tong_quan"] = (m["counts"], m["completeness"], m["timeliness"])

    for path in ("tinh-hinh-bao-cao", "du-lieu"):
        page = visit(tabs, f"/{path}?{sel}", f"{name}_{path.replace('-', '_')}")
        shown[path] = card_values(page, REPORTING_CARDS)

    page = visit(tabs, f"/?trinh_chieu=1&{sel}&man=1", f"{name}_trinh_chieu_1", full_page=False)
    box = page.locator('.pt-box[data-ind="reporting.completeness"]')
    assert box.count() == 1
    note = clean(box.locator(".pt-note").inner_text())
    m = re.fullmatch(SENTENCE, note.strip())
    assert m, note
    assert clean(box.locator(".pt-num").inner_text()).strip() == m["completeness"], note
    shown["trinh_chieu_1"] = (m["counts"], m["completeness"], m["timeliness"])

    assert len(set(shown.values())) == 1, shown  # the screens agree with each other …
    assert all(v == expected for v in shown.values()), (expected, shown)  # … and with the CLI
    if (code, key) == ("X04", "2026"):  # the old bug: 0,0 % for a commune that sent every report due
        assert f["reporting.months_due"] == 10 and expected[1] != "0,0 %"
        assert all(v[1] != "0,0 %" for v in shown.values()), shown


ZERO_SELECTIONS = ["don_vi=X04&ky=2026&so_sanh=cung_ky", "don_vi=NX03&ky=2024Q1", "don_vi=NX06&ky=2024"]


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(c) for c in re.findall(r"\d+", css)[:3])


def test_a_change_below_display_precision_is_grey_unchanged_never_red_zero(tabs):
    unchanged, red = [], set()
    for query in ZERO_SELECTIONS:
        page = visit(tabs, f"/?{query}", "doi_" + re.sub(r"\W+", "_", query))
        deltas = [m for m in metrics(page).values() if m["delta"] is not None]
        assert deltas, f"no card shows a change for {query}"
        for m in deltas:
            text = clean(m["delta"])
            assert not ZERO_CHANGE.search(text), (query, m)
            r, g, b = _rgb(m["color"])
            if fmt.UNCHANGED in text:
                unchanged.append(m["color"])
                assert max(r, g, b) - min(r, g, b) <= 40, f"«Không đổi» not grey on {query}: {m}"
                assert m["arrow"] == 0, f"«Không đổi» drawn with an arrow on {query}: {m}"
            elif r > g + 60 and r > b + 60:
                red.add(m["color"])
    assert unchanged, "no «Không đổi» card on any of the selections tried"
    assert red and not red & set(unchanged), ("«Không đổi» in the red of a worsening change", red, unchanged)


RATE_CHARTS = {  # page: [(chart title starts with, trace, card label, indicator)]
    "cai-cach-hanh-chinh": [
        ("Đúng hạn", 0, "Giải quyết đúng hạn", "tthc.on_time_rate"),
        ("Trực tuyến", 0, "Hồ sơ nộp trực tuyến", "tthc.online_rate"),
    ],
    "don-thu": [
        ("Tỷ lệ giải quyết", 0, "Tỷ lệ giải quyết đơn", "petitions.resolution_rate"),
        ("Tỷ lệ giải quyết", 1, "Giải quyết đúng hạn", "petitions.on_time_rate"),
    ],
}


@pytest.mark.parametrize("path", RATE_CHARTS)
def test_last_point_of_a_year_to_date_rate_chart_is_the_card(tabs, window, path):
    f = window("X04", "2026")["indicators"]
    page = visit(tabs, f"/{path}?don_vi=X04&ky=2026", f"X04_2026_{path.replace('-', '_')}", charts=2)
    charts, cards = page.evaluate(CHARTS), metrics(page)
    for prefix, trace, label, ind in RATE_CHARTS[path]:
        found = [c for c in charts if c["title"].startswith(prefix)]
        assert len(found) == 1, (prefix, [c["title"] for c in charts])
        t = found[0]["traces"][trace]
        last = max(i for i, y in enumerate(t["y"]) if y is not None)
        assert t["x"][last] == "T10/2026", (prefix, t["x"])  # the running year stops at its last month due
        assert label in cards, (label, list(cards))
        card = clean(cards[label]["value"])
        assert clean(t["text"][last]) == card == fmt.pct(f[ind]), (path, prefix, t["name"], t["text"], card)
        if trace == 0:  # the title names the first line's figure too
            assert found[0]["title"].startswith(f"{prefix} {card}"), found[0]["title"]


HEADERS = {  # the header names the compared months; X04 was founded 01/07/2025: only the months both years have
    "X04": "10 tháng đầu năm 2026 · tháng 7–10/2026 so với tháng 7–10/2025",
    "38": "10 tháng đầu năm 2026 so với cùng kỳ năm 2025",
}


@pytest.mark.parametrize("code", HEADERS)
def test_running_year_header_and_comparison_name_the_same_months(tabs, window, code):
    w = window(code, "2026", "cung_ky")
    assert w["label"] == "10 tháng đầu năm 2026" and w["end"] == "2026-10-31"
    compare = w["compare"]["text"]  # what a card says under its change
    page = visit(tabs, f"/?don_vi={code}&ky=2026&so_sanh=cung_ky", f"{code}_2026_cung_ky_tieu_de")
    text = clean(page.evaluate(MAIN_TEXT))
    head = next((line for line in text.splitlines() if " — " in line), "")
    assert HEADERS[code] in head, head
    assert "so với năm 2025" not in text.lower(), text[:2000]
    described = [m for m in metrics(page).values() if m["delta"] is not None]
    assert described, text[:2000]
    for m in described:
        assert compare in clean(m["text"]), (compare, m)


TARGET_AXES = """() => { const g = document.querySelector('.js-plotly-plot');
    return {x: [...g.querySelectorAll('.xtick text')].map(t => [t.textContent, t.getBoundingClientRect().left])
                .sort((a, b) => a[1] - b[1]).map(t => t[0]),
            y: [...g.querySelectorAll('.ytick text')].map(t => t.textContent)}; }"""


@pytest.mark.parametrize("path", ["/?", "/?trinh_chieu=1&man=1&"], ids=["tong_quan", "trinh_chieu_1"])
def test_target_chart_draws_rates_on_a_0_to_100_percent_scale(tabs, path):
    """Tổng quan shows the picture of meeting screen 1: bars on a 0–100 % scale, the areas named without a stray «%»."""
    name = "muc_tieu_" + ("tong_quan" if path == "/?" else "trinh_chieu_1")
    page = visit(tabs, f"{path}don_vi=X04&ky=2026", name, full_page=False)
    axes = page.evaluate(TARGET_AXES)
    assert [clean(t) for t in axes["x"]] == ["0 %", "25 %", "50 %", "75 %", "100 %"], axes
    assert axes["y"] and not any(clean(t).strip().endswith("%") for t in axes["y"]), axes
