"""Reference tables (units, legal rules, targets) read from editable CSV files, with the unit hierarchy logic."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from etl import config
from etl.periods import Period


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str  # tinh | huyen | xa
    parent: str | None
    valid_from: date
    valid_to: date | None
    successor: str | None
    is_remote: bool

    def valid_on(self, d: date) -> bool:
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)

    def valid_for(self, start: date, end: date) -> bool:
        return self.valid_from <= start and (self.valid_to is None or end <= self.valid_to)

    @property
    def validity_label(self) -> str:
        until = f"đến {self.valid_to:%d/%m/%Y}" if self.valid_to else "đến nay"
        return f"từ {self.valid_from:%d/%m/%Y} {until}"


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text and text.strip() else None


def _rows(name: str, folder: Path) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8-sig", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


class Units:
    """The unit list with levels, parents, validity dates and successors (the 2025 merger)."""

    def __init__(self, units: list[Unit], groups: dict[str, list[str]] | None = None):
        self.by_code = {u.code: u for u in units}
        self.members = groups or {}  # user-defined group code -> member codes (communes, districts, other groups)
        self._children: dict[str | None, list[Unit]] = {}  # parent code -> units, in file order
        self._merged_into: dict[str, list[Unit]] = {}  # successor code -> units merged into it, in file order
        for u in self.by_code.values():
            self._children.setdefault(u.parent, []).append(u)
            if u.successor:
                self._merged_into.setdefault(u.successor, []).append(u)
        self._communes: dict[str, tuple[Unit, ...]] = {}  # computed once per code (the list never changes)

    def get(self, code: str) -> Unit | None:
        return self.by_code.get(str(code).strip())

    def __iter__(self):
        return iter(self.by_code.values())

    def children(self, code: str) -> list[Unit]:
        return list(self._children.get(code, ()))

    def communes(self, code: str) -> list[Unit]:
        """The reporting units (level xa) a code stands for: itself, or every commune under a group (first occurrence
        order, each once)."""
        found = self._communes.get(code)
        if found is None:
            unit = self.by_code[code]
            if unit.level == "xa":
                found = (unit,)
            else:
                out: dict[str, Unit] = {}
                for child in self.members.get(code) or [c.code for c in self.children(code)]:
                    for u in self.communes(child):
                        out.setdefault(u.code, u)
                found = tuple(out.values())
            self._communes[code] = found
        return list(found)

    def successors(self, members: list[Unit]) -> list[Unit]:
        """The units the given ones were merged into, following the chain (1/7/2025: old communes -> new ones)."""
        out: dict[str, Unit] = {}
        for u in members:
            while u.successor and (u := self.by_code[u.successor]).code not in out:
                out[u.code] = u
        return list(out.values())

    def groups(self) -> list[Unit]:
        """The user-defined groups (level "nhom"), in file order."""
        return [self.by_code[c] for c in self.members]

    def predecessors(self, code: str) -> list[Unit]:
        """Units merged into `code`, recursively (for rolling a new commune's history forward)."""
        out = []
        for u in self._merged_into.get(code, ()):
            out.append(u)
            out.extend(self.predecessors(u.code))
        return out

    def reportable_hint(self, unit: Unit) -> str:
        return f"{unit.name} ({unit.code}) chỉ báo cáo được các kỳ nằm trọn trong thời gian đơn vị tồn tại, {unit.validity_label}"

    def can_report(self, code: str, period: Period) -> bool:
        unit = self.get(code)
        return bool(unit and unit.level == "xa" and unit.valid_for(period.start, period.end))


@lru_cache(maxsize=8)
def _load_units(path: str, mtime: float, groups_path: str, groups_mtime: float) -> Units:
    rows = _rows(Path(path).name, Path(path).parent)
    units = [
        Unit(
            r["code"],
            r["name"],
            r["level"],
            r["parent_code"] or None,
            _date(r["valid_from"]) or date(1900, 1, 1),
            _date(r["valid_to"]),
            r["successor_code"] or None,
            r["is_remote"] in ("1", "true", "True"),
        )
        for r in rows
    ]
    known = {u.code for u in units}
    members: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for r in _rows(Path(groups_path).name, Path(groups_path).parent) if groups_mtime else []:
        code = r["group_code"]
        if code in known:
            raise ValueError(f"groups.csv: mã nhóm «{code}» trùng với mã một đơn vị trong units.csv.")
        members.setdefault(code, []).append(r["unit_code"])
        names[code] = r["group_name"]
    for code, codes in members.items():
        unknown = [c for c in codes if c not in known and c not in members]
        if unknown:
            raise ValueError(f"groups.csv: nhóm «{code}» có mã đơn vị không có trong danh mục: {', '.join(unknown)}.")
    units += [Unit(code, names[code], "nhom", None, date(1900, 1, 1), None, None, False) for code in members]
    return Units(units, members)


RECHECK_SECONDS = (
    1.0  # how often the CSV files' modification times are looked at again (a page asks thousands of times)
)
_checked: dict[tuple, tuple[float, object]] = {}  # (kind, path) -> (time.monotonic() of the check, result)


def _recent(key: tuple, load):
    """load(), or its result of less than RECHECK_SECONDS ago: an edited CSV is seen within a second."""
    now = time.monotonic()
    hit = _checked.get(key)
    if hit is not None and now - hit[0] < RECHECK_SECONDS:
        return hit[1]
    result = load()
    _checked[key] = (now, result)
    return result


def units(folder: Path | None = None) -> Units:
    """The unit list (units.csv) with the user-defined groups (groups.csv, optional) of the reference folder."""
    folder = folder or config.REFERENCE_DIR
    path, groups = folder / "units.csv", folder / "groups.csv"
    return _recent(
        ("units", str(folder)),
        lambda: _load_units(
            str(path), path.stat().st_mtime, str(groups), groups.stat().st_mtime if groups.exists() else 0.0
        ),
    )


@dataclass(frozen=True)
class Rule:
    """A dated row of a rules table: fields are the CSV's columns."""

    fields: dict
    valid_from: date
    valid_to: date | None

    def in_force(self, d: date) -> bool:
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)

    def __getitem__(self, key: str) -> str:
        return self.fields[key]


