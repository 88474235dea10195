"""The clinic's de-identified research export (CSV or JSON, admins only, audited): one row
per treatment and day since treatment, read from the outcome summary tables."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Literal

from sqlalchemy import select

from needlecare.outcomes.research import FIELDS, NAMES, Refs, SummaryRow, deidentify
from needlecare.services import audit
from needlecare.services.errors import Invalid
from needlecare.services.exports import ExportFile
from needlecare.services.principal import Principal
from needlecare.services.scope import require_admin
from needlecare.storage.models import OutcomeDay, OutcomeTreatment
from needlecare.storage.uow import UnitOfWork

Format = Literal["csv", "json"]
_T, _D = OutcomeTreatment, OutcomeDay
_ROWS = select(
    _T.treatment_id,
    _T.patient_id,
    _T.operator,
    _T.band,
    _T.device,
    _T.fitzpatrick,
    _D.day,
    _D.worst_rank.label("day_rank"),
    _T.worst_rank,
    _T.checkins,
    _T.last_day,
    _T.breakout_first_day,
    _T.breakout_last_day,
    _T.complication,
).join(_D, _D.treatment_id == _T.treatment_id)


def research_rows(uow: UnitOfWork, actor: Principal) -> list[dict[str, Any]]:
    """The de-identified rows of the actor's clinic, sorted by their random references (the
    clinic's row order, which follows when things were recorded, is not kept)."""
    clinic_id = require_admin(actor)
    with uow:
        found = uow.session.execute(_ROWS.where(_T.clinic_id == clinic_id)).all()
        audit.record(
            uow.session, actor, "research.export", "clinic", clinic_id, clinic_id=clinic_id
        )
        uow.commit()
    treatments, people, operators = Refs("t"), Refs("p"), Refs("o")
    rows = [deidentify(SummaryRow(**row._mapping), treatments, people, operators) for row in found]
    rows.sort(key=lambda r: (r["treatment_ref"], r["day"]))
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def research_export(uow: UnitOfWork, actor: Principal, fmt: str) -> ExportFile:
    if fmt not in ("csv", "json"):
        raise Invalid.field("format", "use csv or json")
    rows = research_rows(uow, actor)
    if fmt == "json":
        document = {
            "dictionary": [vars(field) for field in FIELDS],
            "rows": rows,
        }
        content = json.dumps(document, ensure_ascii=False).encode()
        return ExportFile(content, "application/json", "research.json")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(NAMES)
    writer.writerows([_cell(row[name]) for name in NAMES] for row in rows)
    return ExportFile(out.getvalue().encode(), "text/csv; charset=utf-8", "research.csv")


def dictionary_csv() -> str:
    """The data dictionary as CSV (name, type, meaning): docs/research-dictionary.csv."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("name", "type", "meaning"))
    writer.writerows((f.name, f.type, f.meaning) for f in FIELDS)
    return out.getvalue()
