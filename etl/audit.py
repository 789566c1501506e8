"""The audit log: one JSON line per sign-in (ok or failed), sign-out, load, replacement, download of an archived original
and refused access, appended to `audit.jsonl` beside the database (or $CH33_AUDIT).

Append-only: opened with O_APPEND and written in one write per line, so lines of concurrent sessions never interleave;
nothing here rewrites or truncates it. Each line: time, user, role, action, unit, file (and, when known, the client's
address and a detail). A password never reaches this module: fields named like one are refused.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from etl import config

ACTIONS = {
    "sign_in": "đăng nhập",
    "sign_in_failed": "đăng nhập sai",
    "sign_out": "đăng xuất",
    "load": "nhập tệp",
    "replace": "thay thế báo cáo",
    "download_original": "tải tệp gốc",
    "denied": "bị từ chối",
}
_SECRET = ("password", "mat_khau", "matkhau", "token", "hash")


def path(db: str | os.PathLike | None = None) -> Path:
    if os.environ.get("CH33_AUDIT"):
        return Path(os.environ["CH33_AUDIT"]).resolve()
    return config.db_path(db).parent / "audit.jsonl"


def write(
    db: str | os.PathLike | None,
    action: str,
    user: str | None = None,
    role: str | None = None,
    unit: str | None = None,
    file: str | None = None,
    **extra,
) -> dict:
    """Append one line and return it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if any(s in k.lower() for k in extra for s in _SECRET):
        raise ValueError("an audit line never holds a password or a session token")
    line = {
        "time": datetime.now().isoformat(timespec="seconds"),
        "user": user,
        "role": role,
        "action": action,
        "unit": unit,
        "file": file,
    } | {k: v for k, v in extra.items() if v is not None}
    p = path(db)
    p.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(line, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return line


def read(db: str | os.PathLike | None = None) -> list[dict]:
    """Every line, oldest first ([] before the first one)."""
    p = path(db)
    if not p.exists():
        return []
    return [json.loads(s) for s in p.read_text(encoding="utf-8").splitlines() if s.strip()]
