"""Meeting screens 5–7 of a commune: discipline and inspections, outreach and supervision, the plan's progress."""

from __future__ import annotations

from etl.specs import HARASSMENT
from ui import fmt, palette
from ui.deck.chart import MIN_BARS, bars, columns, hbars, reported, shaped
from ui.deck.model import Ctx, Screen, phrase


def discipline(c: Ctx) -> Screen:
    f = c.f
    n, h = f["discipline.decisions"], f["discipline.harassment"]
    checks = f"kiểm tra công vụ {fmt.num(f['inspection.count'])} đợt, phát hiện {fmt.num(f['inspection.violations'])} vi phạm"
    if not n:
        title = f"Không có quyết định kỷ luật nào; {checks}"
    elif h:
        title = f"{fmt.num(n)} quyết định kỷ luật, {fmt.num(h)} vì sách nhiễu, cửa quyền, hách dịch"
    else:
        title = f"{fmt.num(n)} quyết định kỷ luật, không có trường hợp sách nhiễu, cửa quyền, hách dịch"
    numbers = [
        c.big("inspection.count", "Đợt kiểm tra công vụ"),
        c.big("inspection.violations", "Vi phạm phát hiện", True),
        c.big("discipline.decisions", "Quyết định kỷ luật", True),
        c.big("discipline.harassment", "Vì sách nhiễu, cửa quyền", True),
    ]
    fig, words, points = None, [], c.view.series()
    if n:
        rows = c.view.detail("breakdown", "discipline.behaviour")
        cited = {r["value"] for r in rows if r["value"] in HARASSMENT}
        items = [
            (
                r["value"],
                r["count"],
                palette.STATUS["not_met"] if r["value"] in cited else palette.MUTED,
                f"{fmt.num(r['count'])}" + (" ◀ Chỉ thị 33 yêu cầu xử lý" if r["value"] in cited else ""),
            )
            for r in rows
        ]
        if shaped(items):
            fig = hbars(items, "Quyết định kỷ luật theo hành vi vi phạm", c.type, "Số quyết định")
        else:  # one or two decisions: said in words, not drawn as a lone bar
            words = [
                f"{label}: {fmt.num(v)} quyết định" + (" (Chỉ thị 33 yêu cầu xử lý)" if label in cited else "")
                for label, v, _, _ in items
                if v
            ]
    months = reported(points, "reporting.received")
    held = [p for p in months if p["inspection.count"]]
    shape = any((p["inspection.count"] or 0) > 1 or p["inspection.violations"] for p in months)
    if fig is None and f["inspection.count"] and held and not (shape and len(months) >= MIN_BARS):
        # one inspection now and then, none finding a violation: the months in words, not a chart of ones
        words.append(
            f"Kiểm tra công vụ {fmt.num(f['inspection.count'])} đợt ({', '.join(fmt.short_label(p['period']) for p in held)}), "
            f"phát hiện {fmt.num(f['inspection.violations'])} vi phạm"
        )
    elif fig is None and f["inspection.count"] and len(months) >= MIN_BARS:
        fig = columns(
            months,
            [
                ("inspection.count", "Đợt kiểm tra", palette.BLUE),
                ("inspection.violations", "Vi phạm phát hiện", palette.STATUS["not_met"]),
            ],
            "Kiểm tra công vụ từng tháng",
            c.type,
        )
    empty = (
        ""
        if n or f["inspection.count"]
        else "Không có đợt kiểm tra công vụ hay quyết định kỷ luật nào được ghi trong kỳ."
    )
    return Screen(title, numbers, fig, words, empty=empty)


