"""Read a PDF back with poppler-utils (pdfinfo, pdftotext): page count and text per page."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page; fails if poppler cannot open the file."""
    assert pdf.startswith(b"%PDF-")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
        assert match, info.stdout
        pages = []
        for number in range(1, int(match[1]) + 1):
            text = subprocess.run(
                ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            pages.append(text)
        return pages
