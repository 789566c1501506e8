"""Reading rules of the workbook contract (shared/spec/workbook.md, «Reading rules»).

One fixture per spreadsheet quirk, each a real workbook file; the table TEST_CASES_QUIRKS says what each
quirk must read to (typed rows, source rows, problems). File-level cases (corrupt, renamed, empty, too big)
are in TEST_CASES_UNREADABLE and go through read_bytes, load_bytes and load_paths.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from etl import config, db, reference
from etl.load import load_bytes, load_paths
from etl.read import ReadError, read_bytes, read_path
from etl.validate import validate
from tests._workbooks import dump
from tests.conftest import INFO, grid_from_dicts, headers, write_grids

UNITS = reference.units()
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
ENGLISH = re.compile(
    r"\b(error|invalid|must|expected|missing|cannot|unknown|column|row|empty|corrupt|password)\b", re.IGNORECASE
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def assert_vietnamese(message: str) -> None:
    assert VIETNAMESE.search(message), f"not Vietnamese: {message}"
    assert not ENGLISH.search(message), f"English words in: {message}"


def info_grid(info: dict | None = None) -> list[list]:
    return [[k, v] for k, v in (info or INFO).items()]


def public(rows: list[dict]) -> list[dict]:
    """Typed rows without the reader's bookkeeping (source row, cell map, ok flag)."""
    return [{k: v for k, v in r.items() if not k.startswith("_") and k != "source_row"} for r in rows]


def parse(path: Path):
    return validate(read_path(path), UNITS)


# --- the canonical content every quirk must read to -------------------------------------------------------------

PETITIONS = [
    {
        "Mã đơn": "DT-01",
        "Ngày nhận": "05/03/2024",
        "Loại đơn": "Khiếu nại",
        "Lĩnh vực": "Đất đai",
        "Thuộc thẩm quyền": "Có",
        "Ngày thụ lý": "06/03/2024",
        "Mức độ": "Phức tạp",
        "Ngày giải quyết": "15/03/2024",
        "Kết quả": "Đúng",
        "Đông người": "Có",
        "Ghi chú": "Đã trả lời bằng văn bản",
    },
    {
        "Mã đơn": "DT-02",
        "Ngày nhận": "12/03/2024",
        "Loại đơn": "Tố cáo",
        "Lĩnh vực": "Xây dựng",
        "Thuộc thẩm quyền": "Không",
        "Mức độ": "Thường",
        "Đông người": "Không",
    },
]
PETITIONS_TYPED = [
    {
        "case_id": "DT-01",
        "received_date": date(2024, 3, 5),
        "petition_type": "Khiếu nại",
        "field": "Đất đai",
        "in_jurisdiction": True,
        "accepted_date": date(2024, 3, 6),
        "complexity": "Phức tạp",
        "resolved_date": date(2024, 3, 15),
        "result": "Đúng",
        "is_crowd": True,
        "note": "Đã trả lời bằng văn bản",
    },
    {
        "case_id": "DT-02",
        "received_date": date(2024, 3, 12),
        "petition_type": "Tố cáo",
        "field": "Xây dựng",
        "in_jurisdiction": False,
        "accepted_date": None,
        "complexity": "Thường",
        "resolved_date": None,
        "result": None,
        "is_crowd": False,
        "note": None,
    },
]
TTHC = [
    {
        "Lĩnh vực": "Hộ tịch",
        "Kỳ trước chuyển qua": 2,
        "Tiếp nhận trực tuyến": 10,
        "Tiếp nhận trực tiếp, bưu chính": 5,
        "Giải quyết trước hạn": 3,
        "Giải quyết đúng hạn": 9,
        "Giải quyết quá hạn": 1,
        "Đang giải quyết trong hạn": 2,
        "Đang giải quyết quá hạn": 1,
        "Trả lại, rút hồ sơ": 1,
    },
    {
        "Lĩnh vực": "Chứng thực",
        "Kỳ trước chuyển qua": 0,
        "Tiếp nhận trực tuyến": 20,
        "Tiếp nhận trực tiếp, bưu chính": 30,
        "Giải quyết trước hạn": 40,
        "Giải quyết đúng hạn": 10,
        "Giải quyết quá hạn": 0,
        "Đang giải quyết trong hạn": 0,
        "Đang giải quyết quá hạn": 0,
        "Trả lại, rút hồ sơ": 0,
    },
]
TTHC_TYPED = [
    {
        "field": "Hộ tịch",
        "carried_over": 2,
        "received_online": 10,
        "received_offline": 5,
        "resolved_early": 3,
        "resolved_on_time": 9,
        "resolved_late": 1,
        "pending_on_time": 2,
        "pending_overdue": 1,
        "returned": 1,
    },
    {
        "field": "Chứng thực",
        "carried_over": 0,
        "received_online": 20,
        "received_offline": 30,
        "resolved_early": 40,
        "resolved_on_time": 10,
        "resolved_late": 0,
        "pending_on_time": 0,
        "pending_overdue": 0,
        "returned": 0,
    },
]
RECEPTIONS = [
    {
        "Ngày": "05/03/2024",
        "Hình thức": "Định kỳ",
        "Người chủ trì": "Chủ tịch",
        "Số lượt tiếp": 3,
        "Số người được tiếp": 4,
        "Số vụ việc": 2,
        "Số đoàn đông người": "",
    }
]
RECEPTIONS_TYPED = [
    {
        "reception_date": date(2024, 3, 5),
        "form": "Định kỳ",
        "host": "Chủ tịch",
        "visits": 3,
        "citizens": 4,
        "cases": 2,
        "crowd_groups": 0,
        "note": None,
    }
]


