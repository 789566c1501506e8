"""Every page, every presentation screen and the print handout in headless Chromium at 1024×768 and 1920×1080.

Each visit: no Streamlit exception box, no console error or failed request (except Streamlit's base-path probes), no
English word from our code on screen; screenshots go to tests/screenshots/. Presentation screens also: nothing wider than
its box or the screen, no chart label cut off, the screen fits the viewport, numbers ≥ 48 px and chart text ≥ 18 px at
1024×768, and the big numbers equal the indicator CLI's. The print version gives 8 A4 landscape pages.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ROOT, SHOTS, VIEWPORTS
from ui import fmt

pytestmark = pytest.mark.browser

DASHBOARD = (ROOT / "dashboard.py").read_text(encoding="utf-8")
PAGES = [
    (path, "/" if "default=True" in line else f"/{slug}")
    for line in DASHBOARD.splitlines()
    if "st.Page(" in line
    for path, slug in re.findall(r'st\.Page\("([^"]+)".*?url_path="([^"]+)"', line)
]
SELECTION = "don_vi=X04&ky=2026"
SCREENS = range(1, 9)
ENGLISH = re.compile(r"\b(the|Page|Error|None|nan|NaN|Loading|Total|Rate|Target|Traceback)\b")
# Streamlit's own chrome we cannot translate: the file uploader's "Drag and drop … / Limit … / Browse files", element toolbars.
CHROME = ("[data-testid=stFileUploaderDropzone]", "[data-testid=stElementToolbar]", "[data-testid=stTooltipIcon]")
OVERVIEW_CARDS = dict(
    (title, ind)
    for ind, title in re.findall(
        r'\("([a-z_.]+)", "([^"]+)", (?:True|False)', (ROOT / "pages" / "tong_quan.py").read_text(encoding="utf-8")
    )
)

MAIN_TEXT = """(chrome) => {
    const hidden = [...document.querySelectorAll(chrome.join(','))].map(e => [e, e.style.display]);
    hidden.forEach(([e]) => e.style.display = 'none');
    const text = document.querySelector('[data-testid=stMain]').innerText;
    hidden.forEach(([e, d]) => e.style.display = d);
    return text;
}"""
OVERFLOW = """() => {
    const bad = [], W = window.innerWidth;
    const boxes = '.pt-num, .pt-word, .pt-title, .pt-label, .pt-note, .pt-change, .pt-items li, .pt-top span, .pt-box, .pt-empty, '
                + '[data-testid=stMarkdownContainer] p';
    document.querySelectorAll(boxes).forEach(el => {
        const r = el.getBoundingClientRect();
        if (!r.width) return;
        const inline = getComputedStyle(el).display === 'inline';
        if ((!inline && el.scrollWidth > el.clientWidth + 1) || r.left < -0.5 || r.right > W + 0.5)
            bad.push([el.className, el.innerText.slice(0, 80), el.scrollWidth, el.clientWidth, Math.round(r.left), Math.round(r.right)]);
    });
    document.querySelectorAll('[data-testid=stPlotlyChart]').forEach(chart => {
        const c = chart.getBoundingClientRect();
        chart.querySelectorAll('svg text').forEach(t => {
            const r = t.getBoundingClientRect();
            if (!t.textContent.trim() || !r.width) return;
            if (r.left < c.left - 2 || r.right > c.right + 2 || r.top < c.top - 2 || r.bottom > c.bottom + 2)
                bad.push(['chart text cut off', t.textContent, Math.round(r.left), Math.round(r.right), Math.round(r.top), Math.round(r.bottom)]);
        });
    });
    return bad;
}"""
SIZES = """() => ({
    numbers: [...document.querySelectorAll('.pt-num')].map(e => [e.innerText, parseFloat(getComputedStyle(e).fontSize)]),
    chart: [...document.querySelectorAll('[data-testid=stPlotlyChart] svg text')]
        .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
        .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize)]),
})"""
HEADLINES = """() => [...document.querySelectorAll('.pt-box[data-ind]')].filter(b => b.dataset.ind)
    .map(b => [b.dataset.ind, b.querySelector('.pt-num, .pt-word').innerText])"""


def check_clean(tab, page) -> None:
    """No exception box, no console error or failed request, no English word of ours on screen."""
    assert page.locator("[data-testid=stException]").count() == 0, page.locator(
        "[data-testid=stException]"
    ).first.inner_text()
    assert not tab.errors, tab.errors
    text = page.evaluate(MAIN_TEXT, list(CHROME))
    english = sorted({m.group(0) for m in ENGLISH.finditer(text)})
    assert not english, (english, text[:2000])
    nav = page.locator("[data-testid=stSidebarNav]")
    if nav.count():  # Streamlit folds a long page list behind an English «View 3 more» unless it is expanded
        assert not re.search(r"View \d+ more|View less", nav.inner_text()), nav.inner_text()


def screen_url(n: int, selection: str = SELECTION, **extra) -> str:
    return "/trinh-chieu?" + "&".join([f"trinh_chieu=1&{selection}&man={n}"] + [f"{k}={v}" for k, v in extra.items()])


def expected_text(ind: str, value) -> str:
    from etl import targets

    return fmt.pct(value) if targets.is_rate(ind) else fmt.num(value)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path, url", PAGES, ids=[p for p, _ in PAGES])
def test_page(tabs, viewport, path, url):
    tab = tabs[viewport]
    page = tab.open(f"{url}?{SELECTION}")
    tab.shot(path.removeprefix("pages/").removesuffix(".py"))
    check_clean(tab, page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("n", SCREENS)
def test_presentation_screen(tabs, viewport, n):
    tab = tabs[viewport]
    page = tab.open(screen_url(n))
    tab.shot(f"trinh_chieu_{n}", full_page=False)
    check_clean(tab, page)
    assert (
        page.locator("[data-testid=stSidebar]").is_hidden() and page.locator("header[data-testid=stHeader]").is_hidden()
    )
    assert f"{n}/8" in page.locator(".pt-top").inner_text()
    assert page.locator(".pt-nav a.pt-next").get_attribute("href").endswith(f"man={n % 8 + 1}")
    assert page.locator(".pt-nav a.pt-prev").get_attribute("href").endswith(f"man={(n - 2) % 8 + 1}")
    assert page.evaluate(OVERFLOW) == []
    main = page.evaluate(
        "(() => { const m = document.querySelector('[data-testid=stMain]'); return [m.scrollHeight, m.clientHeight]; })()"
    )
    assert main[0] <= main[1] + 2, f"screen {n} does not fit {viewport}: {main}"
    if viewport == "1024x768":
        sizes = page.evaluate(SIZES)
        assert sizes["numbers"] and all(px >= 48 for _, px in sizes["numbers"]), sizes["numbers"]
        assert all(px >= 18 for _, px in sizes["chart"]), [t for t in sizes["chart"] if t[1] < 18]


@pytest.mark.parametrize("code, key", [("X04", "2026"), ("NX03", "2024-03")])
def test_headline_numbers_equal_the_indicator_cli(tabs, cli, code, key):
    tab, expected, checked = tabs["1024x768"], cli(code, key), 0
    for n in SCREENS:
        page = tab.open(screen_url(n, f"don_vi={code}&ky={key}"))
        for ind, shown in page.evaluate(HEADLINES):
            assert shown.replace("\u00a0", " ") == expected_text(ind, expected[ind]), (n, ind)
            checked += 1
    assert checked >= 20
    page = tab.open(f"/?don_vi={code}&ky={key}")
    # the cards are st.metric: wait for them (the router's first run can settle before the overview is drawn)
    page.wait_for_selector("[data-testid=stMetric]", timeout=30_000)
    cards = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMetric]')].map(m =>
        [m.querySelector('[data-testid=stMetricLabel]').innerText.trim(), m.querySelector('[data-testid=stMetricValue]').innerText.trim()])""")
    shown = {label: value for label, value in cards if label in OVERVIEW_CARDS}
    assert len(shown) >= 6, (page.url, cards)
    for label, value in shown.items():
        assert value == expected_text(OVERVIEW_CARDS[label], expected[OVERVIEW_CARDS[label]]), label


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_print_handout_has_one_page_per_screen(tabs, viewport):
    tab = tabs[viewport]
    page = tab.open(f"/?trinh_chieu=1&in=1&{SELECTION}")  # through the router's redirect, as a shared link would
    assert "/trinh-chieu" in page.url and "in=1" in page.url
    assert page.locator(".pt-title").count() == 8
    assert "Ctrl+P" in page.locator(".pt-hint").inner_text()
    tab.shot("trinh_chieu_in")
    check_clean(tab, page)
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    (SHOTS / f"trinh_chieu_in_{viewport}.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 8
    page.emulate_media(media="print")
    try:
        assert page.locator(".pt-hint").is_hidden()
    finally:
        page.emulate_media(media="screen")


def test_keyboard_links_and_timed_advance(tabs):
    tab = tabs["1024x768"]
    page = tab.open(screen_url(1))

    def now_on(n: int) -> None:
        page.wait_for_url(re.compile(rf"man={n}(&|$)"), timeout=30_000)
        tab.settle()
        assert f"{n}/8" in page.locator(".pt-top").inner_text()

    page.keyboard.press("ArrowRight")
    now_on(2)
    page.keyboard.press("PageDown")
    now_on(3)
    page.keyboard.press("ArrowLeft")
    now_on(2)
    page.keyboard.press("End")
    now_on(8)
    page.locator(".pt-nav a.pt-next").click()  # after the last screen comes the first
    now_on(1)
    page.locator(".pt-nav a.pt-prev").click()
    now_on(8)
    tab.open(screen_url(8, tu_dong=3))
    now_on(1)
    assert "tu_dong=3" in page.url  # the timed advance goes on
    assert not tab.errors, tab.errors


def test_overview_link_opens_the_same_selection_and_back_returns(tabs):
    tab = tabs["1024x768"]
    page = tab.open("/?don_vi=NX03&ky=2024-03")
    page.get_by_role("link", name="Trình chiếu cho cuộc họp").click()
    page.wait_for_url(re.compile(r"/trinh-chieu\?.*trinh_chieu=1"), timeout=30_000)
    tab.settle()
    assert "Xã Bình Lương · Tháng 3/2024" in page.locator(".pt-top").inner_text()
    assert page.locator("[data-testid=stSidebar]").is_hidden()
    page.go_back()  # the browser's Back button: the overview again, same selection, sidebar back
    page.wait_for_url(re.compile(r"/\?don_vi=NX03"), timeout=30_000)
    tab.settle()
    assert page.locator("[data-testid=stSidebar]").is_visible() and page.locator("[data-testid=stMetric]").count() == 8
    assert "Xã Bình Lương" in page.locator("[data-testid=stMain]").inner_text() and "trinh_chieu" not in page.url
    assert not tab.errors, tab.errors
