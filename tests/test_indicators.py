"""Indicators (indicators.md) on small hand-computed cases loaded through real workbooks into real DuckDB files.

Every expected number is a literal worked out in the comments from the formulas of indicators.md, not from etl code.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests._workbooks import book, indicators, load_ok, tthc_row

PLAN = ["II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "III.1", "III.2", "III.3"]


def plan_rows(done: int, codes=PLAN) -> list[dict]:
    return [
        {"task_code": c, "progress": "Hoàn thành" if i < done else "Đang thực hiện", "percent": 100 if i < done else 40}
        for i, c in enumerate(codes)
    ]


def check(values: dict, expected: dict) -> None:
    """None must be None (a rate without denominator is null, never 0); floats compared with approx."""
    wrong = {}
    for key, want in expected.items():
        got = values[key]
        ok = got is None if want is None else (got is not None and got == pytest.approx(want))
        if not ok:
            wrong[key] = (got, want)
    assert not wrong, f"got vs expected: {wrong}"


def petition(
    case_id, received, kind, *, accepted=None, resolved=None, complexity=None, mine="Có", crowd=None, field="Đất đai"
) -> dict:
    row = {
        "case_id": case_id,
        "received_date": received,
        "petition_type": kind,
        "field": field,
        "in_jurisdiction": mine,
    }
    if accepted:
        row["accepted_date"] = accepted
    if resolved:
        row |= {"resolved_date": resolved, "result": "Đúng"}
    if complexity:
        row["complexity"] = complexity
    if crowd:
        row["is_crowd"] = crowd
    return row


def reception(day, form, host, visits, citizens, cases, crowd=None) -> dict:
    row = {"reception_date": day, "form": form, "host": host, "visits": visits, "citizens": citizens, "cases": cases}
    return row | ({"crowd_groups": crowd} if crowd is not None else {})


# ============================================================================ main database: xã Bình Lương (NX03) Q1 2024
#
# TTHC rows (carried, online, offline, early, on time, late, pending in time, pending overdue, returned):
#   Jan  Hộ tịch  5 10 20  8 12 5  7 3      (5+10+20 = 35 = 8+12+5+7+3)
#        Đất đai  4  0  6  1  2 3  2 2      (10 = 10)
#   Feb  Hộ tịch 10  6 14  5 10 1 12 2      (30 = 30)
#        Đất đai  4  2  4  0  3 1  5 1      (10 = 10)
#   Mar  Hộ tịch 14 12  8 10 10 4  6 3 1    (34 = 10+10+4+6+3+1)
#        Đất đai  6  1  3  2  2 0  4 2      (10 = 10)
TTHC = {
    "2024-01": [tthc_row("Hộ tịch", 5, 10, 20, 8, 12, 5, 7, 3), tthc_row("Đất đai", 4, 0, 6, 1, 2, 3, 2, 2)],
    "2024-02": [tthc_row("Hộ tịch", 10, 6, 14, 5, 10, 1, 12, 2), tthc_row("Đất đai", 4, 2, 4, 0, 3, 1, 5, 1)],
    "2024-03": [tthc_row("Hộ tịch", 14, 12, 8, 10, 10, 4, 6, 3, 1), tthc_row("Đất đai", 6, 1, 3, 2, 2, 0, 4, 2)],
}

# Đơn thư of NX03 (not remote). Deadline = accepted (Ngày thụ lý, else Ngày nhận) + days of the rules table.
NX03_PETITIONS = [
    # KN Thường 30 d: 05/02 + 30 = 06/03 (Feb 2024 has 29 days); resolved 06/03 -> on time (boundary)
    petition("P1", date(2024, 2, 1), "Khiếu nại", accepted=date(2024, 2, 5), resolved=date(2024, 3, 6)),
    # KN Thường, no Ngày thụ lý: accepted = received 01/03, + 30 = 31/03; resolved 31/03 -> on time
    petition("P2", date(2024, 3, 1), "Khiếu nại", resolved=date(2024, 3, 31)),
    # TC Thường 30 d from Ngày thụ lý 20/02 -> 21/03; resolved 20/03 on time (from Ngày nhận it would be 09/02: late)
    petition("P3", date(2024, 1, 10), "Tố cáo", accepted=date(2024, 2, 20), resolved=date(2024, 3, 20)),
    # TC Phức tạp 60 d: 05/01 + 60 = 05/03; resolved 10/03 -> late
    petition(
        "P4", date(2024, 1, 5), "TC", accepted=date(2024, 1, 5), resolved=date(2024, 3, 10), complexity="Phức tạp"
    ),
    # TC Đặc biệt phức tạp 90 d: 02/01 + 90 = 01/04; resolved 25/03 -> on time (60 d would give 02/03: late)
    petition(
        "P5",
        date(2024, 1, 2),
        "Tố cáo",
        accepted=date(2024, 1, 2),
        resolved=date(2024, 3, 25),
        complexity="Đặc biệt phức tạp",
    ),
    # KN Phức tạp 45 d: 12/02 + 45 = 28/03 < 31/03, open -> overdue at end of March (remote 60 d would give 12/04)
    petition("P6", date(2024, 2, 10), "Khiếu nại", accepted=date(2024, 2, 12), complexity="Phức tạp"),
    # KN Thường: 10/03 + 30 = 09/04, open -> not overdue; crowd
    petition("P7", date(2024, 3, 5), "Khiếu nại", accepted=date(2024, 3, 10), crowd="Có"),
    # not under the commune's jurisdiction: counted in «received» only (crowd ignored)
    petition("P8", date(2024, 3, 12), "Kiến nghị, phản ánh", mine="Không", crowd="Có"),
    # resolved 15/02 (before March: a warning, still loaded); KNPA 30 d from 01/12/2023 = 31/12/2023 -> late; crowd
    petition("P9", date(2023, 12, 1), "KNPA", accepted=date(2023, 12, 1), resolved=date(2024, 2, 15), crowd="Có"),
    # KN Thường: 20/03 + 30 = 19/04; resolved 28/03 on time; crowd
    petition("P10", date(2024, 3, 20), "Khiếu nại", accepted=date(2024, 3, 20), resolved=date(2024, 3, 28), crowd="Có"),
]

# Đơn thư of NX05 (xã Cát Vân, remote: Khiếu nại 45 / 60 days; Tố cáo unchanged)
NX05_PETITIONS = [
    # KN Thường remote 45 d: 01/02 + 45 = 17/03; resolved 10/03 on time (30 d would give 02/03: late)
    petition("R1", date(2024, 2, 1), "Khiếu nại", accepted=date(2024, 2, 1), resolved=date(2024, 3, 10)),
    # KN Phức tạp remote 60 d: 15/01 + 60 = 15/03; resolved 14/03 on time (45 d would give 29/02: late)
    petition(
        "R2",
        date(2024, 1, 15),
        "Khiếu nại",
        accepted=date(2024, 1, 15),
        resolved=date(2024, 3, 14),
        complexity="Phức tạp",
    ),
    # KN Thường remote: 20/02 + 45 = 05/04, open -> not overdue at 31/03 (30 d would give 21/03: overdue)
    petition("R3", date(2024, 2, 20), "Khiếu nại", accepted=date(2024, 2, 20)),
    # TC Thường 30 d even in a remote unit: 01/02 + 30 = 02/03; resolved 05/03 -> late
    petition("R4", date(2024, 2, 1), "Tố cáo", accepted=date(2024, 2, 1), resolved=date(2024, 3, 5)),
    # KN Thường remote: 05/02 + 45 = 21/03 < 31/03, open -> overdue
    petition("R5", date(2024, 2, 5), "Khiếu nại", accepted=date(2024, 2, 5)),
]

# Tiếp công dân. ISO weeks by Thursday: Feb 2024 = weeks of Thu 1, 8, 15, 22, 29 Feb (Mondays 29/01, 05/02, 12/02,
# 19/02, 26/02); Mar 2024 = Thu 7, 14, 21, 28 Mar (Mondays 04/03, 11/03, 18/03, 25/03).
FEB_RECEPTIONS = [
    reception(date(2024, 2, 6), "Định kỳ", "Chủ tịch", 2, 3, 1),  # chair: week of 05/02 met
    reception(date(2024, 2, 13), "Định kỳ", "Bí thư Đảng ủy", 1, 2, 1),  # not the chairman: week of 12/02 not met
]
MAR_RECEPTIONS = [
    reception(date(2024, 3, 1), "Định kỳ", "Chủ tịch", 3, 4, 2, 0),  # Fri: week of Thu 29/02 -> a February week
    reception(date(2024, 3, 5), "Định kỳ", "Chủ tịch", 5, 6, 3, 1),  # week 04/03 met
    reception(date(2024, 3, 12), "Định kỳ", "Phó Chủ tịch", 2, 2, 1),  # deputy: not the chairman
    reception(date(2024, 3, 14), "Thường xuyên", "Chủ tịch", 1, 1, 1),  # chairman but not Định kỳ: week 11/03 not met
    reception(date(2024, 3, 19), "Định kỳ", "Chủ tịch", 4, 5, 2),  # week 18/03 met
    reception(date(2024, 3, 21), "Định kỳ", "Chủ tịch", 2, 3, 1, 1),  # week 18/03 again
    reception(date(2024, 3, 31), "Định kỳ", "Chủ tịch", 1, 1, 0),  # Sunday: week 25/03 met
]
MAR_REGISTERS = {
    "Đối thoại": [
        {
            "dialogue_date": date(2024, 3, 8),
            "topic": "Giải phóng mặt bằng",
            "host": "Chủ tịch",
            "participants": 50,
            "issues_raised": 10,
            "issues_answered": 8,
        },
        {
            "dialogue_date": date(2024, 3, 22),
            "topic": "Nước sạch",
            "host": "Phó Chủ tịch",
            "mode": "Trực tuyến",
            "participants": 30,
            "issues_raised": 5,
            "issues_answered": 5,
        },
    ],
    "Kỷ luật": [
        {
            "decision_no": "01/QĐ-UBND",
            "decision_date": date(2024, 3, 4),
            "subject": "Công chức",
            "behaviour": "Sách nhiễu, gây phiền hà",
            "form": "Khiển trách",
        },
        {
            "decision_no": "02/QĐ-UBND",
            "decision_date": date(2024, 3, 15),
            "subject": "Cán bộ",
            "behaviour": "Cửa quyền, hách dịch",
            "form": "Cảnh cáo",
        },
        {
            "decision_no": "03/QĐ-UBND",
            "decision_date": date(2024, 3, 20),
            "subject": "Công chức",
            "behaviour": "Lãng phí",
            "form": "Hạ bậc lương",
        },
    ],
    "Kiểm tra công vụ": [
        {"inspection_date": date(2024, 3, 6), "content": "Một cửa", "officials_checked": 10, "violations": 2},
        {"inspection_date": date(2024, 3, 27), "content": "Địa chính", "officials_checked": 7, "violations": 0},
    ],
    "Tuyên truyền": [
        {"event_date": date(2024, 3, 2), "content": "Chỉ thị 33", "form": "Hội nghị", "participants": 120},
        {"event_date": date(2024, 3, 9), "content": "Dân chủ cơ sở", "form": "Loa truyền thanh"},  # blank = 0
        {"event_date": date(2024, 3, 16), "content": "Dịch vụ công", "form": "Mạng xã hội", "participants": 35},
    ],
    "Giám sát, phản biện": [
        {
            "event_date": date(2024, 3, 11),
            "organisation": "MTTQ",
            "form": "Giám sát",
            "recommendations": 6,
            "accepted": 4,
        },
        {
            "event_date": date(2024, 3, 25),
            "organisation": "Hội Nông dân",
            "form": "Phản biện xã hội",
            "recommendations": 4,
            "accepted": 4,
        },
    ],
    "Dân vận khéo": [
        {"model_name": "Đường hoa nông thôn mới", "recognised_year": 2024, "level": "Xã"},
        {"model_name": "Tổ hòa giải giỏi", "recognised_year": 2023, "level": "Huyện"},
        {"model_name": "Chuyển đổi số cộng đồng", "recognised_year": 2024, "level": "Tỉnh", "is_rewarded": "Có"},
    ],
}


@pytest.fixture(scope="module")
def main_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("main")
    db_file = folder / "main.duckdb"
    load_ok(db_file, book(folder, "NX03", "2024-01", {"TTHC": TTHC["2024-01"]}))
    load_ok(
        db_file,
        book(
            folder,
            "NX03",
            "2024-02",
            {"TTHC": TTHC["2024-02"], "Tiếp công dân": FEB_RECEPTIONS, "Kế hoạch": plan_rows(1)},
        ),
    )
    load_ok(
        db_file,
        book(
            folder,
            "NX03",
            "2024-03",
            {
                "TTHC": TTHC["2024-03"],
                "Đơn thư": NX03_PETITIONS,
                "Tiếp công dân": MAR_RECEPTIONS,
                "Kế hoạch": plan_rows(3),
            }
            | MAR_REGISTERS,
        ),
    )
    load_ok(db_file, book(folder, "NX05", "2024-03", {"Đơn thư": NX05_PETITIONS}))
    # NX04 January: 3 files carried over, nothing received, nothing resolved (zero denominators)
    load_ok(db_file, book(folder, "NX04", "2024-01", {"TTHC": [tthc_row("Hộ tịch", 3, 0, 0, 0, 0, 0, 3, 0)]}))
    # NX04 then reports quarterly: Q2 carried 3, online 4, desk 6, early 2, on time 5, late 1, pending 5 + 0  (13 = 13)
    load_ok(db_file, book(folder, "NX04", "2024Q2", {"TTHC": [tthc_row("Hộ tịch", 3, 4, 6, 2, 5, 1, 5, 0)]}))
    return db_file


# ---------------------------------------------------------------------------- TTHC: flows summed, stocks first/last

# Monthly totals (both fields): Jan new 30+6=36, online 10, resolved 25+6=31, late 8, timely 31-8=23
#                               Feb new 20+6=26, online 8,  resolved 16+4=20, late 2, timely 18
#                               Mar new 20+4=24, online 13, resolved 24+4=28, late 4, timely 24
# Opening stocks: Jan 5+4=9, Feb 10+4=14. Closing: Feb 12+2+5+1=20 (overdue 3), Mar 6+3+4+2=15 (overdue 3+2=5).
TEST_CASES_TTHC = [
    (
        ("2024-01", "2024-03"),
        {
            "tthc.carried_over": 9,
            "tthc.received_new": 86,
            "tthc.received_online": 31,
            "tthc.resolved": 79,
            "tthc.resolved_late": 14,
            "tthc.pending_end": 15,
            "tthc.pending_overdue_end": 5,
            "tthc.on_time_rate": 65 / 79,
            "tthc.online_rate": 31 / 86,
        },
    ),
    (
        ("2024Q1", None),
        {"tthc.carried_over": 9, "tthc.received_new": 86, "tthc.pending_end": 15, "tthc.on_time_rate": 65 / 79},
    ),
    (
        ("2024-02", None),
        {
            "tthc.carried_over": 14,
            "tthc.received_new": 26,
            "tthc.received_online": 8,
            "tthc.resolved": 20,
            "tthc.resolved_late": 2,
            "tthc.pending_end": 20,
            "tthc.pending_overdue_end": 3,
            "tthc.on_time_rate": 18 / 20,
            "tthc.online_rate": 8 / 26,
        },
    ),
    (
        ("2024-02", "2024-03"),
        {
            "tthc.carried_over": 14,
            "tthc.received_new": 50,
            "tthc.received_online": 21,
            "tthc.resolved": 48,
            "tthc.resolved_late": 6,
            "tthc.pending_end": 15,
            "tthc.pending_overdue_end": 5,
            "tthc.on_time_rate": 42 / 48,
            "tthc.online_rate": 21 / 50,
        },
    ),
    (("2024-04", None), {"tthc.on_time_rate": None, "tthc.online_rate": None}),  # nothing loaded: rates null, not 0
]


@pytest.mark.parametrize("selection,expected", TEST_CASES_TTHC, ids=[f"{a}..{b}" for (a, b), _ in TEST_CASES_TTHC])
def test_tthc_flows_and_stocks(main_db, selection, expected):
    check(indicators(main_db, "NX03", *selection), expected)


def test_tthc_not_the_naive_aggregates(main_db):
    v = indicators(main_db, "NX03", "2024-01", "2024-03")
    assert v["tthc.carried_over"] != 9 + 14 + 20  # summing opening stocks over months would give 43
    assert v["tthc.pending_end"] != 20 + 20 + 15  # nor closing stocks
    mean_of_rates = (23 / 31 + 18 / 20 + 24 / 28) / 3  # 0.833..., the wrong way
    assert v["tthc.on_time_rate"] != pytest.approx(mean_of_rates)


def test_tthc_period_partly_outside_the_range_is_not_counted(main_db):
    # NX04's Q2 workbook cannot be split into months: April alone has no TTHC figures (rates null)
    april = indicators(main_db, "NX04", "2024-04")
    assert not april["tthc.received_new"] and not april["tthc.resolved"]
    check(april, {"tthc.on_time_rate": None, "tthc.online_rate": None})
    # Jan..Jun: opening = January's 3, new 0 + 10, resolved 0 + 8 (7 timely), closing = Q2's 5 + 0
    check(
        indicators(main_db, "NX04", "2024-01", "2024-06"),
        {
            "tthc.carried_over": 3,
            "tthc.received_new": 10,
            "tthc.received_online": 4,
            "tthc.resolved": 8,
            "tthc.resolved_late": 1,
            "tthc.pending_end": 5,
            "tthc.pending_overdue_end": 0,
            "tthc.on_time_rate": 7 / 8,
            "tthc.online_rate": 4 / 10,
        },
    )


def test_zero_denominator_is_null(main_db):
    # NX04 Jan: carried 3, received 0, resolved 0 -> on_time and online rates have no denominator
    v = indicators(main_db, "NX04", "2024-01")
    check(
        v,
        {
            "tthc.carried_over": 3,
            "tthc.received_new": 0,
            "tthc.resolved": 0,
            "tthc.pending_end": 3,
            "tthc.on_time_rate": None,
            "tthc.online_rate": None,
            "petitions.resolution_rate": None,
            "petitions.on_time_rate": None,
            "dialogue.answer_rate": None,
            "supervision.acceptance_rate": None,
            "plan.done_rate": None,
            # the January workbook has no «Tiếp công dân»: its 4 weeks (Thu 4, 11, 18, 25) count as not met: 0/4, not null
            "reception.chair_required": 4,
            "reception.chair_compliance": 0.0,
            "dialogue.sessions": 0,
            "dialogue.required": 1,
        },
    )


# ---------------------------------------------------------------------------- petitions

# NX03 March (range 01/03–31/03):
#   received (Ngày nhận in March, any jurisdiction): P2 01/03, P7 05/03, P8 12/03, P10 20/03              = 4
#   must_resolve (mine, accepted <= 31/03, open or resolved >= 01/03): P1 P2 P3 P4 P5 P6 P7 P10 (not P8, P9) = 8
#   resolved in March: P1 P2 P3 P4 P5 P10 = 6 -> resolution 6/8; on time P1 P2 P3 P5 P10 = 5 -> 5/6
#   overdue_open: open at 31/03 with deadline < 31/03: P6 (28/03) = 1 (P7 09/04 is not); crowd_cases: P7 P10 = 2
# NX03 Q1 (01/01–31/03): received P1..P8 except P9, P10 -> P1 P2 P3 P4 P5 P6 P7 P8 P10 = 9; must: the 8 + P9 = 9;
#   resolved: the 6 + P9 (15/02) = 7, on time 5 (P4, P9 late) -> 5/7; overdue P6 = 1; crowd P7 P9 P10 = 3
# NX05 March (remote): received 0; must R1..R5 = 5; resolved R1 R2 R4 = 3 -> 3/5; on time R1 R2 = 2 -> 2/3;
#   overdue R5 = 1 (R3 due 05/04); crowd 0
# Group NX March (NX03 + NX05 loaded): received 4; must 13; resolved 9 -> 9/13 (mean of rates would be 0.675);
#   on time 7 -> 7/9; overdue 2; crowd 2
TEST_CASES_PETITIONS = [
    (
        "NX03",
        ("2024-03", None),
        {
            "petitions.received": 4,
            "petitions.must_resolve": 8,
            "petitions.resolved": 6,
            "petitions.resolution_rate": 6 / 8,
            "petitions.on_time_rate": 5 / 6,
            "petitions.overdue_open": 1,
            "petitions.crowd_cases": 2,
        },
    ),
    (
        "NX03",
        ("2024Q1", None),
        {
            "petitions.received": 9,
            "petitions.must_resolve": 9,
            "petitions.resolved": 7,
            "petitions.resolution_rate": 7 / 9,
            "petitions.on_time_rate": 5 / 7,
            "petitions.overdue_open": 1,
            "petitions.crowd_cases": 3,
        },
    ),
    (
        "NX05",
        ("2024-03", None),
        {
            "petitions.received": 0,
            "petitions.must_resolve": 5,
            "petitions.resolved": 3,
            "petitions.resolution_rate": 3 / 5,
            "petitions.on_time_rate": 2 / 3,
            "petitions.overdue_open": 1,
            "petitions.crowd_cases": 0,
        },
    ),
    (
        "NX",
        ("2024-03", None),
        {
            "petitions.received": 4,
            "petitions.must_resolve": 13,
            "petitions.resolved": 9,
            "petitions.resolution_rate": 9 / 13,
            "petitions.on_time_rate": 7 / 9,
            "petitions.overdue_open": 2,
            "petitions.crowd_cases": 2,
        },
    ),
]


@pytest.mark.parametrize(
    "code,selection,expected", TEST_CASES_PETITIONS, ids=[f"{c}-{s[0]}" for c, s, _ in TEST_CASES_PETITIONS]
)
def test_petitions(main_db, code, selection, expected):
    check(indicators(main_db, code, *selection), expected)


# ---------------------------------------------------------------------------- reception, dialogue, registers, plan

# March: days 7; citizens 4+6+2+1+5+3+1 = 22; cases 2+3+1+1+2+1+0 = 10; crowd groups 0+1+0+0+0+1+0 = 2
#   chair days (Chủ tịch + Định kỳ, in March): 01, 05, 19, 21, 31 = 5; required 4 weeks x 1 day = 4;
#   weeks met: 04/03 yes, 11/03 no, 18/03 yes, 25/03 yes -> 3/4
# February: days 2, citizens 5, chair days 1 (06/02); 5 weeks; met: 05/02 (06/02) and 26/02 (by the 01/03 row) -> 2/5
# Q1: January is covered by its TTHC-only workbook (4 weeks, none met); 13 weeks, met 2 + 3 = 5 -> 5/13;
#   chair days 06/02 + the 5 of March = 6; days 9; citizens 27
TEST_CASES_RECEPTION = [
    (
        ("2024-03", None),
        {
            "reception.days": 7,
            "reception.citizens": 22,
            "reception.cases": 10,
            "reception.crowd_groups": 2,
            "reception.chair_days": 5,
            "reception.chair_required": 4,
            "reception.chair_compliance": 3 / 4,
        },
    ),
    (
        ("2024-02", None),
        {
            "reception.days": 2,
            "reception.citizens": 5,
            "reception.cases": 2,
            "reception.crowd_groups": 0,
            "reception.chair_days": 1,
            "reception.chair_required": 5,
            "reception.chair_compliance": 2 / 5,
        },
    ),
    (
        ("2024Q1", None),
        {
            "reception.days": 9,
            "reception.citizens": 27,
            "reception.chair_days": 6,
            "reception.chair_required": 13,
            "reception.chair_compliance": 5 / 13,
        },
    ),
]


@pytest.mark.parametrize("selection,expected", TEST_CASES_RECEPTION, ids=[s[0] for s, _ in TEST_CASES_RECEPTION])
def test_reception_chair_weeks_by_thursday(main_db, selection, expected):
    check(indicators(main_db, "NX03", *selection), expected)


def test_reception_only_weeks_covered_by_workbooks(main_db):
    # NX05 sent only a March workbook (without «Tiếp công dân»): over Q1 only March's 4 weeks are required, none met
    check(
        indicators(main_db, "NX05", "2024Q1"),
        {
            "reception.days": 0,
            "reception.chair_days": 0,
            "reception.chair_required": 4,
            "reception.chair_compliance": 0.0,
        },
    )
    # group NX over March: NX03 (4 weeks, 3 met) + NX05 (4 weeks, 0 met); NX04 only covers January -> 3/8
    check(
        indicators(main_db, "NX", "2024-03"),
        {
            "reception.chair_required": 8,
            "reception.chair_compliance": 3 / 8,
            "reception.chair_days": 5,
            "reception.days": 7,
        },
    )


# March registers of NX03:
#   dialogue: 2 sessions, required 1 (one year, 2024), participants 50+30 = 80, raised 10+5 = 15, answered 8+5 = 13
#   discipline: 3 decisions, harassment (Sách nhiễu + Cửa quyền) = 2
#   inspection: 2, officials 10+7 = 17, violations 2+0 = 2
#   outreach: 3 events, participants 120+0+35 = 155
#   supervision: 2 events, recommendations 6+4 = 10, accepted 4+4 = 8 -> 0.8
#   emulation: models recognised in 2024 = 2 (the 2023 one is not)
#   plan: latest «Kế hoạch» in March = March's: 3 of 9 done
TEST_CASES_REGISTERS = [
    (
        "NX03",
        ("2024-03", None),
        {
            "dialogue.sessions": 2,
            "dialogue.required": 1,
            "dialogue.participants": 80,
            "dialogue.issues_raised": 15,
            "dialogue.answer_rate": 13 / 15,
            "discipline.decisions": 3,
            "discipline.harassment": 2,
            "inspection.count": 2,
            "inspection.officials_checked": 17,
            "inspection.violations": 2,
            "outreach.events": 3,
            "outreach.participants": 155,
            "supervision.events": 2,
            "supervision.recommendations": 10,
            "supervision.acceptance_rate": 0.8,
            "emulation.models": 2,
            "plan.done_rate": 3 / 9,
        },
    ),
    # February: nothing in the registers but a plan with 1 of 9 done; dialogue still required once in 2024
    (
        "NX03",
        ("2024-02", None),
        {
            "dialogue.sessions": 0,
            "dialogue.required": 1,
            "dialogue.answer_rate": None,
            "discipline.decisions": 0,
            "outreach.events": 0,
            "supervision.acceptance_rate": None,
            "emulation.models": 2,
            "plan.done_rate": 1 / 9,
        },
    ),
    # Feb..Mar: the latest plan in the range is March's
    ("NX03", ("2024-02", "2024-03"), {"plan.done_rate": 3 / 9, "dialogue.sessions": 2}),
    # 2023..2024: models of both years; dialogue required once per covered year -> 2023 not covered -> 1
    ("NX03", ("2023", "2024"), {"emulation.models": 3, "dialogue.required": 1, "dialogue.sessions": 2}),
    # 2023 alone: only the model recognised in 2023; nothing covered in 2023 -> no dialogue required
    ("NX03", ("2023", None), {"emulation.models": 1, "dialogue.required": 0, "dialogue.sessions": 0}),
    # group NX over Q1: units covered NX03, NX04, NX05 -> 3 unit-years required
    ("NX", ("2024Q1", None), {"dialogue.required": 3, "dialogue.sessions": 2, "discipline.harassment": 2}),
]


@pytest.mark.parametrize(
    "code,selection,expected", TEST_CASES_REGISTERS, ids=[f"{c}-{s}" for c, s, _ in TEST_CASES_REGISTERS]
)
def test_registers_and_plan(main_db, code, selection, expected):
    check(indicators(main_db, code, *selection), expected)


def test_plan_uses_only_the_latest_plan_inside_the_range(tmp_path):
    """A 2024Q1 «Kế hoạch» (0 of 9 done) must not count for the range 2024-03, where March's plan (3 of 9) is the latest."""
    db_file = tmp_path / "plan.duckdb"
    load_ok(db_file, book(tmp_path, "NX03", "2024-03", {"Kế hoạch": plan_rows(3)}))
    load_ok(db_file, book(tmp_path, "NX03", "2024Q1", {"Kế hoạch": plan_rows(0)}))  # register-only quarter: accepted
    # range 2024-03: the only plan inside it is March's -> 3/9 = 0.333 (counting the quarter's rows too gives 3/18)
    check(indicators(db_file, "NX03", "2024-03"), {"plan.done_rate": 3 / 9})


