"""The demo generator goes through the real template -> reader -> loader path and is deterministic."""

from __future__ import annotations

import duckdb

from etl import config, periods
from etl.demo import MISSING, build_demo
from etl.indicators import compute

ONLY = {"NX03", "NX06", "NX11", "X04"}


def figures(path, code, first, last=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return compute(con, code, *periods.span(first, last))
    finally:
        con.close()


def test_demo_builds_through_loader_and_is_deterministic(tmp_path):
    a, b = tmp_path / "a" / "demo.duckdb", tmp_path / "b" / "demo.duckdb"
    stats = build_demo(a, only=ONLY)
    build_demo(b, only=ONLY)
    # 3 old communes x 30 months (minus NX11's missing months) + X04 x 16 months
    assert stats["files"] == 3 * 30 - len(MISSING["NX11"]) + 16
    con = duckdb.connect(str(a), read_only=True)
    history = con.execute("select count(*), count(distinct archive_name) from load_history").fetchone()
    archived = sorted(p.name for p in config.archive_dir(a).glob("*.xlsx"))
    con.close()
    assert history == (stats["files"], stats["files"])  # every workbook went through the loader and its archive
    assert len(archived) == stats["files"]
    for code, first, last in (("NX03", "2024-03", None), ("X04", "2026", None), ("X04", "2024", "2026-10")):
        assert figures(a, code, first, last) == figures(b, code, first, last)


def test_demo_has_seasons_missing_reports_and_overdue_cases(tmp_path):
    path = tmp_path / "demo.duckdb"
    build_demo(path, only=ONLY)
    year = figures(path, "NX11", "2024")
    assert year["reporting.received"] == 0  # NX11 skipped 2024-02 and 2024-08, so the year is incomplete
    assert figures(path, "NX11", "2024-03")["reporting.received"] == 1
    rolled = figures(path, "X04", "2024", "2026-10") | {}
    con = duckdb.connect(str(path), read_only=True)
    jan, jun = (
        con.execute(
            "select sum(received_online + received_offline) from tthc where unit_code = 'NX03' and period_key = ?", [k]
        ).fetchone()[0]
        for k in ("2024-01", "2024-02")
    )
    con.close()
    assert jan != jun  # volumes vary month to month
    assert rolled["petitions.overdue_open"] > 0
    assert 0 < rolled["tthc.on_time_rate"] < 1
