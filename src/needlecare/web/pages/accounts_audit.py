"""The audit log page (admins): who did what to which patient, by name; filters (person,
patient, action, date range in the clinic's zone), a page at a time, and the filtered view
as CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from needlecare.services import audit, audit_log
from needlecare.services.errors import FieldError, Invalid
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import AdminViewer
from needlecare.web.pages.forms import sentence
from needlecare.web.pages.rendering import PageRoute, render
from needlecare.web.pages.timezones import viewer_zone
from needlecare.web.paging import next_path, position

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)

AUDIT_PAGE = 100
FIELDS = ("person", "patient", "action", "from", "to")


def _day(text: str, field: str, errors: list[FieldError]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(field, "enter a date like 2026-12-05"))
        return None


def _number(text: str, field: str, errors: list[FieldError]) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 12:
        errors.append(FieldError(field, "choose from the list"))
        return None
    return int(text)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _patient(
    text: str, uow: UnitOfWork, viewer: Principal, errors: list[FieldError]
) -> tuple[int | None, list[tuple[int, str]]]:
    """The patient filter: a patient's number, or a search of the clinic's patients by name
    or email that must find exactly one (else the error lists up to ten matches to pick)."""
    if not text:
        return None, []
    if text.isdigit():
        return _number(text, "patient", errors), []
    matches = audit_log.find_patients(uow, viewer, text)
    if len(matches) == 1:
        return matches[0][0], []
    if matches:
        errors.append(FieldError("patient", "several patients match: choose one below"))
    else:
        errors.append(FieldError("patient", "no patient of your clinic matches"))
    return None, matches


def read_filter(
    request: Request, uow: UnitOfWork, viewer: Principal
) -> tuple[dict[str, str], audit_log.AuditFilter, list[tuple[int, str]]]:
    """The query string as form values and as a filter, and the patients a search matched
    when it matched several; Invalid names each bad field. Dates are whole days in the
    viewer's clinic zone, both ends included. Actions come from the known list."""
    values = {name: request.query_params.get(name, "").strip()[:100] for name in FIELDS}
    errors: list[FieldError] = []
    person = _number(values["person"], "person", errors)
    patient, matches = _patient(values["patient"], uow, viewer, errors)
    if values["action"] and values["action"] not in KNOWN_ACTIONS:
        errors.append(FieldError("action", "choose from the list"))
    first = _day(values["from"], "from", errors)
    last = _day(values["to"], "to", errors)
    if first and last and last < first:
        errors.append(FieldError("to", "the last day must not be before the first"))
    if errors:
        raise PatientMatches(errors, matches)
    zone = viewer_zone(request)
    flt = audit_log.AuditFilter(
        actor_user_id=person,
        patient_id=patient,
        action=values["action"][:60],
        since=_midnight(first, zone) if first else None,
        until=_midnight(last + timedelta(days=1), zone) if last else None,
    )
    return values, flt, matches


class PatientMatches(Invalid):
    """Invalid filters, with the patients a search matched (to pick one from)."""

    def __init__(self, errors: list[FieldError], matches: list[tuple[int, str]]) -> None:
        super().__init__(errors)
        self.matches = matches


KNOWN_ACTIONS = frozenset([*audit.ACTIONS, *audit.families()])


def _label(action: str) -> str:
    return f"Any {action.removesuffix('.')} action" if action.endswith(".") else action


def _options(choices: audit_log.Choices) -> dict[str, list[dict[str, Any]]]:
    return {
        "people": [{"value": "", "label": "Anyone"}]
        + [{"value": str(i), "label": name} for i, name in choices.people],
        "actions": [{"value": "", "label": "Any action"}]
        + [{"value": a, "label": _label(a)} for a in choices.actions],
    }


@router.get("/audit")
def audit_page(
    request: Request, viewer: AdminViewer, uow: UowDep, cursor: str | None = None
) -> Response:
    errors: dict[str, str] = {}
    entries: list[audit_log.AuditRow] = []
    matches: list[tuple[int, str]] = []
    more = None
    flt = audit_log.AuditFilter()
    try:
        values, flt, matches = read_filter(request, uow, viewer)
        page = audit_log.search(uow, viewer, flt, after=position(request, cursor), limit=AUDIT_PAGE)
        entries, more = page.items, next_path(request, page.after)
    except Invalid as error:
        values = {name: request.query_params.get(name, "")[:100] for name in FIELDS}
        matches = error.matches if isinstance(error, PatientMatches) else []
        for e in error.errors:
            name = e.field.removeprefix("query.")
            errors.setdefault(name if name in FIELDS else "_form", sentence(e.message))
    query = urlencode({k: v for k, v in values.items() if v})
    choices = audit_log.choices(uow, viewer, person_id=flt.actor_user_id, patient_id=flt.patient_id)
    chosen = dict(choices.patients).get(flt.patient_id or 0)
    return render(
        request,
        "clinic/audit.html",
        {
            "title": "Audit log",
            "entries": entries,
            "more": more,
            "form": values,
            "chosen_patient": chosen and {"id": flt.patient_id, "name": chosen},
            "errors": errors,
            "filtered": any(values.values()),
            "csv_href": "/clinic/audit.csv" + (f"?{query}" if query else ""),
            "matches": [
                {
                    "name": name,
                    "href": "/clinic/audit?"
                    + urlencode({**{k: v for k, v in values.items() if v}, "patient": str(i)}),
                }
                for i, name in matches
            ],
            **_options(choices),
        },
        viewer=viewer,
        status_code=422 if errors else 200,
    )


@router.get("/audit.csv")
def audit_csv(request: Request, viewer: AdminViewer, uow: UowDep) -> Response:
    _, flt, _ = read_filter(request, uow, viewer)
    text, truncated = audit_log.export_csv(uow, viewer, flt)
    headers = {
        "Content-Disposition": 'attachment; filename="audit-log.csv"',
        "Cache-Control": "no-store",
    }
    if truncated:
        headers["X-NeedleCare-Truncated"] = str(audit_log.MAX_EXPORT_ROWS)
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
