"""Issue 10, findings 5, 6 and 9: what a hostile or careless user meets at the edges.

5 formula injection: text starting with = + - @ stays text in the annotated copy of an .ods/.xls upload and in the
  «Dữ liệu» export. 6 Markdown injection: a header cell and a file name are shown as text on «Nhập số liệu» and
  «Dữ liệu», never as a link, an image, colored text or LaTeX. 9 Vietnamese everywhere: argparse's help and errors,
  exit codes without tracebacks, the template's output path, a closed pipe, a port in use, the uploader's texts and
  limit, a text file renamed .xlsx, file sizes.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import tomllib
import zipfile
from datetime import datetime
from pathlib import Path
from unittest.mock import patch

import openpyxl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from etl import config
from tests._workbooks import book, dump, grid, info_for, load_ok, tthc_row
from tests.conftest import ROOT, write_grids
from ui import upload as upload_ui
from ui.safe import md

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
EVIL_HEADER = "[bấm vào](http://evil.example) ![x](http://evil.example/x.png) :red[đỏ] $x$"
EVIL_NAME = "bao*cao[1]_NX03.xlsx"
ENGLISH = ("usage:", "error:", "the following arguments", "invalid choice", "unrecognized arguments", "expected one")


def shown(body: str) -> str:
    """What Markdown renders of an escaped body: the text without its backslash escapes."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~$:@&])", r"\1", body)


def cli(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)} | (env or {}),
    )


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr and "Error:" not in proc.stderr, proc.stderr
    assert not any(word in proc.stderr for word in ENGLISH), proc.stderr


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A database holding one other report (NX04 2024-01), so NX03 2024-03 uploads load without a replacement."""
    db_file = tmp_path / "edges.duckdb"
    load_ok(
        db_file, book(tmp_path / "seed", "NX04", "2024-01", {"TTHC": [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)]})
    )
    monkeypatch.setenv("CH33_DB", str(db_file))
    return db_file


def app(page: str, key: str = "2024-03") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": "NX03", "ky": key})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def uploaded(files: list[tuple[str, bytes]]) -> tuple[AppTest, dict[str, bytes]]:
    """Upload on «Nhập số liệu»; also the .xlsx bytes each download button hands to the browser, by file name."""
    served: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        served[filename or ""] = data
        return original(self, data, mimetype, kind, filename)

    with patch.object(MemoryMediaFileStorage, "load_and_get_id", spy):
        at = app("pages/nhap_so_lieu.py")
        at.file_uploader(key="tep_tai_len").set_value([(name, data, XLSX) for name, data in files])
        at.run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at, served


def bodies(at: AppTest) -> list[str]:
    """Every Markdown body on the page: markdown, captions, alerts, expander labels."""
    kinds = ("markdown", "caption", "error", "warning", "info", "success")
    return [e.value for kind in kinds for e in at.get(kind)] + [e.label for e in at.get("expander")]


def formula_free(data: bytes) -> openpyxl.Workbook:
    """The workbook, after checking that no worksheet holds a formula (<f> element) and no cell is typed as one."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(name)), name
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    return wb


# ------------------------------------------------------------------------------------- 5. formula injection
@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_annotated_copy_keeps_formula_text_as_text(site, tmp_path, suffix):
    rows = grid("TTHC", [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)])
    rows += [
        [HYPERLINK, 1, 1, 1, 1, 1, 0, 0, 0, ""],
        [DDE, "nhiều", 1, 1, 1, 1, 0, 0, 0, "+1"],
        ["@SUM(1)", 1, 1, 1, 1, 1, 0, 0, 0, ""],
    ]
    info = info_for("NX03", "2024-03")
    path = write_grids(tmp_path / f"cong_thuc{suffix}", {"Thông tin": [[k, v] for k, v in info.items()], "TTHC": rows})
    before = dump(site)
    at, served = uploaded([(path.name, path.read_bytes())])
    assert any("không nhập" in e.value for e in at.error) and dump(site) == before
    copy = formula_free(served["cong_thuc_loi.xlsx"])
    texts = {c.value: c.data_type for row in copy["TTHC"].iter_rows() for c in row if isinstance(c.value, str)}
    assert texts[HYPERLINK] == texts[DDE] == texts["@SUM(1)"] == texts["+1"] == "s"


