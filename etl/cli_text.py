"""The command line in Vietnamese: an argparse parser whose help, usage and errors are Vietnamese, argument types that
refuse bad dates with a sentence, and what `python -m etl` prints instead of a traceback.

Exit codes of `python -m etl`: 0 done; 1 a file was rejected (the others were loaded); 2 bad usage (wrong or missing
argument, unknown unit, bad date, output path refused); 3 an unexpected error (one sentence on screen, the traceback in
the log file named there); 130 stopped with Ctrl+C; 141 the reader of the output went away (`… | head`).
Only the standard library here, so that help and usage errors work even outside the project's venv.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
import tempfile
import traceback
from datetime import date, datetime, timedelta
from pathlib import Path

from etl import config

OK, REJECTED, USAGE, UNEXPECTED = 0, 1, 2, 3
INTERRUPTED, BROKEN_PIPE = 130, 141
USAGE_PREFIX = "cách dùng: "
HELP_TEXT = "hiện trợ giúp này và thoát"
LOG_ENV = "CH33_LOG"  # where unexpected errors are logged (default data/logs/etl.log, else the temporary folder)
EARLIEST = date(2000, 1, 1)
OS_ERRORS = {
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.EACCES: "không có quyền",
    errno.EPERM: "không được phép",
    errno.ENOSPC: "hết chỗ trên đĩa",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EISDIR: "đó là một thư mục",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EEXIST: "đã có tệp trùng tên",
}
RUN_HINT = "chạy qua `bash run.sh etl …` hoặc `.venv/bin/python -m etl …` trong thư mục dự án"

# argparse's English, in the order it tries them (the most specific first); the rest of a sentence is translated again
_MESSAGES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^the following arguments are required: (.*)$", re.S), "thiếu tham số bắt buộc: {0}"),
    (re.compile(r"^argument (.+?): (.*)$", re.S), "tham số {0}: {1*}"),
    (
        re.compile(r"^invalid choice: (.*) \(choose from (.*)\)$", re.S),
        "lựa chọn không hợp lệ: {0} (chọn một trong {1})",
    ),
    (re.compile(r"^unrecognized arguments: (.*)$", re.S), "không nhận ra tham số: {0}"),
    (re.compile(r"^expected one argument$"), "cần một giá trị"),
    (re.compile(r"^expected at most one argument$"), "cần nhiều nhất một giá trị"),
    (re.compile(r"^expected at least one argument$"), "cần ít nhất một giá trị"),
    (re.compile(r"^expected (\d+) arguments?$"), "cần {0} giá trị"),
    (re.compile(r"^ambiguous option: (.*) could match (.*)$", re.S), "tùy chọn không rõ: {0} có thể là {1}"),
    (re.compile(r"^invalid (\w+) value: (.*)$", re.S), "giá trị không hợp lệ: {1}"),
    (re.compile(r"^not allowed with argument (.*)$", re.S), "không dùng được cùng với {0}"),
    (re.compile(r"^one of the arguments (.*) is required$", re.S), "cần một trong các tham số {0}"),
    (re.compile(r"^ignored explicit argument (.*)$", re.S), "không nhận giá trị {0}"),
    (re.compile(r"^unknown parser (.*) \(choices: (.*)\)$", re.S), "không có lệnh {0} (các lệnh: {1})"),
    (re.compile(r"^unexpected option string: (.*)$", re.S), "tùy chọn không đúng chỗ: {0}"),
    (re.compile(r"^can't open '(.*)': (.*)$", re.S), "không mở được «{0}»: {1}"),
]


def vietnamese(message: str) -> str:
    """An argparse error message in Vietnamese (unknown messages are returned unchanged)."""
    for pattern, words in _MESSAGES:
        m = pattern.match(message)
        if m:
            parts = list(m.groups())
            if "{1*}" in words:  # «argument X: <another message>»
                return words.replace("{1*}", vietnamese(parts[1])).format(*parts)
            return words.format(*parts)
    return message


HELPS = {  # help for arguments declared without one (by dest), so every line of --help says what it is
    "db": "tệp cơ sở dữ liệu (mặc định data/ch33.duckdb hoặc biến môi trường CH33_DB)",
    "unit": "mã đơn vị (xã, huyện cũ, tỉnh hoặc nhóm; xem data/reference/units.csv)",
    "period": "kỳ: 2024-03 (tháng), 2024Q1 (quý), 2024H1 (6 tháng), 2024M9 (9 tháng) hoặc 2024 (năm)",
    "period_end": "kỳ cuối, khi xem một khoảng từ --period đến kỳ này",
    "roll_forward": "gộp số liệu các xã cũ đã sáp nhập vào xã mới",
    "if_missing": "không làm gì nếu dữ liệu mẫu đã có",
    "files": "các tệp bảng tính đã điền (.xlsx, .xls, .xlsm, .ods)",
    "out": "tệp cần tạo",
}
METAVARS = {  # shown instead of the English dest names (DB, UNIT, …) in usage and help
    "db": "CSDL",
    "unit": "MÃ",
    "period": "KỲ",
    "period_end": "KỲ",
    "today": "NGÀY",
    "received_at": "THỜI_ĐIỂM",
    "by": "HỌ_TÊN",
    "out": "TỆP",
    "files": "TỆP",
    "template": "MẪU",
}


class Parser(argparse.ArgumentParser):
    """argparse.ArgumentParser speaking Vietnamese: «cách dùng», «các tham số», «các tùy chọn», -h «hiện trợ giúp này
    và thoát», errors translated and exit code 2. Subcommand parsers are of the same class."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "các tham số"
        self._optionals.title = "các tùy chọn"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP_TEXT)

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        if action.help is None and action.dest in HELPS:
            action.help = HELPS[action.dest]
        if action.metavar is None and action.nargs != 0 and not action.choices and action.dest in METAVARS:
            action.metavar = METAVARS[action.dest]
        return action

    def format_usage(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._actions, self._mutually_exclusive_groups, prefix=USAGE_PREFIX)
        return formatter.format_help()

    def format_help(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._actions, self._mutually_exclusive_groups, prefix=USAGE_PREFIX)
        formatter.add_text(self.description)
        for group in self._action_groups:
            formatter.start_section(group.title)
            formatter.add_text(group.description)
            formatter.add_arguments(group._group_actions)
            formatter.end_section()
        formatter.add_text(self.epilog)
        return formatter.format_help()

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: lỗi: {vietnamese(message)}\n")


