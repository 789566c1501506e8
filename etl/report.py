"""Vietnamese text reports of load results, for the terminal (and reused by pages)."""

from __future__ import annotations

from etl import reference
from etl.load import LoadResult


def fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def describe(result: LoadResult) -> str:
    units = reference.units()
    unit = units.get(result.unit_code) if result.unit_code else None
    who = f"{unit.name} ({unit.code})" if unit else (result.unit_code or "")
    when = result.period.label if result.period else ""
    head = " — ".join(x for x in (who, when) if x)
    if result.status == "unchanged":
        return f"[KHÔNG THAY ĐỔI] {result.file_name}: tệp giống hệt bản đã nhập cho {head}."
    if result.status == "rejected":
        lines = [
            f"[KHÔNG NHẬP] {result.file_name}{': ' + head if head else ''} — {len(result.errors)} lỗi, cơ sở dữ liệu không thay đổi:"
        ]
        lines += [f"  - {p.where + ': ' if p.where else ''}{p.message}" for p in result.errors]
    else:
        rows = ", ".join(f"{sheet} {fmt_int(n)} dòng" for sheet, n in result.rows.items()) or "không có dòng số liệu"
        replaced = f" Thay thế bản nhập số {result.replaced_load_id}." if result.replaced_load_id else ""
        lines = [f"[ĐÃ NHẬP] {result.file_name}: {head} (bản nhập số {result.load_id}): {rows}.{replaced}"]
    if result.warnings:
        lines.append(f"  {len(result.warnings)} cảnh báo (không chặn việc nhập):")
        lines += [f"  - {p.where}: {p.message}" for p in result.warnings]
    return "\n".join(lines)


def summary(results: list[LoadResult]) -> str:
    n = {s: sum(r.status == s for r in results) for s in ("loaded", "unchanged", "rejected")}
    return f"Tổng cộng: {n['loaded']} tệp đã nhập, {n['unchanged']} tệp không thay đổi, {n['rejected']} tệp bị từ chối."
