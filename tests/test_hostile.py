"""Hostile and broken files (issue 10, findings 1, 2 and 4): a corpus built here, each refused with one Vietnamese
message naming the file (and the sheet or cell where there is one) or loaded as plain text, the database and its
archive unchanged by a refusal, the other files of a batch loaded, and the loader's memory small.

Bombs are built cheaply: a compressed block repeated (or junk under a forged size), so that their *declared* sizes trip
the guard; the test never inflates them, and neither does the guard.

Before this change (main at 9fd71dd, each file through `python -m etl load`): xfd-cell, xfd-cell-no-dimension, far-
cells-small-dimension and text-bomb-1.5GB aborted the process (Rust allocator), 400-million-empty-cells did not finish
within 25 s and 3 GB; 1048575-rows-declared, 135MB-in-parts, 600-parts, 150-sheets, date-1899, date-1990-cell and
text-10000-chars loaded; billion-laughs, xxe, entity-after-long-comment, lying-size, whitespace-bomb were «tệp bị hỏng»,
encrypted-xls and zip-encrypted-flag too (not «mật khẩu»); count-3000000000 raised ArrowInvalid, count-1e20 and
count-20-digit-text OverflowError, count-5000-digit-text ValueError, the 245-byte name OSError, each out of load_paths
with the whole batch. 25001-rows-undeclared, date-2099 and ods-repeat-bomb were refused for other reasons (the last with
10 million cells in memory). Cases the old code already refused the same way stay as controls: empty-file, text-renamed-
xlsx, truncated-zip, encrypted-xlsx, count-negative.
"""

from __future__ import annotations

import io
import os
import random
import re
import resource
import shutil
import signal
import struct
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from etl import config, guard
from etl.load import load_paths
from etl.read import ReadError, read_bytes
from tests._workbooks import archive_files, book, dump, grid, info_for, query, tthc_row
from tests.conftest import write_grids
from tests.test_reading import assert_vietnamese

MB = 1 << 20
BASE_SHEETS = {  # a valid NX03 2024-03 workbook: one TTHC row and one petition
    "TTHC": [tthc_row("Hộ tịch", 3, 4, 5, 2, 3, 1, 4, 2)],
    "Đơn thư": [
        {
            "case_id": "A",
            "received_date": date(2024, 3, 3),
            "petition_type": "Khiếu nại",
            "field": "Đất đai",
            "in_jurisdiction": "Có",
            "note": "bình thường",
        }
    ],
}
PETITIONS_PART = "xl/worksheets/sheet3.xml"  # «Thông tin», «TTHC», «Đơn thư» in that order


# --- building files ---------------------------------------------------------------------------------------------------


@dataclass
class Forged:
    """A zip part written as given: `compressed` need not inflate to `size` (the guard must refuse before trying)."""

    compressed: bytes
    size: int
    crc: int = 0
    flags: int = 0


