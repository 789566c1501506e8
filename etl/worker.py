"""Parsing in a child process (see etl/guard.py for why): python-calamine runs in a worker with RLIMIT_AS and no core
dumps; the caller waits at most PARSE_SECONDS and stops the worker when its resident memory passes PARSE_RSS_BYTES. If
the worker dies or runs out of time, the file is refused and a fresh worker serves the next one. Workers are kept between
files (a small pool), so a file costs a pipe round trip; answers are pickles loaded with only the datetime classes
allowed."""

from __future__ import annotations

import atexit
import io
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time

from etl import config
from etl.guard import LIMIT_NAMES, ReadError, too_big_to_parse
from etl.numbers import num

_FRAME = struct.Struct("!Q")
MAX_ANSWER_BYTES = 256 * 1024 * 1024
MAX_IDLE_WORKERS = 2
MAX_USES = 500  # a worker is replaced after this many files, so nothing it accumulated lives long
WATCH_SECONDS = 0.02  # how often the parent looks at the worker's resident memory while it parses
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


class _Answers(pickle.Unpickler):
    """Loads a worker's answer: plain containers, numbers, text and the datetime classes calamine returns, nothing
    else."""

    ALLOWED = {("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def write_all(stream, data: bytes) -> None:
    """Write everything to an unbuffered pipe (a raw write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[stream.write(view) :]


class _Worker:
    def __init__(self) -> None:
        code = (
            f"import sys; sys.path.insert(0, {str(config.ROOT)!r}); "
            f"import etl.guard; from etl.worker import _serve; _serve({int(config.PARSE_MEMORY_BYTES)})"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            close_fds=True,
        )
        self.uses = 0

    def ask(self, request: bytes, timeout: float) -> tuple[str, bytes]:
        """("ok", answer), ("unsent", b"") if the worker was already gone, ("died" | "timeout" | "memory", b"")."""
        try:
            write_all(self.proc.stdin, _FRAME.pack(len(request)))
            write_all(self.proc.stdin, request)
        except OSError:
            return "unsent", b""
        self.uses += 1
        deadline = time.monotonic() + timeout
        header = self._read(_FRAME.size, deadline)
        if isinstance(header, str):
            return header, b""
        (size,) = _FRAME.unpack(header)
        if size > MAX_ANSWER_BYTES:
            return "died", b""
        body = self._read(size, deadline)
        return ("ok", body) if isinstance(body, bytes) else (body, b"")

    def _read(self, n: int, deadline: float) -> bytes | str:
        fd, chunks, left = self.proc.stdout.fileno(), [], n
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0:
                return "timeout"
            if not poller.poll(min(wait, WATCH_SECONDS) * 1000):
                if self.rss() > config.PARSE_RSS_BYTES:
                    return "memory"
                continue
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                return "died"
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def rss(self) -> int:
        """The worker's resident memory now, in bytes (Linux /proc), 0 if unknown."""
        try:
            with open(f"/proc/{self.proc.pid}/statm") as f:
                return int(f.read().split()[1]) * PAGE_BYTES
        except (OSError, IndexError, ValueError):
            return 0

    def peak_rss(self) -> int:
        """The worker's peak resident memory so far, in bytes (Linux /proc), 0 if unknown."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def close(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


_idle: list[_Worker] = []
_idle_lock = threading.Lock()
_idle_pid = os.getpid()


def _take() -> _Worker:
    global _idle_pid
    with _idle_lock:
        if _idle_pid != os.getpid():  # a forked copy of this process must not share its parent's workers
            _idle.clear()
            _idle_pid = os.getpid()
        if _idle:
            return _idle.pop()
    return _Worker()


def _give(worker: _Worker) -> None:
    with _idle_lock:
        if _idle_pid == os.getpid() and worker.uses < MAX_USES and len(_idle) < MAX_IDLE_WORKERS:
            _idle.append(worker)
            return
    worker.close()


def shutdown() -> None:
    """Stop the idle workers (at exit; tests use it to start from a fresh worker)."""
    with _idle_lock:
        workers = list(_idle) if _idle_pid == os.getpid() else []
        _idle.clear()
    for w in workers:
        w.close()


def idle_peak_rss() -> int:
    """The largest peak resident memory of the idle workers, in bytes (for measurements)."""
    with _idle_lock:
        return max((w.peak_rss() for w in _idle), default=0)


atexit.register(shutdown)


def parse_isolated(name: str, data: bytes):
    """etl.read.parse(name, data) in a worker process; ReadError if the file is refused or the worker fails."""
    request = pickle.dumps((name, data, {k: getattr(config, k) for k in LIMIT_NAMES}), protocol=5)
    for _attempt in range(2):
        worker = _take()
        reused = worker.uses > 0
        status, body = worker.ask(request, config.PARSE_SECONDS)
        if status == "unsent" and reused:  # an idle worker that had gone away: try once more with a new one
            worker.close(kill=True)
            continue
        break
    if status != "ok":
        worker.close(kill=True)
        why = f"quá {num(config.PARSE_SECONDS)} giây" if status == "timeout" else "cần quá nhiều bộ nhớ"
        raise ReadError(too_big_to_parse(name, why))
    try:
        answer = _Answers(io.BytesIO(body)).load()
    except Exception as exc:  # noqa: BLE001 - an answer that is not what a worker sends: do not trust the worker again
        worker.close(kill=True)
        raise ReadError(too_big_to_parse(name, "kết quả đọc không hợp lệ")) from exc
    if answer[0] == "dead":  # the worker ran out of memory and is exiting
        worker.close(kill=True)
        raise ReadError(too_big_to_parse(name, "cần quá nhiều bộ nhớ"))
    _give(worker)
    if answer[0] == "error":
        raise ReadError(answer[1])
    return answer[1]


def _serve(memory_bytes: int) -> None:
    """The worker: read framed (name, data, limits) requests on stdin, answer etl.read.parse's result on stdout."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort must not write a core file the size of its memory
    sys.dont_write_bytecode = True
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the answers
    source = os.fdopen(0, "rb", buffering=0)

    from etl import read  # imported before the limit, so the limit measures the parsing

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    def read_exactly(n: int) -> bytes | None:
        chunks, left = [], n
        while left:
            chunk = source.read(min(left, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    while True:
        header = read_exactly(_FRAME.size)
        if header is None:
            return  # the parent closed the pipe (or died)
        body = read_exactly(_FRAME.unpack(header)[0])
        if body is None:
            return
        last, name = False, ""
        try:
            name, data, limits = pickle.loads(body)
            del body
            for key, value in limits.items():
                setattr(config, key, value)
            answer = ("ok", read.parse(name, data))
        except ReadError as exc:
            answer = ("error", str(exc))
        except MemoryError:
            answer, last = ("dead",), True
        except Exception as exc:  # noqa: BLE001 - python-calamine raises several types for broken files
            answer = ("error", read.unreadable(name, exc))
        try:
            payload = pickle.dumps(answer, protocol=5)
        except MemoryError:
            payload, last = pickle.dumps(("dead",)), True
        answer = None
        write_all(out, _FRAME.pack(len(payload)))
        write_all(out, payload)
        if last:
            return
