"""Every web page for a commune (X04) and for the province (38) at 1024×768, 1280×800 and 1920×1080, sidebar open.

For each page: a screenshot in tests/screenshots/; no text cut (an element that clips its own text: scrollWidth beyond
clientWidth on cards, badges, titles, captions, buttons, select boxes, sidebar); no table column off screen (a table's
grid does not scroll sideways and ends inside the window); every chart text at least 14 px and not light grey, inside
its chart. One browser page is reused for all visits; each visit waits until the script ran and the charts are drawn.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ROOT, SHOTS, Tab

pytestmark = pytest.mark.browser

DASHBOARD = (ROOT / "dashboard.py").read_text(encoding="utf-8")
PAGES = [  # the meeting deck has its own suite (tests/browser/test_browser.py, full-screen rules)
    (path.removeprefix("pages/").removesuffix(".py"), "/" if "default=True" in line else f"/{slug}")
    for line in DASHBOARD.split("st.Page(")[1:]
    for path, slug in re.findall(r'"(pages/[^"]+)".*?url_path="([^"]+)"', line, re.S)
    if path != "pages/trinh_chieu.py"
]
VIEWPORTS = {"1024x768": (1024, 768), "1280x800": (1280, 800), "1920x1080": (1920, 1080)}
UNITS = {"X04": "don_vi=X04&ky=2026", "38": "don_vi=38&ky=2026"}

PROBLEMS = """() => {
    const bad = [], W = window.innerWidth;
    const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    // text that its own box clips (ellipsis or hidden overflow): cards, badges, headings, captions, buttons, select boxes
    const roots = [...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarUserContent], [data-testid=stSidebarNav]')];
    for (const root of roots) for (const el of root.querySelectorAll('*')) {
        if (el.closest('[data-testid=stPlotlyChart], [data-testid=stDataFrame], [data-testid=stFileUploaderDropzone], '
                       + '[data-testid=stTooltipIcon], [data-testid=stExpanderIconCheck], [role=tooltip]')) continue;
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own || !visible(el)) continue;
        const cs = getComputedStyle(el);
        if (cs.display === 'inline') continue;  // an inline box is measured by its block parent
        const clips = cs.overflowX !== 'visible' || cs.textOverflow === 'ellipsis';
        if (clips && el.scrollWidth > el.clientWidth + 1)
            bad.push(['text cut', el.innerText.slice(0, 70), el.scrollWidth, el.clientWidth]);
        const r = el.getBoundingClientRect(), side = el.closest('[data-testid=stSidebar]');
        if (r.right > W + 1) bad.push(['text off screen', el.innerText.slice(0, 70), Math.round(r.right), W]);
        if (side && r.right > side.getBoundingClientRect().right + 1)
            bad.push(['text beyond the sidebar', el.innerText.slice(0, 70), Math.round(r.right)]);
    }
    // tables: the grid does not scroll sideways (every column in view) and ends inside the window
    document.querySelectorAll('[data-testid=stDataFrame]').forEach(t => {
        if (!visible(t)) return;
        const r = t.getBoundingClientRect(), s = t.querySelector('.dvn-scroller');
        if (r.right > W + 1) bad.push(['table off screen', Math.round(r.right), W]);
        if (s && s.scrollWidth > s.clientWidth + 1)
            bad.push(['table column off its box', t.innerText.slice(0, 60), s.scrollWidth, s.clientWidth]);
    });
    document.querySelectorAll('[data-testid=stTable]').forEach(t => {
        if (visible(t) && (t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > W + 1))
            bad.push(['table wider than its box', t.innerText.slice(0, 60), t.scrollWidth, t.clientWidth]);
    });
    document.querySelectorAll('[data-testid=stMain] table').forEach(t => {
        if (!visible(t)) return;
        t.querySelectorAll('th').forEach(th => {
            const r = th.getBoundingClientRect();
            if (r.width && r.right > W + 1) bad.push(['table header off screen', th.innerText, Math.round(r.right), W]);
        });
    });
    // charts: text at least 14 px, dark (white on a bar is fine), inside the chart
    document.querySelectorAll('[data-testid=stPlotlyChart]').forEach(chart => {
        const c = chart.getBoundingClientRect();
        chart.querySelectorAll('svg text').forEach(t => {
            const r = t.getBoundingClientRect(), text = t.textContent.trim();
            if (!text || !r.width) return;
            const cs = getComputedStyle(t), px = parseFloat(cs.fontSize);
            if (px < 13.9) bad.push(['chart text small', text, px]);
            const m = (cs.fill || '').match(/\\d+(\\.\\d+)?/g);
            if (m) {
                const [R, G, B] = m.map(Number);
                const grey = Math.max(R, G, B) - Math.min(R, G, B) < 16;
                if (grey && R > 110 && R < 250) bad.push(['chart text light grey', text, cs.fill]);
            }
            if (r.left < c.left - 2 || r.right > c.right + 2 || r.top < c.top - 2 || r.bottom > c.bottom + 2)
                bad.push(['chart text cut off', text, [r.left, r.right, r.top, r.bottom, c.left, c.right, c.top, c.bottom].map(Math.round)]);
        });
    });
    return bad;
}"""


def shot(tab, name: str) -> None:
    """The whole page: the window grown to the page's height, charts drawn again at that size, then back."""
    page, size = tab.page, tab.page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    try:
        page.evaluate("window.__drawn = null")
        tab.settle()
        # a window up to 8,000 px tall: on a busy 2-core machine the picture alone has taken over 30 s (the checks
        # above are the test; the picture is for people)
        page.screenshot(path=str(SHOTS / f"{name}_{tab.name}.png"), timeout=120_000)
    finally:
        page.set_viewport_size(size)


@pytest.fixture(scope="module")
def tab(browser, server):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    yield Tab(context, server, "")
    context.close()


@pytest.mark.parametrize("unit", UNITS)
def test_every_page_reads_at_every_size(tab, unit):
    """Each page is opened once and looked at in the three window sizes (a resize redraws it, no new session)."""
    found = {}
    for name, url in PAGES:
        tab.page.set_viewport_size({"width": 1024, "height": 768})
        page = tab.open(f"{url}?{UNITS[unit]}")
        assert page.locator("[data-testid=stException]").count() == 0, (
            name,
            page.locator("[data-testid=stException]").first.inner_text(),
        )
        for viewport, (width, height) in VIEWPORTS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("window.__drawn = null")  # wait for 300 ms without change after the redraw at this size
            tab.settle()
            assert page.locator("[data-testid=stSidebar]").is_visible(), name  # the worst case: the sidebar open
            problems = page.evaluate(PROBLEMS)
            tab.name = f"{unit}_{viewport}"
            shot(tab, name)
            if problems:
                found[f"{name} {viewport}"] = problems
    assert not found, "\n".join(f"{name}: {p}" for name, problems in found.items() for p in problems)
