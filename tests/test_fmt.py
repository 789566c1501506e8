"""Vietnamese formatting of numbers, rates, changes, dates and periods."""

from __future__ import annotations

from datetime import date

import pytest

from etl.periods import parse
from ui import filters, fmt

TEST_CASES_NUM = [(1234, "1.234"), (1234567, "1.234.567"), (0, "0"), (None, "–"), (12.5, "12,5"), (1234.56, "1.234,6")]
TEST_CASES_PCT = [(0.953, "95,3 %"), (1.0, "100,0 %"), (0.0, "0,0 %"), (None, "Không phát sinh")]
TEST_CASES_LABEL = [
    ("2024-03", "T3/2024"),
    ("2024Q1", "Quý I/2024"),
    ("2024H2", "6T cuối/2024"),
    ("2024M9", "9T/2024"),
    ("2024", "2024"),
]
TEST_CASES_COMPARE = [  # kind, period, mode, expected comparison range
    ("thang", "2024-03", "ky_truoc", (date(2024, 2, 1), date(2024, 2, 29))),
    ("thang", "2024-01", "ky_truoc", (date(2023, 12, 1), date(2023, 12, 31))),
    ("quy", "2024Q1", "cung_ky", (date(2023, 1, 1), date(2023, 3, 31))),
    ("6thang", "2024H2", "ky_truoc", (date(2024, 1, 1), date(2024, 6, 30))),
    ("9thang", "2024M9", "ky_truoc", (date(2023, 1, 1), date(2023, 9, 30))),
    ("nam", "2024", "ky_truoc", (date(2023, 1, 1), date(2023, 12, 31))),
    ("nam", "2024", "khong", (None, None)),
]


@pytest.mark.parametrize("value, text", TEST_CASES_NUM)
def test_num(value, text):
    assert fmt.num(value) == text


@pytest.mark.parametrize("rate, text", TEST_CASES_PCT)
def test_pct(rate, text):
    assert fmt.pct(rate) == text


@pytest.mark.parametrize("key, text", TEST_CASES_LABEL)
def test_short_label(key, text):
    assert fmt.short_label(parse(key)) == text


def test_points_and_change():
    assert (fmt.points(0.021), fmt.points(-0.005), fmt.change(-1234), fmt.change(3)) == (
        "+2,1 điểm %",
        "-0,5 điểm %",
        "-1.234",
        "+3",
    )


@pytest.mark.parametrize("kind, key, mode, expected", TEST_CASES_COMPARE)
def test_comparison_range(kind, key, mode, expected):
    p = parse(key)
    c = filters.resolve("38", kind, p.start, p.end, mode, False, today=date(2026, 11, 29)).window.compare
    assert ((c.start, c.end) if c else (None, None)) == expected


def test_custom_range_compares_with_the_same_length_before():
    sel = filters.resolve("38", "tuy_chon", date(2024, 3, 1), date(2024, 5, 31), "ky_truoc", False, date(2026, 11, 29))
    c = sel.window.compare
    assert (c.start, c.end, c.label) == (date(2023, 12, 1), date(2024, 2, 29), "Tháng 12/2023 – tháng 2/2024")
    assert sel.compare_label == "so với tháng 12/2023 – tháng 2/2024"
