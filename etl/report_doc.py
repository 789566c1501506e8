"""The periodic report as a .docx: sentences, tables and one chart per area of the plan, rendered into the Word template
(etl.report_template, docxtpl). It takes the dict of etl.report_data.gather and formats it — no SQL, no rates of its own.
No personal data: petitioners, officials and case notes never reach the report (gather does not give them)."""

from __future__ import annotations

import io
from pathlib import Path

from etl import numbers, report_template, targets
from etl.targets import is_rate

AREAS = (  # plan item, heading, indicators of its table (with labels)
    (
        "II.1",
        "Quán triệt, tuyên truyền các chủ trương, chính sách về công tác dân vận",
        (("outreach.events", "Hoạt động tuyên truyền, phổ biến"), ("outreach.participants", "Lượt người tham dự")),
    ),
    (
        "II.2",
        "Tuyên truyền, giáo dục; phong trào thi đua «Dân vận khéo»",
        (("emulation.models", "Mô hình «Dân vận khéo» được công nhận"),),
    ),
    (
        "II.3",
        "Giải quyết kiến nghị, phản ánh, khiếu nại, tố cáo của Nhân dân",
        (
            ("petitions.received", "Đơn tiếp nhận"),
            ("petitions.must_resolve", "Đơn thuộc thẩm quyền phải giải quyết"),
            ("petitions.resolved", "Đơn đã giải quyết"),
            ("petitions.resolution_rate", "Tỷ lệ giải quyết"),
            ("petitions.on_time_rate", "Tỷ lệ giải quyết đúng hạn"),
            ("petitions.overdue_open", "Đơn quá hạn chưa giải quyết"),
        ),
    ),
    (
        "II.4",
        "Cải cách hành chính, thực hiện cơ chế một cửa, một cửa liên thông",
        (
            ("tthc.received_new", "Hồ sơ tiếp nhận mới"),
            ("tthc.online_rate", "Tỷ lệ nộp trực tuyến"),
            ("tthc.resolved", "Hồ sơ đã giải quyết"),
            ("tthc.on_time_rate", "Tỷ lệ giải quyết đúng hạn"),
            ("tthc.pending_overdue_end", "Hồ sơ tồn đã quá hạn"),
        ),
    ),
    (
        "II.5",
        "Đạo đức công vụ; tiếp công dân, đối thoại; kiểm tra công vụ, kỷ luật cán bộ",
        (
            ("reception.chair_days", "Ngày Chủ tịch tiếp công dân định kỳ"),
            ("reception.chair_compliance", "Tuần (tháng) đạt quy định"),
            ("reception.citizens", "Lượt công dân được tiếp"),
            ("dialogue.sessions", "Hội nghị đối thoại"),
            ("inspection.count", "Đợt kiểm tra công vụ"),
            ("discipline.decisions", "Quyết định kỷ luật"),
            ("discipline.harassment", "Trong đó vì sách nhiễu, cửa quyền"),
        ),
    ),
    (
        "II.6",
        "Phối hợp với Mặt trận Tổ quốc và các đoàn thể giám sát, phản biện xã hội",
        (
            ("supervision.events", "Hoạt động giám sát, phản biện"),
            ("supervision.recommendations", "Kiến nghị"),
            ("supervision.acceptance_rate", "Tỷ lệ kiến nghị được tiếp thu"),
        ),
    ),
    (
        "III",
        "Tổ chức thực hiện kế hoạch và chế độ báo cáo",
        (
            ("plan.done_rate", "Nhiệm vụ kế hoạch đã hoàn thành"),
            ("reporting.completeness", "Báo cáo tháng đã nhận"),
            ("reporting.timeliness", "Báo cáo tháng đúng hạn"),
        ),
    ),
)


value = targets.value_text


def change(ind: str, now, then) -> str:
    """«tăng 2,3 điểm %», «giảm 12», «không đổi»; empty when one side has no figure."""
    d = numbers.shown_delta(is_rate(ind), now, then)
    return "" if d is None else numbers.change_words(is_rate(ind), d)


class Phrases:
    """The figures and the comparison of one report, as the words of its sentences."""

    def __init__(self, data: dict):
        self.f, self.a = data["figures"], data["assessments"]
        c = data.get("compare")
        self.then = c["indicators"] if c else None
        self.now = c["current"]["indicators"] if c else None
        self.text = c["text"] if c else ""

    def n(self, ind: str) -> str:
        return value(ind, self.f.get(ind))

    def vs(self, ind: str) -> str:
        """«, tăng 2,3 điểm % so với cùng kỳ năm 2024» (nothing without a comparison)."""
        if self.then is None:
            return ""
        words = change(ind, self.now.get(ind), self.then.get(ind))
        return f", {words} {self.text}" if words else ""

    def verdict(self, ind: str) -> str:
        a = self.a.get(ind)
        return f" ({a['verdict']})" if a and a["verdict"] else ""


