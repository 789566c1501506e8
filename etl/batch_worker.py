"""The batch's reading processes: `python -m etl.batch_worker` reads a pickled list of (name, path) on stdin and
writes one pickled answer per file on stdout, in order. Plain subprocesses rather than a multiprocessing pool: no
fork of a process holding DuckDB, and no re-import of the caller's main module (Streamlit's script, a bench script)."""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(name: str, path: str):
    """Read (through the isolated parser) and validate one file: ("parsed", Parsed) | ("unreadable", message) |
    ("failed", exception name)."""
    from etl import reference
    from etl.read import ReadError, read_bytes
    from etl.validate import validate

    try:
        return "parsed", validate(read_bytes(name, Path(path).read_bytes()), reference.units())
    except ReadError as exc:
        return "unreadable", str(exc)
    except Exception as exc:  # noqa: BLE001 - one file's failure is that file's rejection
        return "failed", type(exc).__name__


def parse_all(jobs: list[tuple[str, str]], workers: int, step) -> list:
    """Answers for `jobs`, in order, from `workers` processes (files dealt out in turn); step() after each answer."""
    shares = [jobs[w::workers] for w in range(workers)]
    answers: list = [None] * len(jobs)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "etl.batch_worker"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        for _ in shares
    ]
    lock = threading.Lock()

    def collect(w: int, proc: subprocess.Popen) -> None:
        for n in range(len(shares[w])):
            try:
                answer = pickle.load(proc.stdout)
            except (EOFError, pickle.UnpicklingError):
                answer = ("failed", "WorkerExit")
            answers[w + n * workers] = answer
            with lock:
                step()

    threads = []
    for w, proc in enumerate(procs):
        threading.Thread(target=_feed, args=(proc, shares[w]), daemon=True).start()
        threads.append(threading.Thread(target=collect, args=(w, proc), daemon=True))
        threads[-1].start()
    for t in threads:
        t.join()
    for proc in procs:
        proc.stdout.close()
        proc.wait()
    return answers


def _feed(proc: subprocess.Popen, share: list) -> None:
    try:
        proc.stdin.write(pickle.dumps(share))
        proc.stdin.close()
    except OSError:
        pass


def main() -> None:
    jobs = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    for name, path in jobs:
        pickle.dump(prepare(name, path), out)
        out.flush()


if __name__ == "__main__":
    main()
