"""WeasyPrint's first import looks for its C libraries with ctypes' find_library, which runs
ldconfig, gcc and ld: a dozen processes forked from the server. The app's startup pays that,
not the first report or aftercare sheet someone asks for (bench/hostile.py `report-pdf-x12`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# In a fresh interpreter: this test process has long imported WeasyPrint.
SCRIPT = """
import subprocess, sys
from fastapi.testclient import TestClient
from needlecare.config import load_settings
from needlecare.web.app import create_app

app = create_app(load_settings(data_dir=sys.argv[1]))
with TestClient(app):
    started = []
    original = subprocess.Popen.__init__

    def counted(self, *args, **kwargs):
        started.append(args[0] if args else kwargs.get("args"))
        original(self, *args, **kwargs)

    subprocess.Popen.__init__ = counted
    from weasyprint import HTML

    assert HTML(string="<p>Day 3</p>").write_pdf().startswith(b"%PDF")
    print(len(started))
"""


def test_a_pdf_after_startup_starts_no_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "0", result.stdout + result.stderr
