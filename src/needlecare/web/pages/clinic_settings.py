"""The clinic settings page (admins): name, phone, address, hours, country, and the time an
urgent alert may wait for an acknowledgement, the time zone and the logo."""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from needlecare.knowledge.emergency import emergency_numbers
from needlecare.services import clinic_logo, clinic_settings
from needlecare.services.errors import Invalid
from needlecare.services.photo_decode import PhotoTooLarge
from needlecare.storage.uow import UnitOfWork
from needlecare.web.api.photos import read_upload
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import AdminViewer, CsrfChecked, Viewer
from needlecare.web.pages.forms import FormBody, inline_errors, sentence, text
from needlecare.web.pages.rendering import PageRoute, flash, render
from needlecare.web.security import CSRF_FIELD, CSRF_HEADER, check_csrf

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)


def _countries() -> list[dict[str, str]]:
    options = [{"value": "", "label": "Choose a country"}]
    options += [
        {"value": e.country, "label": f"{e.name} (emergency number {e.number})"}
        for e in sorted(emergency_numbers().values(), key=lambda e: e.name)
    ]
    return options


@cache
def _zones() -> list[dict[str, str]]:
    """IANA zones by region (the old aliases like US/Eastern and Etc/GMT+5 left out)."""
    skip = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith(skip))
    return [{"value": "UTC", "label": "UTC"}] + [
        {"value": n, "label": n.replace("_", " ")} for n in names
    ]


def _reading(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory)


def _page(
    request: Request,
    viewer: Any,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "title": "Clinic settings",
        "form": form,
        "errors": errors or {},
        "COUNTRIES": _countries(),
        "ZONES": _zones(),
        "logo": clinic_logo.logo_of(
            UnitOfWork(request.app.state.session_factory), viewer.clinic_id
        ),
    }
    return render(request, "clinic/settings.html", context, viewer=viewer, status_code=status_code)


@router.get("/settings")
def settings_form(request: Request, viewer: AdminViewer, uow: UowDep) -> Response:
    current = clinic_settings.get_settings(uow, viewer)
    return _page(request, viewer, {**current.__dict__})


@router.post("/settings", dependencies=[CsrfChecked])
def save_settings(request: Request, form: FormBody, viewer: AdminViewer, uow: UowDep) -> Response:
    values: dict[str, Any] = {
        "name": text(form, "name", 300),
        "phone": text(form, "phone", 100),
        "address": text(form, "address", 1100),
        "hours": text(form, "hours", 1100),
        "country": text(form, "country", 5),
        "urgent_ack_minutes": text(form, "urgent_ack_minutes", 10),
        "timezone": text(form, "timezone", 64),
    }
    minutes = values["urgent_ack_minutes"].strip()
    try:
        clinic_settings.update_settings(
            uow,
            viewer,
            clinic_settings.ClinicSettings(
                name=values["name"],
                phone=values["phone"],
                address=values["address"],
                hours=values["hours"],
                country=values["country"],
                urgent_ack_minutes=int(minutes) if minutes.isdigit() else -1,
                timezone=values["timezone"] or None,
            ),
        )
    except Invalid as error:
        return _page(request, viewer, values, inline_errors(error), status_code=422)
    flash(request, "Clinic settings saved. Patients see the new details at once.")
    return RedirectResponse("/clinic/settings", status_code=303)


# --- The clinic's logo ----------------------------------------------------------------------


@router.post("/settings/logo")
async def upload_logo(request: Request, viewer: AdminViewer, uow: UowDep) -> Response:
    """CSRF is checked after the size-limited parse (the token is inside the multipart body)."""
    try:
        form = await read_upload(request)
    except PhotoTooLarge as error:
        return await run_in_threadpool(_logo_refused, request, viewer, uow, error.message, 413)
    except Invalid as error:
        message = error.errors[0].message if error.errors else error.message
        return await run_in_threadpool(_logo_refused, request, viewer, uow, message, 422)
    check_csrf(request, form.fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER))
    try:
        await run_in_threadpool(clinic_logo.set_logo, uow, viewer, form.content or b"")
    except Invalid as error:
        message = error.errors[0].message if error.errors else error.message
        return await run_in_threadpool(_logo_refused, request, viewer, uow, message, 422)
    flash(
        request, "Logo saved. Your patients see it on their pages, the aftercare sheet and emails."
    )
    return RedirectResponse("/clinic/settings#logo-heading", status_code=303)


def _logo_refused(
    request: Request, viewer: Any, uow: UnitOfWork, message: str, status_code: int
) -> Response:
    current = clinic_settings.get_settings(uow, viewer)
    errors = {"logo": sentence(message)}
    return _page(request, viewer, {**current.__dict__}, errors, status_code=status_code)


@router.post("/settings/logo/remove", dependencies=[CsrfChecked])
def remove_logo(request: Request, viewer: AdminViewer, uow: UowDep) -> Response:
    clinic_logo.remove_logo(uow, viewer)
    flash(request, "Logo removed.")
    return RedirectResponse("/clinic/settings#logo-heading", status_code=303)


@router.get("/logo")
def logo(viewer: Viewer, uow: UowDep) -> Response:
    """The viewer's own clinic's logo (staff, or a clinic's patient); 404 if it has none.
    The pages link it with ?v=<its hash>, so a browser may keep it for a day."""
    found = clinic_logo.my_logo(uow, viewer)
    return Response(
        found.png,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
