"""Placeholder while the page is written."""
from ui.page import header

view = header("cai_cach_hanh_chinh")