def test_export_writes_a_file_name_starting_with_equals_as_text(site, tmp_path):
    name = "=cmd|' calc'!A0 +1.xlsx"
    load_ok(
        site, book(tmp_path, "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)]}, name=name)
    )
    served: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        if mimetype == XLSX:
            served.append(data)
        return original(self, data, mimetype, kind, filename)

    with patch.object(MemoryMediaFileStorage, "load_and_get_id", spy):
        app("pages/du_lieu.py")
    [data] = served
    sheet = formula_free(data)["Tệp đã nạp"]
    cell = next(c for row in sheet.iter_rows(min_row=2) for c in row if c.value == name)
    assert cell.data_type == "s" and cell.column_letter == "D"


# ------------------------------------------------------------------------------------ 6. Markdown injection
def evil_book(folder: Path, error: bool) -> Path:
    """NX03 2024-03 with a header cell full of Markdown; with `error`, also a count that is not a number."""
    rows = grid("TTHC", [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)])
    rows = [rows[0] + [EVIL_HEADER], rows[1] + ["x"]]
    if error:
        rows[1][1] = "nhiều"
    return book(folder, "NX03", "2024-03", raw={"TTHC": rows}, name=EVIL_NAME)


def assert_inert(texts: list[str]) -> None:
    joined = "\n".join(texts)
    assert "](http" not in joined and "![" not in joined and ":red[" not in joined and "$x$" not in joined, joined
    assert md(EVIL_HEADER) in joined and EVIL_HEADER in shown(joined)


def test_header_cell_and_file_name_are_shown_as_text(site, tmp_path):
    at, _ = uploaded([(EVIL_NAME, evil_book(tmp_path / "ok", error=False).read_bytes())])
    texts = bodies(at)
    assert any("Đã nhập" in s.value and md(EVIL_NAME) in s.value for s in at.success)
    assert_inert(texts)

    at = app("pages/du_lieu.py")  # the warnings expander of «Dữ liệu»
    texts = bodies(at)
    assert any(md(EVIL_NAME) in t for t in texts) and "bao*cao[1]" not in "\n".join(texts)
    assert_inert(texts)


def test_refused_upload_with_markdown_header_is_shown_as_text(site, tmp_path):
    at, _ = uploaded([(EVIL_NAME, evil_book(tmp_path / "bad", error=True).read_bytes())])
    texts = bodies(at)
    assert any("không nhập" in t and md(EVIL_NAME) in t for t in texts)
    assert "`TTHC!B2" in "\n".join(texts)
    assert_inert(texts)


# ------------------------------------------------------------------------ 9. Vietnamese everywhere, no traceback
def test_cli_help_and_usage_errors_are_vietnamese(tmp_path):
    helped = cli("--help")
    assert helped.returncode == 0
    assert "cách dùng: python -m etl" in helped.stdout and "các tùy chọn" in helped.stdout
    assert "hiện trợ giúp này và thoát" in helped.stdout and "show this help" not in helped.stdout
    loaded = cli("load", "--help")
    assert "các tham số" in loaded.stdout and "--received-at THỜI_ĐIỂM" in loaded.stdout
    for args, words in [
        ((), "thiếu tham số bắt buộc"),
        (("indicators", "--unit", "NX03", "--period", "2024", "--compare", "xx"), "lựa chọn không hợp lệ: 'xx'"),
        (("load", "a.xlsx", "--bogus"), "không nhận ra tham số: --bogus"),
        (("load", "a.xlsx", "--db"), "tham số --db: cần một giá trị"),
        (("khong-co",), "lựa chọn không hợp lệ"),
    ]:
        proc = cli(*args)
        assert proc.returncode == 2 and words in proc.stderr and "cách dùng:" in proc.stderr, (args, proc.stderr)
        no_traceback(proc)