def sheet_grid(sheet: str, rows: list[dict], transform=lambda h: h) -> list[list]:
    grid = grid_from_dicts(sheet, rows)
    return [[transform(h) for h in grid[0]]] + grid[1:]


# --- one fixture per spreadsheet quirk ----------------------------------------------------------------------------


@pytest.fixture
def nfd_names(tmp_path):
    """Sheet names, headers, Thông tin labels and choice values typed in NFD (decomposed diacritics)."""
    rows = [{k: nfd(v) if isinstance(v, str) else v for k, v in r.items()} for r in PETITIONS]
    info = [[nfd(k), nfd(v) if isinstance(v, str) else v] for k, v in INFO.items()]
    return write_grids(
        tmp_path / "nfd.xlsx", {nfd("Thông tin"): info, nfd("Đơn thư"): sheet_grid("Đơn thư", rows, nfd)}
    )


@pytest.fixture
def spaced_cased_names(tmp_path):
    """Double spaces, other case, padding and a line break (Alt+Enter) in sheet names and headers."""

    def mangle(h: str) -> str:
        return {
            "Mã đơn": "  MÃ  ĐƠN ",
            "Ngày nhận": "ngày   nhận",
            "Loại đơn": "Loại\nđơn",
            "Lĩnh vực": "LĨNH VỰC",
        }.get(h, h.upper())

    info = [[f" {k.lower()}  ", v] for k, v in INFO.items()]
    return write_grids(
        tmp_path / "spaced.xlsx", {"THÔNG  TIN": info, "đơn  THƯ": sheet_grid("Đơn thư", PETITIONS, mangle)}
    )


@pytest.fixture
def reordered_columns(tmp_path):
    grid = grid_from_dicts("Đơn thư", PETITIONS)
    return write_grids(tmp_path / "reordered.xlsx", {"Thông tin": info_grid(), "Đơn thư": [row[::-1] for row in grid]})


@pytest.fixture
def unknown_extra_column(tmp_path):
    """An «STT» column the office added in front and a «Số điện thoại» column at the end."""
    grid = grid_from_dicts("Đơn thư", PETITIONS)
    grid = [["STT"] + grid[0] + ["Số điện thoại"]] + [[i] + row + ["0912345678"] for i, row in enumerate(grid[1:], 1)]
    return write_grids(tmp_path / "extra.xlsx", {"Thông tin": info_grid(), "Đơn thư": grid})


@pytest.fixture
def missing_required_column(tmp_path):
    grid = grid_from_dicts("Đơn thư", PETITIONS)
    drop = grid[0].index("Loại đơn")
    return write_grids(
        tmp_path / "missing.xlsx", {"Thông tin": info_grid(), "Đơn thư": [r[:drop] + r[drop + 1 :] for r in grid]}
    )


@pytest.fixture
def title_rows(tmp_path):
    """Form name, title and an empty row above the header row (header on row 4, data from row 5)."""
    grid = [["Biểu mẫu: Sổ theo dõi đơn thư"], ["SỔ THEO DÕI ĐƠN THƯ THÁNG 3/2024", "", "Xã Bình Lương"], [""]]
    return write_grids(
        tmp_path / "titles.xlsx",
        {
            "Thông tin": [["THÔNG TIN BÁO CÁO"], [""]] + info_grid(),
            "Đơn thư": grid + grid_from_dicts("Đơn thư", PETITIONS),
        },
    )


