"""Placeholder while the page is written."""
from ui.page import header

view = header("tiep_cong_dan")