@lru_cache(maxsize=32)
def _load_rules(path: str, mtime: float) -> tuple[Rule, ...]:
    rows = _rows(Path(path).name, Path(path).parent)
    return tuple(Rule(r, _date(r["valid_from"]) or date(1900, 1, 1), _date(r["valid_to"])) for r in rows)


def rules(name: str, folder: Path | None = None) -> tuple[Rule, ...]:
    """One of discipline_forms, deadline_rules, reception_rules, targets."""
    folder = folder or config.REFERENCE_DIR
    path = lambda: folder / f"{name}.csv"  # noqa: E731  built only on a re-check: a group's table asks thousands of times
    return _recent(("rules", str(folder), name), lambda: _load_rules(str(path()), path().stat().st_mtime))


def discipline_form_allowed(subject: str, form: str, on: date) -> bool:
    """Is `form` a discipline form the law allowed for `subject` on `on` (NĐ 112/2020 until 30/6/2025, NĐ 172/2025 after)."""
    return any(
        r["subject"] == subject and r["form"] in ("*", form) and r.in_force(on) for r in rules("discipline_forms")
    )


def allowed_forms(subject: str, on: date) -> list[str]:
    return [r["form"] for r in rules("discipline_forms") if r["subject"] == subject and r.in_force(on)]


def deadline_days(petition_type: str, complexity: str, is_remote: bool, accepted: date) -> int | None:
    for r in rules("deadline_rules"):
        if (
            r["petition_type"] == petition_type
            and r["complexity"] in ("*", complexity)
            and r["is_remote"] in ("*", "1" if is_remote else "0")
            and r.in_force(accepted)
        ):
            return int(r["days"])
    return None