@pytest.fixture
def blank_rows_middle(tmp_path):
    """Fully blank rows between data rows (one empty, one with whitespace-only cells): rows 3 and 4."""
    grid = grid_from_dicts("Đơn thư", PETITIONS)
    width = len(grid[0])
    return write_grids(
        tmp_path / "holes.xlsx",
        {"Thông tin": info_grid(), "Đơn thư": [grid[0], grid[1], [""] * width, ["  "] * width, grid[2]]},
    )


@pytest.fixture
def only_headers(tmp_path):
    return write_grids(
        tmp_path / "headers.xlsx",
        {"Thông tin": info_grid(), "TTHC": [headers("TTHC")], "Đơn thư": [headers("Đơn thư")]},
    )


@pytest.fixture
def trailing_empty_columns(tmp_path):
    """Whitespace-only cells and formatted empty cells to the right of the table (calamine returns wider rows)."""
    grid = grid_from_dicts("Đơn thư", PETITIONS)
    grid = [row + ["", " ", "", "   "] for row in grid]
    path = write_grids(tmp_path / "trailing.xlsx", {"Thông tin": info_grid(), "Đơn thư": grid})
    wb = openpyxl.load_workbook(path)
    for r in range(1, 10):
        wb["Đơn thư"].cell(r, 26).fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(path)
    assert len(read_path(path).sheets["Đơn thư"][0]) > len(headers("Đơn thư"))  # the quirk really is in the file
    return path


@pytest.fixture
def totals_row(tmp_path):
    """A final totals row after the data: «Tổng cộng» in TTHC (then an empty row), «Cộng» in Tiếp công dân, «TỔNG SỐ» in Đơn thư."""
    tthc = grid_from_dicts("TTHC", TTHC)
    tthc += [["Tổng cộng"] + [sum(r[c] for r in tthc[1:]) for c in range(1, len(tthc[0]))], [""]]
    receptions = grid_from_dicts("Tiếp công dân", RECEPTIONS)
    receptions += [["Cộng", "", "", 3, 4, 2, 0]]
    petitions = grid_from_dicts("Đơn thư", PETITIONS) + [["TỔNG SỐ: 2 đơn"]]
    return write_grids(
        tmp_path / "totals.xlsx",
        {"Thông tin": info_grid(), "TTHC": tthc, "Tiếp công dân": receptions, "Đơn thư": petitions},
    )


@pytest.fixture
def text_counts(tmp_path):
    """Counts typed as text: `1.234` (Vietnamese thousands dot) and ` 12 ` (padded)."""
    row = {
        "Lĩnh vực": "Đất đai",
        "Kỳ trước chuyển qua": "1.234",
        "Tiếp nhận trực tuyến": " 12 ",
        "Tiếp nhận trực tiếp, bưu chính": "4",
        "Giải quyết trước hạn": 0,
        "Giải quyết đúng hạn": "1.200",
        "Giải quyết quá hạn": " 0",
        "Đang giải quyết trong hạn": " 50 ",
        "Đang giải quyết quá hạn": 0,
        "Trả lại, rút hồ sơ": "  ",
    }
    return write_grids(tmp_path / "counts.xlsx", {"Thông tin": info_grid(), "TTHC": grid_from_dicts("TTHC", [row])})


def petitions_with_dates(received, accepted, resolved) -> list[dict]:
    return [PETITIONS[0] | {"Ngày nhận": received, "Ngày thụ lý": accepted, "Ngày giải quyết": resolved}, PETITIONS[1]]


@pytest.fixture
def day_first_text_dates(tmp_path):
    """`5/3/2024` is 5 March (read month-first it would be 3 May, after the period: an error)."""
    rows = petitions_with_dates("5/3/2024", "6/3/2024", "15/3/2024")
    return write_grids(tmp_path / "dmy.xlsx", {"Thông tin": info_grid(), "Đơn thư": grid_from_dicts("Đơn thư", rows)})


@pytest.fixture
def iso_text_dates(tmp_path):
    rows = petitions_with_dates("2024-03-05", "2024-03-06", "2024-03-15")
    return write_grids(tmp_path / "iso.xlsx", {"Thông tin": info_grid(), "Đơn thư": grid_from_dicts("Đơn thư", rows)})


@pytest.fixture
def serial_dates(tmp_path):
    """Excel serial day numbers, as left by a column formatted General: 45356 = 05/03/2024."""
    rows = petitions_with_dates(45356, 45357, 45366)
    return write_grids(
        tmp_path / "serial.xlsx", {"Thông tin": info_grid(), "Đơn thư": grid_from_dicts("Đơn thư", rows)}
    )


