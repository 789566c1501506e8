"""Render the periodic report as a reader sees it: .docx → PDF (LibreOffice headless) → PNG (pdftoppm), one page per
report kind into docs/ (needs Debian's libreoffice-writer-nogui and poppler-utils; not part of the test suite).

Usage: python bench/report_pages.py [--db data/demo.duckdb]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KINDS = [  # file stem, unit, period, pages to keep
    ("bao_cao_xa_6_thang", "X04", "2025H2", (1, 2)),
    ("bao_cao_tinh_nam", "38", "2025", (1, 5)),
]


def main() -> None:
    from etl import db, report_data, report_doc

    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "data" / "demo.duckdb"))
    args = ap.parse_args()
    con = db.connect(Path(args.db), read_only=True)
    with tempfile.TemporaryDirectory() as tmp:
        for stem, code, key, pages in KINDS:
            docx = Path(tmp) / f"{stem}.docx"
            docx.write_bytes(report_doc.render(report_data.gather(con, code, key, "cung_ky", today=date(2026, 11, 29))))
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(docx)],
                check=True,
                capture_output=True,
            )
            for page in pages:
                out = ROOT / "docs" / f"{stem}_trang_{page}"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "80",
                        "-singlefile",
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        str(docx.with_suffix(".pdf")),
                        str(out),
                    ],
                    check=True,
                )
                print(f"{out}.png")
    con.close()


if __name__ == "__main__":
    main()
