"""Cached access to the figures for pages: a short read-only connection per call, cache keyed on the data version."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import streamlit as st

from etl import config, db, indicators


def database() -> Path:
    """The dashboard's database: $CH33_DB, else data/ch33.duckdb when loaded, else the demo database."""
    if os.environ.get("CH33_DB"):
        return config.db_path()
    return config.DEFAULT_DB if config.DEFAULT_DB.exists() else config.DEMO_DB


def version(path: Path) -> tuple[float, int]:
    """Changes whenever a load commits (file replaced or written), so cached figures never outlive the data."""
    stat = path.stat()
    return stat.st_mtime, stat.st_size


@st.cache_data(show_spinner=False, max_entries=256)
def figures(path: str, data_version: tuple, code: str, start: date, end: date, roll_forward: bool = False) -> dict:
    con = db.connect(path, read_only=True)
    try:
        return indicators.compute(con, code, start, end, roll_forward=roll_forward)
    finally:
        con.close()


def get_figures(path: Path, code: str, start: date, end: date, roll_forward: bool = False) -> dict:
    return figures(str(path), version(path), code, start, end, roll_forward)
