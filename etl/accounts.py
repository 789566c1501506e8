"""Accounts of the dashboard: a local JSON file of users, each with a salted Argon2id password hash, a role and a unit.

The file lives beside the database (`data/accounts.json`) or at $CH33_ACCOUNTS; it never leaves the machine and is
never committed (.gitignore). It is rewritten whole into a temporary file (mode 0600) and swapped in with os.replace,
under a lock, so two `python -m etl user add` never lose each other's account. Passwords are never stored nor logged:
only argon2-cffi's encoded hash (algorithm, parameters, random salt and digest in one string).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from etl import config, reference

ROLES = {
    "xa": "Văn phòng xã — xem và nhập số liệu của xã mình",
    "lanh_dao_xa": "Lãnh đạo xã — xem số liệu của xã mình",
    "tinh": "Cấp tỉnh — xem và nhập số liệu của mọi đơn vị",
    "trinh_chieu": "Trình chiếu — chỉ các màn hình trình chiếu (số liệu tổng hợp)",
}
ROLE_NAMES = {"xa": "Văn phòng xã", "lanh_dao_xa": "Lãnh đạo xã", "tinh": "Cấp tỉnh", "trinh_chieu": "Trình chiếu"}
COMMUNE_ROLES = ("xa", "lanh_dao_xa")  # bound to one commune: --unit is required and must be a commune
MIN_PASSWORD = 8
NAME = re.compile(r"^[\w.@-]{2,64}$")
_HASHER = PasswordHasher()  # Argon2id, the library's recommended parameters (RFC 9106 low-memory profile)
_DUMMY = _HASHER.hash("không phải mật khẩu của ai")  # verified for unknown names, so timing does not tell who exists


class AccountError(ValueError):
    """A Vietnamese sentence for the person at the keyboard (bad usage: unknown role or unit, duplicate name…)."""


@dataclass(frozen=True)
class Account:
    username: str
    password_hash: str
    role: str
    unit: str | None
    created_at: str


def path(db: str | os.PathLike | None = None) -> Path:
    """$CH33_ACCOUNTS, else accounts.json beside the database (data/accounts.json for the default and demo databases)."""
    if os.environ.get("CH33_ACCOUNTS"):
        return Path(os.environ["CH33_ACCOUNTS"]).resolve()
    return config.db_path(db).parent / "accounts.json"


def normalize(username: str) -> str:
    """The form names are stored and compared in: NFC, trimmed, case-folded («Xa.BinhLuong» = «xa.binhluong»)."""
    return unicodedata.normalize("NFC", username or "").strip().casefold()


@lru_cache(maxsize=8)
def _read(p: str, stamp: tuple) -> dict[str, Account]:
    try:
        raw = json.loads(Path(p).read_text(encoding="utf-8"))
        return {a["username"]: Account(**a) for a in raw["accounts"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AccountError(f"Tệp tài khoản {p} bị hỏng hoặc không đọc được ({type(exc).__name__}).") from exc


def load(p: Path) -> dict[str, Account]:
    """Every account by name ({} when the file does not exist yet); re-read only when the file changed."""
    p = Path(p)
    try:
        st = p.stat()
    except FileNotFoundError:
        return {}
    return dict(_read(str(p), (st.st_ino, st.st_mtime_ns, st.st_size)))


def get(p: Path, username: str) -> Account | None:
    return load(p).get(normalize(username))


@contextmanager
def _locked(p: Path):
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p.with_name(p.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _save(p: Path, accounts: dict[str, Account]) -> None:
    tmp = p.with_name(p.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"accounts": [asdict(a) for a in accounts.values()]}, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, p)


def check_role_unit(role: str, unit: str | None, units: reference.Units | None = None) -> str | None:
    """The unit code as stored, or AccountError: an unknown role, a commune role without a commune, an unknown unit."""
    if role not in ROLES:
        raise AccountError(f"Vai trò «{role}» không có. Dùng một trong: {', '.join(ROLES)}.")
    units = units or reference.units()
    unit = (unit or "").strip() or None
    if role in COMMUNE_ROLES and not unit:
        raise AccountError(f"Vai trò {role} cần mã xã: thêm --unit MÃ_XÃ.")
    if unit and not units.get(unit):
        raise AccountError(f"Mã đơn vị «{unit}» không có trong danh mục đơn vị (data/reference/units.csv).")
    if unit and role in COMMUNE_ROLES and units.get(unit).level != "xa":
        raise AccountError(f"Vai trò {role} chỉ gắn với một xã; «{unit}» là {units.get(unit).name}.")
    return units.get(unit).code if unit else None


def add(
    p: Path, username: str, password: str, role: str, unit: str | None = None, units: reference.Units | None = None
) -> Account:
    name = normalize(username)
    if not NAME.match(name):
        raise AccountError(
            f"Tên đăng nhập «{username}» không hợp lệ: 2–64 ký tự gồm chữ, số, dấu chấm, gạch nối, gạch dưới, @."
        )
    code = check_role_unit(role, unit, units)
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    with _locked(p):
        accounts = load(p)
        if name in accounts:
            raise AccountError(
                f"Tài khoản «{name}» đã có. Muốn đổi mật khẩu hay vai trò: xóa (user remove) rồi tạo lại."
            )
        account = Account(name, _HASHER.hash(password), role, code, datetime.now().isoformat(timespec="seconds"))
        accounts[name] = account
        _save(p, accounts)
    return account


def remove(p: Path, username: str) -> Account:
    name = normalize(username)
    with _locked(p):
        accounts = load(p)
        if name not in accounts:
            raise AccountError(f"Không có tài khoản «{username}».")
        gone = accounts.pop(name)
        _save(p, accounts)
    return gone


def verify(p: Path, username: str, password: str) -> Account | None:
    """The account when the password matches its hash; None for a wrong password or an unknown name (same time)."""
    account = get(p, username)
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY, password or "")
    except (VerificationError, InvalidHashError):
        return None
    return account


# ---------------------------------------------------------------- python -m etl user add|list|remove


def add_cli(sub) -> None:
    """Register `python -m etl user …` on the CLI's subparsers (etl/__main__.py); exit 2 on bad usage."""
    u = sub.add_parser("user", help="tài khoản đăng nhập bảng điều khiển: tạo, liệt kê, xóa")
    us = u.add_subparsers(dest="user_cmd", required=True, metavar="VIỆC", help="add, list hoặc remove")
    a = us.add_parser("add", help="tạo tài khoản (hỏi mật khẩu hai lần)")
    a.add_argument("name", metavar="TÊN", help="tên đăng nhập (chữ, số, dấu chấm, gạch nối, gạch dưới, @)")
    a.add_argument("--role", required=True, metavar="VAI_TRÒ", help="; ".join(f"{k}: {v}" for k, v in ROLES.items()))
    a.add_argument("--unit", metavar="MÃ", help="mã đơn vị (bắt buộc với xa, lanh_dao_xa: mã xã)")
    a.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ một dòng của đầu vào chuẩn")
    a.add_argument("--db", help="cơ sở dữ liệu; tệp tài khoản nằm cạnh nó (hoặc $CH33_ACCOUNTS)")
    a.set_defaults(fn=_cli_add)
    ls = us.add_parser("list", help="liệt kê tài khoản")
    ls.add_argument("--db", help="cơ sở dữ liệu; tệp tài khoản nằm cạnh nó (hoặc $CH33_ACCOUNTS)")
    ls.set_defaults(fn=_cli_list)
    rm = us.add_parser("remove", help="xóa tài khoản")
    rm.add_argument("name", metavar="TÊN")
    rm.add_argument("--db", help="cơ sở dữ liệu; tệp tài khoản nằm cạnh nó (hoặc $CH33_ACCOUNTS)")
    rm.set_defaults(fn=_cli_remove)


