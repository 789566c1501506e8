"""The meeting deck of a group (the province, a former district, a user-defined group): the group against each target,
the communes ranked per area (the best and the worst by name, never a table of every commune), who has not reported,
and the group's «Cần chú ý» by commune.

Every figure is the comparison page's (ui.compare_data.commune_table / reporting_table → etl.compare) or the group's
own figures (indicators.compute for the group code, as `python -m etl indicators`): one figure, one implementation.
"""

from __future__ import annotations

from etl import attention, compare, config
from etl.attention import SEVERITY_LABELS
from ui import compare_data as cd
from ui import fmt, palette
from ui import overview as ov
from ui.deck.commune import targets_chart
from ui.deck.layout import esc
from ui.deck.model import Big, Ctx, Screen, phrase

TOPICS = (
    "Toàn nhóm so với chỉ tiêu",
    "Xếp hạng: hành chính, đơn thư",
    "Xếp hạng: tiếp dân, kế hoạch, báo cáo",
    "Tình hình nộp báo cáo",
    "Những việc cần chú ý",
)
AREAS = (
    ("tthc.on_time_rate", "tthc.online_rate", "petitions.resolution_rate", "petitions.overdue_open"),
    ("reception.chair_compliance", "dialogue.sessions", "plan.done_rate", "reporting.month_rate"),
)
ENDS = 3  # communes named at each end of a ranking
LEGEND = "✓ đạt chỉ tiêu · ! gần đạt · ✗ chưa đạt · không ký hiệu: không có chỉ tiêu"
NAMES = 14  # communes named on the reporting screen before «… và N xã khác»


def communes(c: Ctx) -> tuple[dict, list[dict]]:
    """The group's row and one row per commune: the «So sánh đơn vị» page's own table."""
    v, s = c.view, c.sel
    rows = cd.commune_table(str(v.path), v.version, s.code, s.start, s.end, config.ON_TIME_DAYS, config.today())
    return rows[0], rows[1:]


def name(c: Ctx, code: str) -> str:
    return cd.unit_name(code, c.sel.start, c.sel.end, short=True)


def overview(c: Ctx) -> Screen:
    rows, fig = targets_chart(c)
    members = compare.members(c.sel.code, c.sel.start, c.sel.end)  # the comparison table's rows, without its figures
    items = c.view.detail("attention", config.ON_TIME_DAYS)
    flagged = sum(1 for code, _ in attention.by_unit(items) if code)
    numbers = [
        Big(fmt.num(len(members)), "Xã trong nhóm"),
        Big(
            fmt.pct(c.f["reporting.completeness"]),
            "Báo cáo tháng đã nhận",
            "reporting.completeness",
            ov.reporting_sentence(c.f),
        ),
        c.big("petitions.overdue_open", "Đơn thư quá hạn chưa giải quyết", True),
        Big(fmt.num(flagged), f"Xã có việc cần chú ý (màn hình {len(TOPICS)})"),
    ]
    return Screen("Toàn nhóm: " + phrase(ov.summary_title(rows)), numbers, fig)


def end_lines(c: Ctx, ind: str, rows: list[dict]) -> str:
    return "".join(
        f'<div class="pt-end"><span>{esc(name(c, r["unit_code"]))}</span> <b>{esc(cd.text(ind, r))}</b></div>'
        for r in rows
    )


def area_html(c: Ctx, ind: str, group: dict, members: list[dict]) -> str:
    """One area: the group's figure, how many communes meet the target, the ENDS best and worst by name."""
    # a commune without any report this period is not ranked (its counts read 0): it is named on the reporting screen
    sent = [r for r in members if ind == "reporting.month_rate" or r["reporting.months_received"]]
    ranked = [r for r in cd.rank(sent, ind) if r[ind] is not None]
    judged = [cd.status(ind, r) for r in ranked if cd.status(ind, r)]
    status = cd.status(ind, group)
    summary = f"Toàn nhóm {cd.text(ind, group).removesuffix(cd.SYMBOLS[status]).strip()}"
    if status:
        summary += f" ({palette.marked(status)})"
    if judged:
        summary += f" · {fmt.num(judged.count('met'))}/{fmt.num(len(judged))} xã đạt chỉ tiêu"
    if len(sent) < len(members):
        summary += f" · {fmt.num(len(members) - len(sent))} xã chưa có báo cáo"
    if len(ranked) < len(sent):
        summary += f" · {fmt.num(len(sent) - len(ranked))} xã không phát sinh"
    if not ranked:
        ends = '<div class="pt-end">Không xã nào phát sinh số liệu trong kỳ.</div>'
    elif len(ranked) <= 2 * ENDS:
        ends = f'<div class="pt-ends pt-one"><div><div class="pt-end-head">Từ tốt đến kém</div>{end_lines(c, ind, ranked)}</div></div>'
    else:
        best, worst = ranked[:ENDS], ranked[-ENDS:][::-1]
        heads = []
        for word, r in (("Tốt nhất", best[0]), ("Kém nhất", worst[0])):
            ties = sum(1 for x in ranked if x[ind] == r[ind])
            heads.append(word + (f" ({fmt.num(ties)} xã cùng mức)" if ties > ENDS else ""))
        ends = (
            f'<div class="pt-ends"><div><div class="pt-end-head">{esc(heads[0])}</div>{end_lines(c, ind, best)}</div>'
            f'<div><div class="pt-end-head">{esc(heads[1])}</div>{end_lines(c, ind, worst)}</div></div>'
        )
    return (
        f'<div class="pt-area" data-ind="{esc(ind)}"><div class="pt-area-head">{esc(cd.COLUMNS[ind][3])}</div>'
        f'<div class="pt-area-sum">{esc(summary)}</div>{ends}</div>'
    )