def outreach(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if not f["outreach.events"] and not f["supervision.events"]:
        return Screen(
            "Chưa có hoạt động tuyên truyền, giám sát nào",
            empty=f"Không có hoạt động tuyên truyền hay giám sát nào của "
            f"{sel.unit.name} trong {phrase(sel.label)} (trang «Tuyên truyền», «Giám sát, phản biện» để trống hoặc chưa nộp).",
        )
    title = (
        f"{fmt.num(f['outreach.events'])} hoạt động tuyên truyền, {fmt.num(f['outreach.participants'])} lượt người; "
        f"tiếp thu {fmt.pct(f['supervision.acceptance_rate'])} kiến nghị của MTTQ, đoàn thể"
    )
    numbers = [
        c.big("outreach.events", "Hoạt động tuyên truyền"),
        c.big("outreach.participants", "Lượt người tham dự"),
        c.big("supervision.recommendations", "Kiến nghị của MTTQ, đoàn thể"),
        c.big("supervision.acceptance_rate", "Kiến nghị được tiếp thu"),
    ]
    forms = c.view.detail("breakdown", "outreach.form")
    if forms:
        fig, words = bars(
            [(r["value"], r["count"], palette.BLUE, f"{fmt.num(r['count'])} hoạt động") for r in forms],
            "Hoạt động tuyên truyền theo hình thức",
            c.type,
            "Số hoạt động",
        )
    else:
        orgs = c.view.detail("breakdown", "supervision.organisation")
        fig, words = bars(
            [
                (r["value"], r["recommendations"] or 0, palette.BLUE, f"{fmt.num(r['recommendations'])} kiến nghị")
                for r in orgs
            ],
            "Kiến nghị theo tổ chức giám sát",
            c.type,
            "Số kiến nghị",
        )
    return Screen(title, numbers, fig, words)


def plan(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if not f["plan.tasks"]:
        return Screen(
            "Chưa có báo cáo tiến độ kế hoạch",
            empty=f"Chưa có trang «Kế hoạch» trong báo cáo của {sel.unit.name} cho "
            f"{phrase(sel.label)}. Văn phòng cập nhật trang «Kế hoạch» của tệp báo cáo rồi nhập lại tệp.",
        )
    stages, tasks = {"done": 0, "in_progress": 0, "not_started": 0}, c.view.detail("plan_progress")
    for row in tasks:
        for k in stages:
            stages[k] += row[k]
    verdict = c.verdict("plan.done_rate") or f" — {c.assess('plan.done_rate').rule}"
    title = f"Đã hoàn thành {fmt.num(stages['done'])}/{fmt.num(f['plan.tasks'])} nhiệm vụ ({fmt.pct(f['plan.done_rate'])}){verdict}"
    numbers = [
        c.big("plan.tasks", "Nhiệm vụ của kế hoạch" + (" (các xã cộng lại)" if sel.is_group else "")),
        c.big("plan.done_rate", "Nhiệm vụ đã hoàn thành"),
        c.big("emulation.models", "Mô hình «Dân vận khéo» được công nhận"),
    ]
    fig, words = bars(
        [
            ("Hoàn thành", stages["done"], palette.STATUS["met"], f"{fmt.num(stages['done'])} nhiệm vụ"),
            ("Đang thực hiện", stages["in_progress"], palette.BLUE, f"{fmt.num(stages['in_progress'])} nhiệm vụ"),
            (
                "Chưa triển khai",
                stages["not_started"],
                palette.STATUS["not_met"],
                f"{fmt.num(stages['not_started'])} nhiệm vụ",
            ),
        ],
        "Nhiệm vụ theo tiến độ (báo cáo kế hoạch gần nhất trong kỳ)",
        c.type,
        "Số nhiệm vụ",
    )
    if fig is None and not sel.is_group:  # the room left says which tasks are not done yet, code with its name
        open_tasks = [r for r in tasks if not r["done"]]
        words = words[:1] + [
            f"{'Đang thực hiện' if r['in_progress'] else 'Chưa triển khai'}: {r['task_code']} — {r['content']}"
            for r in open_tasks[:5]
        ]
        if len(open_tasks) > 5:
            words.append(f"… và {fmt.num(len(open_tasks) - 5)} nhiệm vụ khác chưa hoàn thành.")
    return Screen(title, numbers, fig, words)
