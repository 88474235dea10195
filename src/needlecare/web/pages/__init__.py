"""HTML pages for patients (phone first) and clinic staff. `create_app` includes `router`
and calls `install(app)` so browsers get friendly error pages for unknown URLs too."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request, Response

from needlecare.web.pages import (
    account,
    accounts,
    accounts_audit,
    accounts_staff,
    auth,
    catalogue,
    clinic,
    clinic_alerts,
    clinic_exports,
    clinic_outcomes,
    clinic_settings,
    clinic_treatments,
    guide,
    label_scan,
    language,
    messages,
    password,
    patient,
    photos,
    product_checker,
    protocols,
    reminders,
    shelf,
)
from needlecare.web.pages.rendering import compile_templates, error_page

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
router.include_router(accounts.router)
router.include_router(patient.router)
router.include_router(product_checker.router)
router.include_router(account.router)
router.include_router(label_scan.router)
router.include_router(shelf.router)
router.include_router(catalogue.router)
router.include_router(clinic.router)
router.include_router(accounts_staff.router)
router.include_router(accounts_audit.router)
router.include_router(clinic_alerts.router)
router.include_router(clinic_outcomes.router)
router.include_router(clinic_settings.router)
router.include_router(clinic_exports.router)
router.include_router(clinic_treatments.router)
router.include_router(messages.router)
router.include_router(reminders.router)
router.include_router(guide.router)
router.include_router(protocols.router)
router.include_router(language.router)
router.include_router(password.router)
router.include_router(photos.router)


def _render_error_page(
    request: Request, status: int, message: str, errors: list[dict[str, str]]
) -> Response:
    return error_page(request, status, message if status in (403, 409) else None)


def install(app: FastAPI) -> None:
    app.state.render_error_page = _render_error_page
    compile_templates()