def _err(message: str) -> int:
    import sys

    print(message, file=sys.stderr)
    return 2


def _cli_add(args) -> int:
    import getpass
    import sys

    try:
        check_role_unit(args.role, args.unit)  # before asking for a password
    except AccountError as exc:
        return _err(str(exc))
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass("Mật khẩu: ")
            again = getpass.getpass("Nhập lại mật khẩu: ")
        except (EOFError, KeyboardInterrupt):
            return _err("Đã dừng: chưa tạo tài khoản.")
        if password != again:
            return _err("Hai lần nhập mật khẩu không khớp; chưa tạo tài khoản.")
    p = path(args.db)
    try:
        account = add(p, args.name, password, args.role, args.unit)
    except AccountError as exc:
        return _err(str(exc))
    unit = reference.units().get(account.unit) if account.unit else None
    print(
        f"Đã tạo tài khoản «{account.username}»: {ROLE_NAMES[account.role]}"
        + (f", {unit.name} ({unit.code})" if unit else "")
        + f" — tệp {p}"
    )
    return 0


def _cli_list(args) -> int:
    p = path(args.db)
    try:
        found = load(p)
    except AccountError as exc:
        return _err(str(exc))
    if not found:
        print(f"Chưa có tài khoản nào ({p}).")
        return 0
    units = reference.units()
    rows = [("Tên đăng nhập", "Vai trò", "Đơn vị", "Tạo lúc")] + [
        (
            a.username,
            a.role,
            f"{a.unit} {units.get(a.unit).name}" if a.unit and units.get(a.unit) else (a.unit or "–"),
            a.created_at.replace("T", " "),
        )
        for a in sorted(found.values(), key=lambda a: a.username)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print(f"{len(found)} tài khoản — tệp {p}")
    return 0


def _cli_remove(args) -> int:
    p = path(args.db)
    try:
        gone = remove(p, args.name)
    except AccountError as exc:
        return _err(str(exc))
    print(f"Đã xóa tài khoản «{gone.username}» ({ROLE_NAMES.get(gone.role, gone.role)}).")
    return 0
