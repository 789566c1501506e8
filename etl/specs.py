"""The workbook contract as data: one declarative spec per sheet drives the template, the reader and the validator.

Adding a column is one edit here: the template writes it, the reader matches it, the validator types it
and the loader stores it (the table columns are derived from these specs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.text import norm


@dataclass(frozen=True)
class Choice:
    value: str
    aliases: tuple[str, ...] = ()


def choices(*items: str | tuple[str, tuple[str, ...]]) -> tuple[Choice, ...]:
    return tuple(Choice(i) if isinstance(i, str) else Choice(i[0], i[1]) for i in items)


@dataclass(frozen=True)
class Column:
    header: str
    name: str  # database column
    kind: str  # text | count | date | choice | year | percent
    required: bool = False  # the cell must be filled in a data row
    optional: bool = False  # the whole column may be absent
    default: object = None  # value used for a blank cell ("blank = 0", "blank = Thường")
    options: tuple[Choice, ...] = ()
    width: int = 16
    hint: str = ""

    def lookup(self) -> dict[str, str]:
        """Normalised value or alias -> canonical value."""
        out = {}
        for c in self.options:
            for text in (c.value, *c.aliases):
                out[norm(text)] = c.value
        return out


@dataclass(frozen=True)
class Sheet:
    name: str
    table: str
    columns: tuple[Column, ...]
    replace: str  # period: rows of the (unit, period) | dated: rows dated inside the period | upsert: by key
    date_column: str | None = None  # dated sheets: the date that must lie inside the period
    unique: tuple[str, ...] = ()  # columns unique within the sheet
    upsert_key: tuple[str, ...] = ()
    plan_item: str = ""
    description: str = ""
    forbidden_headers: tuple[str, ...] = ()
    example: tuple[tuple[object, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


YES_NO = choices(("Có", ("C", "x", "Co")), ("Không", ("K", "Khong")))
HOSTS = choices("Chủ tịch", "Phó Chủ tịch", "Bí thư Đảng ủy", "Công chức được phân công")
PERIOD_KINDS = {"Tháng": "month", "Quý": "quarter", "6 tháng": "half", "9 tháng": "nine", "Năm": "year"}
PETITION_TYPES = choices(("Khiếu nại", ("KN",)), ("Tố cáo", ("TC",)), ("Kiến nghị, phản ánh", ("KNPA", "PAKN")))
PETITION_FIELDS = choices(
    "Đất đai", "Xây dựng", "Bồi thường, GPMB", "Thuế, phí", "An ninh trật tự", "Chính sách xã hội", "Môi trường", "Khác"
)
COMPLEXITY = choices("Thường", "Phức tạp", "Đặc biệt phức tạp")
SUBJECTS = choices("Cán bộ", "Công chức", "Người hoạt động không chuyên trách", "Viên chức", "Khác")
BEHAVIOURS = choices(
    "Sách nhiễu, gây phiền hà",
    "Cửa quyền, hách dịch",
    "Tham nhũng, tiêu cực",
    "Lãng phí",
    "Vi phạm kỷ luật, kỷ cương hành chính",
    "Vi phạm đạo đức công vụ",
    "Khác",
)
FORMS = choices("Khiển trách", "Cảnh cáo", "Hạ bậc lương", "Giáng chức", "Cách chức", "Buộc thôi việc", "Bãi nhiệm")
HARASSMENT = ("Sách nhiễu, gây phiền hà", "Cửa quyền, hách dịch")

C, T, D, N = "choice", "text", "date", "count"

INFO_FIELDS = (  # «Thông tin»: labels in column A, values in column B
    Column("Mã đơn vị", "unit_code", T, required=True, hint="Mã đơn vị theo danh mục, ví dụ NX03"),
    Column("Tên đơn vị", "unit_name", T, hint="Tên đơn vị, ví dụ Xã Bình Lương"),
    Column(
        "Loại kỳ",
        "period_type",
        C,
        required=True,
        options=choices(*PERIOD_KINDS),
        hint="Tháng, Quý, 6 tháng, 9 tháng hoặc Năm",
    ),
    Column(
        "Kỳ",
        "period_number",
        N,
        hint="Tháng 1–12; Quý 1–4; 6 tháng: 1 = đầu năm, 2 = cuối năm; để trống với 9 tháng và Năm",
    ),
    Column("Năm", "year", "year", required=True, hint="Bốn chữ số, ví dụ 2024"),
    Column("Người lập", "prepared_by", T, hint="Họ tên công chức lập báo cáo"),
    Column("Ngày lập", "prepared_date", D, hint="dd/mm/yyyy"),
    Column("Người duyệt", "approved_by", T, hint="Chủ tịch hoặc Phó Chủ tịch duyệt"),
)
INFO_SHEET = "Thông tin"

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "TTHC",
        "tthc",
        (
            Column("Lĩnh vực", "field", T, required=True, width=34),
            Column("Kỳ trước chuyển qua", "carried_over", N, required=True),
            Column("Tiếp nhận trực tuyến", "received_online", N, required=True),
            Column("Tiếp nhận trực tiếp, bưu chính", "received_offline", N, required=True, width=20),
            Column("Giải quyết trước hạn", "resolved_early", N, required=True),
            Column("Giải quyết đúng hạn", "resolved_on_time", N, required=True),
            Column("Giải quyết quá hạn", "resolved_late", N, required=True),
            Column("Đang giải quyết trong hạn", "pending_on_time", N, required=True, width=18),
            Column("Đang giải quyết quá hạn", "pending_overdue", N, required=True, width=18),
            Column("Trả lại, rút hồ sơ", "returned", N, optional=True, default=0),
        ),
        replace="period",
        unique=("field",),
        plan_item="II.4",
        description="Thủ tục hành chính theo mẫu II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP), mỗi lĩnh vực một dòng.",
    ),
    Sheet(
        "Đơn thư",
        "petitions",
        (
            Column("Mã đơn", "case_id", T, required=True, width=14),
            Column("Ngày nhận", "received_date", D, required=True),
            Column("Loại đơn", "petition_type", C, required=True, options=PETITION_TYPES, width=20),
            Column("Lĩnh vực", "field", C, required=True, options=PETITION_FIELDS, width=20),
            Column("Thuộc thẩm quyền", "in_jurisdiction", C, required=True, options=YES_NO),
            Column("Ngày thụ lý", "accepted_date", D),
            Column("Mức độ", "complexity", C, default="Thường", options=COMPLEXITY),
            Column("Ngày giải quyết", "resolved_date", D),
            Column(
                "Kết quả", "result", C, options=choices("Đúng", "Sai", "Đúng một phần", "Rút đơn", "Chuyển, hướng dẫn")
            ),
            Column("Đông người", "is_crowd", C, default="Không", options=YES_NO),
            Column("Ghi chú", "note", T, optional=True, width=30),
        ),
        replace="upsert",
        unique=("case_id",),
        upsert_key=("case_id",),
        plan_item="II.5",
        description="Sổ theo dõi đơn thư: mỗi vụ việc một dòng; vụ việc chưa giải quyết xong được ghi lại ở mọi kỳ còn mở.",
    ),
    Sheet(
        "Tiếp công dân",
        "receptions",
        (
            Column("Ngày", "reception_date", D, required=True),
            Column("Hình thức", "form", C, required=True, options=choices("Thường xuyên", "Định kỳ", "Đột xuất")),
            Column("Người chủ trì", "host", C, required=True, options=HOSTS, width=24),
            Column("Số lượt tiếp", "visits", N, required=True),
            Column("Số người được tiếp", "citizens", N, required=True),
            Column("Số vụ việc", "cases", N, required=True),
            Column("Số đoàn đông người", "crowd_groups", N, default=0),
            Column("Ghi chú", "note", T, optional=True, width=30),
        ),
        replace="dated",
        date_column="reception_date",
        plan_item="II.5",
        description="Sổ tiếp công dân: mỗi ngày tiếp một dòng.",
    ),
    Sheet(
        "Đối thoại",
        "dialogues",
        (
            Column("Ngày", "dialogue_date", D, required=True),
            Column("Chủ đề", "topic", T, required=True, width=34),
            Column("Người chủ trì", "host", C, required=True, options=HOSTS, width=24),
            Column("Hình thức", "mode", C, default="Trực tiếp", options=choices("Trực tiếp", "Trực tuyến")),
            Column("Số người tham dự", "participants", N, required=True),
            Column("Số ý kiến, kiến nghị", "issues_raised", N, required=True),
            Column("Số ý kiến đã trả lời, giải quyết", "issues_answered", N, required=True, width=20),
        ),
        replace="dated",
        date_column="dialogue_date",
        plan_item="II.5",
        description="Hội nghị đối thoại trực tiếp với Nhân dân: mỗi hội nghị một dòng.",
    ),
    Sheet(
        "Kỷ luật",
        "discipline",
        (
            Column("Số quyết định", "decision_no", T, required=True),
            Column("Ngày quyết định", "decision_date", D, required=True),
            Column("Đối tượng", "subject", C, required=True, options=SUBJECTS, width=22),
            Column("Hành vi vi phạm", "behaviour", C, required=True, options=BEHAVIOURS, width=30),
            Column("Hình thức kỷ luật", "form", C, required=True, options=FORMS),
            Column(
                "Nguồn phát hiện",
                "detection",
                C,
                default="Khác",
                options=choices(
                    "Kiểm tra công vụ", "Phản ánh của người dân", "Thanh tra, kiểm tra của cấp trên", "Khác"
                ),
                width=26,
            ),
        ),
        replace="dated",
        date_column="decision_date",
        unique=("decision_no",),
        plan_item="II.5",
        forbidden_headers=("Họ tên", "Họ và tên", "Tên cán bộ"),
        description="Quyết định kỷ luật: mỗi quyết định một dòng. Không ghi họ tên người bị kỷ luật.",
    ),
    Sheet(
        "Kiểm tra công vụ",
        "inspections",
        (
            Column("Ngày", "inspection_date", D, required=True),
            Column("Nội dung", "content", T, width=34),
            Column("Số cán bộ được kiểm tra", "officials_checked", N, required=True),
            Column("Số vi phạm phát hiện", "violations", N, required=True),
        ),
        replace="dated",
        date_column="inspection_date",
        plan_item="II.5",
        description="Các đợt kiểm tra công vụ: mỗi đợt một dòng.",
    ),
    Sheet(
        "Tuyên truyền",
        "outreach",
        (
            Column("Ngày", "event_date", D, required=True),
            Column("Nội dung", "content", T, required=True, width=34),
            Column(
                "Hình thức",
                "form",
                C,
                required=True,
                options=choices(
                    "Hội nghị", "Loa truyền thanh", "Cổng thông tin điện tử", "Mạng xã hội", "Tài liệu, tờ rơi", "Khác"
                ),
                width=22,
            ),
            Column("Số người tham dự", "participants", N, default=0),
        ),
        replace="dated",
        date_column="event_date",
        plan_item="II.1–II.2",
        description="Hoạt động tuyên truyền, phổ biến: mỗi hoạt động một dòng.",
    ),
    Sheet(
        "Giám sát, phản biện",
        "supervision",
        (
            Column("Ngày", "event_date", D, required=True),
            Column(
                "Tổ chức chủ trì",
                "organisation",
                C,
                required=True,
                options=choices(
                    "MTTQ", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Cựu chiến binh", "Khác"
                ),
                width=22,
            ),
            Column(
                "Hình thức",
                "form",
                C,
                required=True,
                options=choices("Giám sát", "Phản biện xã hội", "Góp ý xây dựng chính quyền"),
                width=26,
            ),
            Column("Nội dung", "content", T, width=34),
            Column("Số kiến nghị", "recommendations", N, required=True),
            Column("Số kiến nghị được tiếp thu", "accepted", N, required=True, width=18),
        ),
        replace="dated",
        date_column="event_date",
        plan_item="II.6",
        description="Giám sát, phản biện xã hội của MTTQ và các đoàn thể: mỗi hoạt động một dòng.",
    ),
    Sheet(
        "Dân vận khéo",
        "emulation_models",
        (
            Column("Tên mô hình", "model_name", T, required=True, width=34),
            Column("Lĩnh vực", "field", T, width=20),
            Column("Năm công nhận", "recognised_year", "year"),
            Column("Cấp công nhận", "level", C, options=choices("Xã", "Huyện", "Tỉnh", "Trung ương")),
            Column("Được khen thưởng", "is_rewarded", C, default="Không", options=YES_NO),
        ),
        replace="upsert",
        unique=("model_name",),
        upsert_key=("model_name",),
        plan_item="II.2",
        description="Mô hình «Dân vận khéo»: mỗi mô hình một dòng; báo cáo lại mô hình cũ sẽ cập nhật mô hình đó.",
    ),
    Sheet(
        "Kế hoạch",
        "plan_tasks",
        (
            Column("Mã nhiệm vụ", "task_code", T, required=True, width=12),
            Column("Nội dung", "content", T, width=60),
            Column(
                "Tiến độ",
                "progress",
                C,
                required=True,
                options=choices("Chưa triển khai", "Đang thực hiện", "Hoàn thành"),
                width=18,
            ),
            Column("Tỷ lệ hoàn thành (%)", "percent", "percent", width=14),
            Column("Ghi chú", "note", T, optional=True, width=30),
        ),
        replace="period",
        unique=("task_code",),
        plan_item="III",
        description="Tiến độ các nhiệm vụ của Kế hoạch thực hiện Chỉ thị 33/CT-TTg ngày 26/11/2021.",
    ),
)

SHEETS_BY_NAME = {s.name: s for s in SHEETS}

# Tasks of the commune plan implementing Chỉ thị 33/CT-TTg (26/11/2021), pre-filled in the template.
PLAN_TASKS = (
    ("II.1", "Quán triệt, phổ biến các văn bản của Đảng, Nhà nước về công tác dân vận"),
    (
        "II.2",
        "Tuyên truyền, giáo dục; phong trào thi đua «Dân vận khéo», «Toàn dân đoàn kết xây dựng đời sống văn hóa», nông thôn mới; học tập và làm theo Bác; khen thưởng kịp thời",
    ),
    (
        "II.3",
        "Cụ thể hóa chủ trương, chính sách; giải quyết kịp thời kiến nghị của Nhân dân; thực hiện dân chủ ở cơ sở; phòng, chống tham nhũng",
    ),
    ("II.4", "Cải cách hành chính giai đoạn 2021–2030 (Nghị quyết 76/NQ-CP): một cửa, công khai, minh bạch"),
    (
        "II.5",
        "Đạo đức công vụ; tiếp công dân, đối thoại; giải quyết khiếu nại, tố cáo, kiến nghị; kiểm tra công vụ, xử lý nghiêm cán bộ sách nhiễu",
    ),
    ("II.6", "Phối hợp với MTTQ và các đoàn thể giám sát, phản biện xã hội (Quyết định 217, 218-QĐ/TW)"),
    ("III.1", "Cán bộ, công chức thực hiện theo chức trách, nhiệm vụ"),
    ("III.2", "Đánh giá, báo cáo kết quả 6 tháng, hằng năm lên cấp trên"),
    ("III.3", "Văn phòng – Thống kê theo dõi, đôn đốc, kiểm tra; tổ chức sơ kết, tổng kết"),
)


def sheet_by_norm(name: str) -> Sheet | None:
    key = norm(name)
    return next((s for s in SHEETS if norm(s.name) == key), None)