# ---------------------------------------------------------------------------- groups: ratio of sums

# NX01 Jan 2024: TTHC 0 carried, 90 online + 10 desk, 0 early + 90 on time + 10 late -> on time 90/100, online 90/100
#   petitions: 1 case resolved on time -> 1/1; supervision 10 recommendations, 9 accepted; dialogue raised 20, answered 10;
#   plan 9 tasks all done; chairman every week (4/4)
# NX02 Jan 2024: TTHC 0 carried, 1 online + 9 desk, 0 + 5 on time + 5 late -> 5/10, online 1/10
#   petitions: 3 open cases -> 0/3; supervision 2 / 0; dialogue 4 / 4; plan 2 tasks none done; no reception register
# Group (ratio of sums): on time (90+5)/(100+10) = 95/110; online 91/110; petitions 1/4; supervision 9/12;
#   dialogue answers 14/24; plan 9/11; chair weeks 4 met of 8.
# Means of the two rates would be 0.7, 0.5, 0.5, 0.45, 0.75, 0.5, 0.5 -> all different from the expected values.
GROUP_EXPECTED = {
    "tthc.resolved": 110,
    "tthc.received_new": 110,
    "tthc.on_time_rate": 95 / 110,
    "tthc.online_rate": 91 / 110,
    "petitions.must_resolve": 4,
    "petitions.resolution_rate": 1 / 4,
    "supervision.acceptance_rate": 9 / 12,
    "dialogue.answer_rate": 14 / 24,
    "plan.done_rate": 9 / 11,
    "reception.chair_compliance": 4 / 8,
    "reception.chair_required": 8,
    "dialogue.required": 2,
}