def zip_of(parts: dict[str, bytes | Forged]) -> bytes:
    """A zip written by hand, so that declared sizes, checksums and flags can be anything."""
    out, central = bytearray(), bytearray()
    for name, body in parts.items():
        if isinstance(body, Forged):
            comp, size, crc, flags = body.compressed, body.size, body.crc, body.flags
        else:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp, size, crc, flags = c.compress(body) + c.flush(), len(body), zlib.crc32(body), 0
        fname, offset = name.encode(), len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, 0x21, crc, len(comp), size, len(fname), 0)
        out += fname + comp
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            flags,
            8,
            0,
            0x21,
            crc,
            len(comp),
            size,
            len(fname),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += fname
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), len(out), 0)
    return bytes(out + central + eocd)


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def repeated(prefix: bytes, unit: bytes, count: int, suffix: bytes) -> Forged:
    """prefix + unit × count + suffix as one raw deflate stream, from a compressed unit repeated: a full flush resets
    the compressor, so each unit compresses to the same bytes (about 1 KB per MB of a repeated byte)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH) == block
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = c.compress(suffix) + c.flush()
    return Forged(head + block * count + tail, len(prefix) + len(unit) * count + len(suffix))


@cache
def base_xlsx() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        data = book(Path(folder), "NX03", "2024-03", BASE_SHEETS, name="base.xlsx").read_bytes()
    assert PETITIONS_PART in parts_of(data)
    return data


def with_part(part: str, body: bytes | Forged, data: bytes | None = None) -> bytes:
    return zip_of(parts_of(data or base_xlsx()) | {part: body})


def sheet_xml(rows: str, dimension: str | None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main">{dim}<sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def openpyxl_book(fill) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(base_xlsx()))
    fill(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def without_dimension(data: bytes, part: str = PETITIONS_PART) -> bytes:
    return with_part(part, re.sub(rb"<dimension [^>]*/>", b"", parts_of(data)[part]), data)


def xfd_cell(wb) -> None:
    wb["Đơn thư"]["XFD1048576"] = "x"


def far_cells_small_dimension() -> bytes:
    """Cells at A1 and XFD1048576 under a dimension that says A1:B2: python-calamine would allocate the whole rectangle
    (17 billion cells); the guard finds the far cell among the references while it inflates the part."""
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
    rows += '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>b</t></is></c></row>'
    return with_part(PETITIONS_PART, sheet_xml(rows, "A1:B2"))


SHEET_HEAD = sheet_xml("", None).split(b"</sheetData>")[0]  # everything up to and with <sheetData>
SHEET_TAIL = b"</sheetData></worksheet>"


def text_bomb() -> bytes:
    """1,5 GB of text in one cell, 1,5 MB on disk (finding 2: loaded in 90 s and 7,9 GB before)."""
    cell = b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    return with_part(PETITIONS_PART, repeated(SHEET_HEAD + cell, b"A" * MB, 1536, b"</t></is></c></row>" + SHEET_TAIL))


def whitespace_bomb() -> bytes:
    """40 MB of spaces between two elements: under the per-part size limit, refused for its compression ratio."""
    return with_part(PETITIONS_PART, repeated(SHEET_HEAD, b" " * MB, 40, SHEET_TAIL))


def empty_cells_bomb() -> bytes:
    """About 400 million empty cells in one row (1,6 GB of <c/>)."""
    return with_part(
        PETITIONS_PART, repeated(SHEET_HEAD + b'<row r="1">', b"<c/>" * (MB // 4), 1526, b"</row>" + SHEET_TAIL)
    )


def total_bomb() -> bytes:
    """Three parts of 45 MB each (ratio 50:1, so each passes alone): 135 MB in all."""
    junk = random.Random(1).randbytes(int(0.9 * MB))
    extra = {f"xl/media/image{i}.png": Forged(junk, 45 * MB) for i in range(3)}
    return zip_of(parts_of(base_xlsx()) | extra)


def million_rows_declared() -> bytes:
    """A 1 048 575-row sheet, as declared by its dimension (finding 2: loaded in 57 s and 2 GB before)."""
    body = parts_of(base_xlsx())[PETITIONS_PART]
    return with_part(PETITIONS_PART, re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:K1048575"/>', body))


def many_rows_undeclared() -> bytes:
    """25 000 real rows and no dimension: bounded after parsing, in the child."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="n"><v>{r}</v></c></row>' for r in range(1, 25_002))
    return with_part(PETITIONS_PART, sheet_xml(rows, None))


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)


def billion_laughs() -> bytes:
    body = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', None)
    return with_part(PETITIONS_PART, BILLION_LAUGHS.encode() + body.split(b"?>", 1)[1])


def xxe() -> bytes:
    body = parts_of(base_xlsx())["xl/workbook.xml"]
    decl = b'<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    body = body.replace(b'name="TTHC"', b'name="&xxe;"')
    if body.startswith(b"<?xml"):
        end = body.index(b"?>") + 2
        body = body[:end] + decl + body[end:]
    else:
        body = decl + body
    return with_part("xl/workbook.xml", body)


def entity_after_long_comment() -> bytes:
    """The DOCTYPE pushed past the first 16 KB by a comment: refused because no element starts there."""
    body = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', None).split(b"?>", 1)[1]
    return with_part(
        PETITIONS_PART, b"<?xml version='1.0'?><!--" + b"x" * 20_000 + b"-->" + BILLION_LAUGHS[21:].encode() + body
    )


def encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(base_xlsx())).encrypt("mat-khau", out)
    return out.getvalue()


def encrypted_xls() -> bytes:
    """An .xls whose workbook stream has FILEPASS (RC4) right after BOF, as Excel writes a password-protected file; the
    records are replaced in place so the OLE2 container stays valid."""
    with tempfile.TemporaryDirectory() as folder:
        raw = write_grids(Path(folder) / "a.xls", {"Thông tin": [["a", 1]]}).read_bytes()
    bof = raw.index(b"\x09\x08\x10\x00\x00\x06\x05\x00")
    after = bof + 20  # INTERFACEHDR, MMS, INTERFACEEND, WRITEACCESS (6 + 6 + 4 + 116 bytes) follow BOF in xlwt's output
    assert raw[after : after + 2] == b"\xe1\x00" and raw[after + 16 : after + 18] == b"\x5c\x00"
    filepass = struct.pack("<HHHHH", 0x2F, 54, 1, 1, 1) + bytes(range(48))
    filler = struct.pack("<HH", 0x5C, 132 - len(filepass) - 4) + b" " * (132 - len(filepass) - 4)
    return raw[:after] + filepass + filler + raw[after + 132 :]


def zip_encrypted_flag() -> bytes:
    parts = parts_of(base_xlsx())
    body = parts[PETITIONS_PART]
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return zip_of(parts | {PETITIONS_PART: Forged(c.compress(body) + c.flush(), len(body), zlib.crc32(body), 1)})


def lying_size() -> bytes:
    """A part that really inflates to 2 MB but declares 20 KB (and its checksum): sizes and ratio look harmless."""
    body = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>' + "A" * 2 * MB + "</t></is></c></row>", None)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return with_part(PETITIONS_PART, Forged(c.compress(body) + c.flush(), 20_000, zlib.crc32(body[:20_000])))


def too_many_parts() -> bytes:
    return zip_of(parts_of(base_xlsx()) | {f"customXml/item{i}.xml": b"<a/>" for i in range(600)})


