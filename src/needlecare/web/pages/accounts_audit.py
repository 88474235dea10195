"""The audit log page (admins): who did what to which patient, by name; filters (person,
patient, action, date range in the clinic's zone), a page at a time, and the filtered view
as CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from needlecare.services import audit_log
from needlecare.services.errors import FieldError, Invalid
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


def read_filter(request: Request) -> tuple[dict[str, str], audit_log.AuditFilter]:
    """The query string as form values and as a filter; Invalid names each bad field. Dates
    are whole days in the viewer's clinic zone, both ends included."""
    values = {name: request.query_params.get(name, "").strip()[:100] for name in FIELDS}
    errors: list[FieldError] = []
    person = _number(values["person"], "person", errors)
    patient = _number(values["patient"], "patient", errors)
    first = _day(values["from"], "from", errors)
    last = _day(values["to"], "to", errors)
    if first and last and last < first:
        errors.append(FieldError("to", "the last day must not be before the first"))
    if errors:
        raise Invalid(errors)
    zone = viewer_zone(request)
    flt = audit_log.AuditFilter(
        actor_user_id=person,
        patient_id=patient,
        action=values["action"][:60],
        since=_midnight(first, zone) if first else None,
        until=_midnight(last + timedelta(days=1), zone) if last else None,
    )
    return values, flt


def _options(choices: audit_log.Choices) -> dict[str, list[dict[str, Any]]]:
    return {
        "people": [{"value": "", "label": "Anyone"}]
        + [{"value": str(i), "label": name} for i, name in choices.people],
        "patients": [{"value": "", "label": "Any patient"}]
        + [{"value": str(i), "label": name} for i, name in choices.patients],
        "actions": [{"value": "", "label": "Any action"}]
        + [{"value": a, "label": a} for a in choices.actions],
    }


@router.get("/audit")
def audit_page(
    request: Request, viewer: AdminViewer, uow: UowDep, cursor: str | None = None
) -> Response:
    errors: dict[str, str] = {}
    entries: list[audit_log.AuditRow] = []
    more = None
    try:
        values, flt = read_filter(request)
        page = audit_log.search(uow, viewer, flt, after=position(request, cursor), limit=AUDIT_PAGE)
        entries, more = page.items, next_path(request, page.after)
    except Invalid as error:
        values = {name: request.query_params.get(name, "")[:100] for name in FIELDS}
        for e in error.errors:
            name = e.field.removeprefix("query.")
            errors.setdefault(name if name in FIELDS else "_form", sentence(e.message))
    query = urlencode({k: v for k, v in values.items() if v})
    return render(
        request,
        "clinic/audit.html",
        {
            "title": "Audit log",
            "entries": entries,
            "more": more,
            "form": values,
            "errors": errors,
            "filtered": any(values.values()),
            "csv_href": "/clinic/audit.csv" + (f"?{query}" if query else ""),
            **_options(audit_log.choices(uow, viewer)),
        },
        viewer=viewer,
        status_code=422 if errors else 200,
    )


@router.get("/audit.csv")
def audit_csv(request: Request, viewer: AdminViewer, uow: UowDep) -> Response:
    _, flt = read_filter(request)
    text, truncated = audit_log.export_csv(uow, viewer, flt)
    headers = {
        "Content-Disposition": 'attachment; filename="audit-log.csv"',
        "Cache-Control": "no-store",
    }
    if truncated:
        headers["X-NeedleCare-Truncated"] = str(audit_log.MAX_EXPORT_ROWS)
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