def received_at(text: str) -> datetime:
    """--received-at: an ISO date or date-time (2026-03-05, 2026-03-05T08:30), from 2000 to a year from today."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"«{text}» không phải ngày giờ hợp lệ; dùng dạng 2026-03-05 hoặc 2026-03-05T08:30"
        ) from None
    if not EARLIEST <= moment.date() <= config.today() + timedelta(days=366):
        raise argparse.ArgumentTypeError(
            f"ngày {moment:%d/%m/%Y} không hợp lý (phải từ 01/01/2000 đến không quá một năm sau hôm nay)"
        )
    return moment


def day(text: str) -> date:
    """A YYYY-MM-DD date argument."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» không phải ngày hợp lệ; dùng dạng 2026-11-29") from None


def workbook_out(path: Path, overwrite: bool) -> str | None:
    """Why an .xlsx cannot be written at `path` (a Vietnamese sentence), or None when it can."""
    if path.is_dir():
        return f"«{path}» là một thư mục; hãy ghi tên tệp, ví dụ {path / 'mau.xlsx'}."
    if path.suffix.lower() != ".xlsx":
        return f"Tệp mẫu phải có đuôi .xlsx (nhận «{path.name}»), ví dụ mau.xlsx."
    if not path.parent.is_dir():
        return f"Thư mục «{path.parent}» không tồn tại; hãy tạo thư mục trước hoặc chọn thư mục khác."
    if path.exists() and not overwrite:
        return f"Tệp «{path}» đã có; thêm --ghi-de để ghi đè, hoặc chọn tên khác."
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"Không có quyền ghi vào «{path}»."
    return None


def log_path() -> Path:
    """The log of unexpected errors: $CH33_LOG, else data/logs/etl.log, else etl.log in the temporary folder."""
    if os.environ.get(LOG_ENV):
        return Path(os.environ[LOG_ENV])
    folder = Path(__file__).resolve().parent.parent / "data" / "logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"  # logs never end up in the repository
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        if os.access(folder, os.W_OK):
            return folder / "etl.log"
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "ch33_etl.log"


def unexpected(exc: BaseException, argv: list[str]) -> int:
    """One Vietnamese sentence on stderr for an error nobody foresaw, the traceback appended to the log; exit code 3."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} python -m etl {' '.join(argv)}\n")
            log.write("".join(traceback.format_exception(exc)))
        where = f"Chi tiết đã ghi vào {path}."
    except OSError:
        where = "Không ghi được nhật ký lỗi."
    if isinstance(exc, ModuleNotFoundError):
        say(f"Thiếu gói Python «{exc.name}»: {RUN_HINT}. {where}")
    elif isinstance(exc, MemoryError):
        say(f"Không đủ bộ nhớ để làm xong lệnh. {where}")
    elif isinstance(exc, OSError) and exc.errno:
        name = f" «{exc.filename}»" if exc.filename else ""
        reason = OS_ERRORS.get(exc.errno, f"mã lỗi {exc.errno}")
        say(f"Lỗi hệ thống khi đọc hoặc ghi{name}: {reason}. {where}")
    else:
        say(f"Lỗi không mong đợi ({type(exc).__name__}); lệnh chưa làm xong. {where}")
    return UNEXPECTED


def say(message: str) -> None:
    print(message, file=sys.stderr)


def pipe_closed() -> int:
    """The reader of stdout went away (`python -m etl indicators … | head`): stop quietly, as `cat` would."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return BROKEN_PIPE
