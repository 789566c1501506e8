"""Command line: python -m etl template|load|rebuild|indicators|demo (messages in Vietnamese)."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date
from pathlib import Path

from etl import cli_text, config, periods, reference


def _template(args) -> int:
    from etl.template import write_workbook

    units = reference.units()
    unit = units.get(args.unit) if args.unit else None
    if args.unit and not unit:
        print(f"Mã đơn vị «{args.unit}» không có trong danh mục.", file=sys.stderr)
        return 2
    try:
        period = periods.parse(args.period) if args.period else None
    except periods.PeriodError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if unit and period and not units.can_report(unit.code, period):
        print(f"{units.reportable_hint(unit)}; không tạo mẫu cho kỳ {period.label}.", file=sys.stderr)
        return 2
    refused = cli_text.workbook_out(Path(args.out), args.overwrite)
    if refused:
        print(refused, file=sys.stderr)
        return cli_text.USAGE
    write_workbook(
        args.out, unit_code=unit.code if unit else None, unit_name=unit.name if unit else None, period=period
    )
    print(f"Đã tạo mẫu: {args.out}")
    return 0


def _load(args) -> int:
    import time

    from etl.batch import Progress, expand
    from etl.load import load_paths, replacing_empty
    from etl.report import describe, summary

    files, started = expand([Path(f) for f in args.files]), time.monotonic()
    with replacing_empty(args.replace_empty):
        results = load_paths(
            config.db_path(args.db),
            files,
            received_at=args.received_at,
            loaded_by=args.by or getpass.getuser(),
            progress=Progress(len(files)),
        )
    many = len(results) > BATCH_DETAIL  # a big batch: only the files that need the clerk's attention, one by one
    for r in results:
        if not many or r.status == "rejected":
            print(describe(r))
    seconds = time.monotonic() - started
    rate = f", {len(results) / seconds:.0f} tệp/giây" if len(results) > 1 and seconds > 0 else ""
    print(f"{summary(results)} Thời gian: {str(round(seconds, 1)).replace('.', ',')} giây{rate}.")
    return 1 if any(r.status == "rejected" for r in results) else 0


def _rebuild(args) -> int:
    from etl.load import NoArchive, rebuild
    from etl.report import summary

    try:
        results = rebuild(config.db_path(args.db))
    except NoArchive as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print("Đã dựng lại cơ sở dữ liệu từ kho lưu trữ. " + summary(results))
    return 1 if any(r.status == "rejected" for r in results) else 0


BATCH_DETAIL = 20  # up to this many files the CLI describes each; beyond, only the refused ones


class Usage(Exception):
    """A Vietnamese sentence for a bad argument (exit 2)."""


def _selection(args, period_end: str | None = None) -> tuple:
    """(units, start, end, today, database path) of an indicators/report call, or Usage with the reason."""
    units = reference.units()
    if not units.get(args.unit):
        raise Usage(f"Mã đơn vị «{args.unit}» không có trong danh mục đơn vị.")
    try:
        start, end = periods.span(args.period, period_end)
    except periods.PeriodError as exc:
        raise Usage(str(exc)) from None
    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        raise Usage(f"Ngày «{args.today}» không hợp lệ: dùng dạng 2026-11-29.") from None
    path = config.db_path(args.db)
    if not path.exists():
        raise Usage(f"Không tìm thấy cơ sở dữ liệu {path}.")
    return units, start, end, today, path


def _indicators(args) -> int:
    from etl import db, windows

    try:
        units, start, end, today, path = _selection(args, args.period_end)
    except Usage as exc:
        print(str(exc), file=sys.stderr)
        return 2
    kind = windows.kind_of(args.period, args.period_end)
    window = windows.resolve(args.unit, start, end, kind, args.compare, today, args.roll_forward, units)
    con = db.connect(path, read_only=True)
    try:
        out = windows.figures(con, args.unit, window, roll_forward=args.roll_forward, units=units, today=today)
    finally:
        con.close()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def _report(args) -> int:
    """The periodic report (.docx) and its appendices (.xlsx beside it) for a unit or group and a period."""
    from etl import db, report_data, report_doc, report_xlsx

    try:
        units, _, _, today, path = _selection(args)
    except Usage as exc:
        print(str(exc), file=sys.stderr)
        return 2
    out = Path(args.out or f"bao_cao_ct33_{args.unit}_{args.period}.docx")
    appendix = out.with_name(out.stem + "_phu_luc.xlsx")
    if out.suffix.lower() != ".docx":
        print(f"Tệp báo cáo phải có đuôi .docx (nhận «{out.name}»).", file=sys.stderr)
        return 2
    if not out.parent.is_dir():
        print(f"Thư mục «{out.parent}» không tồn tại.", file=sys.stderr)
        return 2
    existing = [p.name for p in (out, appendix) if p.exists()]
    if existing and not args.overwrite:
        print(f"Đã có tệp {', '.join(existing)}; thêm --ghi-de để ghi đè.", file=sys.stderr)
        return 2
    con = db.connect(path, read_only=True)
    try:
        data = report_data.gather(con, args.unit, args.period, args.compare, today, args.roll_forward, units=units)
    finally:
        con.close()
    out.write_bytes(report_doc.render(data, args.template))
    appendix.write_bytes(report_xlsx.appendices(data))
    print(f"Đã tạo báo cáo: {out} và phụ lục: {appendix}")
    return 0


def _demo(args) -> int:
    from etl.demo import build_demo

    path = config.db_path(args.db) if args.db else config.DEMO_DB
    if args.if_missing and path.exists():
        print(f"Dữ liệu mẫu đã có: {path}")
        return 0
    stats = build_demo(path, progress=print)
    print(
        f"Đã tạo dữ liệu mẫu: {path} — {stats['files']} tệp, {stats['rows']} dòng, {str(round(stats['seconds'], 1)).replace('.', ',')} giây."
    )
    return 0


def windows_modes() -> dict[str, str]:
    from etl.windows import MODES

    return MODES


def main(argv: list[str] | None = None) -> int:
    ap = cli_text.Parser(
        prog="python -m etl", description="Nhập và tính chỉ số theo dõi thực hiện Chỉ thị 33/CT-TTg ngày 26/11/2021."
    )
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="LỆNH", help="một trong các lệnh dưới đây")
    t = sub.add_parser("template", help="tạo tệp mẫu trống")
    t.add_argument("out", metavar="TỆP.xlsx", help="tệp mẫu cần tạo (đuôi .xlsx, thư mục phải có sẵn)")
    t.add_argument("--ghi-de", "--overwrite", dest="overwrite", action="store_true", help="ghi đè nếu tệp đã có")
    t.add_argument("--unit")
    t.add_argument("--period")
    t.set_defaults(fn=_template)
    ld = sub.add_parser("load", help="nhập một hay nhiều tệp bảng tính")
    ld.add_argument("files", nargs="+")
    ld.add_argument("--db")
    ld.add_argument(
        "--received-at",
        type=cli_text.received_at,
        help="thời điểm nhận tệp (2026-03-05 hoặc 2026-03-05T08:30), mặc định là lúc nhập",
    )
    ld.add_argument("--by", help="người nhập (ghi vào lịch sử nhập), mặc định là tài khoản máy")
    ld.add_argument(
        "--replace-empty",
        action="store_true",
        help="cho phép thay một báo cáo đã nhập bằng bản gần như trống (mất hơn một nửa số liệu)",
    )
    ld.set_defaults(fn=_load)
    rb = sub.add_parser("rebuild", help="dựng lại cơ sở dữ liệu từ kho lưu trữ")
    rb.add_argument("--db")
    rb.set_defaults(fn=_rebuild)
    ind = sub.add_parser("indicators", help="in các chỉ số dạng JSON")
    ind.add_argument("--db")
    ind.add_argument("--unit", required=True)
    ind.add_argument("--period", required=True)
    ind.add_argument("--period-end")
    ind.add_argument("--roll-forward", action="store_true")
    ind.add_argument(
        "--compare", choices=list(windows_modes()), help="so sánh với kỳ trước (truoc) hoặc cùng kỳ năm trước (cung_ky)"
    )
    ind.add_argument("--today", help="ngày tính các tháng đã đến hạn báo cáo (YYYY-MM-DD), mặc định là hôm nay")
    ind.set_defaults(fn=_indicators)
    rp = sub.add_parser("report", help="tạo báo cáo định kỳ (.docx) và phụ lục (.xlsx)")
    rp.add_argument("--db")
    rp.add_argument("--unit", required=True)
    rp.add_argument("--period", required=True, help="2024Q1, 2025H1, 2025M9, 2025 hoặc 2025-09")
    rp.add_argument("--out", help="tệp .docx (mặc định bao_cao_ct33_MÃ_KỲ.docx); phụ lục ghi bên cạnh")
    rp.add_argument("--compare", choices=list(windows_modes()), default="cung_ky")
    rp.add_argument("--roll-forward", action="store_true")
    rp.add_argument("--template", help="mẫu Word của đơn vị (mặc định data/templates/bao_cao_ct33.docx)")
    rp.add_argument("--today", help="ngày lập báo cáo (YYYY-MM-DD), mặc định là hôm nay")
    rp.add_argument("--ghi-de", "--overwrite", dest="overwrite", action="store_true", help="ghi đè tệp đã có")
    rp.set_defaults(fn=_report)
    dm = sub.add_parser("demo", help="tạo dữ liệu mẫu cho huyện Như Xuân cũ")
    dm.add_argument("--db")
    dm.add_argument("--if-missing", action="store_true")
    dm.set_defaults(fn=_demo)
    from etl.accounts import add_cli

    add_cli(sub)  # python -m etl user add|list|remove: dashboard accounts (etl/accounts.py)
    try:
        args = ap.parse_args(argv)
        code = args.fn(args)
        sys.stdout.flush()  # a closed pipe shows here, not as «Exception ignored» at exit
        return code
    except BrokenPipeError:
        return cli_text.pipe_closed()
    except KeyboardInterrupt:
        cli_text.say("Đã dừng theo yêu cầu.")
        return cli_text.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - one Vietnamese sentence and exit code 3, the traceback goes to the log
        return cli_text.unexpected(exc, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
