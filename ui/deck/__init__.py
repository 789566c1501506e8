"""Meeting mode (trình chiếu): one topic per screen for a projector read from the back of a lit room, and its handout.

A commune's deck has eight screens in the plan's order (ui.deck.commune, services, conduct); a group's deck (province,
former district, user-defined group) has its own five (ui.deck.group). Layout, navigation and the screen-size script
are in ui.deck.layout, chart styling in ui.deck.chart, the CSS in deck.css / screen.css / print.css beside them.
"""

from __future__ import annotations

from ui.deck import commune, group
from ui.deck.chart import Type
from ui.deck.model import Ctx, Screen


def topics(sel) -> tuple[str, ...]:
    return group.TOPICS if sel.is_group else commune.TOPICS


def build(n: int, view, kind: Type | None = None) -> Screen:
    """Screen n (1-based) of the selection's deck, its charts drawn in the screen's type."""
    builders = group.BUILDERS if view.sel.is_group else commune.BUILDERS
    return builders[n - 1](Ctx(view, kind))
