"""Validation rules of the workbook contract (shared/spec/workbook.md): every rule is a row of a TEST_CASES_* table,
checked for severity, the exact cell (`Problem.where`), a Vietnamese message that quotes what was found, and, for the
«Done when» list, rejection by etl.load.load_paths with the database left exactly as it was.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl import config, reference
from etl.load import load_paths
from etl.read import read_path
from etl.validate import validate
from tests._workbooks import dump
from tests.conftest import INFO, grid_from_dicts, headers, write_grids

UNITS = reference.units()
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
ENGLISH = re.compile(
    r"\b(error|invalid|must|expected|missing|cannot|unknown|column|row|duplicate|date|count|period)\b", re.IGNORECASE
)

# One valid row per sheet, unit NX03, period Tháng 3/2024 (INFO). Cases override single cells.
BASE = {
    "TTHC": {
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
    "Đơn thư": {
        "Mã đơn": "DT-01",
        "Ngày nhận": "05/03/2024",
        "Loại đơn": "Khiếu nại",
        "Lĩnh vực": "Đất đai",
        "Thuộc thẩm quyền": "Có",
        "Ngày thụ lý": "06/03/2024",
        "Mức độ": "Thường",
        "Đông người": "Không",
    },
    "Tiếp công dân": {
        "Ngày": "05/03/2024",
        "Hình thức": "Định kỳ",
        "Người chủ trì": "Chủ tịch",
        "Số lượt tiếp": 3,
        "Số người được tiếp": 4,
        "Số vụ việc": 2,
        "Số đoàn đông người": 0,
    },
    "Đối thoại": {
        "Ngày": "12/03/2024",
        "Chủ đề": "Đất đai, giải phóng mặt bằng",
        "Người chủ trì": "Chủ tịch",
        "Hình thức": "Trực tiếp",
        "Số người tham dự": 40,
        "Số ý kiến, kiến nghị": 6,
        "Số ý kiến đã trả lời, giải quyết": 5,
    },
    "Kỷ luật": {
        "Số quyết định": "12/QĐ-UBND",
        "Ngày quyết định": "15/03/2024",
        "Đối tượng": "Công chức",
        "Hành vi vi phạm": "Lãng phí",
        "Hình thức kỷ luật": "Khiển trách",
        "Nguồn phát hiện": "Kiểm tra công vụ",
    },
    "Kiểm tra công vụ": {
        "Ngày": "20/03/2024",
        "Nội dung": "Kiểm tra bộ phận một cửa",
        "Số cán bộ được kiểm tra": 8,
        "Số vi phạm phát hiện": 1,
    },
    "Tuyên truyền": {
        "Ngày": "08/03/2024",
        "Nội dung": "Phổ biến Chỉ thị 33/CT-TTg",
        "Hình thức": "Hội nghị",
        "Số người tham dự": 120,
    },
    "Giám sát, phản biện": {
        "Ngày": "25/03/2024",
        "Tổ chức chủ trì": "MTTQ",
        "Hình thức": "Giám sát",
        "Nội dung": "Giám sát một cửa",
        "Số kiến nghị": 4,
        "Số kiến nghị được tiếp thu": 3,
    },
    "Dân vận khéo": {
        "Tên mô hình": "Chung tay xây dựng nông thôn mới",
        "Lĩnh vực": "Nông thôn mới",
        "Năm công nhận": 2023,
        "Cấp công nhận": "Huyện",
        "Được khen thưởng": "Có",
    },
    "Kế hoạch": {
        "Mã nhiệm vụ": "II.1",
        "Nội dung": "Quán triệt, phổ biến",
        "Tiến độ": "Hoàn thành",
        "Tỷ lệ hoàn thành (%)": 100,
    },
}
X04_AUG_2025 = {"Mã đơn vị": "X04", "Tên đơn vị": "Xã Hóa Quỳ", "Loại kỳ": "Tháng", "Kỳ": 8, "Năm": 2025}
NX03_MAR_2025 = INFO | {"Năm": 2025}


def assert_vietnamese(message: str) -> None:
    assert VIETNAMESE.search(message), f"not Vietnamese: {message}"
    assert not ENGLISH.search(message), f"English words in: {message}"


def rows_of(sheet: str, overrides: list[dict]) -> list[dict]:
    return [BASE[sheet] | o for o in overrides]


@pytest.fixture
def check(make_book):
    """check(info, {sheet: rows or grid}, units) -> (Parsed, file name) of a real .xlsx written with those sheets."""

    def run(info: dict | None = None, sheets: dict | None = None, units: reference.Units | None = None):
        path = make_book(info=info, sheets=sheets)
        return validate(read_path(path), units or UNITS), path.name

    return run


def assert_problem(parsed, file_name: str, where: str, severity: str, words: list[str]) -> None:
    """Exactly this error (and no other), or this warning and no error; its message is Vietnamese and quotes `words`."""
    shown = [str(p) for p in parsed.problems]
    if severity == "error":
        assert [(p.where, p.severity) for p in parsed.errors] == [(where, "error")], shown
    else:
        assert parsed.errors == [], shown
    [problem] = [p for p in parsed.problems if p.where == where and p.severity == severity] or [None]
    assert problem is not None, shown
    assert problem.file == file_name and file_name in str(problem)
    assert_vietnamese(problem.message)
    for word in words:
        assert word in problem.message, f"{word!r} not in {problem.message!r}"


# --- cell rules of the register and TTHC sheets -------------------------------------------------------------------

TEST_CASES_CELL_RULES = [
    # (id, info, sheet, row overrides, where, severity, words the message must quote)
    (
        "tthc-row-identity",
        None,
        "TTHC",
        [{"Giải quyết đúng hạn": 8}],
        "TTHC!B2:J2",
        "error",
        ["Hộ tịch", "2 + 10 + 5 = 17", "3 + 8 + 1 + 2 + 1 + 1 = 16", "chênh 1"],
    ),
    (
        "tthc-row-identity-no-returned-column",
        None,
        "TTHC",
        [[h for h in headers("TTHC") if h != "Trả lại, rút hồ sơ"], ["Chứng thực", 0, 20, 30, 40, 10, 0, 0, 1]],
        "TTHC!B2:I2",
        "error",
        ["Chứng thực", "0 + 20 + 30 = 50", "= 51", "chênh 1"],
    ),
    (
        "date-outside-period-tiep-cong-dan",
        None,
        "Tiếp công dân",
        [{"Ngày": "05/04/2024"}],
        "Tiếp công dân!A2",
        "error",
        ["05/04/2024", "Tháng 3/2024", "01/03/2024", "31/03/2024"],
    ),
    (
        "date-outside-period-doi-thoai",
        None,
        "Đối thoại",
        [{"Ngày": "29/02/2024"}],
        "Đối thoại!A2",
        "error",
        ["29/02/2024", "Tháng 3/2024"],
    ),
    (
        "date-outside-period-ky-luat",
        None,
        "Kỷ luật",
        [{"Ngày quyết định": "01/04/2024"}],
        "Kỷ luật!B2",
        "error",
        ["01/04/2024", "Tháng 3/2024"],
    ),
    (
        "date-outside-period-kiem-tra",
        None,
        "Kiểm tra công vụ",
        [{"Ngày": "31/12/2023"}],
        "Kiểm tra công vụ!A2",
        "error",
        ["31/12/2023"],
    ),
    (
        "date-outside-period-tuyen-truyen",
        None,
        "Tuyên truyền",
        [{"Ngày": "2024-04-01"}],
        "Tuyên truyền!A2",
        "error",
        ["01/04/2024"],
    ),
    (
        "date-outside-period-giam-sat",
        None,
        "Giám sát, phản biện",
        [{"Ngày": "15/05/2024"}],
        "Giám sát, phản biện!A2",
        "error",
        ["15/05/2024"],
    ),
    (
        "month-first-date-tiep-cong-dan",
        None,
        "Tiếp công dân",
        [{"Ngày": "03/15/2024"}],
        "Tiếp công dân!A2",
        "error",
        ["03/15/2024", "dd/mm/yyyy"],
    ),
    (
        "month-first-date-don-thu",
        None,
        "Đơn thư",
        [{"Ngày nhận": "03/15/2024", "Ngày thụ lý": ""}],
        "Đơn thư!B2",
        "error",
        ["03/15/2024", "ngày ghi trước, tháng ghi sau"],
    ),
    ("impossible-date", None, "Kỷ luật", [{"Ngày quyết định": "31/02/2024"}], "Kỷ luật!B2", "error", ["31/02/2024"]),
    (
        "text-in-date",
        None,
        "Kiểm tra công vụ",
        [{"Ngày": "giữa tháng"}],
        "Kiểm tra công vụ!A2",
        "error",
        ["giữa tháng", "không phải ngày"],
    ),
    (
        "count-decimal-comma",
        None,
        "Tiếp công dân",
        [{"Số lượt tiếp": "1,5"}],
        "Tiếp công dân!D2",
        "error",
        ["«1,5»", "Số lượt tiếp"],
    ),
    ("count-negative-text", None, "Tiếp công dân", [{"Số lượt tiếp": "-3"}], "Tiếp công dân!D2", "error", ["«-3»"]),
    (
        "count-negative-number",
        None,
        "Tiếp công dân",
        [{"Số người được tiếp": -3}],
        "Tiếp công dân!E2",
        "error",
        ["«-3»", "Số người được tiếp"],
    ),
    (
        "count-letters",
        None,
        "Tiếp công dân",
        [{"Số vụ việc": "abc"}],
        "Tiếp công dân!F2",
        "error",
        ["«abc»", "số nguyên"],
    ),
    (
        "count-decimal-dot-text",
        None,
        "Tiếp công dân",
        [{"Số lượt tiếp": "12.5"}],
        "Tiếp công dân!D2",
        "error",
        ["«12.5»"],
    ),
    (
        "count-decimal-number",
        None,
        "TTHC",
        [{"Tiếp nhận trực tuyến": 12.5}],
        "TTHC!C2",
        "error",
        ["«12.5»", "Tiếp nhận trực tuyến"],
    ),
    ("count-decimal-comma-tthc", None, "TTHC", [{"Kỳ trước chuyển qua": "1,5"}], "TTHC!B2", "error", ["«1,5»"]),
    (
        "count-empty-no-default-tiep-cong-dan",
        None,
        "Tiếp công dân",
        [{"Số lượt tiếp": ""}],
        "Tiếp công dân!D2",
        "error",
        ["Số lượt tiếp", "chưa ghi"],
    ),
    (
        "count-empty-no-default-tthc",
        None,
        "TTHC",
        [{"Giải quyết quá hạn": " "}],
        "TTHC!G2",
        "error",
        ["Giải quyết quá hạn", "chưa ghi"],
    ),
    (
        "count-empty-no-default-giam-sat",
        None,
        "Giám sát, phản biện",
        [{"Số kiến nghị": ""}],
        "Giám sát, phản biện!E2",
        "error",
        ["Số kiến nghị"],
    ),
    (
        "unknown-choice-loai-don",
        None,
        "Đơn thư",
        [{"Loại đơn": "Khiếu kiện"}],
        "Đơn thư!C2",
        "error",
        ["«Khiếu kiện»", "«Khiếu nại»"],
    ),
    (
        "unknown-choice-hinh-thuc",
        None,
        "Tiếp công dân",
        [{"Hình thức": "Hàng tuần"}],
        "Tiếp công dân!B2",
        "error",
        ["«Hàng tuần»", "«Định kỳ»"],
    ),
    (
        "unknown-choice-chu-tri",
        None,
        "Tiếp công dân",
        [{"Người chủ trì": "Trưởng thôn"}],
        "Tiếp công dân!C2",
        "error",
        ["«Trưởng thôn»"],
    ),
    (
        "unknown-choice-doi-tuong",
        None,
        "Kỷ luật",
        [{"Đối tượng": "Cán bộ thôn"}],
        "Kỷ luật!C2",
        "error",
        ["«Cán bộ thôn»", "«Viên chức»"],
    ),
    (
        "unknown-choice-missing-diacritics",
        None,
        "Đơn thư",
        [{"Lĩnh vực": "Dat dai"}],
        "Đơn thư!D2",
        "error",
        ["«Dat dai»"],
    ),
    (
        "choice-required-blank",
        None,
        "Đơn thư",
        [{"Thuộc thẩm quyền": ""}],
        "Đơn thư!E2",
        "error",
        ["Thuộc thẩm quyền", "chưa ghi"],
    ),
    (
        "duplicate-ma-don",
        None,
        "Đơn thư",
        [{}, {"Ngày nhận": "07/03/2024", "Ngày thụ lý": ""}],
        "Đơn thư!A3",
        "error",
        ["DT-01", "trùng", "hàng 2"],
    ),
    (
        "duplicate-so-quyet-dinh",
        None,
        "Kỷ luật",
        [{}, {"Đối tượng": "Viên chức"}],
        "Kỷ luật!A3",
        "error",
        ["12/QĐ-UBND", "trùng", "hàng 2"],
    ),
    (
        "thu-ly-before-nhan",
        None,
        "Đơn thư",
        [{"Ngày nhận": "10/03/2024", "Ngày thụ lý": "08/03/2024"}],
        "Đơn thư!F2",
        "error",
        ["08/03/2024", "10/03/2024", "thụ lý"],
    ),
    (
        "giai-quyet-before-thu-ly",
        None,
        "Đơn thư",
        [{"Ngày thụ lý": "10/03/2024", "Ngày giải quyết": "09/03/2024", "Kết quả": "Đúng"}],
        "Đơn thư!H2",
        "error",
        ["09/03/2024", "10/03/2024", "thụ lý"],
    ),
    (
        "giai-quyet-before-nhan-not-accepted",
        None,
        "Đơn thư",
        [{"Ngày thụ lý": "", "Ngày giải quyết": "04/03/2024", "Kết quả": "Rút đơn"}],
        "Đơn thư!H2",
        "error",
        ["04/03/2024", "05/03/2024"],
    ),
    (
        "giai-quyet-without-ket-qua",
        None,
        "Đơn thư",
        [{"Ngày giải quyết": "20/03/2024"}],
        "Đơn thư!I2",
        "error",
        ["Kết quả", "ngày giải quyết"],
    ),
    (
        "don-thu-received-after-period",
        None,
        "Đơn thư",
        [{"Ngày nhận": "02/04/2024", "Ngày thụ lý": ""}],
        "Đơn thư!B2",
        "error",
        ["02/04/2024", "31/03/2024"],
    ),
    (
        "don-thu-accepted-after-period",
        None,
        "Đơn thư",
        [{"Ngày thụ lý": "01/04/2024"}],
        "Đơn thư!F2",
        "error",
        ["01/04/2024", "31/03/2024"],
    ),
    (
        "don-thu-resolved-after-period",
        None,
        "Đơn thư",
        [{"Ngày giải quyết": "05/04/2024", "Kết quả": "Đúng"}],
        "Đơn thư!H2",
        "error",
        ["05/04/2024", "31/03/2024"],
    ),
    (
        "don-thu-resolved-before-period",
        None,
        "Đơn thư",
        [{"Ngày nhận": "10/01/2024", "Ngày thụ lý": "12/01/2024", "Ngày giải quyết": "20/02/2024", "Kết quả": "Đúng"}],
        "Đơn thư!H2",
        "warning",
        ["20/02/2024", "Tháng 3/2024"],
    ),
    (
        "doi-thoai-answered-more-than-raised",
        None,
        "Đối thoại",
        [{"Số ý kiến, kiến nghị": 3, "Số ý kiến đã trả lời, giải quyết": 5}],
        "Đối thoại!G2",
        "error",
        ["(5)", "(3)"],
    ),
    (
        "kiem-tra-violations-more-than-checked",
        None,
        "Kiểm tra công vụ",
        [{"Số cán bộ được kiểm tra": 4, "Số vi phạm phát hiện": 7}],
        "Kiểm tra công vụ!D2",
        "error",
        ["(7)", "(4)"],
    ),
    (
        "giam-sat-accepted-more-than-recommended",
        None,
        "Giám sát, phản biện",
        [{"Số kiến nghị": 2, "Số kiến nghị được tiếp thu": 3}],
        "Giám sát, phản biện!F2",
        "error",
        ["(3)", "(2)"],
    ),
    (
        "ke-hoach-done-below-100",
        None,
        "Kế hoạch",
        [{"Tiến độ": "Hoàn thành", "Tỷ lệ hoàn thành (%)": 90}],
        "Kế hoạch!D2",
        "error",
        ["Hoàn thành", "90"],
    ),
    (
        "ke-hoach-done-below-100-text",
        None,
        "Kế hoạch",
        [{"Tiến độ": "hoàn thành", "Tỷ lệ hoàn thành (%)": "99,5%"}],
        "Kế hoạch!D2",
        "error",
        ["99.5"],
    ),
    (
        "ke-hoach-percent-over-100",
        None,
        "Kế hoạch",
        [{"Tỷ lệ hoàn thành (%)": 120}],
        "Kế hoạch!D2",
        "error",
        ["«120»", "100"],
    ),
    (
        "dan-van-kheo-bad-year",
        None,
        "Dân vận khéo",
        [{"Năm công nhận": "năm ngoái"}],
        "Dân vận khéo!C2",
        "error",
        ["«năm ngoái»"],
    ),
    (
        "discipline-form-by-law",
        X04_AUG_2025,
        "Kỷ luật",
        [{"Ngày quyết định": "15/08/2025", "Hình thức kỷ luật": "Hạ bậc lương"}],
        "Kỷ luật!E2",
        "error",
        ["Hạ bậc lương", "15/08/2025"],
    ),
]


@pytest.mark.parametrize(
    "case, info, sheet, overrides, where, severity, words",
    TEST_CASES_CELL_RULES,
    ids=[c[0] for c in TEST_CASES_CELL_RULES],
)
def test_cell_rule(check, case, info, sheet, overrides, where, severity, words):
    rows = overrides if overrides and isinstance(overrides[0], list) else rows_of(sheet, overrides)
    parsed, name = check(info, {sheet: rows})
    assert_problem(parsed, name, where, severity, words)


TEST_CASES_ACCEPTED = [
    # (id, info, sheet, row overrides): the boundary next to each rule, which must give no problem at all
    ("tthc-balanced", None, "TTHC", [{}]),
    ("dates-on-period-bounds", None, "Tiếp công dân", [{"Ngày": "01/03/2024"}, {"Ngày": "31/03/2024"}]),
    (
        "same-day-received-accepted-resolved",
        None,
        "Đơn thư",
        [{"Ngày thụ lý": "05/03/2024", "Ngày giải quyết": "05/03/2024", "Kết quả": "Đúng một phần"}],
    ),
    (
        "case-received-before-period-still-open",
        None,
        "Đơn thư",
        [{"Ngày nhận": "10/11/2023", "Ngày thụ lý": "15/11/2023"}],
    ),
    ("answered-equals-raised", None, "Đối thoại", [{"Số ý kiến, kiến nghị": 5, "Số ý kiến đã trả lời, giải quyết": 5}]),
    ("violations-equal-checked", None, "Kiểm tra công vụ", [{"Số cán bộ được kiểm tra": 3, "Số vi phạm phát hiện": 3}]),
    (
        "accepted-equals-recommended",
        None,
        "Giám sát, phản biện",
        [{"Số kiến nghị": 4, "Số kiến nghị được tiếp thu": 4}],
    ),
    ("in-progress-below-100", None, "Kế hoạch", [{"Tiến độ": "Đang thực hiện", "Tỷ lệ hoàn thành (%)": 40}]),
    ("done-without-percent", None, "Kế hoạch", [{"Tiến độ": "Hoàn thành", "Tỷ lệ hoàn thành (%)": ""}]),
    ("outreach-participants-blank", None, "Tuyên truyền", [{"Số người tham dự": ""}]),
    ("distinct-ma-don", None, "Đơn thư", [{}, {"Mã đơn": "DT-02"}]),
]


@pytest.mark.parametrize("case, info, sheet, overrides", TEST_CASES_ACCEPTED, ids=[c[0] for c in TEST_CASES_ACCEPTED])
def test_boundary_is_accepted(check, case, info, sheet, overrides):
    parsed, _ = check(info, {sheet: rows_of(sheet, overrides)})
    assert parsed.problems == [], [str(p) for p in parsed.problems]
    assert len(parsed.tables[sheet]) == len(overrides)


def test_case_resolved_before_period_is_still_in_the_typed_rows(check):
    parsed, _ = check(
        None,
        {
            "Đơn thư": rows_of(
                "Đơn thư",
                [
                    {
                        "Ngày nhận": "10/01/2024",
                        "Ngày thụ lý": "12/01/2024",
                        "Ngày giải quyết": "20/02/2024",
                        "Kết quả": "Đúng",
                    },
                    {"Mã đơn": "DT-02"},
                ],
            )
        },
    )
    assert [p.severity for p in parsed.problems] == ["warning"]
    assert [(r["case_id"], r["resolved_date"], r["result"]) for r in parsed.tables["Đơn thư"]] == [
        ("DT-01", date(2024, 2, 20), "Đúng"),
        ("DT-02", None, None),
    ]


# --- discipline forms by subject and decision date (NĐ 112/2020 until 30/6/2025, NĐ 172/2025 from 1/7/2025) --------

FORMS = ("Khiển trách", "Cảnh cáo", "Hạ bậc lương", "Giáng chức", "Cách chức", "Buộc thôi việc", "Bãi nhiệm")
AUG_2025, MAR_2025 = "15/08/2025", "15/03/2025"
PERIOD_OF = {
    AUG_2025: X04_AUG_2025,
    MAR_2025: NX03_MAR_2025,
    "30/06/2025": INFO | {"Kỳ": 6, "Năm": 2025},
    "01/07/2025": X04_AUG_2025 | {"Kỳ": 7},
}

TEST_CASES_DISCIPLINE_FORMS = [
    # (subject, form, decided on, allowed, words of the error)
    ("Công chức", "Hạ bậc lương", AUG_2025, False, ["«Hạ bậc lương»", "công chức", "15/08/2025", "NĐ 172/2025"]),
    ("Công chức", "Giáng chức", AUG_2025, False, ["«Giáng chức»", "15/08/2025", "NĐ 172/2025"]),
    ("Công chức", "Hạ bậc lương", "01/07/2025", False, ["01/07/2025", "NĐ 172/2025"]),
    ("Công chức", "Hạ bậc lương", "30/06/2025", True, []),
    ("Công chức", "Hạ bậc lương", MAR_2025, True, []),
    ("Công chức", "Giáng chức", MAR_2025, True, []),
    ("Công chức", "Bãi nhiệm", MAR_2025, False, ["«Bãi nhiệm»", "công chức", "NĐ 112/2020"]),
    ("Công chức", "Bãi nhiệm", AUG_2025, False, ["«Bãi nhiệm»", "NĐ 172/2025"]),
    ("Công chức", "Khiển trách", AUG_2025, True, []),
    ("Công chức", "Buộc thôi việc", AUG_2025, True, []),
    ("Cán bộ", "Hạ bậc lương", MAR_2025, False, ["«Hạ bậc lương»", "cán bộ", "NĐ 112/2020"]),
    ("Cán bộ", "Hạ bậc lương", AUG_2025, False, ["«Hạ bậc lương»", "cán bộ"]),
    ("Cán bộ", "Giáng chức", MAR_2025, False, ["«Giáng chức»"]),
    ("Cán bộ", "Bãi nhiệm", AUG_2025, True, []),
] + [
    (subject, form, on, True, [])
    for subject in ("Viên chức", "Người hoạt động không chuyên trách", "Khác")
    for form in FORMS
    for on in (MAR_2025, AUG_2025)
]


@pytest.mark.parametrize(
    "subject, form, on, allowed, words",
    TEST_CASES_DISCIPLINE_FORMS,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in TEST_CASES_DISCIPLINE_FORMS],
)
def test_discipline_form_allowed_by_subject_and_date(check, subject, form, on, allowed, words):
    row = {"Ngày quyết định": on, "Đối tượng": subject, "Hình thức kỷ luật": form}
    parsed, name = check(PERIOD_OF[on], {"Kỷ luật": rows_of("Kỷ luật", [row])})
    if allowed:
        assert parsed.problems == [], [str(p) for p in parsed.problems]
        assert [(r["subject"], r["form"]) for r in parsed.tables["Kỷ luật"]] == [(subject, form)]
    else:
        assert_problem(parsed, name, "Kỷ luật!E2", "error", words)


# --- a column with personal names in «Kỷ luật» ----------------------------------------------------------------------

TEST_CASES_NAME_COLUMNS = [
    # (header typed by the office, position (0 = first column, None = appended), where)
    ("Họ tên", None, "Kỷ luật!G1"),
    ("Họ và tên", None, "Kỷ luật!G1"),
    ("Tên cán bộ", None, "Kỷ luật!G1"),
    ("Họ tên", 0, "Kỷ luật!A1"),
    ("  HỌ  VÀ TÊN ", 2, "Kỷ luật!C1"),
    (unicodedata.normalize("NFD", "Tên cán bộ"), None, "Kỷ luật!G1"),
]


@pytest.mark.parametrize(
    "header, position, where", TEST_CASES_NAME_COLUMNS, ids=[f"{c[0].strip()}@{c[2]}" for c in TEST_CASES_NAME_COLUMNS]
)
def test_personal_name_column_in_discipline_is_refused_at_the_header_cell(check, header, position, where):
    grid = grid_from_dicts("Kỷ luật", rows_of("Kỷ luật", [{}]))
    at = len(grid[0]) if position is None else position
    grid = [row[:at] + [value] + row[at:] for row, value in zip(grid, [header, "Nguyễn Văn A"])]
    parsed, name = check(None, {"Kỷ luật": grid})
    assert_problem(parsed, name, where, "error", [header, "họ tên", "xóa cột"])
    assert "Kỷ luật" not in parsed.tables  # nothing of that sheet is kept, let alone the names


# --- «Thông tin»: unit and period ------------------------------------------------------------------------------------

TEST_CASES_INFO = [
    # (id, info, where, severity, words)
    ("unknown-unit-code", INFO | {"Mã đơn vị": "ZZ99"}, "Thông tin!B1", "error", ["«ZZ99»", "danh mục"]),
    (
        "group-code-not-commune",
        INFO | {"Mã đơn vị": "NX"},
        "Thông tin!B1",
        "error",
        ["Huyện Như Xuân", "(NX)", "cấp xã"],
    ),
    ("province-code-as-number", INFO | {"Mã đơn vị": 38}, "Thông tin!B1", "error", ["(38)", "Tỉnh Thanh Hóa"]),
    ("unit-code-blank", INFO | {"Mã đơn vị": ""}, "Thông tin!B1", "error", ["Mã đơn vị"]),
    ("month-out-of-range", INFO | {"Kỳ": 13}, "Thông tin!B4", "error", ["13", "1 đến 12"]),
    ("month-zero", INFO | {"Kỳ": 0}, "Thông tin!B4", "error", ["Kỳ", "1 đến 12"]),
    ("quarter-out-of-range", INFO | {"Loại kỳ": "Quý", "Kỳ": 5}, "Thông tin!B4", "error", ["5", "1 đến 4"]),
    ("half-out-of-range", INFO | {"Loại kỳ": "6 tháng", "Kỳ": 3}, "Thông tin!B4", "error", ["3", "1 đến 2"]),
    ("month-missing", INFO | {"Kỳ": ""}, "Thông tin!B4", "error", ["Kỳ", "Tháng"]),
    ("unknown-period-type", INFO | {"Loại kỳ": "Tuần"}, "Thông tin!B3", "error", ["«Tuần»", "«Quý»"]),
    ("year-missing", INFO | {"Năm": ""}, "Thông tin!B5", "error", ["Năm"]),
    ("year-two-digits", INFO | {"Năm": 24}, "Thông tin!B5", "error", ["«24»"]),
    (
        "merged-away-unit-q3",
        INFO | {"Loại kỳ": "Quý", "Kỳ": 3, "Năm": 2025},
        "Thông tin!B3",
        "error",
        ["NX03", "Quý III/2025", "2025Q3", "30/06/2025", "Xã Hóa Quỳ (X04)"],
    ),
    (
        "merged-away-unit-year",
        INFO | {"Loại kỳ": "Năm", "Kỳ": "", "Năm": 2025},
        "Thông tin!B3",
        "error",
        ["NX03", "Năm 2025", "30/06/2025", "X04"],
    ),
    (
        "merged-away-unit-nine-months",
        INFO | {"Loại kỳ": "9 tháng", "Kỳ": "", "Năm": 2025},
        "Thông tin!B3",
        "error",
        ["9 tháng năm 2025", "30/06/2025"],
    ),
    (
        "new-unit-whole-year-2025",
        {"Mã đơn vị": "X04", "Tên đơn vị": "Xã Hóa Quỳ", "Loại kỳ": "Năm", "Kỳ": "", "Năm": 2025},
        "Thông tin!B3",
        "error",
        ["X04", "Năm 2025", "01/07/2025"],
    ),
    (
        "new-unit-first-half-2025",
        {"Mã đơn vị": "X04", "Tên đơn vị": "Xã Hóa Quỳ", "Loại kỳ": "6 tháng", "Kỳ": 1, "Năm": 2025},
        "Thông tin!B3",
        "error",
        ["X04", "6 tháng đầu năm 2025", "01/07/2025"],
    ),
    (
        "unit-name-mismatch",
        INFO | {"Tên đơn vị": "Xã Bình Minh"},
        "Thông tin!B2",
        "warning",
        ["«Xã Bình Minh»", "«Xã Bình Lương»", "NX03"],
    ),
]


@pytest.mark.parametrize("case, info, where, severity, words", TEST_CASES_INFO, ids=[c[0] for c in TEST_CASES_INFO])
def test_info_rule(check, case, info, where, severity, words):
    parsed, name = check(info, {"TTHC": rows_of("TTHC", [{}])})
    assert_problem(parsed, name, where, severity, words)
    if case == "province-code-as-number":
        assert "38.0" not in parsed.errors[0].message


def test_period_number_not_a_number_is_reported_at_its_cell(check):
    """«Quý III» typed as a Roman numeral: an error at B4 quoting «III» (a second, follow-on error at B4 is tolerated)."""
    parsed, _ = check(INFO | {"Loại kỳ": "Quý", "Kỳ": "III"}, {})
    assert parsed.errors and {p.where for p in parsed.errors} == {"Thông tin!B4"}
    assert "«III»" in parsed.errors[0].message and parsed.period is None
    assert_vietnamese(parsed.errors[0].message)


CUSTOM_UNITS = reference.Units([reference.Unit("16114", "Xã Tân Lập", "xa", None, date(2020, 1, 1), None, None, False)])

TEST_CASES_INFO_OK = [
    # (id, info, units, unit code, period key)
    (
        "new-unit-second-half-2025",
        {"Mã đơn vị": "X04", "Tên đơn vị": "Xã Hóa Quỳ", "Loại kỳ": "6 tháng", "Kỳ": 2, "Năm": 2025},
        None,
        "X04",
        "2025H2",
    ),
    (
        "new-unit-q3-2025",
        {"Mã đơn vị": "X04", "Tên đơn vị": "Xã Hóa Quỳ", "Loại kỳ": "Quý", "Kỳ": 3, "Năm": 2025},
        None,
        "X04",
        "2025Q3",
    ),
    ("old-unit-first-half-2025", INFO | {"Loại kỳ": "6 tháng", "Kỳ": 1, "Năm": 2025}, None, "NX03", "2025H1"),
    ("old-unit-june-2025", INFO | {"Kỳ": 6, "Năm": 2025}, None, "NX03", "2025-06"),
    ("nine-months-no-number", INFO | {"Loại kỳ": "9 tháng", "Kỳ": "", "Năm": 2024}, None, "NX03", "2024M9"),
    ("period-as-text", INFO | {"Loại kỳ": " quý ", "Kỳ": "1", "Năm": "2024"}, None, "NX03", "2024Q1"),
    ("unit-name-other-case", INFO | {"Tên đơn vị": "xã  BÌNH LƯƠNG"}, None, "NX03", "2024-03"),
    ("unit-name-absent", INFO | {"Tên đơn vị": None}, None, "NX03", "2024-03"),
    (
        "numeric-unit-code-as-number",
        INFO | {"Mã đơn vị": 16114, "Tên đơn vị": "Xã Tân Lập"},
        CUSTOM_UNITS,
        "16114",
        "2024-03",
    ),
    (
        "numeric-unit-code-as-text",
        INFO | {"Mã đơn vị": " 16114 ", "Tên đơn vị": "Xã Tân Lập"},
        CUSTOM_UNITS,
        "16114",
        "2024-03",
    ),
]


@pytest.mark.parametrize("case, info, units, code, key", TEST_CASES_INFO_OK, ids=[c[0] for c in TEST_CASES_INFO_OK])
def test_info_accepted(check, case, info, units, code, key):
    parsed, _ = check(info, {}, units)
    assert parsed.problems == [], [str(p) for p in parsed.problems]
    assert (parsed.unit_code, parsed.period.key) == (code, key)


def test_missing_info_sheet_is_an_error_naming_the_sheet(tmp_path):
    path = write_grids(tmp_path / "no_info.xlsx", {"TTHC": grid_from_dicts("TTHC", rows_of("TTHC", [{}]))})
    parsed = validate(read_path(path), UNITS)
    assert [(p.where, p.severity) for p in parsed.problems] == [("Thông tin", "error")]
    assert "«Thông tin»" in parsed.problems[0].message and parsed.problems[0].file == "no_info.xlsx"
    assert_vietnamese(parsed.problems[0].message)
    assert parsed.unit_code is None and parsed.period is None


# --- all problems of a file at once ----------------------------------------------------------------------------------


def test_all_problems_of_a_file_are_reported_at_once(check):
    sheets = {
        "TTHC": rows_of("TTHC", [{"Giải quyết trước hạn": 4}]),
        "Đơn thư": rows_of(
            "Đơn thư", [{"Ngày nhận": "03/15/2024", "Ngày thụ lý": ""}, {"Mã đơn": "DT-02", "Loại đơn": "Khiếu kiện"}]
        ),
        "Kỷ luật": rows_of(
            "Kỷ luật",
            [{"Hình thức kỷ luật": "Bãi nhiệm"}, {"Số quyết định": "13/QĐ-UBND", "Ngày quyết định": "02/04/2024"}],
        ),
    }
    parsed, name = check(None, sheets)
    assert sorted(p.where for p in parsed.errors) == sorted(
        ["TTHC!B2:J2", "Đơn thư!B2", "Đơn thư!C3", "Kỷ luật!E2", "Kỷ luật!B3"]
    ), [str(p) for p in parsed.problems]
    assert len({p.message for p in parsed.errors}) == 5 and all(p.file == name for p in parsed.errors)


def test_several_problems_in_one_row_are_all_reported(check):
    parsed, _ = check(
        None, {"Tiếp công dân": rows_of("Tiếp công dân", [{"Hình thức": "?", "Số lượt tiếp": "1,5", "Số vụ việc": -1}])}
    )
    assert [p.where for p in parsed.errors] == ["Tiếp công dân!B2", "Tiếp công dân!D2", "Tiếp công dân!F2"]


# --- «Done when»: each rejection through load_paths into a database holding one valid workbook ---------------------


def valid_book(**changes) -> dict:
    """Grids of a complete valid workbook (every sheet), with `changes` = {sheet: rows or grid} replacing whole sheets."""
    sheets = {name: [row] for name, row in BASE.items()} | changes
    return {"Thông tin": [[k, v] for k, v in sheets.pop("Thông tin", INFO).items()]} | {
        name: rows if rows and isinstance(rows[0], list) else grid_from_dicts(name, rows)
        for name, rows in sheets.items()
    }


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    [result] = load_paths(folder / "db" / "seed.duckdb", [write_grids(folder / "seed.xlsx", valid_book())])
    assert result.status == "loaded" and result.errors == [], [str(p) for p in result.problems]
    assert set(result.rows) == set(BASE)
    return folder / "db" / "seed.duckdb"


@pytest.fixture
def seeded_db(seeded_template, db_file):
    """A copy of a database (and its archive) that already holds one valid workbook."""
    db_file.parent.mkdir(parents=True)
    for suffix in ("", ".wal"):
        if Path(str(seeded_template) + suffix).exists():
            shutil.copy(str(seeded_template) + suffix, str(db_file) + suffix)
    shutil.copytree(config.archive_dir(seeded_template), config.archive_dir(db_file))
    return db_file


def kyluat_with_column(header: str) -> list[list]:
    grid = grid_from_dicts("Kỷ luật", [BASE["Kỷ luật"]])
    return [grid[0] + [header], grid[1] + ["Nguyễn Văn A"]]


TEST_CASES_REJECTED = [
    # (id, file name, workbook grids or raw bytes, where, words of that problem's message)
    (
        "tthc-row-identity",
        "tthc.xlsx",
        valid_book(TTHC=rows_of("TTHC", [{"Giải quyết đúng hạn": 8}])),
        "TTHC!B2:J2",
        ["chênh 1"],
    ),
    (
        "date-outside-period",
        "ngoai_ky.xlsx",
        valid_book(**{"Tiếp công dân": rows_of("Tiếp công dân", [{"Ngày": "05/04/2024"}])}),
        "Tiếp công dân!A2",
        ["05/04/2024"],
    ),
    (
        "month-first-date",
        "md.xlsx",
        valid_book(**{"Đơn thư": rows_of("Đơn thư", [{"Ngày nhận": "03/15/2024", "Ngày thụ lý": ""}])}),
        "Đơn thư!B2",
        ["03/15/2024"],
    ),
    (
        "decimal-comma-count",
        "so.xlsx",
        valid_book(**{"Tiếp công dân": rows_of("Tiếp công dân", [{"Số lượt tiếp": "1,5"}])}),
        "Tiếp công dân!D2",
        ["«1,5»"],
    ),
    (
        "unknown-choice",
        "chon.xlsx",
        valid_book(**{"Đơn thư": rows_of("Đơn thư", [{"Loại đơn": "Khiếu kiện"}])}),
        "Đơn thư!C2",
        ["«Khiếu kiện»"],
    ),
    (
        "duplicate-ma-don",
        "trung.xlsx",
        valid_book(**{"Đơn thư": rows_of("Đơn thư", [{}, {"Lĩnh vực": "Môi trường"}])}),
        "Đơn thư!A3",
        ["DT-01"],
    ),
    (
        "ha-bac-luong-cong-chuc-2025-08",
        "kyluat.xlsx",
        valid_book(
            **{
                "Thông tin": X04_AUG_2025,
                "Kỷ luật": rows_of("Kỷ luật", [{"Ngày quyết định": "15/08/2025", "Hình thức kỷ luật": "Hạ bậc lương"}]),
            },
            TTHC=[],
            **{
                d: []
                for d in (
                    "Tiếp công dân",
                    "Đối thoại",
                    "Kiểm tra công vụ",
                    "Tuyên truyền",
                    "Giám sát, phản biện",
                    "Đơn thư",
                )
            },
        ),
        "Kỷ luật!E2",
        ["«Hạ bậc lương»", "15/08/2025"],
    ),
    (
        "ho-ten-column",
        "hoten.xlsx",
        valid_book(**{"Kỷ luật": kyluat_with_column("Họ tên")}),
        "Kỷ luật!G1",
        ["«Họ tên»"],
    ),
    (
        "unknown-unit-code",
        "zz99.xlsx",
        valid_book(**{"Thông tin": INFO | {"Mã đơn vị": "ZZ99"}}),
        "Thông tin!B1",
        ["«ZZ99»"],
    ),
    (
        "merged-away-unit",
        "nx03_q3.xlsx",
        valid_book(
            **{"Thông tin": INFO | {"Loại kỳ": "Quý", "Kỳ": 3, "Năm": 2025}},
            TTHC=rows_of("TTHC", [{}]),
            **{
                d: []
                for d in (
                    "Tiếp công dân",
                    "Đối thoại",
                    "Kỷ luật",
                    "Kiểm tra công vụ",
                    "Tuyên truyền",
                    "Giám sát, phản biện",
                )
            },
        ),
        "Thông tin!B3",
        ["X04", "2025Q3"],
    ),
    ("corrupt-file", "hong.xlsx", b"PK\x03\x04\x14\x00\x00\x00" + bytes(range(256)) * 4, "", ["hong.xlsx", "hỏng"]),
    ("csv-renamed-xlsx", "bang.xlsx", "Mã đơn;Ngày nhận\nDT-01;05/03/2024\n".encode("utf-8"), "", ["bang.xlsx", "CSV"]),
    ("empty-file", "rong.xlsx", b"", "", ["rong.xlsx", "rỗng"]),
]


@pytest.mark.parametrize(
    "case, name, content, where, words", TEST_CASES_REJECTED, ids=[c[0] for c in TEST_CASES_REJECTED]
)
def test_rejected_by_load_paths_and_database_unchanged(seeded_db, tmp_path, case, name, content, where, words):
    path = tmp_path / "upload" / name
    path.parent.mkdir()
    path.write_bytes(content) if isinstance(content, bytes) else write_grids(path, content)
    before = dump(seeded_db)
    archived = sorted(p.name for p in config.archive_dir(seeded_db).iterdir())
    [result] = load_paths(seeded_db, [path])
    assert result.status == "rejected"
    assert where in [p.where for p in result.errors], [str(p) for p in result.problems]
    problem = next(p for p in result.errors if p.where == where)
    assert problem.file == name
    assert_vietnamese(problem.message)
    for word in words:
        assert word in problem.message, problem.message
    assert dump(seeded_db) == before
    assert sorted(p.name for p in config.archive_dir(seeded_db).iterdir()) == archived


def test_control_a_valid_change_is_loaded_and_changes_the_database(seeded_db, tmp_path):
    """The dump comparison above can fail: the same workbook with one more reception does change the database."""
    before = dump(seeded_db)
    path = write_grids(
        tmp_path / "ok.xlsx", valid_book(**{"Tiếp công dân": rows_of("Tiếp công dân", [{}, {"Ngày": "06/03/2024"}])})
    )
    [result] = load_paths(seeded_db, [path])
    assert result.status == "loaded", [str(p) for p in result.problems]
    after = dump(seeded_db)
    assert after != before and len(after["receptions"]) == 2


def test_warnings_do_not_block_loading(seeded_db, tmp_path):
    grid = grid_from_dicts("Kiểm tra công vụ", [BASE["Kiểm tra công vụ"]])
    book = valid_book(
        **{
            "Thông tin": INFO | {"Tên đơn vị": "Xã Bình Minh"},
            "Kiểm tra công vụ": [grid[0] + ["Người kiểm tra"], grid[1] + ["Tổ công tác"]],
            "Đơn thư": rows_of(
                "Đơn thư",
                [
                    {
                        "Ngày nhận": "10/01/2024",
                        "Ngày thụ lý": "12/01/2024",
                        "Ngày giải quyết": "20/02/2024",
                        "Kết quả": "Đúng",
                    }
                ],
            ),
        }
    )
    [result] = load_paths(seeded_db, [write_grids(tmp_path / "warn.xlsx", book)])
    assert result.status == "loaded" and result.errors == []
    assert sorted(p.where for p in result.warnings) == ["Kiểm tra công vụ!E1", "Thông tin!B2", "Đơn thư!H2"]
    con = duckdb.connect(str(seeded_db), read_only=True)
    try:
        assert con.execute("select resolved_date from petitions where case_id = 'DT-01'").fetchall() == [
            (date(2024, 2, 20),)
        ]
    finally:
        con.close()