@pytest.fixture(scope="module")
def group_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("group")
    db_file = folder / "group.duckdb"
    weeks = [date(2024, 1, 2), date(2024, 1, 9), date(2024, 1, 16), date(2024, 1, 23)]
    load_ok(
        db_file,
        book(
            folder,
            "NX01",
            "2024-01",
            {
                "TTHC": [tthc_row("Hộ tịch", 0, 90, 10, 0, 90, 10, 0, 0)],
                "Đơn thư": [petition("N1", date(2024, 1, 3), "KN", resolved=date(2024, 1, 20))],
                "Giám sát, phản biện": [
                    {
                        "event_date": date(2024, 1, 10),
                        "organisation": "MTTQ",
                        "form": "Giám sát",
                        "recommendations": 10,
                        "accepted": 9,
                    }
                ],
                "Đối thoại": [
                    {
                        "dialogue_date": date(2024, 1, 12),
                        "topic": "A",
                        "host": "Chủ tịch",
                        "participants": 10,
                        "issues_raised": 20,
                        "issues_answered": 10,
                    }
                ],
                "Tiếp công dân": [reception(d, "Định kỳ", "Chủ tịch", 1, 1, 1) for d in weeks],
                "Kế hoạch": plan_rows(9),
            },
        ),
    )
    load_ok(
        db_file,
        book(
            folder,
            "NX02",
            "2024-01",
            {
                "TTHC": [tthc_row("Hộ tịch", 0, 1, 9, 0, 5, 5, 0, 0)],
                "Đơn thư": [petition(f"M{i}", date(2024, 1, 5 + i), "TC") for i in range(3)],
                "Giám sát, phản biện": [
                    {
                        "event_date": date(2024, 1, 11),
                        "organisation": "Khác",
                        "form": "Giám sát",
                        "recommendations": 2,
                        "accepted": 0,
                    }
                ],
                "Đối thoại": [
                    {
                        "dialogue_date": date(2024, 1, 13),
                        "topic": "B",
                        "host": "Chủ tịch",
                        "participants": 5,
                        "issues_raised": 4,
                        "issues_answered": 4,
                    }
                ],
                "Kế hoạch": plan_rows(0, ["II.1", "II.2"]),
            },
        ),
    )
    return db_file


