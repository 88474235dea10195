"""Speed of reports and exports, in-process, from plain records (no database).

Run: .venv/bin/python bench/reports_speed.py [--checkins 42] [--patients 300] [--runs 3]

PDF: build_report + render_pdf (WeasyPrint) for one patient with `--checkins` daily
check-ins (triaged by the real engine), 1 photo. FHIR: build_bundle (validated models) and
its JSON for the same patient. Clinic: JSON and the check-in CSV for `--patients` patients
with 20 check-ins each. Reports median CPU time (stable on a busy machine) and wall time.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from PIL import Image

from needlecare.reports import fhir, tabular
from needlecare.reports.assemble import build_report
from needlecare.reports.pdf import render_pdf
from needlecare.reports.records import (
    CheckinRecord,
    ClinicRecord,
    PatientData,
    PatientRecord,
    PhotoRecord,
    TreatmentRecord,
)
from needlecare.triage import triage_checkin

TREATED = date(2026, 9, 1)


def patient(pid: int, checkins: int, rng: random.Random, photo: bool) -> PatientData:
    rows = []
    for day in range(checkins):
        symptoms = {
            "redness": max(0, 3 - day // 3 + rng.randint(-1, 1)) % 4,
            "swelling": max(0, 2 - day // 2),
            "pain": rng.randint(0, 4),
            "breakouts": {"count": rng.randint(0, 6), "kind": "whiteheads"},
        }
        payload = {
            "treatment": {
                "date": TREATED.isoformat(),
                "depth_mm": 1.0,
                "device": "pen",
                "areas": ["face"],
            },
            "day": day,
            "symptoms": symptoms,
        }
        result = triage_checkin(payload, TREATED + timedelta(days=day))
        rows.append(
            CheckinRecord(
                pid * 1000 + day,
                pid,
                day,
                datetime.combine(TREATED + timedelta(days=day), clock(9), UTC),
                result["level"],
                result["phase"],
                symptoms,
                [],
                result["findings"],
                result["advice"],
            )
        )
    photos = []
    if photo:
        buffer = io.BytesIO()
        Image.new("RGB", (400, 300), (200, 120, 110)).save(buffer, "JPEG")
        photos.append(
            PhotoRecord(
                1,
                rows[-1].created_at,
                buffer.getvalue(),
                day=checkins - 1,
                area="face",
                measurement={"spots": {"count": 3}},
            )
        )
    return PatientData(
        PatientRecord(pid, f"Patient {pid}", None, 3, False, [], datetime(2026, 9, 1, tzinfo=UTC)),
        ClinicRecord(1, "Bench Clinic"),
        [TreatmentRecord(pid, TREATED, 1.0, "pen", ["face"], 3)],
        rows,
        photos=photos,
    )


def measure(name: str, runs: int, work: Callable[[], object]) -> None:
    work()  # warm-up: templates, fonts, models
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        work()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    print(
        f"{name:<44} CPU {statistics.median(cpu) * 1000:8.0f} ms   "
        f"wall {statistics.median(wall) * 1000:8.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkins", type=int, default=42)
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    one = patient(1, args.checkins, rng, photo=True)
    clinic = [patient(i, 20, rng, photo=False) for i in range(2, args.patients + 2)]
    now = datetime(2026, 11, 25, tzinfo=UTC)
    pdf = render_pdf(build_report(one, date(2026, 11, 25), now))
    print(f"PDF: {len(pdf) / 1024:.0f} KiB for {args.checkins} check-ins")
    measure(
        f"PDF report ({args.checkins} check-ins, 1 photo)",
        args.runs,
        lambda: render_pdf(build_report(one, date(2026, 11, 25), now)),
    )
    measure(
        f"FHIR bundle JSON ({args.checkins} check-ins)", args.runs, lambda: fhir.bundle_json(one)
    )
    measure(
        f"clinic JSON ({args.patients} patients x 20)",
        args.runs,
        lambda: tabular.to_json(
            tabular.export_document(clinic, clinic=None, exported_at=now, scope="clinic")
        ),
    )
    measure(
        f"clinic CSV checkins ({args.patients} x 20)",
        args.runs,
        lambda: tabular.to_csv(clinic, "checkins"),
    )


if __name__ == "__main__":
    main()
