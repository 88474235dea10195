"""The patient's product checker (GET/POST /products): an ingredient list's verdict for the
day of their course, with their clinic's recommendations. "Scan the label" fills it from a
photo (`label_scan.py`); "Save to my products" is `shelf.py`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response

from needlecare.i18n import N_
from needlecare.services import notes, products
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.services.shelf_photos import SCAN_FIELD
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, PatientViewer
from needlecare.web.pages.forms import FormBody, carried_photo, inline_errors, text
from needlecare.web.pages.patient_course import (
    course_day,
    latest_treatment,
    patient_id,
    patient_today,
)
from needlecare.web.pages.presenters import day_label
from needlecare.web.pages.rendering import PageRoute, render
from needlecare.web.paging import Cursor, more_path, position

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def products_context(
    day: int | None, form: dict[str, str], errors: dict[str, str], report: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "title": N_("Product checker"),
        "day": day,
        "form": form,
        "errors": errors,
        "report": report,
        "recommendations": [],
        "recs_more": None,
        "recs_continued": False,
        "scan": None,  # set by "Scan the label" (pages/label_scan.py)
    }


RECOMMENDATIONS = 20  # the clinic's recommendations per page, newest first


def recommendations_context(
    request: Request, uow: UnitOfWork, viewer: Principal, cursor: str | None = None
) -> dict[str, Any]:
    """The newest recommendations after `cursor`, with an "older" link while more follow."""
    page = notes.recommendation_page(
        uow,
        viewer,
        patient_id(viewer),
        after=position(request, cursor),
        limit=RECOMMENDATIONS,
        newest_first=True,
    )
    return {
        "recommendations": page.items,
        "recs_more": more_path(request, "/products", "cursor", page.after, {}),
        "recs_continued": cursor is not None,
    }


@router.get("/products")
def products_page(
    request: Request, viewer: PatientViewer, uow: UowDep, cursor: Cursor = None
) -> Response:
    context = products_context(course_day(uow, viewer), {"ingredients": "", "day": "0"}, {}, None)
    context.update(recommendations_context(request, uow, viewer, cursor))
    return render(request, "patient/products.html", context, viewer=viewer)


@router.post("/products", dependencies=[CsrfChecked])
def check_products(
    request: Request, form: FormBody, viewer: PatientViewer, uow: UowDep
) -> Response:
    values = {"ingredients": text(form, "ingredients"), "day": text(form, "day", 6) or "0"}
    values[SCAN_FIELD] = carried_photo(form)  # a scan's photo, on to "Save to my products"
    treatment = latest_treatment(uow, viewer)
    today = patient_today(uow, viewer)
    day: int | None = (today - treatment.treatment_date).days if treatment else None
    errors: dict[str, str] = {}
    ask_day = None
    if treatment is None:
        if values["day"].isdigit():
            ask_day = int(values["day"])
        else:
            errors["day"] = N_("Enter a whole number of days, 0 or more.")
    report = None
    if not errors:
        try:
            report = products.check_product(
                uow, viewer, patient_id(viewer), values["ingredients"], day=ask_day, today=today
            )
            resume_day = report.get("verdict", {}).get("resume_day")
            if isinstance(resume_day, int) and resume_day > report["verdict"]["day"]:
                later = products.check_product(
                    uow,
                    viewer,
                    patient_id(viewer),
                    values["ingredients"],
                    day=resume_day,
                    today=today,
                )
                report["resume_status"] = later["verdict"]["status"]
                if treatment is not None:
                    report["resume_label"] = day_label(
                        treatment.treatment_date + timedelta(days=resume_day)
                    )
        except Invalid as error:
            errors = inline_errors(error, lambda f: {"text": "ingredients"}.get(f, f))
            report = None
    status = 422 if errors else 200
    return render(
        request,
        "patient/products.html",
        products_context(day, values, errors, report),
        viewer=viewer,
        status_code=status,
    )
