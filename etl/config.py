"""Where things live: the database, its archive and the reference tables (environment overrides in one place)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DEFAULT_DB = DATA / "ch33.duckdb"
DEMO_DB = DATA / "demo.duckdb"
REFERENCE_DIR = Path(os.environ.get("CH33_REFERENCE", DATA / "reference"))
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ON_TIME_DAYS = int(os.environ.get("CH33_ON_TIME_DAYS", "10"))  # reporting.on_time: days after the period end


def today() -> date:
    """The day that decides which reports are due: the system date, or $CH33_TODAY (YYYY-MM-DD) to show the dashboard
    as it was on a given day (tests, demonstrations, checking last month's meeting figures)."""
    fixed = os.environ.get("CH33_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def db_path(arg: str | os.PathLike | None = None) -> Path:
    """The database: an explicit path, else $CH33_DB, else data/ch33.duckdb."""
    return Path(arg or os.environ.get("CH33_DB") or DEFAULT_DB).resolve()


def archive_dir(db: Path) -> Path:
    """The archive belongs to its database: data/archive/ for the default one, `<name>_archive/` beside any other."""
    db = Path(db).resolve()
    if db == DEFAULT_DB.resolve():
        return DATA / "archive"
    return db.parent / f"{db.stem}_archive"
