"""Password links and clinic sign-up: set a password from a one-time link (a new clinic's
admin, or a reset), ask for a reset by email, and (when the operator allows it) sign up a
new clinic."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.i18n import N_
from needlecare.services import account_links, clinics
from needlecare.services.errors import Conflict, Invalid, NotFound
from needlecare.services.passwords import MIN_PASSWORD_LENGTH
from needlecare.web.deps import UowDep
from needlecare.web.pages.auth import home_for
from needlecare.web.pages.deps import CsrfChecked, MaybeViewer
from needlecare.web.pages.forms import FormBody, inline_errors, text
from needlecare.web.pages.rendering import PageRoute, error_page, flash, render
from needlecare.web.security import login_session

router = APIRouter(route_class=PageRoute, include_in_schema=False)

EXPIRED = (
    "This link has expired or was already used. Ask for a new one from the "
    "'Forgot your password?' page"
)
SENT = (
    "If an account uses that address, we have emailed it a link to set a new password. "
    "The link works once, within an hour."
)


def _no_referrer(response: Response) -> Response:
    # The token is in the URL: it must not travel to another site as a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_page(
    request: Request,
    token: str,
    link: account_links.LinkPreview,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    new_admin = link.purpose == account_links.SET_PASSWORD
    return _no_referrer(
        render(
            request,
            "auth/set_password.html",
            {
                "title": N_("Set your password") if new_admin else "Choose a new password",
                "new_admin": new_admin,
                "link": link,
                "action": f"/account/password/{token}",
                "errors": errors or {},
                "min_password": MIN_PASSWORD_LENGTH,
            },
            status_code=status_code,
        )
    )


@router.get("/account/password/{token}")
def password_link_form(request: Request, token: str, uow: UowDep) -> Response:
    link = account_links.preview(uow, token)
    if link is None:
        return _no_referrer(error_page(request, 404, EXPIRED))
    return _link_page(request, token, link)


@router.post("/account/password/{token}", dependencies=[CsrfChecked])
def use_password_link(request: Request, token: str, form: FormBody, uow: UowDep) -> Response:
    link = account_links.preview(uow, token)
    if link is None:
        return _no_referrer(error_page(request, 404, EXPIRED))
    try:
        principal = account_links.use(uow, token, text(form, "password", 1000))
    except NotFound:
        return _no_referrer(error_page(request, 404, EXPIRED))
    except Invalid as error:
        return _link_page(request, token, link, inline_errors(error), 422)
    login_session(request, principal)
    if link.purpose == account_links.SET_PASSWORD:
        flash(request, f"Welcome, {principal.display_name}. Your clinic is ready.")
        return RedirectResponse("/clinic/settings", status_code=303)
    flash(request, N_("Your new password is set. You were logged out everywhere else."))
    return RedirectResponse(home_for(principal), status_code=303)


def _forgot_page(
    request: Request, email: str, errors: dict[str, str], sent: bool, status_code: int = 200
) -> Response:
    return render(
        request,
        "auth/forgot.html",
        {"title": N_("Forgot your password?"), "form": {"email": email}, "errors": errors,
         "sent": sent},
        status_code=status_code,
    )  # fmt: skip


@router.get("/password/forgot")
def forgot_form(request: Request) -> Response:
    return _forgot_page(request, "", {}, sent=False)


@router.post("/password/forgot", dependencies=[CsrfChecked])
def forgot(request: Request, form: FormBody, uow: UowDep) -> Response:
    email = text(form, "email", 400)
    if not email.strip():
        return _forgot_page(request, email, {"email": "Enter your email address."}, False, 422)
    try:
        account_links.request_reset(uow, email, request.app.state.settings.secret_key)
    except Invalid as error:
        return _forgot_page(request, email, inline_errors(error), False, 422)
    return _forgot_page(request, "", {}, sent=True)


# --- Clinic sign-up (off unless NEEDLECARE_CLINIC_SIGNUP=1) -------------------------------------


def _signup_enabled(request: Request) -> bool:
    return bool(request.app.state.settings.clinic_signup)


def _signup_page(
    request: Request, form: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    return render(
        request,
        "auth/clinic_signup.html",
        {"title": N_("Start NeedleCare for your clinic"), "form": form, "errors": errors,
         "min_password": MIN_PASSWORD_LENGTH},
        status_code=status_code,
    )  # fmt: skip


@router.get("/signup/clinic")
def signup_form(request: Request, viewer: MaybeViewer) -> Response:
    if not _signup_enabled(request):
        return error_page(request, 404)
    if viewer is not None:
        return RedirectResponse(home_for(viewer), status_code=303)
    return _signup_page(request, {"clinic_name": "", "display_name": "", "email": ""}, {})


@router.post("/signup/clinic", dependencies=[CsrfChecked])
def signup(request: Request, form: FormBody, uow: UowDep) -> Response:
    if not _signup_enabled(request):
        return error_page(request, 404)
    values = {
        "clinic_name": text(form, "clinic_name", 300),
        "display_name": text(form, "display_name", 300),
        "email": text(form, "email", 400),
    }
    try:
        principal = clinics.sign_up(
            uow,
            values["clinic_name"],
            values["display_name"],
            values["email"],
            text(form, "password", 1000),
            request.client.host if request.client else None,
        )
    except Invalid as error:
        return _signup_page(request, values, inline_errors(error), 422)
    except Conflict:
        errors = {"email": "An account with this email already exists. Log in instead."}
        return _signup_page(request, values, errors, 422)
    login_session(request, principal)
    flash(request, f"Welcome, {principal.display_name}. Add your clinic's details next.")
    return RedirectResponse("/clinic/settings", status_code=303)
