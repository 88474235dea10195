"""Time the one-page aftercare sheet PDF (issue 8): build the sheet, lay it out, write the PDF.

    .venv/bin/python bench/guide_sheet_pdf.py --runs 5

Reports the median wall and CPU time per PDF and the page count (must be 1), for a typical
sheet (1.0 mm pen) and the longest one (RF 2 mm, skin type VI, a protocol with instructions).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from needlecare.guide import Sheet, build_aftercare_sheet
from needlecare.guide.protocols import protocol_from_text
from needlecare.web.pages.guide import sheet_document

LONG_PROTOCOL = """schema_version = 1
name = "A clinic with a rather long protocol name"
version = 12
[windows.vitamin_c]
resume_day = 10
[[instructions]]
text = "Use the post-care balm from your kit twice a day for the first three days."
source = "clinic policy"
[[instructions]]
text = "Sleep on a fresh, clean pillowcase on the first night after treatment."
source = "clinic policy"
[[instructions]]
text = "Call the clinic line before you restart any prescription cream at home."
source = "clinic policy"
"""


def sheets() -> dict[str, Sheet]:
    today = date(2026, 11, 26)
    return {
        "typical": build_aftercare_sheet(date(2026, 11, 25), 1.0, "pen", 3, today=today),
        "longest": build_aftercare_sheet(
            date(2026, 12, 20), 2.0, "rf", 6, protocol_from_text(LONG_PROTOCOL), today=today
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    for name, sheet in sheets().items():
        sheet_document(sheet).write_pdf()  # warm-up: fonts, templates
        wall, cpu, pages = [], [], 0
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            document = sheet_document(sheet)
            pdf = document.write_pdf()
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
            pages = len(document.pages)
        print(
            f"{name}: {len(pdf)} bytes, {pages} page(s), median wall "
            f"{statistics.median(wall) * 1000:.0f} ms, median CPU "
            f"{statistics.median(cpu) * 1000:.0f} ms over {runs} runs"
        )


if __name__ == "__main__":
    main()
