"""Meeting screens 1 and 8 of a commune (its targets at a glance, «Cần chú ý»), and the commune deck's order."""

from __future__ import annotations

from etl import config
from etl.attention import SEVERITY_LABELS
from ui import fmt, palette
from ui import overview as ov
from ui.deck import conduct, services
from ui.deck.chart import style
from ui.deck.model import Big, Ctx, Screen

TOPICS = (
    "Tổng quan",
    "Cải cách hành chính",
    "Đơn thư",
    "Tiếp công dân và đối thoại",
    "Kỷ luật",
    "Tuyên truyền và giám sát",
    "Tiến độ kế hoạch",
    "Những việc cần chú ý",
)


def targets_chart(c: Ctx):
    """Each rate against its target (the picture Tổng quan leads with), in the screen's type."""
    rows = ov.target_rows(c.f, c.sel.code, c.sel.end)
    bars = ov.target_bars(rows, palette.STATUS, c.type.font, palette.INK)  # not judged: the same slate as Tổng quan
    fig = ov.axes(style(bars, "Tỷ lệ đạt được so với chỉ tiêu", c.type))
    fig.update_xaxes(gridcolor=palette.GRID)
    return rows, fig


def overview(c: Ctx, attention_screen: int = len(TOPICS)) -> Screen:
    rows, fig = targets_chart(c)
    items = c.view.detail("attention", config.ON_TIME_DAYS)
    report = Big(
        fmt.pct(c.f["reporting.completeness"]),
        "Báo cáo tháng đã nhận",
        "reporting.completeness",
        ov.reporting_sentence(c.f),
    )
    numbers = [
        c.big("tthc.received_new", "Hồ sơ hành chính tiếp nhận"),
        c.big("petitions.received", "Đơn thư tiếp nhận"),
        report,
        Big(fmt.num(len(items)), f"Việc cần chú ý (màn hình {attention_screen})"),
    ]
    return Screen(ov.summary_title(rows), numbers, fig)


def attention(c: Ctx, limit: int = 6) -> Screen:
    """The items of «Cần chú ý», most serious first (etl.attention)."""
    items = c.view.detail("attention", config.ON_TIME_DAYS)
    numbers = [
        c.big("petitions.overdue_open", "Đơn thư quá hạn chưa giải quyết", True),
        c.big("tthc.pending_overdue_end", "Hồ sơ hành chính tồn quá hạn", True),
    ]
    if not items:
        return Screen("Không có việc nào vi phạm quy định trong kỳ", numbers)
    lines = [i["text"] for i in items]
    shown = lines[: limit + 1] if len(lines) == limit + 1 else lines[:limit]
    if len(lines) > len(shown):
        shown.append(f"… và {fmt.num(len(lines) - len(shown))} việc khác (xem chi tiết ở trang Tổng quan).")
    kinds = sorted({i["severity"] for i in items})
    title = "Cần chú ý: " + "; ".join(SEVERITY_LABELS[k].lower() for k in kinds)
    return Screen(title, numbers, items=shown)


BUILDERS = (
    overview,
    services.tthc,
    services.petitions,
    services.reception,
    conduct.discipline,
    conduct.outreach,
    conduct.plan,
    attention,
)
