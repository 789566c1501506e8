"""Kỷ luật, kiểm tra công vụ: inspections and what they found, then discipline decisions as aggregates only (no decision numbers, no names)."""

import streamlit as st

from etl.specs import HARASSMENT
from ui import cards, charts, fmt, palette
from ui.page import header
from ui.safe import md

view = header("Kỷ luật, kiểm tra công vụ")
sel, f = view.sel, view.figures()
args = view.card_args()


def count_bars(rows: list[dict], title: str, highlight: frozenset = frozenset()):
    """Bars of decisions; small counts get whole-number ticks (plotly would otherwise print 0, 1, 1, 2, 2)."""
    fig = charts.bars([(r["value"], r["count"]) for r in rows], title, highlight=highlight, unit=" quyết định")
    if max(r["count"] for r in rows) <= 10:
        fig.update_xaxes(dtick=1)
    return fig


def breakdown(rows: list[dict], title: str, highlight: frozenset = frozenset(), columns: int = 1) -> None:
    """Decisions by one attribute: a chart only where a shape carries meaning (three kinds or more); one or two kinds
    are said in words, with their numbers."""
    if len(rows) >= 3:
        charts.show(count_bars(rows, title, highlight=highlight), columns)
        return
    st.markdown(f"**{md(title)}**")
    st.markdown(
        "\n".join(
            f"- {md(r['value'])}: **{fmt.num(r['count'])}** quyết định"
            + (" — :red[sách nhiễu, cửa quyền, hách dịch]" if r["value"] in highlight else "")
            for r in rows
        )
    )


st.caption(
    ":material/lock: Trang chỉ hiển thị số liệu tổng hợp: không có số quyết định, không có họ tên người bị kỷ luật."
)

st.subheader("Kiểm tra công vụ")
cards.row(
    [
        ("inspection.count", "Số đợt kiểm tra công vụ", False, "Không đặt chỉ tiêu"),
        ("inspection.officials_checked", "Lượt cán bộ, công chức được kiểm tra", False, "Không đặt chỉ tiêu"),
        ("inspection.violations", "Số vi phạm phát hiện", True, "Không đặt chỉ tiêu"),
    ],
    *args,
)
points = view.series("registers")
if not f["inspection.count"]:
    st.info(
        "Không có đợt kiểm tra công vụ nào trong kỳ (trang «Kiểm tra công vụ» của báo cáo để trống hoặc chưa nộp).",
        icon=":material/info:",
    )
elif len(points) > 1:
    title = (
        f"Kiểm tra {fmt.num(f['inspection.officials_checked'])} lượt cán bộ, "
        f"phát hiện {fmt.num(f['inspection.violations'])} vi phạm qua {fmt.num(f['inspection.count'])} đợt"
    )
    fig = charts.stacked(
        points,
        {
            "inspection.count": ("Đợt kiểm tra", charts.BLUE),
            "inspection.violations": ("Vi phạm phát hiện", palette.STATUS["not_met"]),
        },
        title,
    )
    fig.update_layout(barmode="group")
    if max(p[k] or 0 for p in points for k in ("inspection.count", "inspection.violations")) <= 10:
        fig.update_yaxes(dtick=1)
    charts.show(fig)

st.subheader("Kỷ luật cán bộ, công chức")
n, harassment = f["discipline.decisions"], f["discipline.harassment"]
c1, c2 = st.columns(2)
with c1:
    cards.card("discipline.decisions", "Quyết định kỷ luật", *args, lower_is_better=True, note="Không đặt chỉ tiêu")
with c2:
    cards.card(
        "discipline.harassment",
        "Trong đó: sách nhiễu, gây phiền hà; cửa quyền, hách dịch",
        *args,
        lower_is_better=True,
        note="Càng ít càng tốt",
    )

if not n:
    st.info("Không có quyết định kỷ luật nào trong kỳ.", icon=":material/info:")
    st.stop()

named = " và ".join(f"«{b}»" for b in HARASSMENT)
behaviour = view.detail("breakdown", "discipline.behaviour")
if harassment:
    title = f"{fmt.num(harassment)}/{fmt.num(n)} quyết định kỷ luật vì sách nhiễu, gây phiền hà hoặc cửa quyền, hách dịch (tô đỏ)"
else:
    title = f"Không có quyết định nào vì sách nhiễu, cửa quyền, hách dịch trong {fmt.num(n)} quyết định kỷ luật"
breakdown(behaviour, title, highlight=frozenset(HARASSMENT))
target = "hành vi Chỉ thị 33/CT-TTg yêu cầu chấn chỉnh, xử lý nghiêm"
st.caption(
    f"Theo hành vi vi phạm. Tô đỏ: {named} — {target}."
    if harassment
    else f"Theo hành vi vi phạm. {named}: {target}; trong kỳ không có quyết định nào."
)


def top(rows: list[dict]) -> str:
    best = rows[0]
    return f"{best['value']} ({fmt.num(best['count'])}/{fmt.num(n)})"


form = view.detail("breakdown", "discipline.form")
subject = view.detail("breakdown", "discipline.subject")
detection = view.detail("breakdown", "discipline.detection")
by_inspection = next((r["count"] for r in detection if r["value"] == "Kiểm tra công vụ"), 0)
by_citizens = next((r["count"] for r in detection if r["value"] == "Phản ánh của người dân"), 0)
c1, c2 = st.columns(2)
with c1:
    breakdown(form, f"Hình thức nhiều nhất: {top(form)}", columns=2)
with c2:
    breakdown(subject, f"Đối tượng nhiều nhất: {top(subject)}", columns=2)
breakdown(
    detection,
    f"Phát hiện qua kiểm tra công vụ: {fmt.num(by_inspection)}/{fmt.num(n)} quyết định; "
    f"qua phản ánh của người dân: {fmt.num(by_citizens)}",
)
st.caption("Theo nguồn phát hiện vi phạm.")