def test_single_communes_differ(group_db):
    check(
        indicators(group_db, "NX01", "2024-01"),
        {
            "tthc.on_time_rate": 0.9,
            "tthc.online_rate": 0.9,
            "petitions.resolution_rate": 1.0,
            "supervision.acceptance_rate": 0.9,
            "plan.done_rate": 1.0,
            "reception.chair_compliance": 1.0,
        },
    )
    check(
        indicators(group_db, "NX02", "2024-01"),
        {
            "tthc.on_time_rate": 0.5,
            "tthc.online_rate": 0.1,
            "petitions.resolution_rate": 0.0,
            "supervision.acceptance_rate": 0.0,
            "plan.done_rate": 0.0,
            "reception.chair_compliance": 0.0,
        },
    )


@pytest.mark.parametrize("group", ["NX", "38"])
def test_group_rates_are_ratio_of_sums(group_db, group):
    values = indicators(group_db, group, "2024-01")
    check(values, GROUP_EXPECTED)
    assert values["tthc.on_time_rate"] != pytest.approx((0.9 + 0.5) / 2)
    # completeness of the same selection: 16 communes expected in January 2024, 2 sent a workbook
    check(values, {"reporting.expected": 16, "reporting.received": 2, "reporting.completeness": 2 / 16})


# ---------------------------------------------------------------------------- reporting completeness and timeliness

