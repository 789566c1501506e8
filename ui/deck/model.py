"""What a meeting screen is made of (a finding, big numbers, one chart or a short list) and the figures it reads.

Every figure comes from the same calls as the pages: etl.targets.assess for verdicts, ui.data.View for figures and the
comparison; a screen never computes a rate of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import plotly.graph_objects as go

from etl import reference, targets
from ui import fmt
from ui.deck.chart import Type

value_text = targets.value_text


@dataclass
class Big:
    """One headline number: the value as shown, what it is, its status against the target and its change, in words."""

    value: str
    label: str
    ind: str = ""
    note: str = ""
    tone: str | None = None  # met / near / not_met: a badge with the status in words before the note
    change: str = ""
    change_tone: str | None = None  # good / bad / None


@dataclass
class Screen:
    title: str
    numbers: list[Big] = field(default_factory=list)
    chart: go.Figure | None = None
    items: list[str] = field(default_factory=list)
    empty: str = ""
    html: str = ""  # a block of its own (the group's rankings), already escaped


class Ctx:
    """The figures of the selection, its comparison and the target words for one presentation, and the type sizes of
    the screen it is shown on."""

    def __init__(self, view, kind: Type | None = None):
        self.view, self.sel, self.f, self.before = view, view.sel, view.figures(), view.previous()
        self.type = kind or Type()

    def assess(self, ind: str) -> targets.Assessment:
        return targets.assess(ind, self.f, self.sel.code, self.sel.end)

    def target(self, ind: str):
        a = self.assess(ind)
        return a.target if a.status else None

    def verdict(self, ind: str) -> str:
        """' — đạt chỉ tiêu 95 %' for a title; empty when nothing is judged."""
        a = self.assess(ind)
        return f" — {a.verdict}" if a.status else ""

    def big(self, ind: str, label: str, lower_is_better: bool = False, note: str = "") -> Big:
        value, a = self.f.get(ind), self.assess(ind)
        b = Big(value_text(ind, value), label, ind, note, None)
        if a.status:
            b.note, b.tone = a.verdict[a.verdict.find(":") + 1 :].strip() if ":" in a.verdict else a.verdict, a.status
        elif a.target is not None and not note:  # short on a projector: «xét vào cuối năm 2026; đã có 1/1 xã-năm»
            b.note = a.verdict or a.rule
        if self.before is not None:
            d = fmt.shown_delta(targets.is_rate(ind), self.before.now.get(ind), self.before.then.get(ind))
            if d is not None:
                words = fmt.change_words(targets.is_rate(ind), d)
                b.change = "= không đổi" if d == 0 else ("▲ " if d > 0 else "▼ ") + words
                b.change_tone = None if d == 0 else ("good" if (d > 0) != lower_is_better else "bad")
        return b


def phrase(label: str) -> str:
    """The label inside a sentence: «Năm 2026» → «năm 2026»; an acronym («TTHC đúng hạn») stays as it is."""
    return label if label[1:2].isupper() else label[0].lower() + label[1:]


def merged(unit) -> str:
    """' Xã A đã sáp nhập vào Xã B từ 01/07/2025.' for an old commune, else ''."""
    after = reference.units().get(unit.successor) if unit.successor else None
    return (
        f" {unit.name}{' (cũ)' if after.name == unit.name else ''} đã sáp nhập vào {after.name}"
        f"{' (mới)' if after.name == unit.name else ''} từ {unit.valid_to + timedelta(days=1):%d/%m/%Y}."
        if after and unit.valid_to
        else ""
    )