def ods_repeat_bomb() -> bytes:
    """One .ods cell repeated 100 000 × 100 times: 7 KB on disk, 10 million cells in python-calamine (the child is
    stopped at PARSE_RSS_BYTES)."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="odf") as xw:
        pd.DataFrame([["Mã đơn vị", "NX03"]]).to_excel(xw, sheet_name="Thông tin", header=False, index=False)
    parts = parts_of(buf.getvalue())
    row = (
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="float" '
        'office:value="1" table:number-columns-repeated="100"><text:p>1</text:p></table:table-cell></table:table-row>'
    )
    parts["content.xml"] = parts["content.xml"].replace(b"</table:table>", row.encode() + b"</table:table>", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def many_sheets(wb) -> None:
    for i in range(150):
        wb.create_sheet(f"Trang {i}")
        wb[f"Trang {i}"]["A1"] = i


def truncated() -> bytes:
    data = base_xlsx()
    return data[: len(data) // 2]


# id -> (file name, builder, words the one message contains): refused before anything is validated
REFUSED = {
    "xfd-cell": ("xfd.xlsx", lambda: openpyxl_book(xfd_cell), ["«Đơn thư»", "XFD1048576", "1.048.576 hàng"]),
    "xfd-cell-no-dimension": (  # the cell references are read while the part is inflated
        "xfd2.xlsx",
        lambda: without_dimension(openpyxl_book(xfd_cell)),
        ["«Đơn thư»", "XFD1048576", "1.048.576 hàng"],
    ),
    "far-cells-small-dimension": ("xa.xlsx", far_cells_small_dimension, ["«Đơn thư»", "XFD1048576"]),
    "text-bomb-1.5GB": ("bom.xlsx", text_bomb, ["«bom giải nén»", "1,5 GB", "«Đơn thư»"]),
    "whitespace-bomb": ("trang.xlsx", whitespace_bomb, ["«bom giải nén»", "tỉ lệ", "«Đơn thư»"]),
    "400-million-empty-cells": ("o.xlsx", empty_cells_bomb, ["«bom giải nén»", "«Đơn thư»"]),
    "135MB-in-parts": ("anh.xlsx", total_bomb, ["«bom giải nén»", "100 MB"]),
    "1048575-rows-declared": ("dai.xlsx", million_rows_declared, ["«Đơn thư»", "1.048.575 hàng", "20.000"]),
    "25001-rows-undeclared": ("dai2.xlsx", many_rows_undeclared, ["«Đơn thư»", "25.001 hàng", "20.000"]),
    "billion-laughs": ("cuoi.xlsx", billion_laughs, ["DOCTYPE/ENTITY", "độc hại", "«Đơn thư»"]),
    "xxe": ("xxe.xlsx", xxe, ["DOCTYPE/ENTITY", "độc hại", "xl/workbook.xml"]),
    "entity-after-long-comment": ("chu.xlsx", entity_after_long_comment, ["độc hại", "«Đơn thư»"]),
    "encrypted-xlsx": ("mk.xlsx", encrypted_xlsx, ["mật khẩu"]),
    "encrypted-xls": ("mk.xls", encrypted_xls, ["mật khẩu"]),
    "zip-encrypted-flag": ("mk2.xlsx", zip_encrypted_flag, ["mật khẩu"]),
    "lying-size": ("doi.xlsx", lying_size, ["bung ra lớn hơn", "«Đơn thư»"]),
    "600-parts": ("nhieu.xlsx", too_many_parts, ["phần", "500"]),
    "ods-repeat-bomb": ("lap.ods", ods_repeat_bomb, ["quá lớn hoặc bị hỏng", "giới hạn cho phép"]),
    "150-sheets": ("trang.xlsx", lambda: openpyxl_book(many_sheets), ["trang", "100"]),
    "text-renamed-xlsx": ("vanban.xlsx", lambda: "Báo cáo tháng 3\n".encode() * 50, ["không phải bảng tính"]),
    "empty-file": ("rong.xlsx", lambda: b"", ["rỗng"]),
    "truncated-zip": ("cut.xlsx", truncated, ["hỏng"]),
}


@cache
def corpus(case: str) -> tuple[str, bytes]:
    name, build, _ = REFUSED[case]
    return name, build()


# --- the database each refusal must leave as it was -------------------------------------------------------------------


def archive_listing(db_file: Path) -> list[tuple[str, bytes]]:
    return sorted(archive_files(db_file).items())


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    [r] = load_paths(folder / "db" / "seed.duckdb", [book(folder, "NX03", "2024-02", BASE_SHEETS | {"Đơn thư": []})])
    assert r.status == "loaded", [str(p) for p in r.problems]
    return folder / "db" / "seed.duckdb"


@pytest.fixture
def seeded(seed, tmp_path) -> Path:
    db_file = tmp_path / "db" / "test.duckdb"
    db_file.parent.mkdir()
    shutil.copy(seed, db_file)
    shutil.copytree(config.archive_dir(seed), config.archive_dir(db_file))
    return db_file


def load_one(db_file: Path, folder: Path, name: str, data: bytes):
    path = folder / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    before, archived = dump(db_file), archive_listing(db_file)
    [result] = load_paths(db_file, [path])
    return result, before, archived


def assert_refused(result, name: str, before, archived, db_file: Path) -> None:
    assert result.status == "rejected", result
    assert result.errors, result
    for p in result.errors:
        assert p.file == name
        assert_vietnamese(p.message)
        assert "Traceback" not in p.message and "\n" not in p.message
    assert dump(db_file) == before
    assert archive_listing(db_file) == archived


# --- refused before validation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_file_is_refused_with_one_vietnamese_message_and_changes_nothing(case, seeded, tmp_path):
    # Before: xfd-* aborted the process (SIGABRT), the bombs and 1048575-rows loaded, billion-laughs/xxe/encrypted-xls
    # were «tệp bị hỏng» (no «DOCTYPE/ENTITY», «mật khẩu»), lying-size and far-cells exhausted memory.
    name, data = corpus(case)
    words = REFUSED[case][2]
    started = time.monotonic()
    result, before, archived = load_one(seeded, tmp_path, name, data)
    assert time.monotonic() - started < 15
    assert_refused(result, name, before, archived, seeded)
    [problem] = result.problems
    assert problem.message.startswith(f"{name}: "), problem.message
    for word in words:
        assert word in problem.message, problem.message
    assert len(problem.message) < 600, problem.message


def test_bombs_are_refused_from_the_zip_directory_alone(monkeypatch):
    """The declared-size bombs are refused before any part is inflated."""
    opened = []
    real = guard._inflate
    monkeypatch.setattr(guard, "_inflate", lambda *a: opened.append(a[2].filename) or real(*a))
    for case in ("text-bomb-1.5GB", "whitespace-bomb", "400-million-empty-cells", "135MB-in-parts"):
        name, data = corpus(case)
        with pytest.raises(ReadError):
            guard.inspect(name, data)
    assert opened == []


def test_lone_xfd_cell_in_process_is_never_padded():
    """Finding 1 as reported: a workbook whose one cell sits at XFD1048576, no dimension. Even without the child
    process it is bounded by its used area (to_python(skip_empty_area=True)) and refused, not padded to 17 billion
    cells (before: SIGABRT of the whole process). With other cells on the sheet (xfd-cell-no-dimension) python-calamine
    itself allocates the rectangle: only the child process survives that."""
    data = with_part(PETITIONS_PART, sheet_xml('<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>', None))
    with pytest.raises(ReadError) as info:
        read_bytes("mot_o.xlsx", data, isolated=False)
    assert "«Đơn thư»" in str(info.value) and "XFD1048576" in str(info.value)


def test_grid_from_the_used_area_equals_the_padded_grid(tmp_path):
    """The grid is still rows from A1 with "" for empty cells (what validation and cell references rely on)."""
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active["C5"], wb.active["E7"] = "x", 3
    wb.save(tmp_path / "a.xlsx")
    raw = read_bytes("a.xlsx", (tmp_path / "a.xlsx").read_bytes())
    assert raw.sheets["S"] == [[""] * 5] * 4 + [["", "", "x", "", ""], [""] * 5, ["", "", "", "", 3]]


# --- refused by validation, naming the cell -------------------------------------------------------------------------


def tthc_with(value) -> dict:
    """A TTHC row that still balances (value + 4 + 5 = 3 + 3 + 1 + value + 2), so only the value itself is wrong:
    before, 3 000 000 000 and 1e20 then reached the database insert (ArrowInvalid, OverflowError)."""
    return {"TTHC": [tthc_row("Hộ tịch", value, 4, 5, 3, 3, 1, value, 2)]}


def petition_with(**over) -> dict:
    return {"Đơn thư": [BASE_SHEETS["Đơn thư"][0] | over]}


def numeric_text_cell(data: bytes, sheet_part: str, cell: str, digits: str) -> bytes:
    """Put a raw number (as many digits as wanted) in a cell's <v>, which no spreadsheet program would write."""
    body = parts_of(data)[sheet_part]
    body, n = re.subn(
        rf'<c r="{cell}"([^>]*)><v>[^<]*</v></c>'.encode(), f'<c r="{cell}"><v>{digits}</v></c>'.encode(), body
    )
    assert n == 1
    return with_part(sheet_part, body, data)