@pytest.fixture
def real_dates(tmp_path):
    rows = petitions_with_dates(date(2024, 3, 5), datetime(2024, 3, 6, 9, 30), date(2024, 3, 15))
    return write_grids(tmp_path / "real.xlsx", {"Thông tin": info_grid(), "Đơn thư": grid_from_dicts("Đơn thư", rows)})


@pytest.fixture
def choice_aliases(tmp_path):
    """Short aliases (KN, TC, KNPA, PAKN) and choice values in other case, padded or with double spaces."""
    base = {"Ngày nhận": "05/03/2024", "Lĩnh vực": "Đất đai", "Thuộc thẩm quyền": "Có"}
    rows = [
        base | {"Mã đơn": "A1", "Loại đơn": "KN", "Lĩnh vực": "  đất   ĐAI ", "Mức độ": "PHỨC TẠP"},
        base | {"Mã đơn": "A2", "Loại đơn": "tc", "Thuộc thẩm quyền": " không ", "Mức độ": "đặc  biệt phức tạp"},
        base | {"Mã đơn": "A3", "Loại đơn": "KNPA", "Đông người": "có", "Lĩnh vực": "bồi thường,  gpmb"},
        base
        | {
            "Mã đơn": "A4",
            "Loại đơn": " pakn ",
            "Lĩnh vực": "THUẾ, PHÍ",
            "Ngày giải quyết": "20/03/2024",
            "Kết quả": "chuyển,  HƯỚNG DẪN",
        },
        base | {"Mã đơn": "A5", "Loại đơn": "  kiến NGHỊ,  phản ánh "},
    ]
    return write_grids(
        tmp_path / "aliases.xlsx", {"Thông tin": info_grid(), "Đơn thư": grid_from_dicts("Đơn thư", rows)}
    )


@pytest.fixture
def blank_defaults(tmp_path):
    """Blank = default cells (Mức độ, Đông người, Số đoàn đông người) and TTHC without the optional «Trả lại, rút hồ sơ» column."""
    petitions = [PETITIONS[1] | {"Mức độ": "", "Đông người": ""}]
    tthc = grid_from_dicts("TTHC", [{k: v for k, v in TTHC[1].items()}])
    tthc = [row[:-1] for row in tthc]
    assert tthc[0][-1] == "Đang giải quyết quá hạn"
    return write_grids(
        tmp_path / "defaults.xlsx",
        {
            "Thông tin": info_grid(),
            "Đơn thư": grid_from_dicts("Đơn thư", petitions),
            "Tiếp công dân": grid_from_dicts("Tiếp công dân", RECEPTIONS),
            "TTHC": tthc,
        },
    )


@pytest.fixture
def no_diacritics(tmp_path):
    """Diacritics must match: a sheet «Tiep cong dan» and a header «Ma don» are other words, not the template's."""
    petitions = grid_from_dicts("Đơn thư", PETITIONS)
    petitions[0][0] = "Ma don"
    return write_grids(
        tmp_path / "ascii.xlsx",
        {"Thông tin": info_grid(), "Đơn thư": petitions, "Tiep cong dan": grid_from_dicts("Tiếp công dân", RECEPTIONS)},
    )


@pytest.fixture
def missing_optional_sheet(tmp_path):
    """Only «Thông tin» and «TTHC»: the nine other sheets are absent (= nothing to report)."""
    return write_grids(tmp_path / "tthc_only.xlsx", {"Thông tin": info_grid(), "TTHC": grid_from_dicts("TTHC", TTHC)})


# --- the table: quirk fixture -> sheet -> typed rows, source rows, problems (severity, where, words) --------------

ABSENT_RETURNED = [
    ("warning", "TTHC!A1", ["«Trả lại, rút hồ sơ»", "= 0"])
]  # the optional column is absent: read as 0, said once

