"""Loading semantics (workbook.md «Loading semantics»): real workbooks into real DuckDB files under tmp_path."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from etl import config, db
from etl.load import rebuild
from tests._workbooks import archive_files, book, dump, grid, indicators, load, load_bytes, load_ok, query, tthc_row

ROOT = Path(__file__).resolve().parent.parent
PLAN_TASKS = ["II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "III.1", "III.2", "III.3"]


# --------------------------------------------------------------------------------------------- fixtures


def plan_rows(done: int = 0, codes=PLAN_TASKS) -> list[dict]:
    return [
        {
            "task_code": c,
            "content": f"Nhiệm vụ {c}",
            "progress": "Hoàn thành" if i < done else "Đang thực hiện",
            "percent": 100 if i < done else 50,
        }
        for i, c in enumerate(codes)
    ]


def march_sheets() -> dict[str, list[dict]]:
    """A good NX03 2024-03 workbook: one or two rows in every sheet."""
    return {
        "TTHC": [tthc_row("Hộ tịch", 3, 4, 5, 2, 3, 1, 4, 2), tthc_row("Chứng thực", 0, 1, 1, 2, 0, 0, 0, 0)],
        "Đơn thư": [
            {
                "case_id": "A",
                "received_date": date(2024, 3, 3),
                "petition_type": "Khiếu nại",
                "field": "Đất đai",
                "in_jurisdiction": "Có",
            },
            {
                "case_id": "B",
                "received_date": date(2024, 3, 4),
                "petition_type": "Tố cáo",
                "field": "Xây dựng",
                "in_jurisdiction": "Có",
            },
        ],
        "Tiếp công dân": [
            {
                "reception_date": date(2024, 3, 5),
                "form": "Định kỳ",
                "host": "Chủ tịch",
                "visits": 3,
                "citizens": 4,
                "cases": 2,
            },
            {
                "reception_date": date(2024, 3, 12),
                "form": "Thường xuyên",
                "host": "Công chức được phân công",
                "visits": 1,
                "citizens": 1,
                "cases": 1,
            },
        ],
        "Đối thoại": [
            {
                "dialogue_date": date(2024, 3, 8),
                "topic": "Đất đai",
                "host": "Chủ tịch",
                "participants": 40,
                "issues_raised": 6,
                "issues_answered": 5,
            }
        ],
        "Kỷ luật": [
            {
                "decision_no": "QĐ-01",
                "decision_date": date(2024, 3, 4),
                "subject": "Công chức",
                "behaviour": "Sách nhiễu, gây phiền hà",
                "form": "Khiển trách",
            }
        ],
        "Kiểm tra công vụ": [
            {"inspection_date": date(2024, 3, 6), "content": "Bộ phận một cửa", "officials_checked": 8, "violations": 1}
        ],
        "Tuyên truyền": [
            {"event_date": date(2024, 3, 2), "content": "Chỉ thị 33", "form": "Hội nghị", "participants": 80}
        ],
        "Giám sát, phản biện": [
            {
                "event_date": date(2024, 3, 11),
                "organisation": "MTTQ",
                "form": "Giám sát",
                "content": "Một cửa",
                "recommendations": 5,
                "accepted": 3,
            }
        ],
        "Dân vận khéo": [{"model_name": "M1", "field": "Nông nghiệp", "recognised_year": 2024, "level": "Xã"}],
        "Kế hoạch": plan_rows(2),
    }


def february_sheets() -> dict[str, list[dict]]:
    return {
        "TTHC": [tthc_row("Hộ tịch", 0, 2, 3, 1, 1, 0, 2, 1)],
        "Đơn thư": [
            {
                "case_id": "F",
                "received_date": date(2024, 2, 2),
                "petition_type": "Tố cáo",
                "field": "Khác",
                "in_jurisdiction": "Có",
            }
        ],
        "Tiếp công dân": [
            {
                "reception_date": date(2024, 2, 6),
                "form": "Định kỳ",
                "host": "Chủ tịch",
                "visits": 2,
                "citizens": 2,
                "cases": 1,
            }
        ],
        "Đối thoại": [
            {
                "dialogue_date": date(2024, 2, 20),
                "topic": "Môi trường",
                "host": "Chủ tịch",
                "participants": 20,
                "issues_raised": 2,
                "issues_answered": 2,
            }
        ],
        "Kỷ luật": [
            {
                "decision_no": "QĐ-F1",
                "decision_date": date(2024, 2, 9),
                "subject": "Cán bộ",
                "behaviour": "Lãng phí",
                "form": "Cảnh cáo",
            }
        ],
        "Kiểm tra công vụ": [{"inspection_date": date(2024, 2, 15), "officials_checked": 5, "violations": 0}],
        "Tuyên truyền": [{"event_date": date(2024, 2, 16), "content": "Tết", "form": "Loa truyền thanh"}],
        "Giám sát, phản biện": [
            {
                "event_date": date(2024, 2, 22),
                "organisation": "Đoàn Thanh niên",
                "form": "Góp ý xây dựng chính quyền",
                "recommendations": 2,
                "accepted": 1,
            }
        ],
        "Dân vận khéo": [{"model_name": "MF", "recognised_year": 2024, "level": "Xã"}],
        "Kế hoạch": plan_rows(1),
    }


@pytest.fixture
def db_with_february(tmp_path, db_file):
    load_ok(db_file, book(tmp_path / "in", "NX03", "2024-02", february_sheets()))
    return db_file


# --------------------------------------------------------------------------------------------- all-or-nothing

# (sheet, a bad row appended after the sheet's good rows, the cell the error must name, words of the message)
TEST_CASES_BAD_ROW = [
    (
        "Tiếp công dân",
        {
            "reception_date": date(2024, 3, 20),
            "form": "Định kỳ",
            "host": "Chủ tịch",
            "visits": "abc",
            "citizens": 1,
            "cases": 1,
        },
        "Tiếp công dân!D4",
        "số nguyên",
    ),
    ("TTHC", tthc_row("Đất đai", 1, 1, 1, 1, 1, 1, 1, 1), "TTHC!B4:J4", "không cân"),  # 3 in, 5 out
    (
        "Đơn thư",
        {
            "case_id": "Z",
            "received_date": date(2024, 3, 5),
            "petition_type": "Khiếu nại",
            "field": "Đất đai",
            "in_jurisdiction": "Có",
            "resolved_date": date(2024, 3, 9),
        },
        "Đơn thư!I4",
        "Kết quả",
    ),
    (
        "Kỷ luật",
        {
            "decision_no": "QĐ-09",
            "decision_date": date(2024, 3, 7),
            "subject": "Cán bộ",
            "behaviour": "Lãng phí",
            "form": "Hạ bậc lương",
        },
        "Kỷ luật!E3",
        "không áp dụng",
    ),
    (
        "Đối thoại",
        {
            "dialogue_date": date(2024, 4, 2),
            "topic": "X",
            "host": "Chủ tịch",
            "participants": 1,
            "issues_raised": 1,
            "issues_answered": 0,
        },
        "Đối thoại!A3",
        "ngoài kỳ",
    ),
    (
        "Giám sát, phản biện",
        {
            "event_date": date(2024, 3, 12),
            "organisation": "MTTQ",
            "form": "Giám sát",
            "recommendations": 1,
            "accepted": 2,
        },
        "Giám sát, phản biện!F3",
        "lớn hơn",
    ),
    (
        "Tuyên truyền",
        {"event_date": "03/15/2024", "content": "X", "form": "Hội nghị"},
        "Tuyên truyền!A3",
        "không phải ngày",
    ),
]


@pytest.mark.parametrize("sheet,bad,cell,words", TEST_CASES_BAD_ROW, ids=[c[0] for c in TEST_CASES_BAD_ROW])
def test_one_bad_row_loads_nothing(tmp_path, db_with_february, sheet, bad, cell, words):
    db_file = db_with_february
    sheets = march_sheets()
    sheets[sheet] = sheets[sheet] + [bad]
    before, archived_before = dump(db_file), archive_files(db_file)
    assert before["tthc"] and before["receptions"] and before["load_history"]  # there is something to damage

    result = load(db_file, book(tmp_path / "in", "NX03", "2024-03", sheets))

    assert result.status == "rejected"
    assert cell in [p.where for p in result.errors], [str(p) for p in result.errors]
    assert any(words in p.message for p in result.errors if p.where == cell)
    assert dump(db_file) == before
    assert archive_files(db_file) == archived_before  # rejected files are not archived


def test_all_errors_of_a_file_are_reported_at_once(tmp_path, db_file):
    sheets = march_sheets()
    sheets["Tiếp công dân"].append(
        {
            "reception_date": date(2024, 3, 20),
            "form": "Định kỳ",
            "host": "Chủ tịch",
            "visits": "-3",
            "citizens": "1,5",
            "cases": 1,
        }
    )
    sheets["Kiểm tra công vụ"].append({"inspection_date": date(2024, 3, 9), "officials_checked": 1, "violations": 4})
    result = load(db_file, book(tmp_path / "in", "NX03", "2024-03", sheets))
    assert result.status == "rejected"
    assert {"Tiếp công dân!D4", "Tiếp công dân!E4", "Kiểm tra công vụ!D3"} <= {p.where for p in result.errors}
    assert all(v == [] for v in dump(db_file).values() if v != [("data_version", 0)])


# --------------------------------------------------------------------------------------------- idempotence


def test_same_file_twice_is_unchanged(tmp_path, db_with_february):
    db_file = db_with_february
    path = book(tmp_path / "in", "NX03", "2024-03", march_sheets())
    first = load_ok(db_file, path)
    before, archived = dump(db_file), archive_files(db_file)

    again = load(db_file, path)
    copy = tmp_path / "in" / "ban_sao_cung_noi_dung.xlsx"
    copy.write_bytes(path.read_bytes())
    same_bytes_other_name = load(db_file, copy)

    assert (again.status, again.unit_code, again.period.key) == ("unchanged", "NX03", "2024-03")
    assert same_bytes_other_name.status == "unchanged"
    assert dump(db_file) == before
    assert len(before["load_history"]) == 2 and first.load_id == 2
    assert archive_files(db_file) == archived


def test_loading_a_set_twice_gives_the_same_database(tmp_path, db_file):
    paths = [
        book(tmp_path / "in", "NX03", "2024-02", february_sheets()),
        book(tmp_path / "in", "NX03", "2024-03", march_sheets()),
    ]
    from etl.load import load_paths

    assert [r.status for r in load_paths(db_file, paths)] == ["loaded", "loaded"]
    before = dump(db_file)
    assert [r.status for r in load_paths(db_file, paths)] == ["unchanged", "unchanged"]
    assert dump(db_file) == before


# --------------------------------------------------------------------------------------------- replacement


def march_v2() -> dict[str, list[dict]]:
    s = march_sheets()
    return {
        "TTHC": [tthc_row("Hộ tịch", 3, 5, 5, 3, 3, 1, 4, 2)],  # «Chứng thực» dropped
        "Đơn thư": [  # A now resolved, B not mentioned (stays as it was), C new
            s["Đơn thư"][0] | {"accepted_date": date(2024, 3, 5), "resolved_date": date(2024, 3, 20), "result": "Đúng"},
            {
                "case_id": "C",
                "received_date": date(2024, 3, 25),
                "petition_type": "KNPA",
                "field": "Môi trường",
                "in_jurisdiction": "Không",
            },
        ],
        "Tiếp công dân": [
            {
                "reception_date": date(2024, 3, 19),
                "form": "Định kỳ",
                "host": "Chủ tịch",
                "visits": 7,
                "citizens": 9,
                "cases": 4,
            }
        ],
        "Đối thoại": [],  # header only: nothing held in March
        "Kỷ luật": [
            {
                "decision_no": "QĐ-02",
                "decision_date": date(2024, 3, 15),
                "subject": "Cán bộ",
                "behaviour": "Cửa quyền, hách dịch",
                "form": "Cảnh cáo",
            }
        ],
        # «Kiểm tra công vụ» sheet missing altogether: nothing to report
        "Tuyên truyền": [
            {"event_date": date(2024, 3, 9), "content": "A", "form": "Mạng xã hội", "participants": 10},
            {"event_date": date(2024, 3, 16), "content": "B", "form": "Khác", "participants": 5},
        ],
        "Giám sát, phản biện": [
            {
                "event_date": date(2024, 3, 25),
                "organisation": "Hội Nông dân",
                "form": "Phản biện xã hội",
                "recommendations": 4,
                "accepted": 4,
            }
        ],
        "Dân vận khéo": [
            {"model_name": "M1", "recognised_year": 2024, "level": "Huyện"},
            {"model_name": "M2", "recognised_year": 2024, "level": "Xã"},
        ],
        "Kế hoạch": plan_rows(2, ["II.1", "II.2"]),
    }


def test_new_version_replaces_the_period(tmp_path, db_with_february):
    db_file = db_with_february
    feb_tthc = query(db_file, "select * from tthc where period_key = '2024-02' order by all")
    feb_plan = query(db_file, "select * from plan_tasks where period_key = '2024-02' order by all")
    p1 = book(tmp_path / "in", "NX03", "2024-03", march_sheets(), name="NX03_2024-03_v1.xlsx")
    p2 = book(tmp_path / "in", "NX03", "2024-03", march_v2(), name="NX03_2024-03_v2.xlsx")
    v1 = load_ok(db_file, p1)
    april = {
        "Tiếp công dân": [
            {
                "reception_date": date(2024, 4, 1),
                "form": "Đột xuất",
                "host": "Phó Chủ tịch",
                "visits": 1,
                "citizens": 1,
                "cases": 1,
            }
        ],
        "Tuyên truyền": [{"event_date": date(2024, 4, 3), "content": "X", "form": "Khác"}],
    }
    load_ok(db_file, book(tmp_path / "in", "NX03", "2024-04", april))  # rows dated after March: untouched by v2
    v2 = load_ok(db_file, p2)

    assert v2.replaced_load_id == v1.load_id
    assert query(
        db_file,
        "select field, carried_over, received_online, received_offline, resolved_early, resolved_on_time, resolved_late, "
        "pending_on_time, pending_overdue, returned from tthc where period_key = '2024-03'",
    ) == [("Hộ tịch", 3, 5, 5, 3, 3, 1, 4, 2, 0)]
    assert query(db_file, "select * from tthc where period_key = '2024-02' order by all") == feb_tthc
    assert query(db_file, "select * from plan_tasks where period_key = '2024-02' order by all") == feb_plan
    assert query(db_file, "select task_code from plan_tasks where period_key = '2024-03' order by 1") == [
        ("II.1",),
        ("II.2",),
    ]
    dated = {
        "receptions": ("reception_date", [date(2024, 2, 6), date(2024, 3, 19), date(2024, 4, 1)]),
        "dialogues": ("dialogue_date", [date(2024, 2, 20)]),
        "discipline": ("decision_date", [date(2024, 2, 9), date(2024, 3, 15)]),
        "inspections": ("inspection_date", [date(2024, 2, 15)]),
        "outreach": ("event_date", [date(2024, 2, 16), date(2024, 3, 9), date(2024, 3, 16), date(2024, 4, 3)]),
        "supervision": ("event_date", [date(2024, 2, 22), date(2024, 3, 25)]),
    }
    for table, (column, expected) in dated.items():
        assert [d for (d,) in query(db_file, f"select {column} from {table} order by 1")] == expected, table
    petitions = {
        c: (res, lid) for c, res, lid in query(db_file, "select case_id, resolved_date, load_id from petitions")
    }
    assert petitions == {
        "F": (None, 1),
        "A": (date(2024, 3, 20), v2.load_id),
        "B": (None, v1.load_id),
        "C": (None, v2.load_id),
    }
    models = dict(query(db_file, "select model_name, level from emulation_models"))
    assert models == {"MF": "Xã", "M1": "Huyện", "M2": "Xã"}
    assert query(db_file, "select load_id from reports where unit_code = 'NX03' and period_key = '2024-03'") == [
        (v2.load_id,)
    ]
    history = query(
        db_file, "select load_id, file_name, period_key, replaced_load_id from load_history order by load_id"
    )
    assert history == [
        (1, "NX03_2024-02.xlsx", "2024-02", None),
        (2, "NX03_2024-03_v1.xlsx", "2024-03", None),
        (3, "NX03_2024-04.xlsx", "2024-04", None),
        (4, "NX03_2024-03_v2.xlsx", "2024-03", 2),
    ]
    kept = archive_files(db_file)
    assert p1.read_bytes() in kept.values() and p2.read_bytes() in kept.values()


def test_upsert_keeps_the_newest_period_state(tmp_path, db_file):
    """Đơn thư / Dân vận khéo: a newer period's row is the state; an older period loaded later does not overwrite it."""
    folder = tmp_path / "in"
    open_z = {
        "case_id": "Z",
        "received_date": date(2024, 3, 10),
        "petition_type": "Tố cáo",
        "field": "Đất đai",
        "in_jurisdiction": "Có",
    }
    march = {
        "Đơn thư": [
            open_z,
            {
                "case_id": "Y",
                "received_date": date(2024, 3, 11),
                "petition_type": "KN",
                "field": "Khác",
                "in_jurisdiction": "Có",
            },
        ],
        "Dân vận khéo": [{"model_name": "Đường hoa", "recognised_year": 2024, "level": "Xã"}],
    }
    april = {
        "Đơn thư": [
            open_z | {"accepted_date": date(2024, 3, 12), "resolved_date": date(2024, 4, 5), "result": "Đúng một phần"}
        ],
        "Dân vận khéo": [{"model_name": "Đường hoa", "recognised_year": 2024, "level": "Tỉnh", "is_rewarded": "Có"}],
    }
    load_ok(db_file, book(folder, "NX03", "2024-04", april))
    load_ok(db_file, book(folder, "NX03", "2024-03", march))  # older period, loaded after the newer one
    state = query(db_file, "select case_id, accepted_date, resolved_date, result, period_key from petitions order by 1")
    assert state == [
        ("Y", None, None, None, "2024-03"),
        ("Z", date(2024, 3, 12), date(2024, 4, 5), "Đúng một phần", "2024-04"),
    ]
    assert query(db_file, "select model_name, level, is_rewarded, period_key from emulation_models") == [
        ("Đường hoa", "Tỉnh", True, "2024-04")
    ]

    # a new version of the older period (March) still does not overwrite the April state
    march_v2 = {
        "Đơn thư": [open_z | {"field": "Khác"}],
        "Dân vận khéo": [{"model_name": "Đường hoa", "level": "Huyện"}],
    }
    r = load_ok(db_file, book(folder, "NX03", "2024-03", march_v2, name="NX03_2024-03_v2.xlsx"))
    assert r.replaced_load_id == 2
    assert query(db_file, "select case_id, field, resolved_date from petitions order by 1") == [
        ("Y", "Khác", None),
        ("Z", "Đất đai", date(2024, 4, 5)),
    ]
    assert query(db_file, "select level from emulation_models") == [("Tỉnh",)]

    # a newer period updates the older state
    may = {
        "Đơn thư": [
            {
                "case_id": "Y",
                "received_date": date(2024, 3, 11),
                "petition_type": "KN",
                "field": "Khác",
                "in_jurisdiction": "Có",
                "resolved_date": date(2024, 5, 2),
                "result": "Sai",
            }
        ]
    }
    load_ok(db_file, book(folder, "NX03", "2024-05", may))
    assert query(db_file, "select case_id, resolved_date, period_key from petitions order by 1") == [
        ("Y", date(2024, 5, 2), "2024-05"),
        ("Z", date(2024, 4, 5), "2024-04"),
    ]


