"""CSV and JSON exports of one patient or a whole clinic (pure: records in, text out).

JSON holds everything, nested per patient. CSV holds one flat table at a time (`TABLES`),
so each file opens cleanly in a spreadsheet; every text cell that a spreadsheet would run as
a formula is neutralised (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import orjson

from needlecare.charts import measure_value
from needlecare.reports.records import ClinicRecord, PatientData

EXPORT_KIND = "needlecare.export"
EXPORT_VERSION = 1
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SCORES = ("redness", "swelling", "pain", "itch")


class UnknownTable(ValueError):
    """A CSV table name that is not in `TABLES`."""


def safe_cell(value: Any) -> Any:
    """A cell value a spreadsheet will show as text, never run: "=1+1" -> "'=1+1"."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def patient_document(data: PatientData) -> dict[str, Any]:
    """One patient and everything stored about them, as JSON-ready values (photos without
    their image bytes: the measurement is the data, the image is in the PDF and FHIR)."""
    document = {
        "patient": data.patient,
        "treatments": data.treatments,
        "checkins": data.checkins,
        "alerts": data.alerts,
        "notes": data.notes,
        "recommendations": data.recommendations,
        "messages": data.messages,
        "shelf": data.shelf,
        "photos": [
            {
                "id": p.id,
                "taken_at": p.taken_at,
                "day": p.day,
                "area": p.area,
                "caption": p.caption,
                "media_type": p.media_type,
                "measurement": p.measurement,
            }
            for p in data.photos
        ],
    }
    # orjson writes dataclasses, dates and datetimes (ISO 8601) natively and fast.
    loaded: dict[str, Any] = orjson.loads(orjson.dumps(document))
    return loaded


def export_document(
    patients: Sequence[PatientData],
    *,
    clinic: ClinicRecord | None,
    exported_at: datetime,
    scope: str,
) -> dict[str, Any]:
    """The JSON export: `scope` is "clinic" (a clinic's roster) or "patient" (one person)."""
    return {
        "kind": EXPORT_KIND,
        "version": EXPORT_VERSION,
        "scope": scope,
        "exported_at": exported_at.isoformat(),
        "clinic": None if clinic is None else {"id": clinic.id, "name": clinic.name},
        "notice": "NeedleCare informs; it does not diagnose.",
        "patients": [patient_document(p) for p in patients],
    }


def to_json(document: dict[str, Any]) -> str:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


# --- CSV tables -------------------------------------------------------------------------

Row = dict[str, Any]


def _patients(data: PatientData) -> Iterable[Row]:
    p = data.patient
    yield {
        "patient_id": p.id,
        "display_name": p.display_name,
        "email": p.email,
        "fitzpatrick": p.fitzpatrick,
        "acne_prone": p.acne_prone,
        "history": ";".join(p.history),
        "created_at": _iso(p.created_at),
    }


def _treatments(data: PatientData) -> Iterable[Row]:
    for t in data.treatments:
        yield {
            "patient_id": data.patient.id,
            "treatment_id": t.id,
            "treatment_date": _iso(t.treatment_date),
            "depth_mm": t.depth_mm,
            "device": t.device,
            "areas": ";".join(t.areas),
            "fitzpatrick": t.fitzpatrick,
            "serum": t.serum,
            "operator": t.operator,
            "next_session_date": _iso(t.next_session_date),
        }


def _checkins(data: PatientData) -> Iterable[Row]:
    alerts = {a.checkin_id: a for a in data.alerts}
    for c in data.checkins:
        alert = alerts.get(c.id)
        breakouts = c.symptoms.get("breakouts")
        yield {
            "patient_id": data.patient.id,
            "checkin_id": c.id,
            "treatment_id": c.treatment_id,
            "created_at": _iso(c.created_at),
            "day": c.day,
            **{score: measure_value(c.symptoms, score) for score in SCORES},
            "breakouts": measure_value(c.symptoms, "breakouts"),
            "breakout_kind": breakouts.get("kind") if isinstance(breakouts, dict) else None,
            "flags": ";".join(sorted(k for k, v in c.symptoms.items() if v is True)),
            "level": c.level,
            "phase": c.phase,
            "findings": ";".join(f.get("code", "") for f in c.findings),
            "alert_state": alert.state if alert else None,
        }


def _alerts(data: PatientData) -> Iterable[Row]:
    for a in data.alerts:
        yield {
            "patient_id": data.patient.id,
            "alert_id": a.id,
            "checkin_id": a.checkin_id,
            "level": a.level,
            "state": a.state,
            "created_at": _iso(a.created_at),
            "acknowledged_at": _iso(a.acknowledged_at),
            "resolved_at": _iso(a.resolved_at),
            "resolution_note": a.resolution_note,
        }


def _notes(data: PatientData) -> Iterable[Row]:
    for n in data.notes:
        yield {
            "patient_id": data.patient.id,
            "note_id": n.id,
            "created_at": _iso(n.created_at),
            "author": n.author,
            "body": n.body,
        }


def _messages(data: PatientData) -> Iterable[Row]:
    for m in data.messages:
        yield {
            "patient_id": data.patient.id,
            "message_id": m.id,
            "created_at": _iso(m.created_at),
            "from": "clinic" if m.from_clinic else "patient",
            "author": m.author,
            "alert_id": m.alert_id,
            "read_at": _iso(m.read_at),
            "body": m.body,
        }


def _shelf(data: PatientData) -> Iterable[Row]:
    for product in data.shelf:
        yield {
            "patient_id": data.patient.id,
            "product_id": product.id,
            "created_at": _iso(product.created_at),
            "name": product.name,
            "brand": product.brand,
            "rinse_off": product.rinse_off,
            "inci_text": product.inci_text,
        }


TABLES: dict[str, tuple[tuple[str, ...], Callable[[PatientData], Iterable[Row]]]] = {
    "patients": (
        ("patient_id", "display_name", "email", "fitzpatrick", "acne_prone", "history",
         "created_at"),
        _patients,
    ),
    "treatments": (
        ("patient_id", "treatment_id", "treatment_date", "depth_mm", "device", "areas",
         "fitzpatrick", "serum", "operator", "next_session_date"),
        _treatments,
    ),
    "checkins": (
        ("patient_id", "checkin_id", "treatment_id", "created_at", "day", *SCORES, "breakouts",
         "breakout_kind", "flags", "level", "phase", "findings", "alert_state"),
        _checkins,
    ),
    "alerts": (
        ("patient_id", "alert_id", "checkin_id", "level", "state", "created_at",
         "acknowledged_at", "resolved_at", "resolution_note"),
        _alerts,
    ),
    "notes": (("patient_id", "note_id", "created_at", "author", "body"), _notes),
    "messages": (
        ("patient_id", "message_id", "created_at", "from", "author", "alert_id", "read_at",
         "body"),
        _messages,
    ),
    "shelf": (
        ("patient_id", "product_id", "created_at", "name", "brand", "rinse_off", "inci_text"),
        _shelf,
    ),
}  # fmt: skip
DEFAULT_TABLE = "checkins"


def to_csv(patients: Sequence[PatientData], table: str = DEFAULT_TABLE) -> str:
    """One table of the export as CSV (header first), formula-safe."""
    if table not in TABLES:
        raise UnknownTable(f"table must be one of {', '.join(TABLES)}, not {table!r}")
    header, rows_of = TABLES[table]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for data in patients:
        for row in rows_of(data):
            writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return buffer.getvalue()
