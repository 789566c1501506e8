"""Nothing a file contains can take the server down: a workbook is inspected before it is parsed, and it is parsed in a
child process with a memory and a time limit.

Before parsing (`inspect`, in the caller's process):
- zip containers (.xlsx, .xlsm, .ods): the central directory's declared sizes (per part and in total), compression
  ratios and number of parts are checked first, without decompressing anything; then each part is inflated once,
  streaming and discarding, up to its declared size (so at most MAX_UNZIPPED_BYTES in all), which catches a part whose
  real size differs from the declared one; its first bytes are searched for DOCTYPE/ENTITY declarations (billion
  laughs, XXE) and for a worksheet's declared <dimension>, and a worksheet's cell references give the area it really
  uses (a missing or false dimension); encrypted parts are recognised;
- OLE2 containers (.xls, or an encrypted .xlsx): the size (MAX_UPLOAD_BYTES) and encryption (an EncryptionInfo or
  EncryptedPackage stream, or an .xls workbook stream whose BOF record is followed by FILEPASS).

Parsing (`parse_isolated`): python-calamine runs in a worker process with RLIMIT_AS = PARSE_MEMORY_BYTES and no core
dumps; the caller waits at most PARSE_SECONDS and stops the worker when its resident memory passes PARSE_RSS_BYTES
(looked at every 20 ms: python-calamine materialises every cell of a sheet, so a small file can still ask for a lot,
e.g. an .ods cell repeated 100 000 × 100 times). If the worker dies (Rust's allocator aborts, MemoryError, a signal) or
runs out of time, the file is refused and a fresh worker serves the next one. Workers are kept between files (a small
pool), so a file costs a pipe round trip. The worker is a plain `python -c` child rather than a multiprocessing one so
that it never re-imports the parent's main module (Streamlit's or the CLI's); it answers with pickles that the parent
loads with only the datetime classes allowed.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

from etl import config
from etl.numbers import num

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAMS = tuple(s.encode("utf-16-le") + b"\x00\x00" for s in ("EncryptedPackage", "EncryptionInfo"))
BIFF8_GLOBALS_BOF = re.compile(rb"\x09\x08\x10\x00\x00\x06\x05\x00", re.DOTALL)  # BOF, BIFF8, workbook globals
FILEPASS = b"\x2f\x00"
HEAD_BYTES = 16 * 1024
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_START_TAG = re.compile(rb"<[A-Za-z_]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
# <c r="K40"> in a worksheet's XML, as every spreadsheet program writes it (a literal prefix keeps the scan fast; a
# reference written otherwise is still bounded by the child process)
_REF = re.compile(rb' r="([A-Z]{1,3})(\d{1,7})"')
LIMIT_NAMES = (
    "MAX_UPLOAD_BYTES",
    "MAX_UNZIPPED_MEMBER_BYTES",
    "MAX_UNZIPPED_BYTES",
    "MAX_ZIP_MEMBERS",
    "MAX_COMPRESSION_RATIO",
    "RATIO_CHECK_BYTES",
    "MAX_SHEETS",
    "MAX_SHEET_NAME_CHARS",
    "MAX_ROWS",
    "MAX_COLUMNS",
    "MAX_SHEET_CELLS",
    "MAX_CELLS",
    "MAX_TEXT_CHARS",
    "MAX_TEXT_TOTAL_CHARS",
)
RESAVE = "Hãy mở bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx và gửi lại."


class ReadError(Exception):
    """A file that cannot be read as a workbook; str() is one Vietnamese message naming the file."""


# --- messages ---------------------------------------------------------------------------------------------------------


def size_text(n: int) -> str:
    """1,5 GB · 50 MB · 24 KB · 300 byte."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f}".replace(".", ",").removesuffix(",0") + f" {unit}"
    return f"{n} byte"