def test_same_case_id_in_two_units_are_two_cases(tmp_path, db_file):
    case = {
        "case_id": "01/2024",
        "received_date": date(2024, 3, 1),
        "petition_type": "TC",
        "field": "Khác",
        "in_jurisdiction": "Có",
    }
    load_ok(db_file, book(tmp_path, "NX03", "2024-03", {"Đơn thư": [case]}))
    load_ok(
        db_file,
        book(tmp_path, "NX04", "2024-04", {"Đơn thư": [case | {"resolved_date": date(2024, 4, 2), "result": "Đúng"}]}),
    )
    assert query(db_file, "select unit_code, resolved_date from petitions order by 1") == [
        ("NX03", None),
        ("NX04", date(2024, 4, 2)),
    ]


# --------------------------------------------------------------------------------------------- overlapping TTHC

BALANCED = [tthc_row("Hộ tịch", 0, 1, 1, 1, 1, 0, 0, 0)]

# (TTHC period already loaded, TTHC period offered for the same unit, refused?)
TEST_CASES_OVERLAP = [
    ("2024-01", "2024Q1", True),
    ("2024-01", "2024H1", True),
    ("2024-01", "2024M9", True),
    ("2024-01", "2024", True),
    ("2024Q1", "2024-03", True),
    ("2024H2", "2024Q4", True),
    ("2024-01", "2024-02", False),
    ("2023Q4", "2024Q1", False),
    ("2024H1", "2024Q3", False),
]


