"""The staff page: the clinic's staff with roles and last seen (every staff member reads it);
admins also invite a colleague, change a role, deactivate or reactivate a login."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from needlecare.services import invitations, staff
from needlecare.services.errors import Conflict, Invalid
from needlecare.services.pagination import Page
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import AdminViewer, CsrfChecked, StaffViewer
from needlecare.web.pages.forms import FormBody, inline_errors, sentence, text
from needlecare.web.pages.rendering import PageRoute, flash, render
from needlecare.web.pages.vocab import ROLES
from needlecare.web.paging import Cursor, more_path, position

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)

ROLE_LABELS = {"admin": "Admin", "clinician": "Clinician"}
STAFF_PAGE = 100


def _invite_link(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/invite/{token}"


def _members(page: Page[staff.StaffMember], viewer: Principal) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "name": m.display_name,
            "email": m.email,
            "role": m.role.value,
            "role_label": ROLE_LABELS.get(m.role.value, m.role.value),
            "active": m.is_active,
            "last_seen": m.last_seen_at,
            "is_me": m.id == viewer.user_id,
        }
        for m in page.items
    ]


def _page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    issued: dict[str, str] | None = None,
    refused: dict[str, Any] | None = None,
    status_code: int = 200,
    cursor: str | None = None,
) -> Response:
    # A POST's answer shows the page its form was on: every form carries that page's cursor.
    page = staff.staff_page(uow, viewer, after=position(request, cursor), limit=STAFF_PAGE)
    return render(
        request,
        "clinic/staff.html",
        {
            "title": "Staff",
            "members": _members(page, viewer),
            # Built from the list's own path: a POST's answer is not at /clinic/staff.
            "more_url": more_path(request, "/clinic/staff", "cursor", page.after, {}),
            "cursor": cursor,
            "form": form or {"email": "", "role": "clinician"},
            "errors": errors or {},
            "issued": issued,
            "refused": refused or {},  # the row and control whose change was refused
            "ROLES": ROLES,
            "ROLE_LABELS": ROLE_LABELS,
            "manage": viewer.is_admin,  # a clinician sees the list without the controls
        },
        viewer=viewer,
        status_code=status_code,
    )


def _form_cursor(request: Request, form: FormData) -> str | None:
    """The cursor of the page the form was sent from; one not ours is a 422 before any
    change is made."""
    cursor = text(form, "cursor", 500) or None
    position(request, cursor)
    return cursor


def _back(cursor: str | None) -> RedirectResponse:
    query = f"?{urlencode({'cursor': cursor})}" if cursor else ""
    return RedirectResponse(f"/clinic/staff{query}#staff-heading", status_code=303)


@router.get("/staff")
def staff_page(
    request: Request, viewer: StaffViewer, uow: UowDep, cursor: Cursor = None
) -> Response:
    return _page(request, viewer, uow, cursor=cursor)


@router.post("/staff", dependencies=[CsrfChecked])
def invite_staff(request: Request, form: FormBody, viewer: AdminViewer, uow: UowDep) -> Response:
    values = {"email": text(form, "email", 400), "role": text(form, "role", 20)}
    cursor = _form_cursor(request, form)
    try:
        issued = invitations.invite_staff(uow, viewer, values["email"], values["role"])
    except (Invalid, Conflict) as error:
        errors = (
            inline_errors(error)
            if isinstance(error, Invalid)
            else {"email": sentence(error.message)}
        )
        return _page(
            request, viewer, uow, form=values, errors=errors, status_code=422, cursor=cursor
        )
    expires = issued.expires_at
    return _page(
        request,
        viewer,
        uow,
        cursor=cursor,
        issued={
            "email": values["email"].strip().lower(),
            "role": values["role"],
            "link": _invite_link(request, issued.token),
            "expires_label": f"{expires:%a} {expires.day} {expires:%b %Y}",
        },
    )


def _refused(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    user_id: int,
    control: str,
    message: str,
    cursor: str | None,
) -> Response:
    # Shown in the row and next to the control the admin used (the page scrolls to it), on
    # the page the admin was on.
    refused = {"id": user_id, "control": control}
    return _page(
        request,
        viewer,
        uow,
        errors={"staff": message},
        refused=refused,
        status_code=409,
        cursor=cursor,
    )


def _said(error: Conflict) -> str:
    return error.message[:1].upper() + error.message[1:] + "."


@router.post("/staff/{user_id}/role", dependencies=[CsrfChecked])
def change_role(
    request: Request, user_id: int, form: FormBody, viewer: AdminViewer, uow: UowDep
) -> Response:
    cursor = _form_cursor(request, form)
    try:
        member = staff.update(uow, viewer, user_id, role=text(form, "role", 20))
    except Invalid:
        return _refused(request, viewer, uow, user_id, "role", "Choose admin or clinician.", cursor)
    except Conflict as error:
        return _refused(request, viewer, uow, user_id, "role", _said(error), cursor)
    flash(request, f"{member.display_name} is now {ROLE_LABELS[member.role.value].lower()}.")
    return _back(cursor)


@router.post("/staff/{user_id}/active", dependencies=[CsrfChecked])
def set_active(
    request: Request, user_id: int, form: FormBody, viewer: AdminViewer, uow: UowDep
) -> Response:
    active = text(form, "active", 5) == "true"
    cursor = _form_cursor(request, form)
    try:
        member = staff.update(uow, viewer, user_id, active=active)
    except Conflict as error:
        return _refused(request, viewer, uow, user_id, "active", _said(error), cursor)
    if active:
        flash(request, f"{member.display_name} can log in again.")
    else:
        flash(request, f"{member.display_name} is deactivated and was logged out everywhere.")
        if member.released_patients:  # their alerts are back in the queue for anyone
            count = member.released_patients
            whose = "1 patient" if count == 1 else f"{count} patients"
            flash(
                request,
                f"The alerts of {whose} were assigned to {member.display_name}: they are "
                "unassigned now, back in the queue for anyone.",
            )
    if member.id == viewer.user_id:  # an admin who deactivated themself is logged out now
        return RedirectResponse("/login", status_code=303)
    return _back(cursor)
