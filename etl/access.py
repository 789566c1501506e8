"""Who may see and do what: a user (role + unit) becomes the units they may view and load and the pages they may open.

The one place that decides. ui/data.py (every figure, history, download of an original, upload), the unit filter and the
router ask it; pages never decide. Decisions:

- `tinh` views and loads every unit; it is also what a single-user PC bound to localhost runs as without sign-in (LOCAL).
- `xa` (a commune's clerk) and `lanh_dao_xa` (its leadership) view their commune **and the communes merged into it**
  (a new commune took over its predecessors' records and open cases, and «Gộp số liệu các xã cũ» needs them); `xa` loads
  its own code only (a pre-merger report is corrected by the province). Neither sees another commune, a district, the
  province or a group, nor the page comparing communes.
- `lanh_dao_xa` never loads: no «Nhập số liệu» page, no download of archived originals.
- `trinh_chieu` opens the meeting screens only (aggregates, no case lists); with a unit, only that unit and what lies
  under it, else every unit.
- Downloading an archived original is loading's right (the originals hold names the database ignores).
- Unknown roles and NOBODY (not signed in) may do nothing; restricted roles get allow-lists, so a new page is closed to
  them until it is added here.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl import reference
from etl.accounts import ROLE_NAMES, Account

PAGES = (  # url paths of dashboard.py
    "tong-quan",
    "so-sanh-don-vi",
    "tinh-hinh-bao-cao",
    "cai-cach-hanh-chinh",
    "don-thu",
    "tiep-cong-dan",
    "ky-luat",
    "tuyen-truyen",
    "bao-cao-dinh-ky",
    "du-lieu",
    "nhap-so-lieu",
    "lich-su-nhap",
    "trinh-chieu",
)
_COMMUNE_VIEW = frozenset(PAGES) - {"so-sanh-don-vi", "nhap-so-lieu"}
ROLE_PAGES: dict[str, frozenset[str] | None] = {
    "tinh": None,  # every page
    "xa": _COMMUNE_VIEW | {"nhap-so-lieu"},
    "lanh_dao_xa": _COMMUNE_VIEW,
    "trinh_chieu": frozenset({"trinh-chieu"}),
}


@dataclass(frozen=True)
class User:
    name: str | None  # None: nobody signed in (LOCAL or NOBODY)
    role: str | None  # None: may do nothing
    unit: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.name is not None

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role or "", "không có quyền")


LOCAL = User(None, "tinh")  # a single-user PC bound to localhost, without sign-in: its own data, every right
NOBODY = User(None, None)  # sign-in required and nobody signed in


def of(account: Account) -> User:
    return User(account.username, account.role, account.unit)


def _below(code: str, units: reference.Units) -> set[str]:
    """A unit, everything under it (children, a group's members) and the communes merged into any of those."""
    out, todo = set(), [code]
    while todo:
        c = todo.pop()
        if c in out or not units.get(c):
            continue
        out.add(c)
        todo += [u.code for u in units.children(c)] + list(units.members.get(c, []))
        todo += [u.code for u in units.predecessors(c)]
    for g in units.groups():  # a group wholly inside the scope
        if g.code not in out and {u.code for u in units.communes(g.code)} <= out:
            out.add(g.code)
    return out


def viewable(user: User, units: reference.Units | None = None) -> frozenset[str] | None:
    """The unit codes the user may select (None: every unit)."""
    if user.role == "tinh" or (user.role == "trinh_chieu" and not user.unit):
        return None
    if user.role not in ROLE_PAGES or not user.unit:
        return frozenset()
    units = units or reference.units()
    if not units.get(user.unit):
        return frozenset()
    if user.role == "trinh_chieu":
        return frozenset(_below(user.unit, units))
    return frozenset({user.unit} | {u.code for u in units.predecessors(user.unit)})


def loadable(user: User) -> frozenset[str] | None:
    """The communes whose reports the user may load, replace and download originals of (None: every one)."""
    if user.role == "tinh":
        return None
    if user.role == "xa" and user.unit:
        return frozenset({user.unit})
    return frozenset()


def can_view(user: User, code: str | None, units: reference.Units | None = None) -> bool:
    allowed = viewable(user, units)
    return bool(code) and (allowed is None or code in allowed)


def can_load(user: User, code: str | None) -> bool:
    allowed = loadable(user)
    return bool(code) and (allowed is None or code in allowed)


def can_download_original(user: User, code: str | None) -> bool:
    """An archived original holds what the database ignores (preparers, petitioners' notes): loaders only."""
    return can_load(user, code)


def can_open(user: User, page: str) -> bool:
    if user.role not in ROLE_PAGES:
        return False
    pages = ROLE_PAGES[user.role]
    return pages is None or page in pages


def choices(user: User, codes: list[str], units: reference.Units | None = None) -> list[str]:
    """The codes of a unit list the user may select, in the list's order."""
    allowed = viewable(user, units)
    return list(codes) if allowed is None else [c for c in codes if c in allowed]


def home(user: User, options: list[str]) -> str | None:
    """Where the user's view starts: their unit when they may select it, else the first unit they may select."""
    if user.unit in options:
        return user.unit
    return options[0] if options else None


def describe(user: User, units: reference.Units | None = None) -> str:
    """«Văn phòng xã, Xã Hóa Quỳ» — the role and unit in words."""
    units = units or reference.units()
    unit = units.get(user.unit) if user.unit else None
    return user.role_name + (f", {unit.name}" if unit else "")
