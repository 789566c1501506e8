"""Raw cell grids -> typed rows + every problem at once (pure: never raises, never touches the database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from etl import periods, reference
from etl.cells import blank_value, is_blank, parse_cell
from etl.periods import Period, PeriodError
from etl.read import RawWorkbook
from etl.specs import INFO_FIELDS, INFO_SHEET, PERIOD_KINDS, Column, Sheet, sheet_by_norm
from etl.text import norm

OWN_SHEETS = {norm("Hướng dẫn"), norm("Danh mục")}
HEADER_SEARCH_ROWS = 30
TOTAL_PREFIXES = ("tổng", "cộng")


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    cell: str  # "D14", "B7:J7" or "" for the whole sheet/file
    message: str
    severity: str = "error"  # error | warning

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        label = "Lỗi" if self.severity == "error" else "Cảnh báo"
        return f"{label} — {self.file} — {self.where}: {self.message}"


@dataclass
class Parsed:
    file_name: str
    unit_code: str | None = None
    period: Period | None = None
    info: dict = field(default_factory=dict)
    tables: dict[str, list[dict]] = field(default_factory=dict)  # sheet name -> typed rows
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def validate(raw: RawWorkbook, units: reference.Units) -> Parsed:
    """Check a workbook against the contract and the unit list; returns typed rows and all problems."""
    out = Parsed(raw.file_name)
    # cells over a limit of etl/read.py (a text too long for one cell) are errors, and the only ones about those cells
    flagged = {(sheet, cell) for sheet, cell, _ in raw.problems}
    out.problems += [Problem(raw.file_name, sheet, cell, message) for sheet, cell, message in raw.problems]

    def add(sheet: str, cell: str, msg: str, sev: str = "error") -> None:
        if (sheet, cell) not in flagged:
            out.problems.append(Problem(raw.file_name, sheet, cell, msg, sev))

    by_norm = {norm(n): n for n in raw.sheets}
    info_name = by_norm.get(norm(INFO_SHEET))
    if info_name is None:
        add(INFO_SHEET, "", "Thiếu trang «Thông tin» (mã đơn vị, loại kỳ, kỳ, năm). Hãy dùng mẫu tải từ hệ thống.")
    else:
        _read_info(raw.sheets[info_name], info_name, units, out, add)
    for actual in raw.sheets:
        spec = sheet_by_norm(actual)
        if spec is None:
            if norm(actual) not in OWN_SHEETS and norm(actual) != norm(INFO_SHEET) and actual not in raw.hidden:
                add(
                    actual,
                    "",
                    "Trang không có trong mẫu nên không được đọc (kiểm tra lại tên trang nếu đây là số liệu cần nhập).",
                    "warning",
                )
            continue
        rows = _read_sheet(raw.sheets[actual], actual, spec, add)
        if rows is not None:
            _check_rows(spec, actual, rows, out.period, add)
            out.tables[spec.name] = rows
    return out


def _read_info(grid: list[list], sheet: str, units: reference.Units, out: Parsed, add) -> None:
    labels = {norm(c.header): c for c in INFO_FIELDS}
    found: dict[str, tuple[object, str]] = {}
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            col = labels.get(norm(cell)) if isinstance(cell, str) else None
            if col and col.name not in found:
                value = row[c + 1] if c + 1 < len(row) else ""
                found[col.name] = (value, f"{col_letter(c + 1)}{r + 1}")
                break
    values: dict[str, object] = {}
    for col in INFO_FIELDS:
        value, cell = found.get(col.name, ("", ""))
        if is_blank(value):
            if col.required:
                add(sheet, cell, f"Chưa ghi «{col.header}» ({col.hint}).")
            continue
        typed, err = parse_cell(col, value)
        if err:
            add(sheet, cell, f"«{col.header}»: {err}")
        else:
            values[col.name] = typed
    out.info = values
    cells = {k: v[1] for k, v in found.items()}
    code = values.get("unit_code")
    unit = units.get(code) if code else None
    if code and unit is None:
        add(
            sheet,
            cells["unit_code"],
            f"Mã đơn vị «{code}» không có trong danh mục đơn vị. Kiểm tra lại mã (ví dụ NX03 là Xã Bình Lương).",
        )
    elif unit and unit.level != "xa":
        add(
            sheet,
            cells["unit_code"],
            f"«{unit.name}» ({code}) không phải đơn vị cấp xã; mỗi tệp là số liệu của một xã.",
        )
    if "period_type" in values and "year" in values:
        try:
            out.period = periods.from_parts(
                PERIOD_KINDS[values["period_type"]], values.get("period_number"), values["year"]
            )
        except PeriodError as exc:
            add(sheet, cells.get("period_number", cells.get("period_type", "")), str(exc))
    if unit and unit.level == "xa":
        out.unit_code = unit.code
        if values.get("unit_name") and norm(values["unit_name"]) != norm(unit.name):
            add(
                sheet,
                cells["unit_name"],
                f"Tên đơn vị «{values['unit_name']}» khác tên trong danh mục «{unit.name}» của mã {code}.",
                "warning",
            )
        if out.period and not unit.valid_for(out.period.start, out.period.end):
            where = unit.successor and units.get(unit.successor)
            after = (
                f" Từ {unit.valid_to + timedelta(days=1):%d/%m/%Y} số liệu thuộc về {where.name} ({where.code})."
                if where
                else ""
            )
            add(
                sheet,
                cells.get("period_type", ""),
                f"{units.reportable_hint(unit)}; không báo cáo được kỳ {out.period.label} ({out.period.key}).{after}",
            )


def _find_header(grid: list[list], spec: Sheet) -> tuple[int | None, dict[str, int]]:
    needed = {norm(c.header) for c in spec.columns if not c.optional and c.default is None}
    best: tuple[int, int | None] = (0, None)
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        cells = {norm(v): i for i, v in enumerate(row) if isinstance(v, str) and v.strip()}
        hits = len(needed & cells.keys())
        if hits == len(needed):
            return r, cells
        if hits > best[0]:
            best = (hits, r)
    if best[1] is None:
        return None, {}
    row = grid[best[1]]
    return None, {norm(v): i for i, v in enumerate(row) if isinstance(v, str) and v.strip()} | {"__row__": best[1]}


def _read_sheet(grid: list[list], sheet: str, spec: Sheet, add) -> list[dict] | None:
    header_row, cells = _find_header(grid, spec)
    if header_row is None:
        missing = [
            c.header for c in spec.columns if not c.optional and c.default is None and norm(c.header) not in cells
        ]
        if "__row__" in cells:
            add(
                sheet,
                f"A{cells['__row__'] + 1}",
                "Thiếu cột bắt buộc: "
                + ", ".join(f"«{m}»" for m in missing)
                + ". Không đổi tên hay xóa tiêu đề cột của mẫu.",
            )
        elif any(not is_blank(v) for row in grid for v in row):
            add(
                sheet,
                "",
                "Không tìm thấy hàng tiêu đề của trang (các cột "
                + ", ".join(f"«{m}»" for m in missing)
                + "). Hãy dùng đúng mẫu.",
            )
        return None if any(not is_blank(v) for row in grid for v in row) else []
    forbidden = {norm(h) for h in spec.forbidden_headers}
    known = {norm(c.header) for c in spec.columns}
    mapping: dict[Column, int] = {}
    ok = True
    for text, index in cells.items():
        ref = f"{col_letter(index)}{header_row + 1}"
        if text in forbidden:
            add(
                sheet,
                ref,
                f"Cột «{grid[header_row][index]}» ghi tên người: sổ này được tổng hợp và trình chiếu nên không được ghi họ tên. Hãy xóa cột này rồi gửi lại.",
            )
            ok = False
        elif text not in known:
            add(sheet, ref, f"Cột «{grid[header_row][index]}» không có trong mẫu nên bị bỏ qua.", "warning")
    for col in spec.columns:
        if norm(col.header) in cells:
            mapping[col] = cells[norm(col.header)]
        elif col.default is not None:
            add(
                sheet,
                f"A{header_row + 1}",
                f"Không có cột «{col.header}»: coi như để trống (= {col.default}).",
                "warning",
            )
    data = [
        (r, row)
        for r, row in enumerate(grid[header_row + 1 :], start=header_row + 1)
        if any(not is_blank(v) for v in row)
    ]
    if data and _is_total(data[-1][1]):
        data.pop()
    rows = []
    for r, row in data:
        typed, row_ok = {"source_row": r + 1}, True
        for col in spec.columns:
            index = mapping.get(col)
            value = row[index] if index is not None and index < len(row) else ""
            if is_blank(value):
                typed[col.name] = blank_value(col)
                if col.required and col.default is None:
                    add(
                        sheet,
                        f"{col_letter(index)}{r + 1}" if index is not None else f"A{r + 1}",
                        f"Ô «{col.header}» chưa ghi (bắt buộc).",
                    )
                    row_ok = False
                continue
            typed[col.name], err = parse_cell(col, value)
            if err:
                add(sheet, f"{col_letter(index)}{r + 1}", f"«{col.header}»: {err}")
                row_ok = False
        typed["_ok"] = row_ok
        typed["_cells"] = {c.name: f"{col_letter(i)}{r + 1}" for c, i in mapping.items()}
        rows.append(typed)
    return rows if ok else None


def _is_total(row: list) -> bool:
    first = next((v for v in row if not is_blank(v)), "")
    return isinstance(first, str) and norm(first).startswith(TOTAL_PREFIXES)


def _check_rows(spec: Sheet, sheet: str, rows: list[dict], period: Period | None, add) -> None:
    seen: dict[tuple, int] = {}
    for row in rows:
        cells = row["_cells"]
        for name in spec.unique:
            value = row.get(name)
            if value in (None, ""):
                continue
            key = (name, norm(value))
            if key in seen:
                header = spec.column(name).header
                add(
                    sheet,
                    cells[name],
                    f"«{header}» «{value}» bị trùng với hàng {seen[key]}; mỗi giá trị chỉ được ghi một lần.",
                )
            else:
                seen[key] = row["source_row"]
        if not row["_ok"]:
            continue
        if period and spec.date_column:
            d = row[spec.date_column]
            if not period.start <= d <= period.end:
                add(
                    sheet,
                    cells[spec.date_column],
                    f"Ngày {d:%d/%m/%Y} nằm ngoài kỳ báo cáo {period.label} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}).",
                )
        check = ROW_CHECKS.get(spec.name)
        if check:
            for cell_name, message, severity in check(row, period):
                add(sheet, cells.get(cell_name, cell_name), message, severity)


def _tthc(row: dict, period: Period | None):
    inflow = ("carried_over", "received_online", "received_offline")
    outflow = ("resolved_early", "resolved_on_time", "resolved_late", "pending_on_time", "pending_overdue", "returned")
    left, right = sum(row[c] or 0 for c in inflow), sum(row[c] or 0 for c in outflow)
    if left != right:
        cells = row["_cells"]
        span = f"{cells['carried_over']}:{cells.get('returned', cells['pending_overdue'])}"
        yield (
            span,
            f"Hàng không cân (lĩnh vực «{row['field']}»): kỳ trước chuyển qua + tiếp nhận trực tuyến + trực tiếp = "
            f"{' + '.join(str(row[c] or 0) for c in inflow)} = {left}, nhưng giải quyết trước hạn + đúng hạn + quá hạn + "
            f"đang trong hạn + đang quá hạn + trả lại/rút = {' + '.join(str(row[c] or 0) for c in outflow)} = {right} "
            f"(chênh {abs(left - right)}).",
            "error",
        )


def _petition(row: dict, period: Period | None):
    received, accepted, resolved = row["received_date"], row["accepted_date"], row["resolved_date"]
    if accepted and accepted < received:
        yield "accepted_date", f"Ngày thụ lý {accepted:%d/%m/%Y} trước ngày nhận {received:%d/%m/%Y}.", "error"
    if resolved and resolved < (accepted or received):
        yield (
            "resolved_date",
            f"Ngày giải quyết {resolved:%d/%m/%Y} trước ngày {'thụ lý' if accepted else 'nhận'} {(accepted or received):%d/%m/%Y}.",
            "error",
        )
    if resolved and not row["result"]:
        yield "result", "Đã có ngày giải quyết nên phải ghi «Kết quả».", "error"
    if period:
        for name, label in (("received_date", "nhận"), ("accepted_date", "thụ lý"), ("resolved_date", "giải quyết")):
            if row[name] and row[name] > period.end:
                yield (
                    name,
                    f"Ngày {label} {row[name]:%d/%m/%Y} sau ngày cuối kỳ báo cáo {period.end:%d/%m/%Y}.",
                    "error",
                )
        if resolved and resolved < period.start:
            yield (
                "resolved_date",
                f"Vụ việc đã giải quyết ngày {resolved:%d/%m/%Y}, trước kỳ {period.label}: thuộc báo cáo kỳ trước (vẫn được nhập).",
                "warning",
            )


def _discipline(row: dict, period: Period | None):
    subject, form, on = row["subject"], row["form"], row["decision_date"]
    if not reference.discipline_form_allowed(subject, form, on):
        allowed = ", ".join(reference.allowed_forms(subject, on)) or "không có"
        law = "NĐ 172/2025/NĐ-CP (từ 01/7/2025)" if on >= date(2025, 7, 1) else "NĐ 112/2020/NĐ-CP"
        yield (
            "form",
            f"Hình thức «{form}» không áp dụng cho {subject.lower()} với quyết định ngày {on:%d/%m/%Y} theo {law}; chỉ có: {allowed}.",
            "error",
        )


def _not_more(part: str, whole: str, part_label: str, whole_label: str):
    def check(row: dict, period: Period | None):
        if row[part] > row[whole]:
            yield part, f"{part_label} ({row[part]}) lớn hơn {whole_label} ({row[whole]}).", "error"

    return check


def _plan(row: dict, period: Period | None):
    if row["progress"] == "Hoàn thành" and row["percent"] is not None and row["percent"] < 100:
        yield "percent", f"Tiến độ «Hoàn thành» nhưng tỷ lệ hoàn thành là {row['percent']:g} % (phải là 100).", "error"


ROW_CHECKS = {
    "TTHC": _tthc,
    "Đơn thư": _petition,
    "Kỷ luật": _discipline,
    "Đối thoại": _not_more("issues_answered", "issues_raised", "Số ý kiến đã trả lời", "số ý kiến, kiến nghị"),
    "Kiểm tra công vụ": _not_more("violations", "officials_checked", "Số vi phạm phát hiện", "số cán bộ được kiểm tra"),
    "Giám sát, phản biện": _not_more("accepted", "recommendations", "Số kiến nghị được tiếp thu", "số kiến nghị"),
    "Kế hoạch": _plan,
}