# Period 2024-03, N = 10 days: on time if first received on or before 10/04/2024.
#   NX01 2024-03 received 05/04 -> on time          NX02 2024-03 received 11/04 08:00 -> late (one day after)
#   NX03 2024Q1 received 08/04 -> covers March, Q1 ended 31/03 -> on time
#   NX04 2024-02 only -> missing for March           NX05 2024-03 received 10/04 16:00 -> on time (boundary day)
#   NX06 2024-03 first received 02/04, replaced by a new version on 25/04 -> still on time (first arrival counts)
#   X01 2025-07 received 10/08 23:00 -> on time; X04 2025-07 received 12/08 -> late (due 10/08)
TEST_CASES_REPORTING = [
    # 16 old communes expected in March 2024 (the X0* did not exist yet); received NX01 NX02 NX03 NX05 NX06 = 5; on time 4
    (
        "NX",
        "2024-03",
        {
            "reporting.expected": 16,
            "reporting.received": 5,
            "reporting.completeness": 5 / 16,
            "reporting.on_time": 4,
            "reporting.timeliness": 4 / 16,
        },
    ),
    (
        "38",
        "2024-03",
        {"reporting.expected": 16, "reporting.received": 5, "reporting.on_time": 4, "reporting.timeliness": 0.25},
    ),
    # the quarter: 16 communes x 3 months = 48 reports due; received NX01, NX02, NX05, NX06 March, NX04 February and
    # NX03's quarter (3 months) = 8; only NX03 sent every month (and on time)
    (
        "NX",
        "2024Q1",
        {
            "reporting.months_due": 48,
            "reporting.months_received": 8,
            "reporting.completeness": 8 / 48,
            "reporting.expected": 16,
            "reporting.received": 1,
            "reporting.on_time": 1,
        },
    ),
    (
        "NX02",
        "2024-03",
        {"reporting.expected": 1, "reporting.received": 1, "reporting.on_time": 0, "reporting.timeliness": 0.0},
    ),
    (
        "NX04",
        "2024-03",
        {"reporting.expected": 1, "reporting.received": 0, "reporting.completeness": 0.0, "reporting.on_time": 0},
    ),
    # after the merger the old district maps to the six communes its communes became (issue 4), none of which
    # covered the whole quarter here; the province expects the same six
    (
        "NX",
        "2025Q3",
        {
            "reporting.expected": 6,
            "reporting.received": 0,
            "reporting.months_due": 18,
            "reporting.completeness": 2 / 18,
            "reporting.timeliness": 1 / 18,
        },
    ),
    ("NX03", "2025-07", {"reporting.expected": 0, "reporting.completeness": None}),
    (
        "38",
        "2025-07",
        {
            "reporting.expected": 6,
            "reporting.received": 2,
            "reporting.completeness": 2 / 6,
            "reporting.on_time": 1,
            "reporting.timeliness": 1 / 6,
        },
    ),
    ("X04", "2025-07", {"reporting.expected": 1, "reporting.received": 1, "reporting.on_time": 0}),
    # the year 2025: 16 old communes x 6 months + 6 new communes x 6 months = 132 reports due; received NX03's 2025H1
    # (6 months, on time: received 05/07, due 10/07), X01 and X04 July (X04 late) = 8, on time 7; every unit with a month
    # due is expected (22), only NX03 sent all of its months
    (
        "38",
        "2025",
        {
            "reporting.months_due": 132,
            "reporting.months_received": 8,
            "reporting.completeness": 8 / 132,
            "reporting.timeliness": 7 / 132,
            "reporting.expected": 22,
            "reporting.received": 1,
            "reporting.on_time": 1,
        },
    ),
    (
        "NX",
        "2025",
        {"reporting.expected": 22, "reporting.received": 1, "reporting.on_time": 1, "reporting.months_due": 132},
    ),
]


