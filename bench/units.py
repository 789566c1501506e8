"""A synthetic reference folder for benchmarks: the real rules and targets, one province with N synthetic communes.

Point the project at it with CH33_REFERENCE=<folder> (etl/config.py). The real demo units (huyện Như Xuân cũ and its
communes) stay in the list so the demo workbooks still validate; the synthetic communes B0001… are the bulk. Groups of
GROUP_SIZE communes (groups.csv) give the «a 200-commune group» selection of the benchmark.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

REAL = Path(__file__).resolve().parent.parent / "data" / "reference"
PROVINCE = "38"  # the real province code (Tỉnh Thanh Hóa): synthetic communes sit directly under it
VALID_FROM = "2025-07-01"  # the communes of the two-level local government
GROUP_SIZE = 200
REMOTE_EVERY = 4  # one commune in four is remote (vùng sâu, vùng xa): longer deadlines, weaker in the generator


def commune_codes(communes: int) -> list[str]:
    """The synthetic commune codes, B0001…"""
    return [f"B{i:04d}" for i in range(1, communes + 1)]


def commune_name(number: int) -> str:
    """The name of synthetic commune number `number` (1-based), as in units.csv and in its workbooks."""
    return f"Xã Thử Nghiệm {number}"


def group_code(index: int) -> str:
    """The code of the index-th (0-based) group of GROUP_SIZE communes."""
    return f"NHOM{index + 1:02d}"


def write_reference(folder: Path, communes: int) -> list[str]:
    """Write a complete reference folder into `folder` (created if needed): every CSV of data/reference, then units.csv
    with the real units plus `communes` synthetic communes under province 38 valid from 2025-07-01, and groups.csv with
    the real groups plus groups of GROUP_SIZE synthetic communes. Returns the synthetic commune codes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted(REAL.glob("*.csv")):
        shutil.copyfile(src, folder / src.name)
    codes = commune_codes(communes)
    with open(REAL / "units.csv", encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    with open(folder / "units.csv", "a", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        for i, code in enumerate(codes, 1):
            out.writerow(
                {
                    "code": code,
                    "name": commune_name(i),
                    "level": "xa",
                    "parent_code": PROVINCE,
                    "valid_from": VALID_FROM,
                    "valid_to": "",
                    "successor_code": "",
                    "is_remote": "1" if i % REMOTE_EVERY == 0 else "0",
                }
            )
    with open(REAL / "groups.csv", encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    with open(folder / "groups.csv", "a", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        for start in range(0, len(codes), GROUP_SIZE):
            group = codes[start : start + GROUP_SIZE]
            name = f"Nhóm thử nghiệm {start // GROUP_SIZE + 1} ({len(group)} xã)"
            for code in group:
                out.writerow({"group_code": group_code(start // GROUP_SIZE), "group_name": name, "unit_code": code})
    return codes
