"""Meeting screens 2–4 of a commune: administrative procedures, petitions, citizen reception and dialogue."""

from __future__ import annotations

import plotly.graph_objects as go

from ui import fmt, palette
from ui.deck.chart import bars, columns, months_axis, reported, style
from ui.deck.model import Ctx, Screen, phrase


def tthc(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if f["tthc.received_new"] is None:
        return Screen(
            "Chưa có số liệu thủ tục hành chính",
            empty=f"Chưa có trang «TTHC» trong báo cáo của {sel.unit.name} cho "
            f"{phrase(sel.label)}. Văn phòng điền trang «TTHC» của tệp báo cáo rồi nhập lại tệp.",
        )
    rate = f["tthc.on_time_rate"]
    title = (
        f"Giải quyết đúng hạn {fmt.pct(rate)}{c.verdict('tthc.on_time_rate')}"
        if rate is not None
        else "Chưa có hồ sơ nào được giải quyết trong kỳ"
    )
    if f["tthc.resolved_late"]:
        title += f"; {fmt.num(f['tthc.resolved_late'])} hồ sơ giải quyết quá hạn"
    numbers = [
        c.big("tthc.received_new", "Hồ sơ tiếp nhận mới"),
        c.big("tthc.on_time_rate", "Giải quyết đúng hạn"),
        c.big("tthc.online_rate", "Nộp trực tuyến"),
        c.big("tthc.pending_overdue_end", "Hồ sơ tồn đã quá hạn", lower_is_better=True),
    ]
    points = reported(c.view.cumulative(), "tthc.received_new")  # year-to-date: ends on the headline
    if len([p for p in points if p["tthc.on_time_rate"] is not None]) >= 2:
        t = c.target("tthc.on_time_rate")
        fig = go.Figure(
            go.Scatter(
                x=[fmt.short_label(p["period"]) for p in points],
                y=[None if p["tthc.on_time_rate"] is None else p["tthc.on_time_rate"] * 100 for p in points],
                mode="lines+markers+text",
                line={"color": palette.BLUE, "width": 5},
                marker={"size": 12},
                hoverinfo="skip",
                text=[  # one decimal, as on the card: the last point reads the headline's 95,9, not 96
                    fmt.pct(p["tthc.on_time_rate"]).removesuffix(" %") if p["tthc.on_time_rate"] is not None else ""
                    for p in points
                ],
                textposition=[  # a point under the target line has its label under it, never on the line
                    "bottom center" if t and r is not None and r < t.value else "top center"
                    for r in (p["tthc.on_time_rate"] for p in points)
                ],
                textfont={"size": c.type.font},
                cliponaxis=False,
            )
        )
        style(
            fig,
            "Tỷ lệ giải quyết đúng hạn từng tháng (%)"
            if points[0]["period"].kind == "month"
            else "Tỷ lệ giải quyết đúng hạn (%)",
            c.type,
            percent=True,
        )
        months_axis(fig, [p["period"] for p in points])
        values = [p["tthc.on_time_rate"] for p in points if p["tthc.on_time_rate"] is not None] + (
            [t.value] if t else []
        )
        low = max(0, int((min(values) - 0.02) * 20) * 5)  # rates sit near 100 %: show the differences
        fig.update_yaxes(range=[low, 104], dtick=5 if low >= 70 else 10 if low >= 40 else 20)
        if t:
            fig.add_hline(
                y=t.value * 100,
                line={"dash": "dash", "color": palette.STATUS["not_met"], "width": 3},
                annotation={
                    "text": f"Chỉ tiêu {fmt.pct(t.value, 0)}",
                    "font": {"size": c.type.font, "color": palette.STATUS["not_met"]},
                },
                annotation_position="bottom right",
            )
        return Screen(title, numbers, fig)
    late, online = f["tthc.resolved_late"], f["tthc.received_online"]
    fig, words = bars(
        [
            ("Nộp trực tuyến", online, palette.BLUE, fmt.num(online)),
            (
                "Nộp trực tiếp, bưu chính",
                f["tthc.received_new"] - online,
                palette.MUTED,
                fmt.num(f["tthc.received_new"] - online),
            ),
            (
                "Giải quyết đúng hạn",
                f["tthc.resolved"] - late,
                palette.STATUS["met"],
                fmt.num(f["tthc.resolved"] - late),
            ),
            ("Giải quyết quá hạn", late, palette.STATUS["not_met"], fmt.num(late)),
        ],
        "Hồ sơ tiếp nhận và giải quyết trong kỳ",
        c.type,
        "Số hồ sơ",
    )
    return Screen(title, numbers, fig, items=words)


def petitions(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if not f["petitions.received"] and not f["petitions.must_resolve"]:
        return Screen(
            "Không có đơn thư nào trong kỳ",
            empty=f"Không có đơn thư nào của {sel.unit.name} trong {phrase(sel.label)}: "
            "chưa phát sinh đơn, hoặc trang «Đơn thư» của báo cáo chưa được điền.",
        )
    rate = f["petitions.resolution_rate"]
    title = (
        f"Giải quyết {fmt.num(f['petitions.resolved'])}/{fmt.num(f['petitions.must_resolve'])} đơn ({fmt.pct(rate)})"
        f"{c.verdict('petitions.resolution_rate')}"
        if rate is not None
        else "Không có đơn thuộc thẩm quyền phải giải quyết"
    )
    if f["petitions.overdue_open"]:
        title += f"; còn {fmt.num(f['petitions.overdue_open'])} đơn quá hạn"
    numbers = [
        c.big("petitions.received", "Đơn tiếp nhận"),
        c.big("petitions.resolution_rate", "Tỷ lệ giải quyết"),
        c.big("petitions.on_time_rate", "Giải quyết đúng hạn"),
        c.big("petitions.overdue_open", "Đơn quá hạn chưa giải quyết", lower_is_better=True),
    ]
    points = reported(c.view.cumulative(), "reporting.received")
    if len(points) >= 2:  # year-to-date: the last pair is the headline's resolved / must resolve
        fig = columns(
            points,
            [
                ("petitions.must_resolve", "Phải giải quyết", palette.MUTED),
                ("petitions.resolved", "Đã giải quyết", palette.BLUE),
            ],
            "Lũy kế từ đầu kỳ: đơn phải giải quyết và đã giải quyết",
            c.type,
        )
    else:
        fig, _ = bars(  # too few bars: the big numbers above already say it
            [
                (label, f[ind], color, fmt.num(f[ind]))
                for ind, label, color in (
                    ("petitions.received", "Tiếp nhận", palette.MUTED),
                    ("petitions.must_resolve", "Phải giải quyết", palette.MUTED),
                    ("petitions.resolved", "Đã giải quyết", palette.BLUE),
                    ("petitions.overdue_open", "Quá hạn chưa giải quyết", palette.STATUS["not_met"]),
                )
            ],
            "Đơn thư trong kỳ",
            c.type,
            "Số đơn",
        )
    return Screen(title, numbers, fig)


def reception(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if not f["reception.days"] and not f["dialogue.sessions"]:
        return Screen(
            "Chưa có buổi tiếp công dân, đối thoại nào",
            empty=f"Không có ngày tiếp công dân hay hội nghị đối thoại nào của "
            f"{sel.unit.name} trong {phrase(sel.label)} (trang «Tiếp công dân», «Đối thoại» của báo cáo để trống hoặc chưa nộp).",
        )
    rate = f["reception.chair_compliance"]
    title = (
        f"Chủ tịch tiếp công dân định kỳ đạt {fmt.pct(rate)} yêu cầu{c.verdict('reception.chair_compliance')}"
        if rate is not None
        else "Chưa có tuần nào phải tiếp công dân định kỳ"
    )
    title += f"; đối thoại {fmt.num(f['dialogue.sessions'])}/{fmt.num(f['dialogue.required'])} hội nghị"
    numbers = [
        c.big("reception.citizens", "Lượt công dân được tiếp"),
        c.big(
            "reception.chair_days",
            "Ngày Chủ tịch tiếp định kỳ",
            note=f"Tối thiểu {fmt.num(f['reception.chair_required'])} ngày, xét theo từng tuần (tháng)",
        ),
        c.big("reception.chair_compliance", "Số tuần (tháng) đạt quy định"),
        c.big("dialogue.sessions", "Hội nghị đối thoại"),
    ]
    points = reported(c.view.series(), "reception.chair_required")
    if len(points) >= 2:
        fig = columns(
            points,
            [
                ("reception.chair_required", "Số ngày theo quy định", palette.MUTED),
                ("reception.chair_days", "Số ngày Chủ tịch đã tiếp", palette.BLUE),
            ],
            "Chủ tịch tiếp công dân định kỳ: ngày đã tiếp so với quy định",
            c.type,
        )
    else:
        hosts = c.view.detail("breakdown", "reception.host")
        fig, words = bars(
            [(r["value"], r["citizens"] or 0, palette.BLUE, f"{fmt.num(r['citizens'])} lượt") for r in hosts],
            "Lượt công dân theo người tiếp",
            c.type,
            "Lượt công dân",
        )
        return Screen(title, numbers, fig, items=words)
    return Screen(title, numbers, fig)