@pytest.fixture(scope="module")
def reporting_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reporting")
    db_file = folder / "reporting.duckdb"
    plan = {"Kế hoạch": plan_rows(1)}
    for unit, period, received in [
        ("NX01", "2024-03", datetime(2024, 4, 5, 9)),
        ("NX02", "2024-03", datetime(2024, 4, 11, 8)),
        ("NX03", "2024Q1", datetime(2024, 4, 8, 14)),
        ("NX04", "2024-02", datetime(2024, 3, 5)),
        ("NX05", "2024-03", datetime(2024, 4, 10, 16)),
        ("NX06", "2024-03", datetime(2024, 4, 2, 7)),
        ("X01", "2025-07", datetime(2025, 8, 10, 23)),
        ("X04", "2025-07", datetime(2025, 8, 12, 9)),
        ("NX03", "2025H1", datetime(2025, 7, 5, 9)),
    ]:
        load_ok(db_file, book(folder, unit, period, plan), received_at=received)
    replacement = book(folder, "NX06", "2024-03", {"Kế hoạch": plan_rows(5)}, name="NX06_v2.xlsx")
    assert load_ok(db_file, replacement, received_at=datetime(2024, 4, 25, 10)).replaced_load_id == 6
    return db_file


@pytest.mark.parametrize(
    "code,period,expected", TEST_CASES_REPORTING, ids=[f"{c}-{p}" for c, p, _ in TEST_CASES_REPORTING]
)
def test_reporting(reporting_db, code, period, expected):
    check(indicators(reporting_db, code, period), expected)