def short(text: str, limit: int = 60) -> str:
    """A name from the file, quoted back without letting it fill the screen."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def broken(name: str, kind: str) -> str:
    return f"{name}: tệp bị hỏng, không đọc được ({kind}). {RESAVE}"


def password(name: str) -> str:
    return f"{name}: tệp được đặt mật khẩu (mã hóa). Hãy bỏ mật khẩu rồi lưu lại và gửi lại."


def too_large(name: str, size: int) -> str:
    return (
        f"{name}: tệp quá lớn ({size_text(size)}, tối đa {size_text(config.MAX_UPLOAD_BYTES)}). Bảng tính báo cáo của "
        f"một xã thường nhỏ hơn 1 MB: xóa ảnh hoặc trang thừa rồi gửi lại."
    )


def too_big_to_parse(name: str, why: str) -> str:
    return (
        f"{name}: tệp quá lớn hoặc bị hỏng, không đọc được trong giới hạn cho phép ({why}). Hãy xóa các hàng, cột và "
        f"trang thừa, mở bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx và gửi lại."
    )


def col_letters(index: int) -> str:
    """0 -> A, 16383 -> XFD."""
    out, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def area_problem(sheet: str, rows: int, cols: int) -> str | None:
    """Why a sheet whose used area reaches row `rows` and column `cols` (counted from A1) is too large, or None."""
    last = f"{col_letters(cols - 1)}{rows}"
    where = f"trang «{short(sheet)}» có dữ liệu hoặc định dạng đến ô {last}"
    fix = (
        "Hãy xóa các hàng, cột thừa (chọn chúng, bấm chuột phải › Xóa), lưu lại và gửi lại; "
        "nếu số liệu thật sự nhiều hơn, hãy chia thành nhiều tệp theo kỳ."
    )
    if rows > config.MAX_ROWS:
        return f"{where} ({num(rows)} hàng), vượt giới hạn {num(config.MAX_ROWS)} hàng một trang. {fix}"
    if cols > config.MAX_COLUMNS:
        return f"{where} ({num(cols)} cột), vượt giới hạn {num(config.MAX_COLUMNS)} cột một trang. {fix}"
    if rows * cols > config.MAX_SHEET_CELLS:
        return (
            f"{where} ({num(rows)} hàng × {num(cols)} cột = {num(rows * cols)} ô), vượt giới hạn "
            f"{num(config.MAX_SHEET_CELLS)} ô một trang. {fix}"
        )
    return None


# --- inspection before parsing ----------------------------------------------------------------------------------------


def inspect(name: str, data: bytes) -> None:
    """Refuse, with one Vietnamese message naming the file (ReadError), a container that could make parsing run away."""
    if len(data) > config.MAX_UPLOAD_BYTES:
        raise ReadError(too_large(name, len(data)))
    if data.startswith(ZIP_MAGIC):
        _inspect_zip(name, data)
    elif data.startswith(OLE2_MAGIC):
        _inspect_ole2(name, data)


def _inspect_ole2(name: str, data: bytes) -> None:
    # Directory entries are 128 bytes, from a sector boundary (512 or 4096 bytes): a stream's UTF-16 name starts on a
    # multiple of 128, which text typed in a cell almost never does.
    for mark in ENCRYPTED_STREAMS:
        at = data.find(mark)
        while at != -1:
            if at % 128 == 0:
                raise ReadError(password(name))
            at = data.find(mark, at + 1)
    # An encrypted .xls: FILEPASS immediately follows the BOF record of the workbook globals (MS-XLS 2.4.117).
    for m in BIFF8_GLOBALS_BOF.finditer(data):
        if data[m.start() + 20 : m.start() + 22] == FILEPASS:
            raise ReadError(password(name))


@dataclass
class _Part:
    info: zipfile.ZipInfo
    head: bytes


class _Labels:
    """How a message names a part: «xl/worksheets/sheet2.xml» (trang «Đơn thư») when the workbook says which sheet it
    is. The workbook's own parts are read for this only when small and free of DOCTYPE (Python's zipfile never returns
    more than the declared size)."""

    def __init__(self, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
        self.zf, self.infos, self.names = zf, {i.filename: i for i in infos}, None

    def sheet(self, part: str) -> str | None:
        if self.names is None:
            self.names = self._read()
        return self.names.get(part)

    def __call__(self, part: str) -> str:
        sheet = self.sheet(part)
        return f"phần «{short(part)}»" + (f" (trang «{short(sheet)}»)" if sheet else "")

    def _read(self) -> dict[str, str]:
        try:
            book, rels = (self._small(p) for p in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"))
            if book is None or rels is None:
                return {}
            book, rels = ET.fromstring(book), ET.fromstring(rels)
        except Exception:  # noqa: BLE001 - messages fall back to the part's path
            return {}
        targets = {}
        for rel in rels:
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = path
        out = {}
        for el in book.iter():
            if el.tag.rsplit("}", 1)[-1] == "sheet":
                rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
                if rid in targets:
                    out[targets[rid]] = el.get("name") or targets[rid]
        return out

    def _small(self, part: str) -> bytes | None:
        info = self.infos.get(part)
        if info is None or info.file_size > 1 << 20 or info.compress_type not in (zipfile.ZIP_STORED, 8):
            return None
        body = self.zf.read(info)
        return None if _DECLARATION.search(body) else body


def _inspect_zip(name: str, data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except Exception as exc:  # noqa: BLE001 - a broken central directory raises several types
        raise ReadError(broken(name, type(exc).__name__)) from exc
    if len(infos) > config.MAX_ZIP_MEMBERS:
        raise ReadError(
            f"{name}: tệp chứa {num(len(infos))} phần (tối đa {num(config.MAX_ZIP_MEMBERS)}), không giống một bảng "
            f"tính báo cáo. {RESAVE}"
        )
    label, total = _Labels(zf, infos), 0
    bomb = "có thể là «bom giải nén» (tệp nhỏ bung ra rất lớn). Tệp không được đọc"
    for info in infos:  # declared sizes only: nothing is decompressed yet
        if info.file_size > config.MAX_UNZIPPED_MEMBER_BYTES:
            raise ReadError(
                f"{name}: {label(info.filename)} khi giải nén lớn {size_text(info.file_size)} (tối đa "
                f"{size_text(config.MAX_UNZIPPED_MEMBER_BYTES)} mỗi phần) — {bomb}. Bảng tính báo cáo của một xã "
                f"thường nhỏ hơn 1 MB: xóa ảnh, trang thừa rồi gửi lại."
            )
        total += info.file_size
        if total > config.MAX_UNZIPPED_BYTES:
            raise ReadError(
                f"{name}: tệp khi giải nén lớn hơn {size_text(config.MAX_UNZIPPED_BYTES)} (giới hạn cho cả tệp) — "
                f"{bomb}. Xóa ảnh, trang thừa rồi gửi lại."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > config.RATIO_CHECK_BYTES and ratio > config.MAX_COMPRESSION_RATIO:
            raise ReadError(
                f"{name}: {label(info.filename)} nén với tỉ lệ {num(int(ratio))}:1 (tối đa "
                f"{config.MAX_COMPRESSION_RATIO}:1) — {bomb}. {RESAVE}"
            )
        if info.flag_bits & 0x1:
            raise ReadError(password(name))
    parts = []
    for info in infos:
        sheet = label.sheet(info.filename) or ("worksheets/" in info.filename and info.filename)
        part = _Part(info, b"")
        parts.append(part)
        part.head, last = _inflate(name, data, info, label, bool(sheet))
        if last:  # the cells a worksheet really holds: a sheet with no or a false dimension is bounded here too
            problem = area_problem(sheet, *last)
            if problem:
                raise ReadError(f"{name}: {problem}")
    for p in parts:
        _check_xml_head(name, p, label)
    _check_dimensions(name, parts, label)


def _inflate(
    name: str, data: bytes, info: zipfile.ZipInfo, label: _Labels, sheet: bool
) -> tuple[bytes, tuple[int, int] | None]:
    """Stream a part through zlib up to its declared size (discarding the output); refuse a part whose real size or
    checksum differs from the central directory's. Returns its first HEAD_BYTES and, for a worksheet, the last row and
    column its cell references reach (None if it has none)."""
    refs = _Refs() if sheet else None
    h = info.header_offset
    if data[h : h + 4] != ZIP_MAGIC:
        raise ReadError(broken(name, "BadZipFile"))
    n, m = struct.unpack("<HH", data[h + 26 : h + 30])
    start = h + 30 + n + m
    comp = memoryview(data)[start : start + info.compress_size]
    if len(comp) < info.compress_size:
        raise ReadError(broken(name, "BadZipFile"))
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size or zlib.crc32(comp) != info.CRC:
            raise ReadError(broken(name, "BadZipFile"))
        if refs:
            refs.feed(bytes(comp))
        return bytes(comp[:HEAD_BYTES]), refs and refs.last()
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ReadError(broken(name, f"kiểu nén {info.compress_type}"))
    inflater, size, crc, head, pos = zlib.decompressobj(-15), 0, 0, b"", 0
    try:
        while not inflater.eof and pos < len(comp):
            pending, pos = comp[pos : pos + 65536], pos + 65536
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, 65536)
                size += len(piece)
                if size > info.file_size:  # more than declared: the size checks above were fooled
                    raise ReadError(
                        f"{name}: {label(info.filename)} bung ra lớn hơn kích thước ghi trong tệp — tệp bị sửa có "
                        f"chủ ý hoặc bị hỏng. Tệp không được đọc. {RESAVE}"
                    )
                crc = zlib.crc32(piece, crc)
                if refs:
                    refs.feed(piece)
                if len(head) < HEAD_BYTES:
                    head += piece[: HEAD_BYTES - len(head)]
                pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise ReadError(broken(name, "zlib")) from exc
    if not inflater.eof or size != info.file_size or crc != info.CRC:
        raise ReadError(broken(name, "BadZipFile"))
    return head, refs and refs.last()


class _Refs:
    """The largest row and column among a worksheet's cell references, fed in pieces (a reference may straddle two).
    One regex scan and C-level max() per piece: about 1 ms for a commune's workbook."""

    def __init__(self) -> None:
        self.row, self.col, self.carry = 0, b"", b""

    def feed(self, piece: bytes) -> None:
        text = self.carry + piece
        self.carry = text[-24:]
        refs = _REF.findall(text)
        if refs:
            self.row = max(self.row, max(map(int, map(itemgetter(1), refs))))
            # right-justified, column letters compare as columns do: b"  Z" < b" AA" < b"XFD"
            self.col = max(self.col, max(map(bytes.rjust, map(itemgetter(0), refs), repeat(3))))

    def last(self) -> tuple[int, int] | None:
        if not self.row:
            return None
        col = 0
        for ch in self.col.strip().decode():
            col = col * 26 + ord(ch) - 64
        return self.row, col