@pytest.mark.parametrize("loaded,offered,refused", TEST_CASES_OVERLAP)
def test_overlapping_tthc_periods_refused(tmp_path, db_file, loaded, offered, refused):
    load_ok(db_file, book(tmp_path, "NX03", loaded, {"TTHC": BALANCED}))
    before = dump(db_file)
    result = load(db_file, book(tmp_path, "NX03", offered, {"TTHC": BALANCED}))
    if refused:
        assert result.status == "rejected"
        [error] = result.errors
        assert error.sheet == "TTHC" and loaded in error.message and "trùng" in error.message
        assert dump(db_file) == before
        assert (
            len([n for n in archive_files(db_file) if n != "manifest.jsonl"]) == 1
        )  # the refused file is not archived
        # the same period for another unit is fine
        assert load(db_file, book(tmp_path, "NX04", offered, {"TTHC": BALANCED})).status == "loaded"
        # and a register-only workbook (no TTHC sheet) for the overlapping period is accepted
        reg = {"Kế hoạch": plan_rows(1)}
        assert load(db_file, book(tmp_path, "NX03", offered, reg, name="reg.xlsx")).status == "loaded"
    else:
        assert result.status == "loaded", [str(p) for p in result.problems]


def test_overlap_message_names_the_loaded_period(tmp_path, db_file):
    load_ok(db_file, book(tmp_path, "NX03", "2024-01", {"TTHC": BALANCED}))
    load_ok(db_file, book(tmp_path, "NX03", "2024-02", {"TTHC": BALANCED}))
    result = load(db_file, book(tmp_path, "NX03", "2024Q1", {"TTHC": BALANCED}))
    assert result.status == "rejected"
    text = " ".join(p.message for p in result.errors)
    assert "Tháng 1/2024" in text and "Tháng 2/2024" in text and "NX03" in text


