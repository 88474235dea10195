"""The clinic's aftercare protocol (issue 8): staff read it, admins save a new version.

The form edits, per waiting window and depth band, a later resume day or a longer caution, the
reason, and the clinic's own instructions; or takes a whole protocol file (TOML). The rules
(only tighten, never touch red flags) are `needlecare.guide.validate_protocol`'s, shown inline.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from needlecare.guide.pages import BAND_NAMES
from needlecare.i18n import N_
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window, windows
from needlecare.services import protocols
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.storage.models import ClinicProtocol
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import AdminViewer, CsrfChecked, StaffViewer
from needlecare.web.pages.forms import FormBody, inline_errors, sentence, text
from needlecare.web.pages.rendering import PageRoute, add_nav_item, flash, render

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)
add_nav_item("staff", "/clinic/protocol", N_("Protocol"), "book")
FIELDS = {"resume": "resume_day", "caution": "caution_until"}
BLANK_INSTRUCTIONS = 2
MAX_INSTRUCTIONS = 30
DEFAULT_NAME = "Our aftercare protocol"


def error_key(field: str) -> str:
    """A protocol error's field -> the id of the form row that shows it."""
    if field.startswith("windows."):
        return "window-" + field.split(".")[1]
    if field.startswith("instructions"):
        index = re.search(r"\d+", field)
        return f"instruction-{index[0] if index else 0}"
    if field in ("name", "document"):
        return field
    return "_form"


def _band_days(days: Any) -> dict[str, int]:
    if isinstance(days, int):
        return {band.value: days for band in Band}
    return dict(days) if isinstance(days, dict) else {}


def _window_rows(document: dict[str, Any], form: FormData | None) -> list[dict[str, Any]]:
    """One row per window: defaults (placeholders) and what the protocol sets (values)."""
    overrides = document.get("windows") or {}
    rows = []
    for window in sorted(windows().values(), key=lambda w: (w.kind, w.label.lower())):
        override = overrides.get(window.name) or {}
        row: dict[str, Any] = {
            "name": window.name,
            "kind": window.kind,
            "label": window.label,
            "has_caution": bool(window.caution_until_days or "caution_until" in override),
            "reason": override.get("reason", ""),
        }
        for prefix, key in FIELDS.items():
            values = _band_days(override.get(key, {}))
            row[prefix] = [
                {
                    "band": band.value,
                    "field": f"{prefix}.{window.name}.{band.value}",
                    "default": _default(window, prefix, band),
                    "value": str(values.get(band.value, "")),
                }
                for band in Band
            ]
        if form is not None:
            row["reason"] = text(form, f"reason.{window.name}", 300)
            for prefix in FIELDS:
                for cell in row[prefix]:
                    cell["value"] = text(form, cell["field"], 10).strip()
        rows.append(row)
    return rows


def _default(window: Window, prefix: str, band: Band) -> int:
    return window.resume_day(band) if prefix == "resume" else window.caution_until(band)


def _instruction_rows(document: dict[str, Any], form: FormData | None) -> list[dict[str, str]]:
    saved = [i for i in document.get("instructions") or [] if isinstance(i, dict)]
    rows = [{"text": str(i.get("text", "")), "source": str(i.get("source", ""))} for i in saved]
    rows += [{"text": "", "source": ""} for _ in range(BLANK_INSTRUCTIONS)]
    if form is not None:
        count = min(MAX_INSTRUCTIONS, len(form.getlist("instruction_text")))
        texts, sources = form.getlist("instruction_text"), form.getlist("instruction_source")
        rows = [
            {"text": str(texts[i]), "source": str(sources[i]) if i < len(sources) else ""}
            for i in range(count)
        ]
    return rows


