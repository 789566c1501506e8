"""Tiếp công dân, đối thoại: the chairman's periodic reception week by week against the rule in force, who received citizens, and the dialogue conferences."""

from collections import Counter, defaultdict
from datetime import timedelta

import plotly.graph_objects as go
import streamlit as st

from etl import reference, targets
from etl.periods import ROMAN
from ui import cards, charts, fmt, pager, palette
from ui.page import header

view = header("Tiếp công dân, đối thoại")
sel, f = view.sel, view.figures()
args = view.card_args()
units = reference.units()
shared_names = {
    n for n, k in Counter(u.name for u in units).items() if k > 1
}  # a new commune often keeps an old one's name


def unit_name(code: str) -> str:
    u = units.get(code)
    return u.name if u.name not in shared_names else f"{u.name} ({'cũ' if u.valid_to else 'mới'})"


def is_month(w: dict) -> bool:  # a month slot under the monthly rule (from 01/7/2026)
    return (w["end"] - w["start"]).days > 6


def anchor(w: dict):  # an ISO week belongs to the month of its Thursday
    return w["start"] if is_month(w) else w["start"] + timedelta(days=3)


st.subheader("Chủ tịch UBND xã tiếp công dân định kỳ")
ROWS = 40  # communes a page of the grid: a province has 166, the nation 3,321
ranking = view.detail("chair_ranking") if sel.is_group or sel.roll_forward else []
everyone = len(ranking)
paged = everyone > ROWS
if paged:  # a page of communes, most weeks short of the rule first (its box is drawn above the grid, further down)
    first, last = pager.current(everyone, ROWS, "trang_tiep_cong_dan")
    ranking = ranking[first:last]
    weeks = view.detail("chair_weeks", tuple(r["unit_code"] for r in ranking))
else:
    weeks = view.detail("chair_weeks")
rules = [
    r
    for r in reference.rules("reception_rules")
    if r["host"] == "Chủ tịch" and r.valid_from <= sel.end and (r.valid_to is None or r.valid_to >= sel.start)
]
for r in rules:
    until = f"đến {r.valid_to:%d/%m/%Y}" if r.valid_to else "trở đi"
    per = "tuần" if r["per"] == "week" else "tháng"
    unconfirmed = (
        (
            f". Bảng theo dõi đang tạm áp dụng {r['min_days']} ngày mỗi {per}; khi có văn bản hướng dẫn, cán bộ quản trị "
            "sửa trong danh mục quy định tiếp công dân"
        )
        if r["confirmed"] == "0"
        else ""
    )
    st.markdown(f":material/gavel: Từ {r.valid_from:%d/%m/%Y} {until}: {r['source']}{unconfirmed}.")

word = (
    ("tháng" if all(is_month(w) for w in weeks) else "tuần" if not any(is_month(w) for w in weeks) else "tuần (tháng)")
    if weeks
    else "tuần"
)
c1, c2, c3 = st.columns(3)
with c1:
    cards.card("reception.chair_compliance", f"{word.capitalize()} đạt quy định", *args)
with c2:
    cards.card(
        "reception.chair_days",
        "Ngày Chủ tịch tiếp công dân định kỳ",
        *args,
        note=f"Quy định tối thiểu {fmt.num(f['reception.chair_required'])} ngày",
    )
compliance = targets.assess("reception.chair_compliance", f, sel.code, sel.end)
if compliance.status in ("near", "not_met") and f["reception.chair_days"] >= f["reception.chair_required"]:
    st.caption(
        f"Tổng số ngày ({fmt.num(f['reception.chair_days'])}) đủ so với tối thiểu "
        f"({fmt.num(f['reception.chair_required'])}), nhưng quy định tính theo từng tuần (tháng): "
        f"{compliance.verdict}."
    )
with c3:
    cards.card("reception.days", "Tổng số ngày tiếp công dân", *args, note="Mọi người chủ trì, mọi hình thức")

if not weeks:
    st.info(
        "Kỳ đã chọn không có tuần nào thuộc quy định tiếp công dân của Chủ tịch (chưa có báo cáo phủ các tuần này)."
    )