def test_new_version_of_the_same_tthc_period_is_not_an_overlap(tmp_path, db_file):
    # both versions carry the same file name (as offices do): the archive keeps both, told apart by their hash
    v1 = book(tmp_path / "v1", "NX03", "2024Q1", {"TTHC": BALANCED}, name="BaoCao_Q1.xlsx")
    v2 = book(
        tmp_path / "v2",
        "NX03",
        "2024Q1",
        {"TTHC": [tthc_row("Hộ tịch", 0, 2, 0, 1, 1, 0, 0, 0)]},
        name="BaoCao_Q1.xlsx",
    )
    load_ok(db_file, v1)
    r = load_ok(db_file, v2)
    assert r.replaced_load_id == 1
    assert query(db_file, "select received_online, received_offline from tthc") == [(2, 0)]
    kept = archive_files(db_file)
    assert v1.read_bytes() in kept.values() and v2.read_bytes() in kept.values()


def test_register_only_workbook_of_an_overlapping_period_keeps_other_registers(tmp_path, db_file):
    """A first 2024Q1 workbook with only «Kế hoạch» (accepted: register sheets have no overlap limit) reports nothing
    about receptions or dialogues; the rows already loaded from the 2024-01 workbook must not be lost."""
    jan = {
        "TTHC": BALANCED,
        "Tiếp công dân": [
            {
                "reception_date": date(2024, 1, 9),
                "form": "Định kỳ",
                "host": "Chủ tịch",
                "visits": 2,
                "citizens": 3,
                "cases": 1,
            }
        ],
        "Đối thoại": [
            {
                "dialogue_date": date(2024, 1, 19),
                "topic": "Đất đai",
                "host": "Chủ tịch",
                "participants": 30,
                "issues_raised": 4,
                "issues_answered": 4,
            }
        ],
    }
    load_ok(db_file, book(tmp_path, "NX03", "2024-01", jan))
    load_ok(db_file, book(tmp_path, "NX03", "2024Q1", {"Kế hoạch": plan_rows(2)}))
    assert query(db_file, "select reception_date from receptions") == [(date(2024, 1, 9),)]
    assert query(db_file, "select dialogue_date from dialogues") == [(date(2024, 1, 19),)]


