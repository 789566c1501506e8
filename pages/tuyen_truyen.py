"""Placeholder while the page is written."""
from ui.page import header

view = header("tuyen_truyen")