TEST_CASES_QUIRKS = [
    ("nfd_names", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    ("spaced_cased_names", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    ("reordered_columns", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    (
        "unknown_extra_column",
        "Đơn thư",
        PETITIONS_TYPED,
        [2, 3],
        [("warning", "Đơn thư!A1", ["STT"]), ("warning", "Đơn thư!M1", ["Số điện thoại", "bỏ qua"])],
    ),
    ("missing_required_column", "Đơn thư", None, None, [("error", "Đơn thư!A1", ["Loại đơn", "Thiếu cột"])]),
    ("title_rows", "Đơn thư", PETITIONS_TYPED, [5, 6], []),
    ("blank_rows_middle", "Đơn thư", PETITIONS_TYPED, [2, 5], []),
    ("only_headers", "TTHC", [], [], []),
    ("only_headers", "Đơn thư", [], [], []),
    ("trailing_empty_columns", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    ("totals_row", "TTHC", TTHC_TYPED, [2, 3], []),
    ("totals_row", "Tiếp công dân", RECEPTIONS_TYPED, [2], []),
    ("totals_row", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    (
        "text_counts",
        "TTHC",
        [
            {
                "field": "Đất đai",
                "carried_over": 1234,
                "received_online": 12,
                "received_offline": 4,
                "resolved_early": 0,
                "resolved_on_time": 1200,
                "resolved_late": 0,
                "pending_on_time": 50,
                "pending_overdue": 0,
                "returned": 0,
            }
        ],
        [2],
        [],
    ),
    ("day_first_text_dates", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    ("iso_text_dates", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    ("serial_dates", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    ("real_dates", "Đơn thư", PETITIONS_TYPED, [2, 3], []),
    (
        "choice_aliases",
        "Đơn thư",
        [
            {
                "case_id": "A1",
                "petition_type": "Khiếu nại",
                "field": "Đất đai",
                "in_jurisdiction": True,
                "complexity": "Phức tạp",
                "is_crowd": False,
                "result": None,
            },
            {
                "case_id": "A2",
                "petition_type": "Tố cáo",
                "field": "Đất đai",
                "in_jurisdiction": False,
                "complexity": "Đặc biệt phức tạp",
                "is_crowd": False,
                "result": None,
            },
            {
                "case_id": "A3",
                "petition_type": "Kiến nghị, phản ánh",
                "field": "Bồi thường, GPMB",
                "in_jurisdiction": True,
                "complexity": "Thường",
                "is_crowd": True,
                "result": None,
            },
            {
                "case_id": "A4",
                "petition_type": "Kiến nghị, phản ánh",
                "field": "Thuế, phí",
                "in_jurisdiction": True,
                "complexity": "Thường",
                "is_crowd": False,
                "result": "Chuyển, hướng dẫn",
            },
            {
                "case_id": "A5",
                "petition_type": "Kiến nghị, phản ánh",
                "field": "Đất đai",
                "in_jurisdiction": True,
                "complexity": "Thường",
                "is_crowd": False,
                "result": None,
            },
        ],
        [2, 3, 4, 5, 6],
        [],
    ),
    ("blank_defaults", "Đơn thư", [PETITIONS_TYPED[1]], [2], ABSENT_RETURNED),
    ("blank_defaults", "Tiếp công dân", RECEPTIONS_TYPED, [2], ABSENT_RETURNED),
    ("blank_defaults", "TTHC", [TTHC_TYPED[1]], [2], ABSENT_RETURNED),
    ("missing_optional_sheet", "TTHC", TTHC_TYPED, [2, 3], []),
    (
        "no_diacritics",
        "Đơn thư",
        None,
        None,
        [("error", "Đơn thư!A1", ["«Mã đơn»"]), ("warning", "Tiep cong dan", ["không có trong mẫu"])],
    ),
    (
        "no_diacritics",
        "Tiếp công dân",
        None,
        None,
        [("error", "Đơn thư!A1", ["«Mã đơn»"]), ("warning", "Tiep cong dan", ["không có trong mẫu"])],
    ),
]


@pytest.mark.parametrize(
    "quirk, sheet, expected, source_rows, problems",
    TEST_CASES_QUIRKS,
    ids=[f"{c[0]}-{c[1]}" for c in TEST_CASES_QUIRKS],
)
def test_quirk_reads_to_typed_rows(request, quirk, sheet, expected, source_rows, problems):
    path = request.getfixturevalue(quirk)
    parsed = parse(path)
    got = [(p.severity, unicodedata.normalize("NFC", p.where)) for p in parsed.errors]
    assert got == [(sev, where) for sev, where, _ in problems if sev == "error"], [str(p) for p in parsed.problems]
    for severity, where, words in problems:
        match = [p for p in parsed.problems if p.severity == severity and p.where == where]
        assert match, f"no {severity} at {where} in {[str(p) for p in parsed.problems]}"
        for word in words:
            assert word in match[0].message
        assert_vietnamese(match[0].message)
        assert match[0].file == path.name
    assert len(parsed.warnings) == sum(sev == "warning" for sev, _, _ in problems), [str(p) for p in parsed.warnings]
    assert parsed.unit_code == "NX03" and parsed.period.key == "2024-03"
    if expected is None:
        assert sheet not in parsed.tables
        return
    rows = parsed.tables[sheet]
    assert [r["source_row"] for r in rows] == source_rows
    assert [{k: r[k] for k in e} for r, e in zip(public(rows), expected)] == expected
    assert len(rows) == len(expected)


def test_missing_optional_sheets_are_nothing_to_report(missing_optional_sheet):
    parsed = parse(missing_optional_sheet)
    assert parsed.problems == []
    assert set(parsed.tables) == {"TTHC"}


def test_only_headers_is_nothing_to_report(only_headers):
    parsed = parse(only_headers)
    assert parsed.problems == []
    assert parsed.tables == {"TTHC": [], "Đơn thư": []}


def test_title_rows_shift_cell_references(title_rows):
    """Rows above the header are skipped but cell references still name the real Excel row."""
    rows = parse(title_rows).tables["Đơn thư"]
    assert rows[0]["_cells"]["case_id"] == "A5" and rows[1]["_cells"]["received_date"] == "B6"


def test_reordered_columns_cell_references_follow_the_file(reordered_columns):
    rows = parse(reordered_columns).tables["Đơn thư"]
    width = len(headers("Đơn thư"))
    assert rows[0]["_cells"]["case_id"] == f"{chr(64 + width)}2"  # «Mã đơn» is now the last column
    assert rows[0]["_cells"]["note"] == "A2"


def test_unknown_extra_column_values_are_not_loaded(unknown_extra_column):
    rows = parse(unknown_extra_column).tables["Đơn thư"]
    assert all("0912345678" not in map(str, r.values()) for r in rows)


def test_totals_row_is_not_loaded_but_a_middle_row_starting_with_tong_is_checked(tmp_path):
    """Only the final row is a totals row: a «Tổng…» row in the middle is data (here: its «Lĩnh vực» is unique, loaded)."""
    grid = grid_from_dicts("TTHC", [TTHC[0] | {"Lĩnh vực": "Tổng hợp khác"}, TTHC[1]])
    parsed = parse(write_grids(tmp_path / "mid.xlsx", {"Thông tin": info_grid(), "TTHC": grid}))
    assert [r["field"] for r in parsed.tables["TTHC"]] == ["Tổng hợp khác", "Chứng thực"]


# --- the same workbook as .xlsx, .xlsm, .xls and .ods -------------------------------------------------------------

FULL_BOOK = {
    "Thông tin": info_grid()
    + [["Người lập", "Lê Thị Hoa"], ["Ngày lập", date(2024, 4, 2)], ["Người duyệt", "Nguyễn Văn An"]],
    "TTHC": grid_from_dicts("TTHC", TTHC),
    "Đơn thư": grid_from_dicts(
        "Đơn thư",
        petitions_with_dates(date(2024, 3, 5), "6/3/2024", 45366)
        + [PETITIONS[1] | {"Mã đơn": "DT-03", "Loại đơn": "PAKN"}],
    ),
    "Tiếp công dân": grid_from_dicts("Tiếp công dân", RECEPTIONS),
    "Kỷ luật": grid_from_dicts(
        "Kỷ luật",
        [
            {
                "Số quyết định": "12/QĐ-UBND",
                "Ngày quyết định": date(2024, 3, 15),
                "Đối tượng": "Công chức",
                "Hành vi vi phạm": "Lãng phí",
                "Hình thức kỷ luật": "Khiển trách",
            }
        ],
    ),
    "Kế hoạch": grid_from_dicts(
        "Kế hoạch",
        [
            {"Mã nhiệm vụ": "II.1", "Nội dung": "Quán triệt", "Tiến độ": "Hoàn thành", "Tỷ lệ hoàn thành (%)": 100},
            {"Mã nhiệm vụ": "II.2", "Tiến độ": "Đang thực hiện", "Tỷ lệ hoàn thành (%)": 42.5},
        ],
    ),
    "Dân vận khéo": grid_from_dicts(
        "Dân vận khéo",
        [
            {
                "Tên mô hình": "Chung tay xây dựng nông thôn mới",
                "Năm công nhận": 2023,
                "Cấp công nhận": "Huyện",
                "Được khen thưởng": "Có",
            }
        ],
    ),
}


@pytest.fixture
def xlsx_book(tmp_path):
    return write_grids(tmp_path / "full.xlsx", FULL_BOOK)


@pytest.fixture
def xlsm_book(tmp_path):
    return write_grids(tmp_path / "full.xlsm", FULL_BOOK)


@pytest.fixture
def xls_book(tmp_path):
    path = write_grids(tmp_path / "full.xls", FULL_BOOK)
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # a real Excel 97-2003 file
    return path


@pytest.fixture
def ods_book(tmp_path):
    path = write_grids(tmp_path / "full.ods", FULL_BOOK)
    assert b"opendocument.spreadsheet" in path.read_bytes()[:200]
    return path


def _comparable(parsed):
    return (
        parsed.unit_code,
        parsed.period,
        parsed.info,
        parsed.tables,
        [(p.where, p.message, p.severity) for p in parsed.problems],
    )


def test_xlsx_reference_book_is_valid(xlsx_book):
    parsed = parse(xlsx_book)
    assert parsed.errors == []
    assert parsed.info["prepared_date"] == date(2024, 4, 2)
    assert [r["received_date"] for r in parsed.tables["Đơn thư"]] == [
        date(2024, 3, 5),
        date(2024, 3, 12),
        date(2024, 3, 12),
    ]
    assert [r["accepted_date"] for r in parsed.tables["Đơn thư"]][0] == date(2024, 3, 6)
    assert parsed.tables["Đơn thư"][0]["resolved_date"] == date(2024, 3, 15)


TEST_CASES_FORMATS = ["xlsm_book", "xls_book", "ods_book"]


@pytest.mark.parametrize("fmt", TEST_CASES_FORMATS)
def test_other_formats_read_to_the_same_typed_rows_as_xlsx(request, xlsx_book, fmt):
    other = parse(request.getfixturevalue(fmt))
    reference_book = parse(xlsx_book)
    assert set(other.tables) == set(FULL_BOOK) - {"Thông tin"}
    assert _comparable(other) == _comparable(reference_book)


# --- files that are not readable workbooks ------------------------------------------------------------------------


def _valid_xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.title = "Thông tin"
    for k, v in INFO.items():
        wb.active.append([k, v])
    wb.save(buf)
    return buf.getvalue()


VALID_XLSX = _valid_xlsx_bytes()
CSV_TEXT = ("Mã đơn;Ngày nhận;Loại đơn\nDT-01;05/03/2024;Khiếu nại\n").encode("utf-8")

TEST_CASES_UNREADABLE = [
    # (id, file name, content, words the one message must contain)
    (
        "random-bytes",
        "bao_cao.xlsx",
        bytes(random.Random(33).getrandbits(8) for _ in range(4096)),
        ["không phải bảng tính"],
    ),
    ("truncated-zip", "bao_cao.xlsx", VALID_XLSX[: len(VALID_XLSX) // 2], ["hỏng"]),
    ("zip-not-a-workbook", "bao_cao.xlsx", b"PK\x03\x04" + b"\x00" * 200, ["hỏng"]),
    ("csv-renamed-xlsx", "bao_cao.xlsx", CSV_TEXT, ["CSV"]),
    ("empty-file", "bao_cao.xlsx", b"", ["rỗng"]),
    ("txt-file", "bao_cao.txt", b"Bao cao thang 3", ["«.txt»", "không được nhận"]),
    ("csv-file", "bao_cao.csv", CSV_TEXT, ["«.csv»", "không được nhận"]),
    ("no-extension", "bao_cao", VALID_XLSX, ["không có đuôi"]),
    # an encrypted .xlsx is an OLE2 container holding an "EncryptedPackage" stream (named in UTF-16LE)
    (
        "password-protected",
        "bao_cao.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 120 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 480,
        ["mật khẩu"],
    ),
    ("ole2-garbage-named-xlsx", "bao_cao.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ["hỏng"]),
    ("xlsx-renamed-xls", "bao_cao.xls", VALID_XLSX, ["97-2003"]),
    ("html-renamed-xls", "bao_cao.xls", b"<html><table><tr><td>1</td></tr></table></html>", ["97-2003"]),
]
TEST_CASES_UNREADABLE_IDS = [c[0] for c in TEST_CASES_UNREADABLE]


def assert_one_message_naming(message: str, name: str, words: list[str]) -> None:
    assert message.startswith(f"{name}: "), message
    assert "\n" not in message
    assert_vietnamese(message)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize("case, name, data, words", TEST_CASES_UNREADABLE, ids=TEST_CASES_UNREADABLE_IDS)
def test_unreadable_file_raises_one_vietnamese_message(case, name, data, words):
    with pytest.raises(ReadError) as info:
        read_bytes(name, data)
    assert_one_message_naming(str(info.value), name, words)


def test_real_xls_named_xlsx_is_not_called_password_protected(tmp_path):
    """An Excel 97-2003 file renamed .xlsx (common in offices) is not encrypted: read it, or say what it is, never «mật khẩu»."""
    data = write_grids(tmp_path / "old.xls", {"Thông tin": info_grid()}).read_bytes()
    try:
        raw = read_bytes("bao_cao.xlsx", data)
    except ReadError as exc:
        assert_one_message_naming(str(exc), "bao_cao.xlsx", [])
        assert "mật khẩu" not in str(exc), str(exc)
    else:
        assert raw.sheets["Thông tin"][0] == ["Mã đơn vị", "NX03"]


def test_file_over_the_size_limit_raises_one_vietnamese_message(monkeypatch):
    monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", 1000)
    assert len(VALID_XLSX) > 1000
    with pytest.raises(ReadError) as info:
        read_bytes("bao_cao.xlsx", VALID_XLSX)
    assert_one_message_naming(str(info.value), "bao_cao.xlsx", ["quá lớn"])


def test_file_at_the_size_limit_is_read(monkeypatch):
    monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", len(VALID_XLSX))
    assert read_bytes("bao_cao.xlsx", VALID_XLSX).sheets["Thông tin"][0] == ["Mã đơn vị", "NX03"]


# --- unreadable files through the loader: rejected, database unchanged ------------------------------------------------


def archive_listing(db_path: Path) -> list[tuple[str, bytes]]:
    folder = config.archive_dir(db_path)
    return sorted((p.name, p.read_bytes()) for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory):
    """A database holding one valid workbook (built once, copied for each test)."""
    folder = tmp_path_factory.mktemp("seed")
    book = write_grids(folder / "valid.xlsx", FULL_BOOK)
    db_path = folder / "db" / "seed.duckdb"
    [result] = load_paths(db_path, [book])
    assert result.status == "loaded", [str(p) for p in result.problems]
    return db_path


@pytest.fixture
def seeded_db(seeded_template, db_file):
    db_file.parent.mkdir(parents=True)
    for suffix in ("", ".wal"):
        src = Path(str(seeded_template) + suffix)
        if src.exists():
            shutil.copy(src, str(db_file) + suffix)
    shutil.copytree(config.archive_dir(seeded_template), config.archive_dir(db_file))
    before = dump(db_file)
    assert before["tthc"] and before["petitions"] and before["reports"]
    return db_file


@pytest.mark.parametrize("case, name, data, words", TEST_CASES_UNREADABLE, ids=TEST_CASES_UNREADABLE_IDS)
def test_unreadable_file_is_rejected_by_load_paths_and_changes_nothing(seeded_db, tmp_path, case, name, data, words):
    before, archived = dump(seeded_db), archive_listing(seeded_db)
    path = tmp_path / "upload" / name
    path.parent.mkdir()
    path.write_bytes(data)
    [result] = load_paths(seeded_db, [path])
    assert result.status == "rejected"
    assert len(result.problems) == 1 and result.problems[0].severity == "error"
    assert_one_message_naming(result.problems[0].message, name, words)
    assert dump(seeded_db) == before
    assert archive_listing(seeded_db) == archived


def test_file_over_the_size_limit_is_rejected_by_load_bytes_and_changes_nothing(seeded_db, monkeypatch):
    before, archived = dump(seeded_db), archive_listing(seeded_db)
    monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", 1000)
    con = db.connect(seeded_db)
    try:
        result = load_bytes(con, "bao_cao.xlsx", VALID_XLSX, config.archive_dir(seeded_db))
    finally:
        con.close()
    assert result.status == "rejected"
    assert len(result.problems) == 1
    assert_one_message_naming(result.problems[0].message, "bao_cao.xlsx", ["quá lớn"])
    assert dump(seeded_db) == before
    assert archive_listing(seeded_db) == archived


@pytest.mark.parametrize("case, name, data, words", TEST_CASES_UNREADABLE[:5], ids=TEST_CASES_UNREADABLE_IDS[:5])
def test_unreadable_file_is_rejected_by_load_bytes(seeded_db, case, name, data, words):
    before = dump(seeded_db)
    con = db.connect(seeded_db)
    try:
        result = load_bytes(con, name, data, config.archive_dir(seeded_db))
    finally:
        con.close()
    assert result.status == "rejected" and result.unit_code is None and result.period is None
    assert [p.severity for p in result.problems] == ["error"]
    assert_one_message_naming(result.problems[0].message, name, words)
    assert dump(seeded_db) == before


def test_same_file_again_is_unchanged_and_changes_nothing(seeded_db):
    """Sanity for the rejection tests: the seeded database holds the valid workbook, and its archived copy loads as unchanged."""
    [archived] = [p for p in config.archive_dir(seeded_db).iterdir() if p.suffix == ".xlsx"]
    before = dump(seeded_db)
    assert before["reports"][0][:2] == ("NX03", "2024-03")
    assert len(before["petitions"]) == 3 and len(before["load_history"]) == 1
    [result] = load_paths(seeded_db, [archived])
    assert result.status == "unchanged" and result.period.key == "2024-03"
    assert dump(seeded_db) == before