def test_register_sheet_of_a_covering_period_replaces_rows_without_double_counting(tmp_path, db_file):
    """A 2024Q1 workbook that has «Tiếp công dân» is authoritative for receptions dated in Q1: the January
    workbook's rows are replaced (with a warning naming the period), not counted twice."""
    visit = {
        "reception_date": date(2024, 1, 9),
        "form": "Định kỳ",
        "host": "Chủ tịch",
        "visits": 2,
        "citizens": 3,
        "cases": 1,
    }
    load_ok(db_file, book(tmp_path, "NX03", "2024-01", {"Tiếp công dân": [visit]}))
    later = visit | {"reception_date": date(2024, 2, 13)}
    r = load_ok(db_file, book(tmp_path, "NX03", "2024Q1", {"Tiếp công dân": [visit, later]}))
    assert query(db_file, "select reception_date, period_key from receptions order by 1") == [
        (date(2024, 1, 9), "2024Q1"),
        (date(2024, 2, 13), "2024Q1"),
    ]
    assert [(w.sheet, "1 dòng" in w.message and "2024-01" in w.message) for w in r.warnings] == [
        ("Tiếp công dân", True)
    ]


# --------------------------------------------------------------------------------------------- cross-period warning


def test_cross_period_warning_when_carried_over_differs(tmp_path, db_file):
    jan = {"TTHC": [tthc_row("Hộ tịch", 5, 10, 20, 8, 12, 5, 7, 3), tthc_row("Đất đai", 4, 0, 6, 1, 2, 3, 2, 2)]}
    load_ok(db_file, book(tmp_path, "NX03", "2024-01", jan))
    # January ends with Hộ tịch 7 + 3 = 10 pending (matches) and Đất đai 2 + 2 = 4 pending (February says 5)
    feb = {
        "TTHC": [
            tthc_row("Hộ tịch", 10, 6, 14, 5, 10, 1, 12, 2),
            tthc_row("Đất đai", 5, 2, 4, 0, 3, 2, 5, 1),
            tthc_row("Xây dựng", 2, 0, 0, 1, 1, 0, 0, 0),
        ]
    }
    r = load_ok(db_file, book(tmp_path, "NX03", "2024-02", feb))
    assert [(w.where, "Đất đai" in w.message and "5" in w.message and "4" in w.message) for w in r.warnings] == [
        ("TTHC!B3", True)
    ]
    [(warnings_json,)] = query(db_file, "select warnings_json from load_history where load_id = 2")
    assert [w["where"] for w in json.loads(warnings_json)] == ["TTHC!B3"]
    # no previous month loaded (2024-04 after a gap): no warning
    apr = {"TTHC": [tthc_row("Hộ tịch", 99, 0, 0, 0, 0, 0, 99, 0)]}
    assert load_ok(db_file, book(tmp_path, "NX03", "2024-04", apr)).warnings == []


def test_cross_period_warning_across_period_kinds(tmp_path, db_file):
    """The previous period is whatever TTHC period ended the day before (a quarter before a month)."""
    load_ok(db_file, book(tmp_path, "NX03", "2024Q1", {"TTHC": [tthc_row("Hộ tịch", 0, 3, 0, 1, 0, 0, 2, 0)]}))
    r = load_ok(db_file, book(tmp_path, "NX03", "2024-04", {"TTHC": [tthc_row("Hộ tịch", 3, 0, 0, 1, 0, 0, 2, 0)]}))
    assert [w.where for w in r.warnings] == ["TTHC!B2"]


