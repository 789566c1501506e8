"""Targets come from the editable table; status colours are met / within 10 points / not met."""

from __future__ import annotations

from datetime import date

import pytest

from etl import targets

TEST_CASES_STATUS = [
    # indicator, value, expected status (targets.csv defaults: on-time 95 %, online 50 %, petitions 85 %)
    ("tthc.on_time_rate", 0.96, "met"),
    ("tthc.on_time_rate", 0.95, "met"),
    ("tthc.on_time_rate", 0.86, "near"),  # 9 points under 95 %
    ("tthc.on_time_rate", 0.84, "not_met"),  # 11 points under
    ("tthc.online_rate", 0.5, "met"),
    ("tthc.online_rate", 0.39, "not_met"),
    ("petitions.resolution_rate", None, None),  # no denominator: no status, not "not met"
]


@pytest.mark.parametrize("indicator, value, expected", TEST_CASES_STATUS)
def test_status(indicator, value, expected):
    t = targets.target_for(indicator, "NX03", date(2024, 6, 30))
    assert t is not None and t.source
    assert targets.status(value, t) == expected


def test_dialogue_target_refers_to_required_sessions_and_is_judged_at_year_end():
    figures = {"dialogue.sessions": 0, "dialogue.required": 2}  # e.g. two communes, or two years
    result = targets.evaluate(figures, "X04", date(2025, 12, 31))
    assert result["dialogue.sessions"]["target"] == 2
    assert result["dialogue.sessions"]["status"] == "not_met"
    figures["dialogue.sessions"] = 2
    assert targets.evaluate(figures, "X04", date(2025, 12, 31))["dialogue.sessions"]["status"] == "met"
    # once a year: a month or a year not yet over is not judged (the "Cần chú ý" list says what is missing)
    assert "dialogue.sessions" not in targets.evaluate(figures, "X04", date(2025, 10, 31))
    assert targets.target_for("plan.done_rate", "X04", date(2999, 12, 31)) is None


def test_unit_specific_target_wins(tmp_path, monkeypatch):
    import shutil

    from etl import config

    for f in config.REFERENCE_DIR.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    with open(tmp_path / "targets.csv", "a", encoding="utf-8") as fh:
        fh.write("tthc.on_time_rate,X04,2025-07-01,,0.99,higher,Nghị quyết HĐND xã\n")
    monkeypatch.setattr(config, "REFERENCE_DIR", tmp_path)
    assert targets.target_for("tthc.on_time_rate", "X04", date(2026, 1, 31)).value == 0.99
    assert targets.target_for("tthc.on_time_rate", "X01", date(2026, 1, 31)).value == 0.95
    assert targets.target_for("tthc.on_time_rate", "X04", date(2025, 6, 30)).value == 0.95