else:
    several = paged or len({w["unit_code"] for w in weeks}) > 1
    n_months = len({(anchor(w).year, anchor(w).month) for w in weeks})
    per_week = (
        len({w["start"] for w in weeks}) <= 60
    )  # beyond that a group's columns are months, or quarters past two years
    if paged:  # the totals above are the whole group's; the grid shows the chosen page of communes
        pager.choose(everyone, ROWS, "trang_tiep_cong_dan", "xã, xã thiếu nhiều tuần (tháng) nhất trước")
    cells = defaultdict(list)  # (row, column) -> slots
    for w in weeks:
        t = anchor(w)
        month = f"T{t.month}/{t.year}"
        if not several:
            col = "Cả tháng" if is_month(w) else f"Tuần {(t.day - 1) // 7 + 1}"
            cells[(month, col)].append(w)
        else:
            quarter = f"Quý {ROMAN[(t.month - 1) // 3 + 1]}/{t.year}"
            cells[
                (
                    unit_name(w["unit_code"]),
                    f"{w['start']:%d/%m/%Y}" if per_week else month if n_months <= 24 else quarter,
                )
            ].append(w)
    order = sorted(cells, key=lambda k: min(w["start"] for w in cells[k]))
    rows = list(  # a group's units in order of their first week; a page of a large group in the ranking's order
        dict.fromkeys(
            [unit_name(r["unit_code"]) for r in ranking] if paged else (r for r, _ in (order if several else cells))
        )
    )
    cols = (
        [c for c in ("Tuần 1", "Tuần 2", "Tuần 3", "Tuần 4", "Tuần 5", "Cả tháng") if any(k[1] == c for k in cells)]
        if not several
        else list(dict.fromkeys(c for _, c in order))
    )

    def describe(slots: list[dict]) -> tuple[float, str, str]:
        met = sum(w["met"] for w in slots)
        if len(slots) == 1:
            w = slots[0]
            what = f"Tháng {w['start']:%m/%Y}" if is_month(w) else f"Tuần {w['start']:%d/%m} – {w['end']:%d/%m/%Y}"
            hover = (
                f"{what}: {fmt.num(w['held'])} ngày Chủ tịch tiếp định kỳ, quy định ít nhất {fmt.num(w['required'])} — "
                + ("Đạt" if w["met"] else "Không đạt")
            )
            return float(w["met"]), "✓" if w["met"] else "✗", hover
        return (
            0.5 if 0 < met < len(slots) else float(met == len(slots)),
            f"{met}/{len(slots)}",
            f"{fmt.num(met)}/{fmt.num(len(slots))} tuần (tháng) đạt quy định",
        )

    grid = [
        [describe(cells[(r, c)]) if (r, c) in cells else (None, "", "Không có báo cáo") for c in cols] for r in rows
    ]
    z, text, hover = ([[cell[i] for cell in row] for row in grid] for i in range(3))
    red, amber, green = palette.STATUS["not_met"], palette.STATUS["near"], palette.STATUS["met"]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=rows,
            text=text,
            texttemplate="%{text}",
            textfont={"color": "white", "size": 14},
            customdata=hover,
            hovertemplate="%{y} · %{customdata}<extra></extra>",
            xgap=3,
            ygap=3,
            zmin=0,
            zmax=1,
            showscale=False,
            colorscale=[(0, red), (0.25, red), (0.25, amber), (0.75, amber), (0.75, green), (1, green)],
        )
    )
    met, slots = f["reception.chair_weeks_met"], f["reception.chair_weeks"]  # the cards' figures: the whole selection
    title = f"Chủ tịch tiếp công dân định kỳ đúng quy định {fmt.num(met)}/{fmt.num(slots)} {word} ({fmt.pct(f['reception.chair_compliance'])})"
    charts.layout(fig, title, height=110 + 34 * len(rows))
    fig.update_yaxes(autorange="reversed", gridcolor="white", type="category")
    rotated = several and not per_week  # month or quarter labels: slanted, under the grid
    fig.update_xaxes(
        side="bottom" if rotated else "top", type="category", tickangle=-45 if rotated else 0, automargin=True
    )
    if several and per_week:  # one tick per month instead of one per week
        firsts = {}
        for k in order:
            t = anchor(min(cells[k], key=lambda w: w["start"]))
            firsts.setdefault((t.year, t.month), k[1])
        fig.update_xaxes(
            tickvals=list(firsts.values()),
            ticktext=[f"T{m}/{y}" if i == 0 or m == 1 else f"T{m}" for i, (y, m) in enumerate(firsts)],
        )
    if not rotated:  # week labels above the grid, under the title
        charts.make_room(fig, 34)
    charts.show(fig)
    st.caption(
        "✓ đạt quy định · ✗ không đạt · số a/b: a trong b tuần (tháng) đạt · ô trống: chưa có báo cáo hoặc đơn vị chưa (không còn) tồn tại. "
        "Tuần tính từ thứ Hai đến Chủ nhật, thuộc tháng chứa ngày thứ Năm của tuần."
    )
    if paged:
        st.caption(
            f"Bảng chỉ vẽ {fmt.num(len(ranking))} xã của trang đã chọn, xã có nhiều tuần (tháng) không đạt nhất trước; "
            "tiêu đề và các thẻ số liệu tính cho cả nhóm."
        )

