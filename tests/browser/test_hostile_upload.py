"""Hostile files uploaded through the running dashboard in a real browser (issue 10, «Done when» 2): the workbook whose
one cell sits at XFD1048576 and the 1,5 GB text bomb are refused with a Vietnamese message, and the server still answers
— before, the first made python-calamine allocate 512 GB and the whole Streamlit process died (SIGABRT)."""

from __future__ import annotations

import urllib.request

import pytest

from tests.test_hostile import corpus

pytestmark = pytest.mark.browser
MAIN_TEXT = "document.querySelector('[data-testid=stMain]').innerText"


def test_hostile_uploads_are_refused_and_the_server_lives(tabs, server):
    tab = tabs["1024x768"]
    page = tab.page
    page.goto(server + "/nhap-so-lieu")
    page.wait_for_selector("input[type=file]", state="attached", timeout=90_000)
    files = [corpus("xfd-cell"), corpus("text-bomb-1.5GB")]
    payload = [
        {"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "buffer": data}
        for name, data in files
    ]
    page.locator("input[type=file]").first.set_input_files(payload)
    page.wait_for_function(
        f"{MAIN_TEXT}.includes('XFD1048576') && {MAIN_TEXT}.includes('bom giải nén')", timeout=120_000, polling=250
    )
    text = page.evaluate(MAIN_TEXT)
    assert "xfd.xlsx" in text and "bom.xlsx" in text and "Đã nhập" not in text
    tab.shot("nhap_so_lieu_tep_doc_hai", full_page=False)
    with urllib.request.urlopen(server + "/_stcore/health", timeout=10) as r:
        assert r.status == 200
    page.goto(server + "/?don_vi=X04&ky=2026")  # and it still draws a page with its charts
    page.wait_for_selector("[data-testid=stPlotlyChart] svg text", timeout=90_000)