# ---------------------------------------------------------------------------- the 2025 merger: roll forward

# NX03 2025-06: carried 2, online 4, desk 6, early 3, on time 4, late 1, pending 3 + 1   (12 = 12)
# NX06 2025-06: carried 1, online 1, desk 3, early 0, on time 2, late 2, pending 1 + 0   (5 = 5)
# X04  2025-07: carried 5, online 10, desk 10, early 5, on time 10, late 0, pending 8 + 2 (25 = 25)
# X04 rolled forward over 2024-01..2026-12: opening = June 2025's 2 + 1 = 3; new 10 + 4 + 20 = 34; online 4 + 1 + 10 = 15;
#   resolved 8 + 4 + 15 = 27; late 1 + 2 + 0 = 3; timely 7 + 2 + 15 = 24; closing = X04 July: 8 + 2 = 10, overdue 2.
# Petitions: NX03 received one case 10/06/2025, X04 one case 15/07/2025.
MERGER = {
    ("NX03", "2025-06"): {
        "TTHC": [tthc_row("Hộ tịch", 2, 4, 6, 3, 4, 1, 3, 1)],
        "Đơn thư": [petition("BL-1", date(2025, 6, 10), "KN")],
    },
    ("NX06", "2025-06"): {"TTHC": [tthc_row("Hộ tịch", 1, 1, 3, 0, 2, 2, 1, 0)]},
    ("X04", "2025-07"): {
        "TTHC": [tthc_row("Hộ tịch", 5, 10, 10, 5, 10, 0, 8, 2)],
        "Đơn thư": [petition("HQ-1", date(2025, 7, 15), "TC", resolved=date(2025, 7, 20))],
    },
}
TTHC_IDS = [
    "tthc.carried_over",
    "tthc.received_new",
    "tthc.received_online",
    "tthc.resolved",
    "tthc.resolved_late",
    "tthc.pending_end",
    "tthc.pending_overdue_end",
]