def sentences(code: str, p: Phrases) -> list[str]:
    f = p.f
    if code == "II.1":
        if not f["outreach.events"]:
            return ["Trong kỳ không phát sinh hoạt động tuyên truyền được ghi nhận."]
        return [
            f"Tổ chức {p.n('outreach.events')} hoạt động tuyên truyền, phổ biến{p.vs('outreach.events')}, với "
            f"{p.n('outreach.participants')} lượt người tham dự."
        ]
    if code == "II.2":
        if not f["emulation.models"]:
            return ["Trong kỳ không phát sinh mô hình «Dân vận khéo» được công nhận."]
        return [f"Có {p.n('emulation.models')} mô hình «Dân vận khéo» được công nhận{p.vs('emulation.models')}."]
    if code == "II.3":
        if not f["petitions.received"] and not f["petitions.must_resolve"]:
            return ["Trong kỳ không phát sinh đơn thư kiến nghị, phản ánh, khiếu nại, tố cáo."]
        out = [
            f"Tiếp nhận {p.n('petitions.received')} đơn{p.vs('petitions.received')}; "
            f"{p.n('petitions.must_resolve')} đơn thuộc thẩm quyền phải giải quyết (gồm đơn kỳ trước chuyển sang), "
            f"đã giải quyết {p.n('petitions.resolved')} đơn, đạt {p.n('petitions.resolution_rate')}"
            f"{p.verdict('petitions.resolution_rate')}{p.vs('petitions.resolution_rate')}; giải quyết đúng hạn "
            f"{p.n('petitions.on_time_rate')}."
        ]
        overdue = f["petitions.overdue_open"]
        out.append(
            f"Còn {p.n('petitions.overdue_open')} đơn quá hạn chưa giải quyết (danh sách tại phụ lục)."
            if overdue
            else "Không còn đơn quá hạn chưa giải quyết."
        )
        return out
    if code == "II.4":
        if f["tthc.received_new"] is None:
            return ["Trong kỳ chưa có số liệu thủ tục hành chính."]
        return [
            f"Tiếp nhận {p.n('tthc.received_new')} hồ sơ{p.vs('tthc.received_new')}, trong đó "
            f"{p.n('tthc.online_rate')} nộp trực tuyến{p.verdict('tthc.online_rate')}; giải quyết "
            f"{p.n('tthc.resolved')} hồ sơ, đúng hạn {p.n('tthc.on_time_rate')}{p.verdict('tthc.on_time_rate')}"
            f"{p.vs('tthc.on_time_rate')}. Cuối kỳ còn {p.n('tthc.pending_end')} hồ sơ đang giải quyết, trong đó "
            f"{p.n('tthc.pending_overdue_end')} hồ sơ đã quá hạn."
        ]
    if code == "II.5":
        out = []
        if f["reception.chair_weeks"]:
            out.append(
                f"Chủ tịch UBND tiếp công dân định kỳ {p.n('reception.chair_days')} ngày; "
                f"{p.n('reception.chair_weeks_met')}/{p.n('reception.chair_weeks')} tuần (tháng) đạt quy định"
                f"{p.verdict('reception.chair_compliance')}."
            )
        out.append(
            f"Tiếp {p.n('reception.citizens')} lượt công dân{p.vs('reception.citizens')}, "
            f"{p.n('reception.cases')} vụ việc."
            if f["reception.days"]
            else "Trong kỳ không phát sinh lượt tiếp công dân được ghi nhận."
        )
        out.append(
            f"Tổ chức {p.n('dialogue.sessions')} hội nghị đối thoại với Nhân dân{p.verdict('dialogue.sessions')}."
        )
        discipline = (
            f"{p.n('discipline.decisions')} quyết định kỷ luật, trong đó {p.n('discipline.harassment')} "
            "trường hợp sách nhiễu, gây phiền hà, cửa quyền"
            if f["discipline.decisions"]
            else "không phát sinh quyết định kỷ luật"
        )
        out.append(
            f"Kiểm tra công vụ {p.n('inspection.count')} đợt, phát hiện {p.n('inspection.violations')} vi phạm; "
            f"{discipline}."
        )
        return out
    if code == "II.6":
        if not f["supervision.events"]:
            return ["Trong kỳ không phát sinh hoạt động giám sát, phản biện được ghi nhận."]
        return [
            f"Mặt trận Tổ quốc và các đoàn thể tổ chức {p.n('supervision.events')} hoạt động giám sát, phản biện, "
            f"nêu {p.n('supervision.recommendations')} kiến nghị; chính quyền tiếp thu "
            f"{p.n('supervision.acceptance_rate')}."
        ]
    plan = (
        f"Hoàn thành {p.n('plan.done_rate')} nhiệm vụ của kế hoạch{p.verdict('plan.done_rate')}."
        if f["plan.tasks"]
        else "Chưa có báo cáo tiến độ nhiệm vụ của kế hoạch."
    )
    report = (
        f"Đã nhận {p.n('reporting.months_received')}/{p.n('reporting.months_due')} báo cáo tháng đã đến hạn "
        f"({p.n('reporting.completeness')}), đúng hạn {p.n('reporting.timeliness')}."
        if f["reporting.months_due"]
        else "Chưa tháng nào của kỳ đến hạn nộp báo cáo."
    )
    return [plan, report]