def ranking(c: Ctx, part: int) -> Screen:
    group, members = communes(c)
    inds = AREAS[part]
    missed = [
        cd.COLUMNS[i][0]
        for i in inds
        if any(cd.status(i, r) in ("near", "not_met") for r in members if r[i] is not None)
    ]
    sent = sum(1 for r in members if r["reporting.months_received"])
    who = (
        f"{fmt.num(len(members))} xã"
        if sent == len(members)
        else f"{fmt.num(sent)}/{fmt.num(len(members))} xã có báo cáo"
    )
    title = f"Xếp hạng {who}: " + (
        f"còn xã chưa đạt chỉ tiêu về {', '.join(phrase(m) for m in missed)}"
        if missed
        else "không xã nào chưa đạt chỉ tiêu ở các lĩnh vực này"
    )
    body = (
        '<div class="pt-areas">'
        + "".join(area_html(c, i, group, members) for i in inds)
        + f'</div><div class="pt-legend">{esc(LEGEND)}</div>'
    )
    return Screen(title, html=body)


def reporting(c: Ctx) -> Screen:
    v, s, f = c.view, c.sel, c.f
    t = cd.reporting_table(str(v.path), v.version, s.code, s.start, s.end, config.ON_TIME_DAYS, config.today())
    due = [r for r in t["per_unit"] if r["months_due"]]
    short = sorted((r for r in due if r["received"] < r["months_due"]), key=lambda r: r["received"] - r["months_due"])
    numbers = [
        Big(
            fmt.pct(f["reporting.completeness"]),
            "Báo cáo tháng đã nhận",
            "reporting.completeness",
            ov.reporting_sentence(f),
        ),
        c.big("reporting.timeliness", "Báo cáo nộp đúng hạn"),
        Big(f"{fmt.num(len(due) - len(short))}/{fmt.num(len(due))}", "Xã đã nộp đủ"),
    ]
    if not due:
        return Screen("Chưa tháng nào của kỳ đến hạn nộp báo cáo", numbers)
    if not short:
        return Screen(f"Cả {fmt.num(len(due))} xã đã nộp đủ báo cáo tháng đã đến hạn", numbers)
    names = [
        f"{name(c, r['unit_code'])} (thiếu {fmt.num(r['months_due'] - r['received'])}/{fmt.num(r['months_due'])} tháng)"
        for r in short
    ]
    shown = names[: NAMES + 1] if len(names) == NAMES + 1 else names[:NAMES]
    rest = (
        f" · … và {fmt.num(len(names) - len(shown))} xã khác (trang «Tình hình báo cáo»)"
        if len(names) > len(shown)
        else ""
    )
    body = (
        '<div class="pt-names-head">Chưa nộp đủ:</div><ul class="pt-names">'
        + "".join(f"<li>{esc(x)}</li>" for x in shown)
        + f"</ul>{f'<div class=pt-names-head>{esc(rest)}</div>' if rest else ''}"
    )
    return Screen(
        f"{fmt.num(len(short))}/{fmt.num(len(due))} xã chưa nộp đủ báo cáo tháng đã đến hạn", numbers, html=body
    )


def attention_screen(c: Ctx, limit: int = 7) -> Screen:
    """The group's «Cần chú ý» by commune (etl.attention.by_unit): the most serious item of each, then how many more."""
    items = c.view.detail("attention", config.ON_TIME_DAYS)
    blocks = attention.by_unit(items)
    flagged = sum(1 for code, _ in blocks if code)
    numbers = [
        Big(fmt.num(flagged), "Xã có việc cần chú ý"),
        c.big("petitions.overdue_open", "Đơn thư quá hạn chưa giải quyết", True),
        c.big("tthc.pending_overdue_end", "Hồ sơ hành chính tồn quá hạn", True),
    ]
    if not items:
        return Screen("Không xã nào có việc vi phạm quy định trong kỳ", numbers)
    lines = []
    for code, its in blocks:
        more = f" (và {fmt.num(len(its) - 1)} việc khác)" if len(its) > 1 else ""
        lines.append(f"{name(c, code) if code else 'Toàn nhóm'}: {its[0]['text'].rstrip('.')}{more}.")
    shown = lines[: limit + 1] if len(lines) == limit + 1 else lines[:limit]
    if len(lines) > len(shown):
        shown.append(f"… và {fmt.num(len(lines) - len(shown))} xã khác (xem trang Tổng quan của nhóm).")
    kinds = sorted({i["severity"] for i in items})
    title = f"Cần chú ý ở {fmt.num(flagged)} xã: " + "; ".join(SEVERITY_LABELS[k].lower() for k in kinds)
    return Screen(title, numbers, items=shown)


BUILDERS = (overview, lambda c: ranking(c, 0), lambda c: ranking(c, 1), reporting, attention_screen)