def _check_xml_head(name: str, part: _Part, label: _Labels) -> None:
    head = part.head
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-16-le" if head[0] else "utf-16-be")
        head = head.decode(encoding, "ignore").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return  # not XML (an image, vbaProject.bin, the .ods mimetype): python-calamine does not parse it
    if _DECLARATION.search(text):
        raise ReadError(
            f"{name}: tệp chứa khai báo thực thể XML (DOCTYPE/ENTITY) — có thể là tệp độc hại "
            f"({label(part.info.filename)}). Bảng tính do Excel hay LibreOffice lưu không có khai báo này. Tệp không "
            f"được đọc. {RESAVE}"
        )
    if not _START_TAG.search(text) and part.info.file_size > len(part.head):
        raise ReadError(
            f"{name}: phần đầu của {label(part.info.filename)} không giống bảng tính (hơn {size_text(HEAD_BYTES)} "
            f"trước nội dung) — có thể là tệp độc hại. Tệp không được đọc. {RESAVE}"
        )


def _last_cell(ref: str) -> tuple[int, int] | None:
    """'A1:XFD1048576' or 'XFD1048576' -> (1048576, 16384): the last row and column, counted from 1."""
    m = _CELL.match(ref.split(":")[-1].strip())
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _check_dimensions(name: str, parts: list[_Part], label: _Labels) -> None:
    """A worksheet declares the area it uses (<dimension ref="A1:K40"/>) before its data: refuse one too large to
    read. A sheet without the declaration is bounded after parsing (etl.read.parse, in the child process)."""
    total = 0
    for part in parts:
        m = _DIMENSION.search(part.head)
        last = m and _last_cell(m.group(1).decode("ascii", "replace"))
        if not last:
            continue
        rows, cols = last
        problem = area_problem(label.sheet(part.info.filename) or part.info.filename, rows, cols)
        if problem:
            raise ReadError(f"{name}: {problem}")
        total += rows * cols
        check_total(name, total)


def check_total(name: str, cells: int) -> None:
    """The workbook's cells, counted from A1 to each sheet's last cell, against MAX_CELLS (before and after parsing)."""
    if cells > config.MAX_CELLS:
        raise ReadError(
            f"{name}: các trang có tổng cộng hơn {num(config.MAX_CELLS)} ô (tính từ ô A1 đến ô cuối có dữ liệu "
            "hoặc định dạng của mỗi trang), vượt giới hạn. Hãy xóa các hàng, cột và trang thừa, lưu lại và gửi lại."
        )


from etl.worker import _idle, _idle_lock, idle_peak_rss, parse_isolated, shutdown  # noqa: E402,F401  (the worker half)