def rows(indicators: tuple, p: Phrases) -> list[dict]:
    return [
        {
            "label": label,
            "now": p.n(ind),
            "then": value(ind, p.then.get(ind)) if p.then is not None else "–",
            "change": change(ind, p.now.get(ind), p.then.get(ind)) if p.then is not None else "–",
        }
        for ind, label in indicators
    ]


def context(data: dict, charts: dict | None = None) -> dict:
    """Everything the template prints; charts maps a plan item to an image (docxtpl InlineImage) or is empty."""
    unit, window = data["unit"], data["window"]
    p = Phrases(data)
    name = unit["name"]
    place = name.split(" ", 1)[1] if name.split(" ", 1)[0] in ("Xã", "Tỉnh", "Huyện", "Phường") else name
    place = place.removeprefix("trấn ")
    c = data.get("compare")
    out = {
        "issuer": f"UBND {name.upper()}" if unit["level"] != "nhom" else name.upper(),
        "issuer_name": f"UBND {name}" if unit["level"] != "nhom" else name,
        "place": place,
        "year": data["today"].year,
        "period_phrase": window.label[0].lower() + window.label[1:],
        "scope_note": " ".join(
            t for t in (window.running_note, f"So sánh: {window.phrase}." if c else window.note) if t
        ),
        "now_label": window.label,
        "compare_label": c["label"] if c else "Kỳ so sánh",
        "recipient_above": "UBND tỉnh" if unit["level"] == "xa" else "Cơ quan cấp trên",
        "signer": "",
        "sections": [
            {
                "heading": f"{code}. {title}",
                "sentences": sentences(code, p),
                "rows": rows(inds, p),
                "chart": (charts or {}).get(code, ""),
                "chart_caption": (charts or {}).get(code + ":caption", ""),
            }
            for code, title, inds in AREAS
        ],
        "group": None,
    }
    if unit["is_group"]:
        ranked = sorted(
            data["communes"], key=lambda r: (r["tthc.on_time_rate"] is None, -(r["tthc.on_time_rate"] or 0))
        )
        out["group"] = {
            "ranking_title": f"Kết quả của {len(ranked)} xã (xếp theo tỷ lệ giải quyết thủ tục hành chính đúng hạn)",
            "communes": [
                {
                    "rank": i,
                    "name": r["name"],
                    "tthc": value("tthc.on_time_rate", r["tthc.on_time_rate"]),
                    "petitions": value("petitions.resolution_rate", r["petitions.resolution_rate"]),
                    "reception": value("reception.chair_compliance", r["reception.chair_compliance"]),
                    "reporting": f"{numbers.num(r['reporting.months_received'])}/{numbers.num(r['reporting.months_due'])}",
                }
                for i, r in enumerate(ranked, 1)
            ],
            "missing_title": (
                f"Các xã chưa nộp đủ báo cáo {data['period']['label'].lower()}: {len(data['missing'])} xã"
                if data["missing"]
                else "Tất cả các xã đã nộp đủ báo cáo tháng đã đến hạn."
            ),
            "missing": [
                f"{m['name']}: đã nộp {m['received']}/{m['months_due']} báo cáo tháng" for m in data["missing"]
            ],
        }
    return out


def render(data: dict, template: Path | None = None, with_charts: bool = True) -> bytes:
    """The .docx bytes of the report, from the office's template (or the default one)."""
    from docxtpl import DocxTemplate

    path = Path(template) if template else report_template.TEMPLATE
    if not path.exists():
        report_template.build(path)
    doc = DocxTemplate(str(path))
    charts = {}
    if with_charts:
        from etl import report_charts

        charts = report_charts.images(doc, data)
    doc.render(context(data, charts), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