def _context(
    viewer: Principal,
    row: ClinicProtocol | None,
    history: list[ClinicProtocol],
    *,
    form: FormData | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    document = dict(row.document) if row else {}
    return {
        "title": "Aftercare protocol",
        "can_edit": viewer.is_admin,
        "current": row,
        "current_at": row.created_at if row else None,
        "name": text(form, "name", 120) if form is not None else document.get("name", DEFAULT_NAME),
        "document_text": text(form, "document") if form is not None else "",
        "rows": _window_rows(document, form),
        "instructions": _instruction_rows(document, form),
        "bands": [{"value": b.value, "label": BAND_NAMES[b]} for b in Band],
        "history": [{"version": h.version, "created_at": h.created_at} for h in history],
        "errors": errors or {},
    }


def _page(
    request: Request, viewer: Principal, uow: UnitOfWork, status_code: int = 200, **kw: Any
) -> Response:
    row = protocols.current(uow, viewer)
    history = list(protocols.versions(uow, viewer))
    context = _context(viewer, row, history, **kw)
    return render(request, "guide/protocol.html", context, viewer=viewer, status_code=status_code)


@router.get("/protocol")
def protocol_page(request: Request, viewer: StaffViewer, uow: UowDep) -> Response:
    return _page(request, viewer, uow)


@router.get("/protocol/versions/{version}")
def protocol_version(request: Request, version: int, viewer: StaffViewer, uow: UowDep) -> Response:
    row = protocols.get_version(uow, viewer, version)
    context = {
        "title": f"Aftercare protocol, version {row.version}",
        "row": row,
        "created_at": row.created_at,
        "rows": [r for r in _window_rows(dict(row.document), None) if _is_set(r)],
    }
    return render(request, "guide/protocol_version.html", context, viewer=viewer)


def _is_set(row: dict[str, Any]) -> bool:
    return any(cell["value"] for prefix in FIELDS for cell in row[prefix])


def _document_from_form(form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """The protocol document the form describes; errors for cells that are not day numbers.
    A pasted protocol file, when given, replaces the fields."""
    errors: dict[str, str] = {}
    pasted = text(form, "document").strip()
    if pasted:
        try:
            return tomllib.loads(pasted), errors
        except tomllib.TOMLDecodeError as error:
            return {}, {"document": sentence(f"this is not a TOML protocol file: {error}")}
    document: dict[str, Any] = {
        "schema_version": 1,
        "name": text(form, "name", 120).strip() or DEFAULT_NAME,
        "version": 1,  # the service assigns the real number
    }
    overrides: dict[str, dict[str, Any]] = {}
    for window in windows():
        override: dict[str, Any] = {}
        for prefix, key in FIELDS.items():
            days: dict[str, int] = {}
            for band in Band:
                raw = text(form, f"{prefix}.{window}.{band.value}", 10).strip()
                if not raw:
                    continue
                if not raw.isdigit() or int(raw) > 365:
                    errors[f"window-{window}"] = "Enter days as whole numbers from 0 to 365."
                    continue
                days[band.value] = int(raw)
            if days:
                override[key] = days
        reason = text(form, f"reason.{window}", 300).strip()
        if override:
            if reason:
                override["reason"] = reason
            overrides[window] = override
    if overrides:
        document["windows"] = overrides
    instructions = [
        {"text": item["text"].strip(), "source": item["source"].strip() or "clinic policy"}
        for item in _instruction_rows({}, form)
        if item["text"].strip()
    ]
    if instructions:
        document["instructions"] = instructions
    return document, errors


@router.post("/protocol", dependencies=[CsrfChecked])
def save_protocol(request: Request, form: FormBody, viewer: AdminViewer, uow: UowDep) -> Response:
    document, errors = _document_from_form(form)
    if not errors:
        try:
            row = protocols.save(uow, viewer, document)
        except Invalid as error:
            errors = inline_errors(error, error_key)
        else:
            flash(request, f"Protocol saved as version {row.version}. Patients' sheets use it now.")
            return RedirectResponse("/clinic/protocol", status_code=303)
    return _page(request, viewer, uow, status_code=422, form=form, errors=errors)
