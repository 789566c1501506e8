"""One chart per area of the report, drawn offline with matplotlib (no browser, no network) as PNG images for docxtpl.
Only areas whose figures have a shape over time get a chart; a single number stays a number in the text."""

from __future__ import annotations

import io

from etl import numbers

SHORT = {
    1: "T1",
    2: "T2",
    3: "T3",
    4: "T4",
    5: "T5",
    6: "T6",
    7: "T7",
    8: "T8",
    9: "T9",
    10: "T10",
    11: "T11",
    12: "T12",
}
BLUE, GREY = "#1f5fa8", "#94a3b8"
SERIES = {  # plan item -> (caption, [(indicator, legend, colour)])
    "II.1": ("Hoạt động tuyên truyền từng tháng", [("outreach.events", "Hoạt động tuyên truyền", BLUE)]),
    "II.3": (
        "Đơn tiếp nhận và đơn đã giải quyết từng tháng",
        [("petitions.received", "Tiếp nhận", GREY), ("petitions.resolved", "Đã giải quyết", BLUE)],
    ),
    "II.4": (
        "Hồ sơ thủ tục hành chính tiếp nhận và giải quyết từng tháng",
        [("tthc.received_new", "Tiếp nhận mới", GREY), ("tthc.resolved", "Đã giải quyết", BLUE)],
    ),
    "II.5": ("Lượt công dân được tiếp từng tháng", [("reception.citizens", "Lượt công dân", BLUE)]),
}


def _label(m: dict, one_year: bool) -> str:
    start = m["start"]
    if m["key"][4:5] == "Q":
        return f"Q{(start.month - 1) // 3 + 1}/{start.year % 100:02d}"
    return SHORT[start.month] if one_year else f"{start.month}/{start.year % 100:02d}"


def _png(fig) -> io.BytesIO:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, bbox_inches="tight")
    out.seek(0)
    return out


def chart(data: dict, code: str) -> io.BytesIO | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = data["monthly"]
    caption, series = SERIES[code]
    if len(months) < 2 or not any(m.get(ind) for m in months for ind, _, _ in series):
        return None
    one_year = len({m["start"].year for m in months}) == 1
    x = list(range(len(months)))
    width = 0.8 / len(series)
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9})
    fig, ax = plt.subplots(figsize=(6.2, 2.4))
    for i, (ind, legend, colour) in enumerate(series):
        values = [m.get(ind) or 0 for m in months]
        bars = ax.bar([v + (i - (len(series) - 1) / 2) * width for v in x], values, width, label=legend, color=colour)
        if len(months) <= 12:
            ax.bar_label(bars, labels=[numbers.num(v) if v else "" for v in values], fontsize=7, padding=1)
    ax.set_xticks(x, [_label(m, one_year) for m in months])
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: numbers.num(int(v))))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e7eb")
    ax.set_axisbelow(True)
    if len(series) > 1:
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0, 1.18), ncol=len(series))
    image = _png(fig)
    plt.close(fig)
    return image


def images(doc, data: dict) -> dict:
    """{plan item: InlineImage, plan item + ':caption': words} for the areas that have a chart."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    out = {}
    for code, (caption, _) in SERIES.items():
        png = chart(data, code)
        if png is not None:
            out[code] = InlineImage(doc, png, width=Mm(150))
            out[code + ":caption"] = f"Biểu đồ: {caption}"
    return out
