"""The benchmark's synthetic data: deterministic for a seed, cached, and loaded without a single problem by the real
loader against the synthetic reference folder (2 communes × 2 months; timings are printed by bench/run.py, never
asserted)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from units import GROUP_SIZE, commune_codes, group_code, write_reference  # noqa: E402


def cells(path: Path) -> dict[str, list]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def test_rows_are_deterministic_for_a_seed():
    keys = generate.month_keys(3)
    assert keys == ["2026-08", "2026-09", "2026-10"]
    first, again, other = (generate.commune_rows(7, keys, seed) for seed in (33, 33, 34))
    assert first == again
    assert first != other
    for key, rows, received in first:
        assert received.date() > date.fromisoformat(f"{key}-28")  # sent after the month's end
        assert len(rows["TTHC"]) == 6 and len(rows["Kế hoạch"]) == 9  # the demo's fields and plan tasks
        assert rows["Đơn thư"] and rows["Tiếp công dân"]


def test_reference_folder_has_the_province_its_communes_and_groups(tmp_path):
    from etl import reference

    codes = write_reference(tmp_path, GROUP_SIZE + 5)
    units = reference.units(tmp_path)
    assert codes == commune_codes(GROUP_SIZE + 5) and codes[0] == "B0001"
    assert units.get("38").name == "Tỉnh Thanh Hóa"
    assert {u.code for u in units.communes("38")} >= set(codes)
    assert [u.code for u in units.communes(group_code(0))] == codes[:GROUP_SIZE]
    assert [u.code for u in units.communes(group_code(1))] == codes[GROUP_SIZE:]
    assert units.get("X04") is not None  # the demo's units stay
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == sorted(
        p.name for p in (ROOT / "data/reference").glob("*.csv")
    )


def test_generated_workbooks_are_cached_identical_and_load_cleanly(tmp_path, monkeypatch):
    from etl import config
    from etl.load import load_paths

    monkeypatch.setattr(generate, "CACHE", tmp_path / "a")
    files = generate.generate(2, 2, workers=2, progress=lambda _: None)
    assert sorted(p.name for p, _ in files) == ["B0001_2026-09.xlsx", "B0001_2026-10.xlsx", "B0002_2026-09.xlsx", "B0002_2026-10.xlsx"]  # fmt: skip
    stamps = {p: p.stat().st_mtime_ns for p, _ in files}
    assert generate.generate(2, 2, progress=pytest.fail) == files  # cached: nothing written again
    assert {p: p.stat().st_mtime_ns for p, _ in files} == stamps

    monkeypatch.setattr(generate, "CACHE", tmp_path / "b")
    twins = generate.generate(2, 2, workers=1, progress=lambda _: None)
    assert [cells(p) for p, _ in twins] == [cells(p) for p, _ in files]  # same seed, same cells

    ref = tmp_path / "ref"
    write_reference(ref, 2)
    monkeypatch.setattr(config, "REFERENCE_DIR", ref)
    monkeypatch.setenv("CH33_REFERENCE", str(ref))
    results = load_paths(tmp_path / "bench.duckdb", [p for p, _ in files])
    assert [(r.status, r.problems) for r in results] == [("loaded", [])] * 4
    monkeypatch.setattr(generate, "CACHE", tmp_path / "a")
    assert sum(sum(r.rows.values()) for r in results) == generate.data_rows(2, 2)