# --------------------------------------------------------------------------------------------- archive and history


def _data_snapshot() -> dict[str, float]:
    """The default database's archive (data/archive/): a test's database must never write there."""
    folder = ROOT / "data" / "archive"
    return {str(p): p.stat().st_mtime for p in folder.rglob("*")} if folder.exists() else {}


def test_archive_beside_the_database_and_history(tmp_path, db_file):
    data_before = _data_snapshot()
    archive = config.archive_dir(db_file)
    assert archive == db_file.parent.resolve() / "test_archive"
    assert tmp_path.resolve() in archive.parents and (ROOT / "data").resolve() not in archive.parents

    extra = grid("Tuyên truyền", march_sheets()["Tuyên truyền"])
    extra[0].append("Ghi chú riêng")
    good = book(
        tmp_path / "in",
        "NX03",
        "2024-03",
        {k: v for k, v in march_sheets().items() if k != "Tuyên truyền"},
        raw={"Tuyên truyền": extra},
        name="Báo cáo tháng 3 (NX03).xlsx",
    )
    bad_sheets = march_sheets() | {"TTHC": [tthc_row("Hộ tịch", 1, 0, 0, 0, 0, 0, 0, 0)]}
    bad = book(tmp_path / "in", "NX04", "2024-03", bad_sheets, name="loi.xlsx")
    con = db.connect(db_file)
    try:
        at = datetime(2024, 4, 3, 9, 30)
        ok = load_bytes(
            con, good.name, good.read_bytes(), archive, received_at=datetime(2024, 4, 2, 16, 0), loaded_at=at
        )
        rejected = load_bytes(con, bad.name, bad.read_bytes(), archive)
    finally:
        con.close()
    assert (ok.status, rejected.status) == ("loaded", "rejected")

    digest = hashlib.sha256(good.read_bytes()).hexdigest()
    files = archive_files(db_file)
    copies = {n: b for n, b in files.items() if n != "manifest.jsonl"}
    assert list(copies.values()) == [good.read_bytes()]  # byte-identical, and the rejected file is not there
    [name] = copies
    assert digest[:16] in name
    assert bad.read_bytes() not in files.values()

    [row] = query(
        db_file,
        "select file_name, file_hash, archive_name, unit_code, period_key, loaded_at, received_at, "
        "rows_json, warnings_json, replaced_load_id from load_history",
    )
    assert row[:7] == ("Báo cáo tháng 3 (NX03).xlsx", digest, name, "NX03", "2024-03", at, datetime(2024, 4, 2, 16, 0))
    assert json.loads(row[7]) == {
        "TTHC": 2,
        "Đơn thư": 2,
        "Tiếp công dân": 2,
        "Đối thoại": 1,
        "Kỷ luật": 1,
        "Kiểm tra công vụ": 1,
        "Tuyên truyền": 1,
        "Giám sát, phản biện": 1,
        "Dân vận khéo": 1,
        "Kế hoạch": 9,
    }
    assert [w["where"] for w in json.loads(row[8])] == ["Tuyên truyền!E1"]
    assert row[9] is None
    assert _data_snapshot() == data_before  # a temporary database never touches data/


def test_load_paths_records_received_at(tmp_path, db_file):
    received = datetime(2024, 4, 20, 8, 0)
    r = load_ok(db_file, book(tmp_path, "NX03", "2024-03", {"Kế hoạch": plan_rows()}), received_at=received)
    assert query(db_file, "select received_at from load_history") == [(received,)]
    assert query(db_file, "select first_received_at, received_at from reports") == [(received, received)]
    assert r.load_id == 1


# --------------------------------------------------------------------------------------------- rebuild

SELECTIONS = [
    ("NX03", "2024-01", "2024-03", False),
    ("NX03", "2024-03", None, False),
    ("NX", "2024Q1", None, False),
    ("X04", "2024-01", "2026-12", True),
    ("38", "2025-07", None, False),
    ("NX04", "2024-02", None, False),
]


def test_rebuild_from_archive_gives_identical_figures(tmp_path, db_file):
    folder = tmp_path / "in"
    jan = {"TTHC": [tthc_row("Hộ tịch", 5, 10, 20, 8, 12, 5, 7, 3)], "Kế hoạch": plan_rows(0)}
    paths = [
        book(folder, "NX03", "2024-01", jan),
        book(folder, "NX03", "2024-02", february_sheets()),
        book(folder, "NX03", "2024-03", march_sheets(), name="m3_v1.xlsx"),
        book(folder, "NX03", "2024-03", march_v2(), name="m3_v2.xlsx"),  # replacement
        book(folder, "NX04", "2024-02", {"TTHC": BALANCED, "Đơn thư": february_sheets()["Đơn thư"]}),
        book(folder, "NX04", "2024Q1", {"TTHC": BALANCED}, name="overlap.xlsx"),  # rejected
        book(folder, "NX06", "2025-06", {"TTHC": [tthc_row("Hộ tịch", 1, 1, 3, 0, 2, 2, 1, 0)]}),
        book(
            folder,
            "X04",
            "2025-07",
            {
                "TTHC": [tthc_row("Hộ tịch", 1, 10, 10, 5, 10, 0, 5, 1)],
                "Tiếp công dân": [
                    {
                        "reception_date": date(2025, 7, 3),
                        "form": "Định kỳ",
                        "host": "Chủ tịch",
                        "visits": 1,
                        "citizens": 1,
                        "cases": 1,
                    }
                ],
            },
        ),
    ]
    statuses = [load(db_file, p, received_at=datetime(2025, 8, 1) if "X04" in p.name else None).status for p in paths]
    assert statuses == ["loaded"] * 5 + ["rejected"] + ["loaded"] * 2
    assert load(db_file, paths[0]).status == "unchanged"
    before_tables = dump(db_file)
    before = {sel: indicators(db_file, sel[0], sel[1], sel[2], sel[3]) for sel in SELECTIONS}
    assert before[SELECTIONS[0]]["tthc.received_new"] == 30 + 5 + 10  # sanity: Jan 10+20, Feb 2+3, Mar v2 5+5

    db_file.unlink()
    Path(str(db_file) + ".wal").unlink(missing_ok=True)
    results = rebuild(db_file)

    assert [r.status for r in results] == ["loaded"] * 7
    assert results[3].replaced_load_id == results[2].load_id
    assert {sel: indicators(db_file, sel[0], sel[1], sel[2], sel[3]) for sel in SELECTIONS} == before
    assert dump(db_file) == before_tables