@pytest.fixture(scope="module")
def merger_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("merger")
    db_file = folder / "merger.duckdb"
    for (unit, period), sheets in MERGER.items():
        load_ok(db_file, book(folder, unit, period, sheets))
    return db_file


TEST_CASES_MERGER = [
    (
        ("2024-01", "2026-12"),
        True,
        {
            "tthc.carried_over": 3,
            "tthc.received_new": 34,
            "tthc.received_online": 15,
            "tthc.resolved": 27,
            "tthc.resolved_late": 3,
            "tthc.pending_end": 10,
            "tthc.pending_overdue_end": 2,
            "tthc.on_time_rate": 24 / 27,
            "tthc.online_rate": 15 / 34,
            "petitions.received": 2,
        },
    ),
    # without roll forward X04 is only its own July: opening 5, new 20, resolved 15 (all timely)
    (
        ("2024-01", "2026-12"),
        False,
        {
            "tthc.carried_over": 5,
            "tthc.received_new": 20,
            "tthc.resolved": 15,
            "tthc.on_time_rate": 1.0,
            "tthc.online_rate": 0.5,
            "petitions.received": 1,
        },
    ),
    # before the merger the rolled-forward X04 is NX03 + NX06: opening 3, new 14, online 5, resolved 12, late 3, closing 4+1 = 5
    (
        ("2025-06", None),
        True,
        {
            "tthc.carried_over": 3,
            "tthc.received_new": 14,
            "tthc.received_online": 5,
            "tthc.resolved": 12,
            "tthc.resolved_late": 3,
            "tthc.pending_end": 5,
            "tthc.pending_overdue_end": 1,
            "tthc.on_time_rate": 9 / 12,
            "petitions.received": 1,
        },
    ),
    # after: X04 alone
    (
        ("2025-07", None),
        True,
        {"tthc.carried_over": 5, "tthc.received_new": 20, "tthc.pending_end": 10, "petitions.received": 1},
    ),
]


@pytest.mark.parametrize(
    "selection,roll,expected", TEST_CASES_MERGER, ids=[f"{s[0]}..{s[1]}-roll{r}" for s, r, _ in TEST_CASES_MERGER]
)
def test_merger_roll_forward(merger_db, selection, roll, expected):
    check(indicators(merger_db, "X04", *selection, roll_forward=roll), expected)


def test_roll_forward_equals_predecessors_then_successor(merger_db):
    rolled_june = indicators(merger_db, "X04", "2025-06", roll_forward=True)
    nx03, nx06 = indicators(merger_db, "NX03", "2025-06"), indicators(merger_db, "NX06", "2025-06")
    assert {k: rolled_june[k] for k in TTHC_IDS} == {k: nx03[k] + nx06[k] for k in TTHC_IDS}
    rolled_july, own_july = (
        indicators(merger_db, "X04", "2025-07", roll_forward=True),
        indicators(merger_db, "X04", "2025-07"),
    )
    assert {k: rolled_july[k] for k in TTHC_IDS} == {k: own_july[k] for k in TTHC_IDS}
    whole = indicators(merger_db, "X04", "2024-01", "2026-12", roll_forward=True)
    for k in ("tthc.received_new", "tthc.received_online", "tthc.resolved", "tthc.resolved_late"):
        assert whole[k] == nx03[k] + nx06[k] + own_july[k]


# ---------------------------------------------------------------------------- reception rule from 01/07/2026 (per month)


def test_reception_monthly_rule_from_july_2026(tmp_path):
    # From 01/07/2026 the chairman's rule is 2 days per month (unconfirmed, editable); no weekly rule applies in July 2026.
    db_file = tmp_path / "rule2026.duckdb"
    load_ok(
        db_file,
        book(
            tmp_path,
            "X04",
            "2026-07",
            {
                "Tiếp công dân": [
                    reception(date(2026, 7, 7), "Định kỳ", "Chủ tịch", 1, 1, 1),
                    reception(date(2026, 7, 21), "Định kỳ", "Chủ tịch", 1, 1, 1),
                ]
            },
        ),
    )
    load_ok(
        db_file,
        book(
            tmp_path,
            "X05",
            "2026-07",
            {"Tiếp công dân": [reception(date(2026, 7, 14), "Định kỳ", "Chủ tịch", 1, 1, 1)]},
        ),
    )
    # X04: 2 days held, 2 required -> 1/1 month met; X05: 1 of 2 -> 0/1; province: 4 required, 1 of 2 unit-months met
    check(
        indicators(db_file, "X04", "2026-07"),
        {"reception.chair_days": 2, "reception.chair_required": 2, "reception.chair_compliance": 1.0},
    )
    check(
        indicators(db_file, "X05", "2026-07"),
        {"reception.chair_days": 1, "reception.chair_required": 2, "reception.chair_compliance": 0.0},
    )
    check(
        indicators(db_file, "38", "2026-07"),
        {"reception.chair_days": 3, "reception.chair_required": 4, "reception.chair_compliance": 0.5},
    )
