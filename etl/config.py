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
# What one workbook may make the reader do (etl/guard.py, etl/read.py; README «Giới hạn tệp»). A commune's report is
# a few hundred rows on a dozen sheets, well under 1 MB; these bounds are a hundred times that and still far from
# what would strain a province server.
MAX_UNZIPPED_MEMBER_BYTES = 50 * 1024 * 1024  # one part of an .xlsx/.xlsm/.ods container, uncompressed
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # all parts together, uncompressed
MAX_ZIP_MEMBERS = 500
MAX_COMPRESSION_RATIO = 100  # uncompressed : compressed, for parts larger than RATIO_CHECK_BYTES
RATIO_CHECK_BYTES = 1024 * 1024
MAX_SHEETS = 100
MAX_SHEET_NAME_CHARS = 100
MAX_ROWS = 20_000  # per sheet, counted from row 1
MAX_COLUMNS = 200  # per sheet, counted from column A
MAX_SHEET_CELLS = 500_000  # rows × columns of one sheet's used area, from A1
MAX_CELLS = 1_000_000  # the same, summed over the workbook
MAX_TEXT_CHARS = 2_000  # characters in one cell
MAX_TEXT_TOTAL_CHARS = 10_000_000  # characters of text in the whole workbook
MAX_COUNT = 2_147_483_647  # a count is stored as INTEGER (int32)
EARLIEST_DATE = date(2000, 1, 1)  # dates before are typing mistakes; so are dates more than LATEST_DAYS_AHEAD ahead
LATEST_DAYS_AHEAD = 366
PARSE_MEMORY_BYTES = 1536 * 1024 * 1024  # address space of the child process that parses a file
PARSE_RSS_BYTES = 400 * 1024 * 1024  # resident memory at which the parent stops the child (checked every 20 ms)
PARSE_SECONDS = 30.0  # wall clock for parsing one file in the child process
ON_TIME_DAYS = int(os.environ.get("CH33_ON_TIME_DAYS", "10"))  # reporting.on_time: days after the period end


def _absolute(path: Path) -> Path:
    """Absolute, with its folders resolved but not its last part: the database path is a link to its published copy
    (etl.twin), and the archive and the lock belong to the link's name."""
    return Path(os.path.realpath(path.parent)) / path.name


def today() -> date:
    """The day that decides which reports are due: the system date, or $CH33_TODAY (YYYY-MM-DD) to show the dashboard
    as it was on a given day (tests, demonstrations, checking last month's meeting figures)."""
    fixed = os.environ.get("CH33_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def db_path(arg: str | os.PathLike | None = None) -> Path:
    """The database: an explicit path, else $CH33_DB, else data/ch33.duckdb."""
    return _absolute(Path(arg or os.environ.get("CH33_DB") or DEFAULT_DB))


def archive_dir(db: Path) -> Path:
    """The archive belongs to its database: data/archive/ for the default one, `<name>_archive/` beside any other."""
    db = _absolute(Path(db))
    if db == _absolute(DEFAULT_DB):
        return DATA / "archive"
    return db.parent / f"{db.stem}_archive"