st.subheader("Kết quả tiếp công dân")
cards.row(
    [
        ("reception.citizens", "Số người được tiếp", False, "Không đặt chỉ tiêu"),
        ("reception.cases", "Số vụ việc", False, "Không đặt chỉ tiêu"),
        ("reception.crowd_groups", "Số đoàn đông người", True, "Càng ít càng tốt"),
    ],
    *args,
)
hosts = view.detail("breakdown", "reception.host")
if hosts:
    chair = next((h["count"] for h in hosts if h["value"] == "Chủ tịch"), 0)
    chair_title = f"Chủ tịch chủ trì {fmt.num(chair)}/{fmt.num(f['reception.days'])} ngày tiếp công dân"
    by_host = [
        {
            "Người chủ trì": h["value"],
            "Số ngày chủ trì": fmt.num(h["count"]),
            "Số người được tiếp": fmt.num(h["citizens"]),
            "Số vụ việc": fmt.num(h["cases"]),
        }
        for h in hosts
    ]
    if len(hosts) <= 2:  # one or two hosts: the days are numbers in the table, not a chart of two bars
        st.markdown(f"**{chair_title}**")
        st.table(by_host, hide_index=True, border="horizontal")
    else:
        left, right = st.columns(2)
        with left:
            charts.show(charts.bars([(h["value"], h["count"]) for h in hosts], chair_title, unit=" ngày"), columns=2)
        with right:
            st.markdown("**Ngày tiếp, người được tiếp và vụ việc, theo người chủ trì**")
            st.table(by_host, hide_index=True, border="horizontal")
else:
    st.info(
        "Không có ngày tiếp công dân nào được ghi trong kỳ (trang «Tiếp công dân» của báo cáo để trống hoặc chưa nộp)."
    )

st.subheader("Đối thoại trực tiếp với Nhân dân")
st.markdown(
    ":material/gavel: Luật Tổ chức chính quyền địa phương 2025, Điều 43: Chủ tịch UBND xã đối thoại với Nhân dân ít nhất 1 lần mỗi năm."
)
cards.row(
    [
        ("dialogue.sessions", "Hội nghị đối thoại đã tổ chức"),
        ("dialogue.issues_raised", "Ý kiến, kiến nghị của Nhân dân", False, "Không đặt chỉ tiêu"),
        ("dialogue.answer_rate", "Ý kiến đã được trả lời, giải quyết", False, "Không đặt chỉ tiêu"),
    ],
    *args,
)
dialogue = targets.assess("dialogue.sessions", f, sel.code, sel.end)
if dialogue.target is not None:
    st.caption(
        f"{dialogue.line}. Quy định tính theo cả năm: khi xem một tháng hay một quý, xã vẫn có thể tổ chức trong thời "
        "gian còn lại của năm."
    )
talks = view.detail("dialogues")
if talks:
    several = sel.is_group or sel.roll_forward
    if several and len(talks) > 100:  # a province's conferences a page at a time, in date order
        first, last = pager.choose(len(talks), 100, "trang_doi_thoai", "hội nghị đối thoại, theo ngày tổ chức")
        talks = talks[first:last]
    table = [
        ({"Đơn vị": unit_name(t["unit_code"])} if several else {})
        | {
            "Ngày": fmt.day(t["dialogue_date"]),
            "Chủ đề": t["topic"],
            "Người chủ trì": t["host"],
            "Hình thức": t["mode"],
            "Số người tham dự": fmt.num(t["participants"]),
            "Số ý kiến": fmt.num(t["issues_raised"]),
            "Đã trả lời": fmt.num(t["issues_answered"]),
        }
        for t in talks
    ]
    st.table(table, hide_index=True, border="horizontal")  # topics and headers wrap: every column fits at 1024 px
else:
    st.info("Chưa có hội nghị đối thoại nào trong kỳ đã chọn (trang «Đối thoại» của báo cáo để trống hoặc chưa nộp).")