def test_rebuild_twice_is_stable_and_leaves_archive_alone(tmp_path, db_file):
    load_ok(db_file, book(tmp_path, "NX03", "2024-03", march_sheets()))
    archived = archive_files(db_file)
    tables = dump(db_file)
    rebuild(db_file)
    rebuild(db_file)
    assert dump(db_file) == tables
    assert archive_files(db_file) == archived


# --------------------------------------------------------------------------------------------- CLI


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )


def test_cli_load_exit_status_and_report(tmp_path, db_file):
    good1 = book(tmp_path, "NX03", "2024-02", february_sheets())
    sheets = march_sheets()
    sheets["Tiếp công dân"].append(
        {
            "reception_date": date(2024, 3, 20),
            "form": "Định kỳ",
            "host": "Chủ tịch",
            "visits": "nhiều",
            "citizens": 1,
            "cases": 1,
        }
    )
    bad = book(tmp_path, "NX03", "2024-03", sheets, name="sai.xlsx")
    good2 = book(tmp_path, "NX04", "2024-03", {"Kế hoạch": plan_rows(3)})

    proc = run_cli(
        "load", str(good1), str(bad), str(good2), "--db", str(db_file), "--received-at", "2024-04-05T10:00:00"
    )
    assert proc.returncode == 1, proc.stderr
    assert "[KHÔNG NHẬP] sai.xlsx" in proc.stdout and "Tiếp công dân!D4" in proc.stdout and "nhiều" in proc.stdout
    assert proc.stdout.count("[ĐÃ NHẬP]") == 2
    assert "2 tệp đã nhập" in proc.stdout and "1 tệp bị từ chối" in proc.stdout
    assert query(db_file, "select unit_code, period_key, received_at from reports order by 1") == [
        ("NX03", "2024-02", datetime(2024, 4, 5, 10)),
        ("NX04", "2024-03", datetime(2024, 4, 5, 10)),
    ]

    proc = run_cli("load", str(good1), "--db", str(db_file))
    assert proc.returncode == 0 and "[KHÔNG THAY ĐỔI]" in proc.stdout


def test_cli_load_unreadable_files_are_rejected_and_the_others_load(tmp_path, db_file):
    not_a_workbook = tmp_path / "so lieu.csv"
    not_a_workbook.write_text("Mã đơn vị,NX03\n", encoding="utf-8")
    renamed = tmp_path / "doi_duoi.xlsx"
    renamed.write_text("không phải bảng tính", encoding="utf-8")
    good = book(tmp_path, "NX04", "2024-03", {"Kế hoạch": plan_rows(3)})
    proc = run_cli("load", str(not_a_workbook), str(renamed), str(good), "--db", str(db_file))
    assert proc.returncode == 1, proc.stderr
    assert "[KHÔNG NHẬP] so lieu.csv" in proc.stdout and "[KHÔNG NHẬP] doi_duoi.xlsx" in proc.stdout
    assert "[ĐÃ NHẬP] NX04_2024-03.xlsx" in proc.stdout and "Traceback" not in proc.stderr
    assert query(db_file, "select unit_code, period_key from reports") == [("NX04", "2024-03")]


def test_cli_load_missing_path_is_rejected_and_the_others_load(tmp_path, db_file):
    """A mistyped file name in a batch must be reported (in Vietnamese) like any unreadable file, not abort the batch."""
    good1 = book(tmp_path, "NX03", "2024-03", {"Kế hoạch": plan_rows(1)})
    good2 = book(tmp_path, "NX04", "2024-03", {"Kế hoạch": plan_rows(3)})
    proc = run_cli("load", str(good1), str(tmp_path / "khong_co.xlsx"), str(good2), "--db", str(db_file))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr[-400:]
    assert "khong_co.xlsx" in proc.stdout + proc.stderr
    assert query(db_file, "select unit_code from reports order by 1") == [("NX03",), ("NX04",)]


