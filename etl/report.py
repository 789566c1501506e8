"""Vietnamese text reports of load results, for the terminal (and reused by pages)."""

from __future__ import annotations

import re

from etl import reference
from etl.load import LoadResult

# control characters (terminal escape sequences, line breaks) and bidirectional overrides that could repaint the terminal
# or disguise a file name («bao_cao\u202excl.xlsx»): shown as \x1b, \u202e instead of acting
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(value: object) -> str:
    """Text from a file (its name, cell values quoted in messages) made safe to print on a terminal."""
    return _UNSAFE.sub(
        lambda m: m.group().encode("unicode_escape").decode("ascii"), "" if value is None else str(value)
    )


def fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def describe(result: LoadResult) -> str:
    units = reference.units()
    unit = units.get(result.unit_code) if result.unit_code else None
    who = f"{unit.name} ({unit.code})" if unit else plain(result.unit_code or "")
    when = result.period.label if result.period else ""
    head = " — ".join(x for x in (who, when) if x)
    name = plain(result.file_name)
    if result.status == "unchanged":
        return f"[KHÔNG THAY ĐỔI] {name}: tệp giống hệt bản đã nhập cho {head}."
    if result.status == "rejected":
        lines = [
            f"[KHÔNG NHẬP] {name}{': ' + head if head else ''} — {len(result.errors)} lỗi, cơ sở dữ liệu không thay đổi:"
        ]
        lines += [f"  - {plain(p.where) + ': ' if p.where else ''}{plain(p.message)}" for p in result.errors]
    else:
        rows = (
            ", ".join(f"{plain(sheet)} {fmt_int(n)} dòng" for sheet, n in result.rows.items())
            or "không có dòng số liệu"
        )
        replaced = f" Thay thế bản nhập số {result.replaced_load_id}." if result.replaced_load_id else ""
        lines = [f"[ĐÃ NHẬP] {name}: {head} (bản nhập số {result.load_id}): {rows}.{replaced}"]
    if result.warnings:
        lines.append(f"  {len(result.warnings)} cảnh báo (không chặn việc nhập):")
        lines += [f"  - {plain(p.where)}: {plain(p.message)}" for p in result.warnings]
    return "\n".join(lines)


def summary(results: list[LoadResult]) -> str:
    n = {s: sum(r.status == s for r in results) for s in ("loaded", "unchanged", "rejected")}
    return f"Tổng cộng: {n['loaded']} tệp đã nhập, {n['unchanged']} tệp không thay đổi, {n['rejected']} tệp bị từ chối."
