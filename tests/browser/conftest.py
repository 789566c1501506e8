"""One dashboard server on a small demo database and one headless Chromium for the whole browser suite.

The server is started as people start it (`python -m ui.serve`), on a free port, with CH33_DB pointing at a demo database
built in a temporary folder. The first thing the suite does is open a meeting link cold (first page request after the
server start, fresh browser context) and time it until the first screen's chart is drawn; the time is printed at the end.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = os.environ.get("CH33_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"1024x768": {"width": 1024, "height": 768}, "1920x1080": {"width": 1920, "height": 1080}}
DEMO_UNITS = {
    "NX03",
    "NX06",
    "X04",
}  # an old commune, its neighbour, and the new commune both became: a few seconds to build
COLD_LINK = "/?trinh_chieu=1&don_vi=X04&ky=2026"
TIMINGS: dict[str, float] = {}

# Streamlit's frontend probes whether the app lives under a base path by asking <page>/_stcore/health and
# <page>/_stcore/host-config; on a page URL these answer 404 and the browser logs them. Nothing else may fail.
BASE_PATH_PROBE = re.compile(r"^https?://[^/]+/[^/?#]+/_stcore/(health|host-config)(\?.*)?$")


def _require_browser() -> None:
    problems = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is not installed (requirements-dev.txt)")
    if not Path(CHROMIUM).exists():
        problems.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if problems:
        pytest.fail(
            "browser tests need " + " and ".join(problems) + " (Debian: apt-get install chromium; .ci/run does it)"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    _require_browser()
    from etl.demo import build_demo

    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    build_demo(path, only=DEMO_UNITS)
    return path


@pytest.fixture(scope="session")
def server(demo_db, tmp_path_factory):
    """Base URL of a dashboard started with `python -m ui.serve` on a free port."""
    port = _free_port()
    log = (tmp_path_factory.getbasetemp() / "server.log").open("w")
    env = os.environ | {"CH33_DB": str(demo_db), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ui.serve",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(
                f"the dashboard did not start: {(tmp_path_factory.getbasetemp() / 'server.log').read_text()[-2000:]}"
            )
        time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _cold_open(b, server)  # before any other page request
        yield b
        b.close()


def _cold_open(b, base: str) -> None:
    """Time a meeting link opened cold: first page request after the server start, fresh context, until the chart is drawn."""
    context = b.new_context(viewport=VIEWPORTS["1024x768"])
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(base + COLD_LINK)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=stPlotlyChart] svg text').length > 3", timeout=120_000
    )
    TIMINGS["cold_open_seconds"] = time.perf_counter() - t0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "trinh_chieu_mo_lan_dau_1024x768.png"))
    context.close()


DRAWN = """() => {
    const app = document.querySelector('[data-testid=stApp]'), main = document.querySelector('[data-testid=stMain]');
    const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning' || !main || !main.innerText.trim()
        || !charts.every(c => c.querySelectorAll('svg text').length > 0)) { window.__drawn = null; return false; }
    const sig = [document.querySelectorAll('[data-testid=stElementContainer]').length, main.innerText.length,
                 document.querySelectorAll('[data-stale=true]').length, location.href].join('|');
    if (!window.__drawn || window.__drawn.sig !== sig) { window.__drawn = {sig, since: performance.now()}; return false; }
    return performance.now() - window.__drawn.since >= 300;
}"""


class Tab:
    """One browser page per viewport; records console errors, failed requests and script errors of the current visit."""

    def __init__(self, context, base: str, name: str):
        self.page, self.base, self.name, self.errors = context.new_page(), base, name, []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("response", self._response)

    def _console(self, msg) -> None:
        if msg.type == "error" and not BASE_PATH_PROBE.match(msg.location.get("url") or ""):
            self.errors.append(f"console: {msg.text} ({msg.location.get('url')})")

    def _response(self, response) -> None:
        if response.status >= 400 and not BASE_PATH_PROBE.match(response.url):
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def open(self, path: str):
        """Go to path and wait until the page is fully drawn; returns the page."""
        self.errors.clear()
        self.page.goto(self.base + path)
        return self.settle()

    def settle(self):
        """Wait until the script has run, every plotly chart is drawn and the page has not changed for 300 ms (React draws
        the last elements a little after Streamlit reports the run finished)."""
        self.page.wait_for_function(DRAWN, polling=100, timeout=90_000)
        return self.page

    def shot(self, name: str, full_page: bool = True) -> None:
        """Screenshot into tests/screenshots/; full_page grows the window to the page's height for the picture (Streamlit
        scrolls inside its main area, so the browser's own full-page capture would stop at the window)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        height = self.page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight") if full_page else 0
        if height > size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": min(height, 10_000)})
            self.page.wait_for_timeout(400)
        try:
            self.page.screenshot(path=str(SHOTS / f"{name}_{self.name}.png"), timeout=120_000)  # tall: slow when busy
        finally:
            if height > size["height"]:
                self.page.set_viewport_size(size)


@pytest.fixture(scope="session")
def tabs(browser, server):
    contexts = {name: browser.new_context(viewport=size) for name, size in VIEWPORTS.items()}
    yield {name: Tab(ctx, server, name) for name, ctx in contexts.items()}
    for ctx in contexts.values():
        ctx.close()


@pytest.fixture(scope="session")
def cli(demo_db):
    """The indicator CLI's figures for a selection, as the headless contract prints them."""
    cache: dict[tuple, dict] = {}

    def run(code: str, key: str) -> dict:
        if (code, key) not in cache:
            import json

            out = subprocess.run(
                [sys.executable, "-m", "etl", "indicators", "--db", str(demo_db), "--unit", code, "--period", key],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            cache[code, key] = json.loads(out.stdout)["indicators"]
        return cache[code, key]

    return run


def pytest_terminal_summary(terminalreporter):
    if "cold_open_seconds" in TIMINGS:
        terminalreporter.write_line(
            f"browser suite: meeting link opened cold (first request after the server start, fresh context) "
            f"to screen 1 drawn: {TIMINGS['cold_open_seconds']:.2f} s; screenshots in {SHOTS}"
        )