def test_cli_indicators_json_and_errors(tmp_path, db_file):
    load_ok(db_file, book(tmp_path, "NX03", "2024-03", march_sheets()))
    proc = run_cli("indicators", "--db", str(db_file), "--unit", "NX03", "--period", "2024Q1")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"unit", "start", "end", "label", "period", "running", "indicators"}
    assert (out["unit"], out["start"], out["end"]) == ("NX03", "2024-01-01", "2024-03-31")
    assert (out["label"], out["running"]) == ("Quý I/2024", False)
    values = out["indicators"]
    # March: TTHC new = (4 + 5) + (1 + 1) = 11, online 4 + 1 = 5; resolved (2+3+1) + (2+0+0) = 8, late 1 -> 7/8
    assert (values["tthc.received_new"], values["tthc.received_online"], values["tthc.resolved"]) == (11, 5, 8)
    assert values["tthc.on_time_rate"] == pytest.approx(7 / 8)
    # petitions A and B open: must_resolve 2, resolved 0 -> resolution 0/2 = 0; on-time rate has no denominator -> null
    assert values["petitions.resolution_rate"] == 0
    assert values["petitions.on_time_rate"] is None and "petitions.on_time_rate" in values
    ids = {
        "tthc.carried_over",
        "tthc.received_new",
        "tthc.received_online",
        "tthc.resolved",
        "tthc.resolved_late",
        "tthc.pending_end",
        "tthc.pending_overdue_end",
        "tthc.on_time_rate",
        "tthc.online_rate",
        "petitions.received",
        "petitions.must_resolve",
        "petitions.resolved",
        "petitions.resolution_rate",
        "petitions.on_time_rate",
        "petitions.overdue_open",
        "petitions.crowd_cases",
        "reception.days",
        "reception.citizens",
        "reception.cases",
        "reception.crowd_groups",
        "reception.chair_days",
        "reception.chair_required",
        "reception.chair_compliance",
        "dialogue.sessions",
        "dialogue.required",
        "dialogue.participants",
        "dialogue.issues_raised",
        "dialogue.answer_rate",
        "discipline.decisions",
        "discipline.harassment",
        "inspection.count",
        "inspection.officials_checked",
        "inspection.violations",
        "outreach.events",
        "outreach.participants",
        "supervision.events",
        "supervision.recommendations",
        "supervision.acceptance_rate",
        "emulation.models",
        "plan.done_rate",
        "reporting.expected",
        "reporting.received",
        "reporting.completeness",
        "reporting.on_time",
        "reporting.timeliness",
    }
    assert ids <= set(values)

    span = run_cli("indicators", "--db", str(db_file), "--unit", "NX", "--period", "2024-01", "--period-end", "2024-03")
    assert span.returncode == 0 and json.loads(span.stdout)["end"] == "2024-03-31"

    for args, words in [
        (("--unit", "XYZ", "--period", "2024-03"), "XYZ"),
        (("--unit", "NX03", "--period", "2024-13"), "2024-13"),
        (("--unit", "NX03", "--period", "03/2024"), "03/2024"),
        (("--unit", "NX03", "--period", "2024-03", "--period-end", "2024-01"), "2024-01"),
    ]:
        proc = run_cli("indicators", "--db", str(db_file), *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        message = proc.stderr + proc.stdout
        assert words in message and any(w in message for w in ("không", "Kỳ", "Mã đơn vị")), message
        assert "Traceback" not in message


def test_cli_template_writes_a_loadable_workbook(tmp_path, db_file):
    out = tmp_path / "mau NX03 2024-03.xlsx"
    proc = run_cli("template", str(out), "--unit", "NX03", "--period", "2024-03")
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    r = load_ok(db_file, out)
    assert (r.unit_code, r.period.key) == ("NX03", "2024-03")
    assert r.rows == {"Kế hoạch": 9}  # the pre-filled plan tasks; every other sheet empty
    values = indicators(db_file, "NX03", "2024-03")
    assert values["plan.done_rate"] == 0 and values["reporting.received"] == 1


# --------------------------------------------------------------------------------------------- timing


def test_timing_typical_commune_workbook(tmp_path, db_with_february, capsys):
    db_file = db_with_february
    days = [date(2024, 3, 1) + timedelta(days=i % 31) for i in range(300)]
    hosts = ["Chủ tịch", "Phó Chủ tịch", "Công chức được phân công"]
    sheets = {
        "TTHC": [tthc_row(f"Lĩnh vực {i}", 2, 3, 4, 2, 3, 1, 2, 1) for i in range(12)],
        "Đơn thư": [
            {
                "case_id": f"ĐT-{i:03d}",
                "received_date": d,
                "petition_type": ["KN", "TC", "KNPA"][i % 3],
                "field": "Đất đai",
                "in_jurisdiction": "Có" if i % 5 else "Không",
            }
            for i, d in enumerate(days[:100])
        ],
        "Tiếp công dân": [
            {"reception_date": d, "form": "Định kỳ", "host": hosts[i % 3], "visits": 2, "citizens": 3, "cases": 1}
            for i, d in enumerate(days[100:200])
        ],
        "Tuyên truyền": [
            {"event_date": d, "content": "Tuyên truyền", "form": "Hội nghị", "participants": 30} for d in days[200:260]
        ],
        "Kiểm tra công vụ": [{"inspection_date": d, "officials_checked": 4, "violations": 0} for d in days[260:280]],
        "Giám sát, phản biện": [
            {"event_date": d, "organisation": "MTTQ", "form": "Giám sát", "recommendations": 2, "accepted": 1}
            for d in days[280:300]
        ],
        "Kế hoạch": plan_rows(4),
    }
    path = book(tmp_path, "NX03", "2024-03", sheets)
    t0 = time.perf_counter()
    r = load_ok(db_file, path)
    seconds = time.perf_counter() - t0
    with capsys.disabled():
        print(f"\n[timing] one commune workbook, {sum(r.rows.values())} rows: {seconds * 1000:.0f} ms")
    assert sum(r.rows.values()) == 12 + 100 + 100 + 60 + 20 + 20 + 9
    assert seconds < 5


TEST_CASES_TEMPLATE_REFUSED = [
    # unit, period, words of the Vietnamese message
    ("NX03", "2024-13", "không hợp lệ"),
    ("NX03", "2025Q3", "30/06/2025"),  # Bình Lương was merged into X04 on 01/7/2025
    ("ZZ99", "2024-03", "không có trong danh mục"),
]


@pytest.mark.parametrize("unit, period, words", TEST_CASES_TEMPLATE_REFUSED)
def test_cli_template_refuses_bad_unit_or_period(tmp_path, unit, period, words):
    out = tmp_path / "mau.xlsx"
    r = run_cli("template", str(out), "--unit", unit, "--period", period)
    assert r.returncode == 2
    assert words in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()
