"""One colour vocabulary for every screen: Đạt / Gần đạt / Chưa đạt (and the neutral inks) are defined here only.

Cards, charts, tables, the comparison grid and the meeting screens import these; a test checks that no other module
spells a status colour of its own. Colours pass WCAG AA on white (text) and keep their order in grey print."""

from __future__ import annotations

from etl.targets import STATUS_LABELS

# status -> strong colour (bars, lines, text, badges); None: no target or not judged
STATUS = {"met": "#1a7f37", "near": "#b45309", "not_met": "#c62828", None: "#475569"}
# status -> light background (table cells, card edges)
STATUS_BG = {"met": "#dcfce7", "near": "#fef3c7", "not_met": "#fee2e2", None: "#f1f5f9"}
# status -> the mark that carries the meaning without colour (projector, grey print, colour blindness)
MARK = {"met": "✓", "near": "!", "not_met": "✗", None: ""}
LABEL = dict(STATUS_LABELS)  # met -> «Đạt», near -> «Gần đạt», not_met -> «Chưa đạt»

# a change judged good / bad (cards' deltas, meeting screens) uses the status colours of the same meaning
GOOD, BAD, UNCHANGED = STATUS["met"], STATUS["not_met"], "#6b7280"

# neutral series: the one figure of a chart, its comparison, the grid
BLUE, TEAL, VIOLET = "#1f5fa8", "#0f766e", "#7c3aed"
INK, MUTED, GRID, LIGHT = "#111827", "#374151", "#d1d5db", "#cbd5e1"
TARGET = "#c62828"  # a target line is drawn in the «Chưa đạt» colour: below it is what it warns about


def marked(status: str | None) -> str:
    """«✓ Đạt», «! Gần đạt», «✗ Chưa đạt» (empty when not judged)."""
    return f"{MARK[status]} {LABEL[status]}" if status in LABEL else ""