@pytest.mark.parametrize("moment", ["hôm-qua", "2026-13-01", "1999-12-31"])
def test_cli_bad_received_at_is_bad_usage(tmp_path, moment):
    path = book(tmp_path, "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)]})
    db_file = tmp_path / "khong_tao.duckdb"
    proc = cli("load", str(path), "--db", str(db_file), "--received-at", moment)
    assert (
        proc.returncode == 2 and "--received-at" in proc.stderr and ("hợp lệ" in proc.stderr or "hợp lý" in proc.stderr)
    )
    no_traceback(proc)
    assert not db_file.exists()


def test_cli_template_output_path(tmp_path):
    for target, words in [
        (tmp_path / "khong_co" / "mau.xlsx", "không tồn tại"),
        (tmp_path, "là một thư mục"),
        (tmp_path / "m.txt", "đuôi .xlsx"),
    ]:
        proc = cli("template", str(target))
        assert proc.returncode == 2 and words in proc.stderr, proc.stderr
        no_traceback(proc)
    assert list(tmp_path.iterdir()) == []
    out = tmp_path / "mau.xlsx"
    out.write_bytes(b"ban cu")
    proc = cli("template", str(out), "--unit", "NX03")
    assert (
        proc.returncode == 2 and "đã có" in proc.stderr and "--ghi-de" in proc.stderr and out.read_bytes() == b"ban cu"
    )
    proc = cli("template", str(out), "--unit", "NX03", "--ghi-de")
    assert proc.returncode == 0 and "Đã tạo mẫu" in proc.stdout
    assert openpyxl.load_workbook(out).sheetnames[0]


def test_cli_closed_pipe_stops_quietly(site):
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "indicators", "--db", str(site), "--unit", "NX04", "--period", "2024"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    proc.stdout.close()  # `… | head -c 0`: the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "BrokenPipe" not in err and "Traceback" not in err and "Exception ignored" not in err, err


def test_cli_unexpected_error_is_one_sentence_and_a_log(tmp_path):
    broken = tmp_path / "hong.duckdb"
    broken.write_bytes(b"khong phai co so du lieu" * 100)
    log = tmp_path / "etl.log"
    proc = cli("indicators", "--db", str(broken), "--unit", "NX03", "--period", "2024", env={"CH33_LOG": str(log)})
    assert proc.returncode == 3 and "Lỗi không mong đợi" in proc.stderr and str(log) in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    no_traceback(proc)
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_cli_outside_the_venv_through_run_sh():
    proc = subprocess.run(["bash", "run.sh", "etl", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "cách dùng: python -m etl" in proc.stdout, proc.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash run.sh etl" in readme and "PORT=" in readme


def test_port_in_use_is_one_vietnamese_sentence():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            ["bash", "run.sh", "dashboard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env=os.environ | {"PORT": str(port), "ADDRESS": "127.0.0.1"},
        )
    assert proc.returncode == 2, proc.stderr
    assert f"Cổng {port} đang được dùng; đặt PORT={port + 1} bash run.sh dashboard" in proc.stderr
    assert "not available" not in proc.stderr + proc.stdout


def test_uploader_limit_and_texts_are_the_pages(site):
    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    assert limit * 1024 * 1024 == config.MAX_UPLOAD_BYTES
    at = app("pages/nhap_so_lieu.py")
    widget = at.file_uploader(key="tep_tai_len")
    assert f"tối đa {limit} MB mỗi tệp" in widget.label and "Kéo thả tệp" in widget.help
    css = "\n".join(h.value for h in at.get("html"))
    assert 'content: "Chọn tệp"' in css and f"tối đa {limit} MB mỗi tệp" in css
    assert "stFileUploaderDropzoneInstructions" in css and "stFileChipName" in css


def test_text_file_renamed_xlsx_gets_the_readers_message(site):
    before = dump(site)
    at, _ = uploaded([("doi_duoi.xlsx", "Mã đơn vị;Kỳ\nNX03;2024-03\n".encode())])
    texts = bodies(at)
    joined = "\n".join(texts)
    assert "``" not in joined and "Lỗi tại" not in joined and "Sửa các ô" not in joined, joined
    [error] = [e.value for e in at.error]
    assert shown(error).startswith("**doi_duoi.xlsx: không nhập.**") and "không phải bảng tính .xlsx" in shown(error)
    assert dump(site) == before


def test_sizes_are_written_the_vietnamese_way(site):
    assert [upload_ui.size(n) for n in (24, 1536, 1_572_864, 20 * 1024 * 1024)] == ["24 B", "1,5 KB", "1,5 MB", "20 MB"]
    at, _ = uploaded([("nho.xlsx", b"x" * 24)])
    assert any(shown(c.value).endswith("nho.xlsx · 24 B") for c in at.caption)
    assert not any("24.0B" in t or "24.0 B" in t for t in bodies(at))


def test_load_report_on_the_terminal_escapes_control_characters(tmp_path, db_file):
    name = "bao\x1b[31mcao\u202exslx.xlsx"
    path = book(tmp_path, "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)]}, name=name)
    proc = cli("load", str(path), "--db", str(db_file), "--received-at", datetime(2024, 4, 2).isoformat())
    assert proc.returncode in (0, 1) and "\x1b" not in proc.stdout and "\u202e" not in proc.stdout
    assert "bao\\x1b[31mcao\\u202exslx.xlsx" in proc.stdout
