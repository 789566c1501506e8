"""The files of a batch: a folder expanded to its workbooks, and the progress bar drawn while they load."""

from __future__ import annotations

import sys
import time
from pathlib import Path

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the workbooks in it and its subfolders (sorted, lock files skipped)."""
    out = []
    for p in paths:
        if p.is_dir():
            out += sorted(
                f
                for f in p.rglob("*")
                if f.suffix.lower() in SUFFIXES and not f.name.startswith(("~$", ".")) and f.is_file()
            )
        else:
            out.append(p)
    return out


class Progress:
    """«Đã xử lý 120/1992 tệp · 45 tệp/giây · còn khoảng 42 giây» on a terminal (stderr), nothing otherwise."""

    def __init__(self, total: int, stream=None) -> None:
        self.total, self.done, self.start, self.shown = total, 0, time.monotonic(), 0.0
        self.stream = stream or sys.stderr
        self.live = total > 1 and hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if not self.live or (now - self.shown < 0.2 and self.done < self.total):
            return
        self.shown, rate = now, self.done / max(now - self.start, 1e-6)
        left = (self.total - self.done) / rate if rate else 0
        width = 24
        bar = "█" * int(width * self.done / self.total) + "░" * (width - int(width * self.done / self.total))
        self.stream.write(f"\r{bar} {self.done}/{self.total} tệp · {rate:.0f} tệp/giây · còn khoảng {left:.0f} giây   ")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
