"""Deterministic demo data for the former huyện Như Xuân, 01/2023–10/2026, loaded through template -> reader -> loader.

Old communes report monthly until 6/2025, the six new communes from 7/2025. Some communes are strong, some weak
(remote ones resolve slower and skip the chairman's weekly reception more often), volumes follow seasons, a few
cases stay overdue, and xã Thanh Quân (old and new) misses reports.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from etl import config, db, reference
from etl.batch import load_batch
from etl.load import load_bytes, record_manifest
from etl.periods import Period, iso_weeks, parse
from etl.specs import BEHAVIOURS, PETITION_FIELDS, PLAN_TASKS
from etl.template import write_workbook

SEED = 33
FIRST, LAST = date(2023, 1, 1), date(2026, 10, 31)
TTHC_FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Lao động – Thương binh và Xã hội", "Tư pháp – Hòa giải", "Xây dựng")
SEASON = {1: 1.3, 2: 0.8, 3: 1.2, 4: 1.0, 5: 1.0, 6: 1.1, 7: 1.0, 8: 1.1, 9: 1.2, 10: 1.0, 11: 1.0, 12: 1.3}
MISSING = {"NX11": {"2024-02", "2024-08", "2025-03"}, "X06": {"2026-09", "2026-10"}}
SAMPLES = (("NX03", "2024-03"), ("X04", "2026-10"), ("X02", "2026-09"))


@dataclass
class UnitState:
    """What carries over from one month to the next for a commune."""

    pending: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> (in time, overdue)
    cases: list[dict] = field(default_factory=list)  # petition cases not yet out of the register
    seq: int = 0


def strength(unit: reference.Unit) -> float:
    """0.55 (weak) .. 1.0 (strong), fixed per unit; remote communes are weaker."""
    base = random.Random(f"{SEED}-{unit.code}").uniform(0.75, 1.0)
    return round(base - (0.2 if unit.is_remote else 0.0), 2)


def _day(rng: random.Random, p: Period) -> date:
    return p.start + timedelta(days=rng.randrange((p.end - p.start).days + 1))


def tthc_rows(rng: random.Random, p: Period, s: float, state: UnitState, size: int = 1) -> list[dict]:
    rows = []
    for i, name in enumerate(TTHC_FIELDS):
        carried = sum(state.pending.get(name, (rng.randint(0, 4), 0)))
        online = int(size * rng.randint(2, 14) * SEASON[p.start.month] * (0.6 + s) * (1 + 0.25 * (p.start.year - 2023)))
        offline = int(size * rng.randint(6, 30) * SEASON[p.start.month] / (1 + 0.15 * (p.start.year - 2023))) // (
            1 + i // 3
        )
        total = carried + online + offline
        pend_in, pend_over = rng.randint(0, max(1, total // 8)), (rng.random() > s + 0.1) * rng.randint(0, 2)
        returned = rng.randint(0, 1) if total > 20 else 0
        resolved = max(0, total - pend_in - pend_over - returned)
        late = int(resolved * max(0.0, rng.uniform(0, 1.05 - s) * 0.4))
        early = int((resolved - late) * rng.uniform(0.2, 0.6))
        pend_in += total - (early + (resolved - late - early) + late + pend_in + pend_over + returned)
        rows.append(
            {
                "field": name,
                "carried_over": carried,
                "received_online": online,
                "received_offline": offline,
                "resolved_early": early,
                "resolved_on_time": resolved - late - early,
                "resolved_late": late,
                "pending_on_time": pend_in,
                "pending_overdue": pend_over,
                "returned": returned,
            }
        )
        state.pending[name] = (pend_in, pend_over)
    return rows


def petition_rows(
    rng: random.Random, unit: reference.Unit, p: Period, s: float, state: UnitState, closing: bool, size: int = 1
) -> list[dict]:
    for _ in range(size * rng.randint(1, 6) + (p.start.month in (3, 4, 9))):
        state.seq += 1
        received = _day(rng, p)
        kind = rng.choices(["Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh"], [3, 1, 8])[0]
        mine = rng.random() < 0.85
        accepted = (
            min(p.end, received + timedelta(days=rng.randint(0, 9))) if mine and kind != "Kiến nghị, phản ánh" else None
        )
        base = accepted or received
        delay = int(rng.expovariate(1 / (12 + 40 * (1 - s))))
        if rng.random() < 0.03 * (1.2 - s) * 10:
            delay += 90  # a hard case that stays open past its deadline
        state.cases.append(
            {
                "case_id": f"{received.year}/{unit.code}-{state.seq:04d}",
                "received_date": received,
                "petition_type": kind,
                "field": rng.choices([c.value for c in PETITION_FIELDS], [6, 2, 2, 1, 2, 3, 1, 2])[0],
                "in_jurisdiction": mine,
                "accepted_date": accepted,
                "complexity": rng.choices(["Thường", "Phức tạp", "Đặc biệt phức tạp"], [8, 2, 0.3])[0],
                "is_crowd": rng.random() < 0.06,
                "_due": base + timedelta(days=max(1, delay)),
            }
        )
    rows, keep = [], []
    for case in state.cases:
        done = case["_due"] if case["_due"] <= p.end or closing else None
        if done and done > p.end:
            done = p.end
        row = {k: v for k, v in case.items() if not k.startswith("_")} | {"resolved_date": done}
        if done:
            row["result"] = (
                rng.choice(["Đúng", "Sai", "Đúng một phần", "Chuyển, hướng dẫn"])
                if case["in_jurisdiction"]
                else "Chuyển, hướng dẫn"
            )
        else:
            keep.append(case)
        rows.append(row)
    state.cases = keep
    return rows


def register_rows(rng: random.Random, unit: reference.Unit, p: Period, s: float) -> dict[str, list[dict]]:
    rec = []
    for monday in iso_weeks(p.start, p.end):
        if rng.random() < s + 0.08:
            day = monday + timedelta(days=rng.choice([0, 2, 4]))
            if p.start <= day <= p.end:
                rec.append(
                    {
                        "reception_date": day,
                        "form": "Định kỳ",
                        "host": "Chủ tịch",
                        "visits": rng.randint(1, 8),
                        "citizens": rng.randint(1, 12),
                        "cases": rng.randint(0, 4),
                        "crowd_groups": int(rng.random() < 0.04),
                    }
                )
    for _ in range(rng.randint(2, 6)):
        rec.append(
            {
                "reception_date": _day(rng, p),
                "form": "Thường xuyên",
                "host": "Công chức được phân công",
                "visits": rng.randint(1, 5),
                "citizens": rng.randint(1, 6),
                "cases": rng.randint(0, 2),
                "crowd_groups": 0,
            }
        )
    dialogue = []
    if p.start.month == 3 + int(9 * (1 - s)) and not (p.start.year == 2026 and s < 0.7):
        raised = rng.randint(4, 20)
        dialogue.append(
            {
                "dialogue_date": _day(rng, p),
                "topic": rng.choice(
                    [
                        "Giải phóng mặt bằng đường giao thông",
                        "Cấp giấy chứng nhận quyền sử dụng đất",
                        "Vệ sinh môi trường khu dân cư",
                        "Chính sách hỗ trợ hộ nghèo",
                    ]
                ),
                "host": "Chủ tịch",
                "mode": "Trực tiếp",
                "participants": rng.randint(40, 160),
                "issues_raised": raised,
                "issues_answered": raised - rng.randint(0, raised // 3),
            }
        )
    discipline = []
    if rng.random() < 0.05:
        subject = rng.choice(["Công chức", "Cán bộ", "Người hoạt động không chuyên trách"])
        forms = reference.allowed_forms(subject, p.end)
        discipline.append(
            {
                "decision_no": f"{rng.randint(10, 300)}/QĐ-UBND",
                "decision_date": _day(rng, p),
                "subject": subject,
                "behaviour": rng.choice([b.value for b in BEHAVIOURS]),
                "form": forms[0] if forms and forms[0] != "*" else "Khiển trách",
                "detection": rng.choice(
                    ["Kiểm tra công vụ", "Phản ánh của người dân", "Thanh tra, kiểm tra của cấp trên"]
                ),
            }
        )
    inspections = []
    if p.start.month % 3 == 0:
        checked = rng.randint(5, 20)
        inspections.append(
            {
                "inspection_date": _day(rng, p),
                "content": "Kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính",
                "officials_checked": checked,
                "violations": int(rng.random() > s) * rng.randint(1, 3),
            }
        )
    outreach = [
        {
            "event_date": _day(rng, p),
            "content": rng.choice(
                [
                    "Phổ biến Chỉ thị 33/CT-TTg",
                    "Tuyên truyền cải cách hành chính",
                    "Phổ biến Luật Đất đai",
                    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
                ]
            ),
            "form": rng.choice(["Hội nghị", "Loa truyền thanh", "Mạng xã hội", "Tài liệu, tờ rơi"]),
            "participants": rng.randint(0, 200),
        }
        for _ in range(rng.randint(1, 4))
    ]
    supervision = []
    if rng.random() < 0.6:
        recs = rng.randint(1, 8)
        supervision.append(
            {
                "event_date": _day(rng, p),
                "organisation": rng.choice(
                    ["MTTQ", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Cựu chiến binh"]
                ),
                "form": rng.choice(["Giám sát", "Phản biện xã hội", "Góp ý xây dựng chính quyền"]),
                "content": "Giám sát việc giải quyết thủ tục hành chính",
                "recommendations": recs,
                "accepted": recs - int(rng.random() > s) * rng.randint(0, recs),
            }
        )
    models = []
    if p.start.month == 11 and rng.random() < s:
        models.append(
            {
                "model_name": f"Mô hình dân vận khéo {p.start.year} – {unit.name}",
                "field": rng.choice(["Nông nghiệp", "Xây dựng nông thôn mới", "An ninh trật tự"]),
                "recognised_year": p.start.year,
                "level": rng.choice(["Xã", "Huyện", "Tỉnh"]),
                "is_rewarded": rng.random() < 0.5,
            }
        )
    return {
        "Tiếp công dân": rec,
        "Đối thoại": dialogue,
        "Kỷ luật": discipline,
        "Kiểm tra công vụ": inspections,
        "Tuyên truyền": outreach,
        "Giám sát, phản biện": supervision,
        "Dân vận khéo": models,
    }


def plan_rows(p: Period, s: float) -> list[dict]:
    """Tasks complete one after another through the year; strong communes finish by December."""
    share = min(1.0, p.start.month / 12 * (0.55 + s * 0.5))
    rows = []
    for i, (code, content) in enumerate(PLAN_TASKS):
        need = (i + 1) / len(PLAN_TASKS)
        progress = "Hoàn thành" if share >= need else ("Đang thực hiện" if share >= need - 0.4 else "Chưa triển khai")
        percent = (
            100
            if progress == "Hoàn thành"
            else round(max(0.0, min(0.95, 1 - (need - share) / 0.4)) * 100 * (progress != "Chưa triển khai"))
        )
        rows.append({"task_code": code, "content": content, "progress": progress, "percent": percent})
    return rows


def workbooks(units: reference.Units, out: Path, only: set[str] | None = None) -> list[tuple[Path, datetime]]:
    """Write every demo workbook (or those of the `only` units); returns (path, received_at) in arrival order."""
    made = []
    for unit in units:
        if unit.level != "xa" or (only and unit.code not in only):
            continue
        s, state = strength(unit), UnitState()
        size = max(
            1, sum(u.level == "xa" for u in units.predecessors(unit.code))
        )  # a merged commune is as big as its parts
        month = max(unit.valid_from, FIRST)
        while month <= LAST and unit.valid_on(month):
            p = parse(f"{month.year}-{month.month:02d}")
            rng = random.Random(f"{SEED}-{unit.code}-{p.key}")
            closing = unit.valid_to is not None and p.end >= unit.valid_to
            rows = {
                "TTHC": tthc_rows(rng, p, s, state, size),
                "Đơn thư": petition_rows(rng, unit, p, s, state, closing, size),
                **register_rows(rng, unit, p, s),
                "Kế hoạch": plan_rows(p, s),
            }
            if p.key not in MISSING.get(unit.code, ()):
                path = out / f"{unit.code}_{p.key}.xlsx"
                write_workbook(
                    path,
                    unit_code=unit.code,
                    unit_name=unit.name,
                    period=p,
                    rows=rows,
                    info={
                        "prepared_by": "Công chức Văn phòng – Thống kê",
                        "prepared_date": p.end,
                        "approved_by": "Chủ tịch UBND xã",
                    },
                )
                late_days = rng.randint(1, 8) if rng.random() < s else rng.randint(11, 30)
                made.append(
                    (path, datetime.combine(p.end + timedelta(days=late_days), datetime.min.time()).replace(hour=9))
                )
            month = p.end + timedelta(days=1)
    return sorted(made, key=lambda x: x[1])


def _one(con, path: Path, archive: Path, times: dict):
    received, loaded = times[str(path)]
    return load_bytes(con, path.name, path.read_bytes(), archive, received_at=received, loaded_at=loaded)


def build_demo(
    path: Path,
    progress: Callable[[str], None] = lambda _: None,
    samples: Path | None = None,
    only: set[str] | None = None,
) -> dict:
    """Build the demo database from scratch (into a temporary file swapped in at the end)."""
    t0 = time.perf_counter()
    units = reference.units()
    archive = config.archive_dir(path)
    shutil.rmtree(archive, ignore_errors=True)
    with tempfile.TemporaryDirectory() as folder, db.writing(path, fresh=True) as w:
        progress("Đang tạo các tệp bảng tính mẫu…")
        files = workbooks(units, Path(folder), only)
        progress(f"Đang nhập {len(files)} tệp…")
        times = {str(f): (received, received) for f, received in files}
        results = load_batch(
            w.con, [f for f, _ in files], archive, times=times, one_file=lambda con, p: _one(con, p, archive, times)
        )
        for result in results:
            if result.status != "loaded":
                raise RuntimeError(f"demo workbook {result.file_name} not loaded: {[str(p) for p in result.problems]}")
        w.after_swap.append(lambda: record_manifest(archive, results))
        if samples:
            samples.mkdir(parents=True, exist_ok=True)
            for code, key in SAMPLES:
                shutil.copy(Path(folder) / f"{code}_{key}.xlsx", samples / f"mau_{code}_{key}.xlsx")
    rows = sum(sum(r.rows.values()) for r in results)
    return {"files": len(files), "rows": rows, "seconds": time.perf_counter() - t0}
