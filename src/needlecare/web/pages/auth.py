"""Log in, log out, accept an invitation, register for personal use."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.i18n import N_
from needlecare.services import auth, invitations, pages_support
from needlecare.services.errors import Conflict, Invalid, NotFound, Unauthorized
from needlecare.services.passwords import MIN_PASSWORD_LENGTH
from needlecare.services.principal import Principal
from needlecare.services.ratelimit import TooManyAttempts
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, MaybeViewer
from needlecare.web.pages.forms import FormBody, inline_errors, safe_next, text
from needlecare.web.pages.rendering import PageRoute, error_page, flash, render
from needlecare.web.security import login_session, logout_session

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def home_for(principal: Principal) -> str:
    return "/clinic/alerts" if principal.is_staff else "/today"


@router.get("/")
def start(viewer: MaybeViewer) -> Response:
    return RedirectResponse(home_for(viewer) if viewer else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request, viewer: MaybeViewer) -> Response:
    if viewer is not None:
        return RedirectResponse(home_for(viewer), status_code=303)
    return render(
        request,
        "auth/login.html",
        {
            "title": N_("Log in"),
            "form": {"email": ""},
            "next_url": safe_next(request.query_params.get("next")),
        },
    )


@router.post("/login", dependencies=[CsrfChecked])
def login(request: Request, form: FormBody, uow: UowDep) -> Response:
    email, password = text(form, "email", 320), text(form, "password", 1000)
    next_url = safe_next(text(form, "next"))
    errors: dict[str, str] = {}
    retry_after: int | None = None
    if not email.strip():
        errors["email"] = N_("Enter your email address.")
    if not password:
        errors["password"] = N_("Enter your password.")
    if not errors:
        client_ip = request.client.host if request.client else None
        try:
            principal = auth.authenticate(uow, email, password, client_ip)
        except TooManyAttempts as error:  # the same lock as the API: one service, one table
            errors["_form"] = error.message
            retry_after = error.retry_after_s
        except Unauthorized:
            errors["_form"] = N_("That email and password do not match. Check both and try again.")
        else:
            login_session(request, principal)
            return RedirectResponse(next_url or home_for(principal), status_code=303)
    status = 429 if retry_after is not None else 401 if "_form" in errors else 422
    response = render(
        request,
        "auth/login.html",
        {
            "title": N_("Log in"),
            "form": {"email": email},
            "errors": errors,
            "next_url": next_url,
        },
        status_code=status,
    )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    logout_session(request)
    flash(request, N_("You are logged out."))
    return RedirectResponse("/login", status_code=303)


def _form_errors(error: Invalid | Conflict) -> dict[str, str]:
    if isinstance(error, Conflict):
        return {"email": N_("An account with this email already exists. Log in instead.")}
    return inline_errors(error)


@router.get("/register")
def register_form(request: Request, viewer: MaybeViewer) -> Response:
    if viewer is not None:
        return RedirectResponse(home_for(viewer), status_code=303)
    return render(
        request,
        "auth/register.html",
        {
            "title": N_("Create a personal account"),
            "form": {"display_name": "", "email": ""},
            "min_password": MIN_PASSWORD_LENGTH,
        },
    )


@router.post("/register", dependencies=[CsrfChecked])
def register(request: Request, form: FormBody, uow: UowDep) -> Response:
    values = {"display_name": text(form, "display_name", 300), "email": text(form, "email", 400)}
    try:
        principal = invitations.register_personal(
            uow,
            values["email"],
            text(form, "password", 1000),
            values["display_name"],
            request.client.host if request.client else None,
        )
    except (Invalid, Conflict) as error:
        return render(
            request,
            "auth/register.html",
            {
                "title": N_("Create a personal account"),
                "form": values,
                "errors": _form_errors(error),
                "min_password": MIN_PASSWORD_LENGTH,
            },
            status_code=422,
        )
    login_session(request, principal)
    flash(request, f"Welcome, {principal.display_name}.")
    return RedirectResponse("/treatment/new", status_code=303)


def _invitation_page(
    request: Request,
    token: str,
    preview: pages_support.InvitationPreview,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    invitation = {
        "clinic_name": preview.clinic_name,
        "display_name": preview.display_name,
        "email": preview.email,
        "role": preview.role,
        "ask_name": preview.kind == "staff",
        "ask_email": preview.kind == "patient",
    }
    return render(
        request,
        "auth/invite.html",
        {
            "title": N_("Accept your invitation"),
            "invitation": invitation,
            "form": form,
            "errors": errors,
            "action": f"/invite/{token}",
            "min_password": MIN_PASSWORD_LENGTH,
        },
        status_code=status_code,
    )


EXPIRED_LINK = "This invitation link has expired or was already used. Ask your clinic for a new one"


@router.get("/invite/{token}")
def invitation_form(request: Request, token: str, uow: UowDep) -> Response:
    preview = pages_support.preview_invitation(uow, token)
    if preview is None:
        return error_page(request, 404, EXPIRED_LINK)
    form = {"email": preview.email or "", "display_name": ""}
    return _invitation_page(request, token, preview, form, {})


@router.post("/invite/{token}", dependencies=[CsrfChecked])
def accept_invitation(request: Request, token: str, form: FormBody, uow: UowDep) -> Response:
    preview = pages_support.preview_invitation(uow, token)
    if preview is None:
        return error_page(request, 404, EXPIRED_LINK)
    values = {"email": text(form, "email", 400), "display_name": text(form, "display_name", 300)}
    password = text(form, "password", 1000)
    try:
        if preview.kind == "patient":
            principal = invitations.accept_patient_invitation(uow, token, values["email"], password)
        else:
            principal = invitations.accept_staff_invitation(
                uow, token, values["display_name"], password
            )
    except NotFound:
        return error_page(request, 404, EXPIRED_LINK)
    except (Invalid, Conflict) as error:
        return _invitation_page(request, token, preview, values, _form_errors(error), 422)
    login_session(request, principal)
    flash(request, f"Welcome, {principal.display_name}. Your account is ready.")
    return RedirectResponse(
        home_for(principal) if principal.is_staff else "/treatment/new", status_code=303
    )
