"""The meeting decks in headless Chromium at 1024×768, 1280×800 and 1920×1080: the commune deck (X04) and the group
deck (the province «38»), every screen reached as a meeting does, by the edge link from the first.

For each screen: a screenshot in tests/screenshots/ (deck_xa_N_… / deck_nhom_N_…); no text cut (an element whose text
is wider than its box, an ellipsis, anything beyond the window's right edge); no chart text outside its chart; the
screen fits the window; chart text ≥ 16 px at 1024×768 and larger at 1920×1080 than at 1024×768. The first screen is
opened without `co_chu`: the deck's own script must add the window's scale (none at 1024×768, where 1 is the default).
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SHOTS, Tab
from tests.browser.test_browser import check_clean
from ui.deck import commune, group
from ui.deck.chart import scale_for

pytestmark = pytest.mark.browser

VIEWPORTS = {"1024x768": (1024, 768), "1280x800": (1280, 800), "1920x1080": (1920, 1080)}
DECKS = {"xa": ("X04", len(commune.TOPICS)), "nhom": ("38", len(group.TOPICS))}
CHART_PX: dict[tuple[str, str], dict[int, float]] = {}  # (deck, viewport) -> screen -> its smallest chart text
READY = "() => !document.querySelector('[data-testid=stSkeleton]')"  # a chart still loading shows a skeleton

PROBLEMS = """() => {
    const bad = [], W = window.innerWidth;
    const main = document.querySelector('[data-testid=stMain]');
    for (const el of main.querySelectorAll('*')) {
        if (el.closest('[data-testid=stPlotlyChart]')) continue;
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        const r = el.getBoundingClientRect();
        if (!own || !r.width || !r.height) continue;
        const cs = getComputedStyle(el);
        if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
            bad.push(['ellipsis', el.innerText.slice(0, 80)]);
        if (cs.display !== 'inline' && el.scrollWidth > el.clientWidth + 1)
            bad.push(['text wider than its box', el.className, el.innerText.slice(0, 80), el.scrollWidth, el.clientWidth]);
        if (r.left < -0.5 || r.right > W + 0.5) bad.push(['text off screen', el.innerText.slice(0, 80), r.left, r.right]);
    }
    document.querySelectorAll('[data-testid=stPlotlyChart]').forEach(chart => {
        const c = chart.getBoundingClientRect();
        chart.querySelectorAll('svg text').forEach(t => {
            const r = t.getBoundingClientRect();
            if (!t.textContent.trim() || !r.width) return;
            if (r.left < c.left - 2 || r.right > c.right + 2 || r.top < c.top - 2 || r.bottom > c.bottom + 2)
                bad.push(['chart text cut off', t.textContent, Math.round(r.left), Math.round(r.right)]);
        });
    });
    return bad;
}"""
CHART_TEXT = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart] svg text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize)])"""
FITS = (
    """() => { const m = document.querySelector('[data-testid=stMain]'); return [m.scrollHeight, m.clientHeight]; }"""
)


@pytest.fixture(scope="module")
def deck_tabs(browser, server):
    contexts = {name: browser.new_context(viewport={"width": w, "height": h}) for name, (w, h) in VIEWPORTS.items()}
    yield {name: Tab(ctx, server, name) for name, ctx in contexts.items()}
    for ctx in contexts.values():
        ctx.close()


def ready(tab: Tab):
    """Drawn, with no chart still loading (Tab.settle alone passes while a chart is a skeleton)."""
    tab.settle()
    tab.page.wait_for_function(READY, polling=100, timeout=60_000)
    return tab.settle()


def now_on(tab: Tab, n: int):
    tab.page.wait_for_url(re.compile(rf"[?&]man={n}(&|$)"), timeout=30_000)
    return ready(tab)


@pytest.mark.parametrize("deck", DECKS)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_deck_screens(deck_tabs, viewport, deck):
    tab, (code, total) = deck_tabs[viewport], DECKS[deck]
    scale = scale_for(*VIEWPORTS[viewport])
    page = tab.open(f"/?trinh_chieu=1&don_vi={code}&ky=2026&man=1")  # a shared link: through the router, no co_chu
    if scale != 1:
        page.wait_for_url(re.compile(rf"co_chu={scale:g}(&|$)"), timeout=30_000)
    page = ready(tab)
    smallest = {}
    for n in range(1, total + 1):
        if n > 1:
            page.locator(".pt-nav a.pt-next").click()
            page = now_on(tab, n)
        assert f"{n}/{total}" in page.locator(".pt-top").inner_text()
        assert (f"co_chu={scale:g}" in page.url) == (scale != 1), page.url
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"deck_{deck}_{n}_{viewport}.png"))
        check_clean(tab, page)
        assert page.evaluate(PROBLEMS) == [], (deck, n, viewport)
        height, room = page.evaluate(FITS)
        assert height <= room + 2, f"{deck} screen {n} does not fit {viewport}: {height} > {room}"
        sizes = page.evaluate(CHART_TEXT)
        if sizes:
            smallest[n] = min(px for _, px in sizes)
            if viewport == "1024x768":
                assert all(px >= 16 for _, px in sizes), (deck, n, [t for t in sizes if t[1] < 16])
    CHART_PX[deck, viewport] = smallest
    assert smallest, f"no chart on any {deck} screen"


@pytest.mark.parametrize("deck", DECKS)
def test_chart_text_grows_with_the_screen(deck):
    small, large = CHART_PX.get((deck, "1024x768")), CHART_PX.get((deck, "1920x1080"))
    assert small is not None and large is not None, "measured by test_deck_screens at both sizes: run them together"
    assert set(small) == set(large), (small, large)  # the same screens have charts at both sizes
    assert all(small[n] >= 16 and large[n] > small[n] for n in small), (small, large)


def test_group_handout_prints_one_page_per_screen(deck_tabs):
    tab = deck_tabs["1920x1080"]
    page = tab.open("/?trinh_chieu=1&in=1&don_vi=38&ky=2026")  # paper: the projector's type, no co_chu reload
    page = ready(tab)
    assert "in=1" in page.url and "co_chu" not in page.url
    assert page.locator(".pt-title").count() == len(group.TOPICS)
    check_clean(tab, page)
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    (SHOTS / "deck_nhom_in.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == len(group.TOPICS)