INVALID = {
    # id -> (sheets, cell, words); the count column «Kỳ trước chuyển qua» is B2 of «TTHC»
    "count-3000000000": (tthc_with(3_000_000_000), "TTHC", "B2", ["số quá lớn", "2.147.483.647"]),
    "count-1e20": (tthc_with(1e20), "TTHC", "B2", ["số quá lớn"]),
    "count-5000-digit-text": (tthc_with("9" * 5000), "TTHC", "B2", ["số quá lớn", "5.000"]),
    "count-20-digit-text": (tthc_with("9" * 20), "TTHC", "B2", ["số quá lớn", "2.147.483.647"]),
    "count-negative": (tthc_with(-3), "TTHC", "B2", ["không âm"]),
    "date-1899": (petition_with(received_date="31/12/1899"), "Đơn thư", "B2", ["31/12/1899", "01/01/2000"]),
    "date-1990-cell": (petition_with(received_date=date(1990, 5, 1)), "Đơn thư", "B2", ["01/05/1990", "không hợp lý"]),
    "date-2099": (petition_with(received_date="15/03/2099"), "Đơn thư", "B2", ["15/03/2099", "không hợp lý"]),
    "text-10000-chars": (petition_with(note="Đ" * 10_000), "Đơn thư", "K2", ["10.000 ký tự", "2.000"]),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_cell_is_an_error_naming_the_cell(case, seeded, tmp_path):
    # Before: 3e9 raised ArrowInvalid, 1e20 OverflowError, 5 000 digits ValueError (out of load_paths); 1899, 2099 and
    # a 10 000-character note loaded.
    sheets, sheet, cell, words = INVALID[case]
    name = f"{case}.xlsx"
    data = book(tmp_path / "src", "NX03", "2024-03", BASE_SHEETS | sheets, name=name).read_bytes()
    result, before, archived = load_one(seeded, tmp_path, name, data)
    assert_refused(result, name, before, archived, seeded)
    [problem] = [p for p in result.errors if (p.sheet, p.cell) == (sheet, cell)]
    for word in words:
        assert word in problem.message, problem.message
    assert len(problem.message) < 400, problem.message
    assert f"{name} — {sheet}!{cell}" in str(problem)


def test_5000_digit_number_cell_is_an_error_naming_the_cell(seeded, tmp_path):
    """A number too large for a float (python-calamine reads it as infinity) in a count cell."""
    data = book(tmp_path / "src", "NX03", "2024-03", BASE_SHEETS, name="so.xlsx").read_bytes()
    data = numeric_text_cell(data, "xl/worksheets/sheet2.xml", "B2", "9" * 5000)
    result, before, archived = load_one(seeded, tmp_path, "so.xlsx", data)
    assert_refused(result, "so.xlsx", before, archived, seeded)
    [problem] = [p for p in result.errors if (p.sheet, p.cell) == ("TTHC", "B2")]
    assert "số quá lớn" in problem.message


# --- loaded as plain text ---------------------------------------------------------------------------------------------


def test_formula_text_loads_as_text_never_evaluated(seeded, tmp_path):
    """«=HYPERLINK(…)» typed as text is stored as that text; a real formula cell gives its cached value only (none
    here: openpyxl writes no cached value), so nothing in a file is ever evaluated."""
    text = '=HYPERLINK("http://x.example/a","bấm vào đây")'

    def fill(wb):
        ws = wb["Đơn thư"]
        ws["K2"].value, ws["K2"].data_type = text, "s"  # text, as a clerk's quote-prefixed entry is stored
        ws.append(["B", date(2024, 3, 4), "Tố cáo", "Xây dựng", "Có", None, None, None, None, None, '=WEBSERVICE("x")'])

    result, _, _ = load_one(seeded, tmp_path, "cong_thuc.xlsx", openpyxl_book(fill))
    assert result.status == "loaded", [str(p) for p in result.problems]
    notes = dict(query(seeded, "select case_id, note from petitions where period_key = '2024-03' order by 1"))
    assert notes == {"A": text, "B": None}


def test_markdown_header_and_nul_bytes_load_as_plain_text(seeded, tmp_path):
    """A Markdown link and image in a header cell come back verbatim in the warning (escaping them on screen is the
    pages' job); NUL and other control characters are dropped from stored text."""
    header = "[bấm vào đây](http://x.example) ![](http://x.example/a.png)"
    sheets = {"TTHC": BASE_SHEETS["TTHC"], "Đơn thư": [BASE_SHEETS["Đơn thư"][0] | {"note": "Ghi\x00 chú\x07 đủ"}]}
    grids = {"Thông tin": [[k, v] for k, v in info_for("NX03", "2024-03").items()]}
    for sheet, rows in sheets.items():
        grids[sheet] = grid(sheet, rows)
    grids["Đơn thư"][0].append(header)
    grids["Đơn thư"][1].append("x")
    (tmp_path / "src").mkdir()
    path = write_grids(tmp_path / "src" / "md.xls", grids)
    result, _, _ = load_one(seeded, tmp_path, "md.xls", path.read_bytes())
    assert result.status == "loaded", [str(p) for p in result.problems]
    assert any(header in w.message for w in result.warnings), [w.message for w in result.warnings]
    [(note,)] = query(seeded, "select note from petitions where period_key = '2024-03'")
    assert note == "Ghi chú đủ"


def test_245_byte_file_name_does_not_raise(seeded, tmp_path):
    # Before: OSError [Errno 36] File name too long out of load_paths (the archive copy is «<hash>_<name>»).
    name = "báo_cáo_" + "x" * (245 - len("báo_cáo_".encode()) - 5) + ".xlsx"
    assert len(name.encode()) == 245
    data = book(tmp_path / "src", "NX03", "2024-03", BASE_SHEETS, name="ok.xlsx").read_bytes()
    result, before, archived = load_one(seeded, tmp_path, name, data)
    assert result.status == "loaded", [str(p) for p in result.problems]  # the archive copy's name is cut, not the load
    assert query(seeded, "select file_name from load_history order by load_id desc limit 1") == [(name,)]


# --- batches: one bad file does not sink the others -------------------------------------------------------------------


def valid_books(folder: Path) -> list[Path]:
    return [book(folder, "NX03", p, BASE_SHEETS | {"Đơn thư": []}) for p in ("2024-03", "2024-04", "2024-05")]


def test_batch_of_three_valid_and_three_hostile_loads_the_valid_ones(tmp_path):
    # Before: the count of 3 000 000 000 raised ArrowInvalid out of load_paths: nothing of the batch was loaded, and
    # the XFD1048576 file aborted the process.
    db_file = tmp_path / "db" / "b.duckdb"
    good = valid_books(tmp_path / "ok")
    bad = []
    for name, data in (corpus("xfd-cell"), corpus("text-bomb-1.5GB")):
        bad.append(tmp_path / "bad" / name)
        bad[-1].parent.mkdir(exist_ok=True)
        bad[-1].write_bytes(data)
    bad.append(book(tmp_path / "bad", "NX03", "2024-06", BASE_SHEETS | tthc_with(3_000_000_000), name="ty.xlsx"))
    results = load_paths(db_file, [good[0], bad[0], good[1], bad[1], bad[2], good[2]])
    assert [r.status for r in results] == ["loaded", "rejected", "loaded", "rejected", "rejected", "loaded"]
    assert query(db_file, "select period_key from reports order by 1") == [("2024-03",), ("2024-04",), ("2024-05",)]
    copies = [n for n in archive_files(db_file) if n != "manifest.jsonl"]
    assert sorted(n.split("_", 1)[1] for n in copies) == sorted(p.name for p in good)


@pytest.mark.parametrize("where", ["validate", "archive"])
def test_an_unexpected_error_rejects_only_its_file_and_leaves_nothing_in_the_archive(where, tmp_path, monkeypatch):
    # Before: any exception escaped load_paths, the batch was lost and an archived copy stayed behind.
    import etl.load as load_module
    import etl.validate as validate_module

    db_file = tmp_path / "db" / "b.duckdb"
    good = valid_books(tmp_path / "ok")
    module = validate_module if where == "validate" else load_module  # what the batch path and one by one call
    real = getattr(module, "validate" if where == "validate" else "_archive")

    def failing(*args, **kwargs):
        out = real(*args, **kwargs)
        if any(str(a).endswith("2024-04.xlsx") or getattr(a, "file_name", "").endswith("2024-04.xlsx") for a in args):
            raise OverflowError("int too big to convert")
        return out

    monkeypatch.setattr(module, "validate" if where == "validate" else "_archive", failing)
    results = load_paths(db_file, good)
    assert [r.status for r in results] == ["loaded", "rejected", "loaded"]
    [problem] = results[1].problems
    assert problem.message.startswith("NX03_2024-04.xlsx: ") and "các tệp khác vẫn được nhập" in problem.message
    assert_vietnamese(problem.message)
    assert "Traceback" not in problem.message
    assert query(db_file, "select period_key from reports order by 1") == [("2024-03",), ("2024-05",)]
    assert not any(n.endswith("2024-04.xlsx") for n in archive_files(db_file))


# --- the child process ------------------------------------------------------------------------------------------------


def test_parse_timeout_refuses_the_file_and_the_next_file_reads(monkeypatch):
    data = base_xlsx()
    monkeypatch.setattr(config, "PARSE_SECONDS", 0.0)
    with pytest.raises(ReadError) as info:
        read_bytes("cham.xlsx", data)
    assert str(info.value).startswith("cham.xlsx: tệp quá lớn hoặc bị hỏng, không đọc được trong giới hạn cho phép")
    monkeypatch.undo()
    assert "Thông tin" in read_bytes("cham.xlsx", data).sheets


def test_a_worker_killed_while_idle_is_replaced():
    data = base_xlsx()
    read_bytes("a.xlsx", data)
    with guard._idle_lock:
        workers = list(guard._idle)
    for w in workers:
        os.kill(w.proc.pid, signal.SIGKILL)
        w.proc.wait()
    assert "Thông tin" in read_bytes("a.xlsx", data).sheets


def test_a_child_that_dies_is_a_refusal_and_the_parent_survives():
    """Without the inspection, python-calamine allocates A1:XFD1048576 for the far cells and Rust aborts the process
    (what finding 1 did to the dashboard): here only the child dies, and the next file reads."""
    name, data = corpus("far-cells-small-dimension")
    with pytest.raises(ReadError) as info:
        guard.parse_isolated(name, data)
    assert str(info.value).startswith(f"{name}: tệp quá lớn hoặc bị hỏng, không đọc được trong giới hạn cho phép")
    assert "Thông tin" in read_bytes("a.xlsx", base_xlsx()).sheets


def test_uploads_and_dry_runs_go_through_the_child(seeded, monkeypatch):
    """load_upload and dry_run read through etl.read.read_bytes, whose default is the child process."""
    from etl.load import dry_run, load_upload

    calls = []
    real = guard.parse_isolated
    monkeypatch.setattr(guard, "parse_isolated", lambda *a: calls.append(a[0]) or real(*a))
    name, data = corpus("ods-repeat-bomb")
    result, after = dry_run(seeded, name, data, lambda con, r: {})
    assert result.status == "rejected" and after is None
    result = load_upload(seeded, name, data)
    assert result.status == "rejected" and "quá lớn hoặc bị hỏng" in result.problems[0].message
    assert calls == [name, name]


def test_isolation_costs_little_per_file():
    data = base_xlsx()
    read_bytes("a.xlsx", data)  # a worker is ready
    n = 20
    started = time.perf_counter()
    for _ in range(n):
        read_bytes("a.xlsx", data, isolated=False)
    inline = (time.perf_counter() - started) / n
    started = time.perf_counter()
    for _ in range(n):
        read_bytes("a.xlsx", data)
    isolated = (time.perf_counter() - started) / n
    print(f"\n[timing] read one workbook: in process {inline * 1000:.1f} ms, in the child {isolated * 1000:.1f} ms")
    assert isolated - inline < 0.05


def test_peak_memory_of_the_loader_on_the_corpus(tmp_path):
    """The loader's own peak (Python allocations, tracemalloc) and the parsing child's (resident memory) over every
    file of the corpus, printed; both below 500 MB."""
    db_file = tmp_path / "db" / "m.duckdb"
    guard.shutdown()
    worst = (0, "")
    tracemalloc.start()
    try:
        for case in REFUSED:
            name, data = corpus(case)
            path = tmp_path / "in" / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            tracemalloc.reset_peak()
            [result] = load_paths(db_file, [path])
            assert result.status == "rejected"
            peak = tracemalloc.get_traced_memory()[1]
            worst = max(worst, (peak, case))
    finally:
        tracemalloc.stop()
    child = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, guard.idle_peak_rss())
    print(f"\n[memory] loader peak {worst[0] / MB:.0f} MB ({worst[1]}), parsing child peak {child / MB:.0f} MB")
    assert worst[0] < 500 * MB
    assert child < 500 * MB
