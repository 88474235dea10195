"""Tenant isolation as a role x endpoint matrix (issue 9).

Every route of the app (every /api/v1 operation and every HTML page, GET and POST) is
called by every actor, against real objects of clinic A: P1's record, treatment, check-in,
alert, note, recommendation, uploaded JPEG, the clinic's protocol version, invitation and
reminder links. `ACCESS` says who is allowed; everyone else must be refused (401 for
anonymous or a revoked token, 403/404 for the others, a login redirect for anonymous page
views). A refused write changes no row and no photo file; no response carries data its
reader may not see (`SECRETS`); no attacker's audit entry touches clinic A. Routes come from
`app.routes`, so a new route without an `ACCESS` entry fails the test.

One seeded database per database kind; cells run reads first, then refused writes (on the
seeded state), then allowed writes (objects a write uses up are made fresh for it, see
`FRESH`), and patients deleting their own data last.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.api_helpers import CALM, FEVER, flat_routes, session_cookie, snapshot, submit
from conftest import SECRET, World, _patient, _person
from needlecare.config import Settings
from needlecare.guide import pages as guide_pages
from needlecare.reports import pdf as report_pdf
from needlecare.services import (
    clinic_logo,
    clinics,
    invitations,
    notes,
    notifications,
    passwords,
    photo_upload,
    protocols,
    ratelimit,
    shelf,
    shelf_photos,
)
from needlecare.services.auth import new_token, principal_for_token
from needlecare.services.notes import RecommendationCreate
from needlecare.services.patients import PatientCreate
from needlecare.services.photo_files import PhotoFiles
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import ApiToken, AuditEntry, Clinic, User
from needlecare.storage.uow import UnitOfWork
from needlecare.web.app import create_app
from needlecare.web.pages import guide as guide_web
from needlecare.web.pages.checkin_form import blank_form
from photos.synthetic import Scene, encode

# --- actors -----------------------------------------------------------------------------------

A_ADMIN, A_CLIN, P1, P2 = "a_admin", "a_clinician", "p1", "p2"
B_ADMIN, B_CLIN, PB = "b_admin", "b_clinician", "b_patient"
ANON, REVOKED = "anonymous", "revoked"
ACTORS = (A_ADMIN, A_CLIN, P1, P2, B_ADMIN, B_CLIN, PB, ANON, REVOKED)
# Actor -> person of the root `world` fixture (anonymous and revoked have no session).
PERSON = {
    A_ADMIN: "alice",
    A_CLIN: "bob",
    P1: "pat",
    P2: "petra",
    B_ADMIN: "charlie",
    B_CLIN: "dana",
    PB: "ruth",
}

EVERYONE = frozenset(ACTORS)
USERS = frozenset(PERSON)
STAFF = frozenset({A_ADMIN, A_CLIN, B_ADMIN, B_CLIN})
ADMINS = frozenset({A_ADMIN, B_ADMIN})
PATIENTS = frozenset({P1, P2, PB})
A_STAFF = frozenset({A_ADMIN, A_CLIN})
P1_CARE = A_STAFF | {P1}  # P1's record: their clinic's staff and P1 themself
ONLY_A_ADMIN = frozenset({A_ADMIN})  # the path names one of A admin's own tokens
ONLY_P1 = frozenset({P1})  # patient pages that take one of P1's ids

# --- who may do what: every route of the app ----------------------------------------------------

API = "/api/v1"
MACHINE_ONLY = {("GET", "/metrics")}
P = API + "/patients/{patient_id}"
PHOTO = P + "/photos/{photo_id}"
ACCESS: dict[tuple[str, str], frozenset[str]] = {
    # API documentation and health
    ("GET", "/openapi.json"): EVERYONE,
    ("GET", "/docs"): EVERYONE,
    ("GET", "/docs/oauth2-redirect"): EVERYONE,
    ("GET", "/redoc"): EVERYONE,
    ("GET", "/health"): EVERYONE,
    # Prometheus metrics: for the machine itself or a scraper with the metrics token; no
    # person's session or API token opens them (tests/api/test_telemetry.py)
    ("GET", "/metrics"): frozenset(),
    # accounts (the body or the link is the credential)
    ("POST", API + "/auth/tokens"): EVERYONE,
    ("GET", API + "/auth/tokens"): USERS,
    ("DELETE", API + "/auth/tokens/{token_id}"): ONLY_A_ADMIN,
    ("GET", API + "/me"): USERS,
    ("POST", API + "/register"): EVERYONE,
    ("POST", API + "/invitations/patient/accept"): EVERYONE,
    ("POST", API + "/invitations/staff/accept"): EVERYONE,
    ("POST", API + "/invitations/staff"): ADMINS,
    ("GET", API + "/clinic/staff"): STAFF,  # each reads their own clinic's; admins change it
    ("PATCH", API + "/clinic/staff/{user_id}"): ONLY_A_ADMIN,  # a clinician of clinic A
    ("POST", API + "/auth/password-reset"): EVERYONE,
    ("POST", API + "/auth/password-reset/confirm"): EVERYONE,
    # the roster and P1's record
    ("GET", API + "/patients"): USERS,
    ("POST", API + "/patients"): STAFF,
    ("GET", P): P1_CARE,
    ("PUT", P): P1_CARE,
    ("POST", P + "/invitations"): A_STAFF,
    ("GET", P + "/treatments"): P1_CARE,
    ("POST", P + "/treatments"): P1_CARE,
    ("GET", P + "/treatments/{treatment_id}/timeline"): P1_CARE,
    ("PUT", P + "/treatments/{treatment_id}"): A_STAFF,
    ("GET", P + "/treatments/{treatment_id}/revisions"): A_STAFF,
    ("GET", P + "/treatments/{treatment_id}/next-session"): P1_CARE,
    ("POST", P + "/checkins"): P1_CARE,
    ("GET", P + "/checkins"): P1_CARE,
    ("GET", P + "/checkins/{checkin_id}"): P1_CARE,
    ("GET", P + "/notes"): A_STAFF,
    ("POST", P + "/notes"): A_STAFF,
    ("GET", P + "/recommendations"): P1_CARE,
    ("POST", P + "/recommendations"): A_STAFF,
    ("POST", P + "/recommendations/check"): A_STAFF,
    ("POST", P + "/ingredient-check"): P1_CARE,
    ("GET", P + "/messages"): P1_CARE,
    ("POST", P + "/messages"): P1_CARE,
    ("POST", P + "/ingredient-scan"): P1_CARE,
    ("GET", P + "/shelf"): P1_CARE,
    ("POST", P + "/shelf"): P1_CARE,
    ("POST", P + "/shelf/with-photo"): P1_CARE,
    ("PUT", P + "/shelf/{product_id}/photo"): P1_CARE,
    ("GET", P + "/shelf/{product_id}/photo"): P1_CARE,
    ("GET", P + "/aftercare-sheet"): P1_CARE,
    ("GET", P + "/report.pdf"): P1_CARE,
    ("GET", P + "/export.json"): P1_CARE,
    ("GET", P + "/export.csv"): P1_CARE,
    ("GET", P + "/fhir"): P1_CARE,
    ("POST", P + "/photos"): P1_CARE,
    ("GET", P + "/photos"): P1_CARE,
    ("GET", P + "/photo-timeline"): P1_CARE,
    ("GET", PHOTO): P1_CARE,
    ("GET", PHOTO + "/image"): P1_CARE,
    ("GET", PHOTO + "/thumbnail"): P1_CARE,
    ("GET", PHOTO + "/overlay"): P1_CARE,
    ("PUT", PHOTO + "/roi"): P1_CARE,
    ("DELETE", PHOTO): P1_CARE,
    # the clinic (each staff member sees their own clinic's)
    ("GET", API + "/alerts"): STAFF,
    ("POST", API + "/alerts/{alert_id}/acknowledge"): A_STAFF,
    ("POST", API + "/alerts/{alert_id}/resolve"): A_STAFF,
    ("GET", API + "/alerts/queue"): STAFF,
    ("GET", API + "/alerts/counts"): STAFF,
    ("POST", API + "/alerts/{alert_id}/assign"): A_STAFF,
    ("GET", API + "/clinic/settings"): STAFF,
    ("PUT", API + "/clinic/settings"): ADMINS,
    ("GET", API + "/audit"): ADMINS,
    ("GET", API + "/clinic/export.csv"): STAFF,
    ("GET", API + "/clinic/export.json"): STAFF,
    ("GET", API + "/clinic/outcomes"): STAFF,
    ("GET", API + "/clinic/research.csv"): ADMINS,
    ("GET", API + "/clinic/research.json"): ADMINS,
    ("GET", API + "/clinic/protocol"): STAFF,
    ("GET", API + "/clinic/catalogue"): STAFF,
    ("POST", API + "/clinic/catalogue"): STAFF,
    ("GET", API + "/clinic/protocol/versions"): STAFF,
    ("PUT", API + "/clinic/protocol"): ADMINS,
    # a patient's own data
    ("GET", API + "/me/export"): PATIENTS,
    ("POST", API + "/me/delete"): PATIENTS,
    ("POST", API + "/me/password"): USERS,  # one's own (a wrong current password: 422)
    # pages: signing in (public)
    ("GET", "/"): EVERYONE,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/register"): EVERYONE,
    ("POST", "/register"): EVERYONE,
    ("GET", "/invite/{token}"): EVERYONE,
    ("POST", "/invite/{token}"): EVERYONE,
    ("GET", "/account/password/{token}"): EVERYONE,
    ("POST", "/account/password/{token}"): EVERYONE,
    ("GET", "/password/forgot"): EVERYONE,
    ("POST", "/password/forgot"): EVERYONE,
    ("GET", "/signup/clinic"): EVERYONE,  # the matrix turns clinic sign-up on
    ("POST", "/signup/clinic"): EVERYONE,
    ("GET", "/reminders/pause/{token}"): EVERYONE,
    ("POST", "/reminders/pause/{token}"): EVERYONE,
    ("POST", "/reminders/resume/{token}"): EVERYONE,
    ("GET", "/guide"): EVERYONE,
    ("GET", "/guide/sources"): EVERYONE,
    ("GET", "/guide/{slug}"): EVERYONE,
    # pages: a patient's own (no id in the path, except one of P1's check-ins)
    ("GET", "/today"): PATIENTS,
    ("GET", "/treatment/new"): PATIENTS,
    ("POST", "/treatment/new"): PATIENTS,
    ("GET", "/checkin"): PATIENTS,
    ("POST", "/checkin"): PATIENTS,
    ("GET", "/checkins/{checkin_id}"): ONLY_P1,
    ("GET", "/products"): PATIENTS,
    ("POST", "/products"): PATIENTS,
    ("GET", "/products/scan"): PATIENTS,
    ("POST", "/products/scan"): PATIENTS,
    ("GET", "/products/mine"): PATIENTS,
    ("POST", "/products/mine"): PATIENTS,
    ("POST", "/products/mine/remove"): PATIENTS,
    ("POST", "/products/mine/{product_id}/photo"): ONLY_P1,
    ("GET", "/products/mine/{product_id}/photo"): ONLY_P1,
    ("GET", "/history"): PATIENTS,
    ("GET", "/messages"): PATIENTS,
    ("POST", "/messages"): PATIENTS,
    ("GET", "/guide/sheet"): PATIENTS,
    ("GET", "/guide/sheet.pdf"): PATIENTS,
    ("GET", "/photos"): PATIENTS,
    ("GET", "/photos/new"): PATIENTS,
    ("POST", "/photos/new"): PATIENTS,
    ("GET", "/account"): PATIENTS,
    ("GET", "/account/download"): PATIENTS,
    ("POST", "/account/reminders"): PATIENTS,
    ("POST", "/account/delete"): PATIENTS,
    # pages: one photo of P1 (the patient or their clinic's staff)
    ("GET", "/photos/{photo_id}"): P1_CARE,
    ("POST", "/photos/{photo_id}/roi"): P1_CARE,
    ("POST", "/photos/{photo_id}/delete"): P1_CARE,
    ("GET", "/photos/{photo_id}/image"): P1_CARE,
    ("GET", "/photos/{photo_id}/thumbnail"): P1_CARE,
    ("GET", "/photos/{photo_id}/overlay"): P1_CARE,
    # pages: the clinic
    ("GET", "/clinic/alerts"): STAFF,
    ("POST", "/clinic/alerts/{alert_id}/acknowledge"): A_STAFF,
    ("POST", "/clinic/alerts/{alert_id}/resolve"): A_STAFF,
    ("POST", "/clinic/alerts/{alert_id}/assign"): A_STAFF,
    ("POST", "/clinic/patients/{patient_id}/messages"): A_STAFF,
    ("GET", "/clinic/settings"): ADMINS,
    ("POST", "/clinic/settings"): ADMINS,
    ("POST", "/clinic/settings/logo"): ADMINS,
    ("POST", "/clinic/settings/logo/remove"): ADMINS,
    # Only clinic A has a logo: its staff and patients see it; clinic B's people get 404.
    ("GET", "/clinic/logo"): A_STAFF | {P1, P2},
    ("GET", "/clinic/patients"): STAFF,
    ("GET", "/clinic/patients/{patient_id}"): A_STAFF,
    ("GET", "/clinic/patients/{patient_id}/checkins/{checkin_id}"): A_STAFF,
    ("POST", "/clinic/patients/{patient_id}/notes"): A_STAFF,
    ("POST", "/clinic/patients/{patient_id}/recommendations"): A_STAFF,
    ("POST", "/clinic/patients/{patient_id}/invite"): A_STAFF,
    ("GET", "/clinic/patients/{patient_id}/sheet"): A_STAFF,
    ("GET", "/clinic/patients/{patient_id}/sheet.pdf"): A_STAFF,
    ("GET", "/clinic/patients/{patient_id}/download/{fmt}"): A_STAFF,
    ("GET", "/clinic/patients/{patient_id}/treatments/new"): A_STAFF,
    ("POST", "/clinic/patients/{patient_id}/treatments/new"): A_STAFF,
    ("GET", "/clinic/patients/{patient_id}/treatments/{treatment_id}"): A_STAFF,
    ("POST", "/clinic/patients/{patient_id}/treatments/{treatment_id}"): A_STAFF,
    ("GET", "/clinic/patients/{patient_id}/photos"): A_STAFF,
    ("GET", "/clinic/patients/{patient_id}/photos/new"): A_STAFF,
    ("POST", "/clinic/patients/{patient_id}/photos/new"): A_STAFF,
    ("GET", "/clinic/invite"): STAFF,
    ("POST", "/clinic/invite"): STAFF,
    ("GET", "/clinic/staff"): STAFF,
    ("POST", "/clinic/staff"): ADMINS,
    ("POST", "/clinic/staff/{user_id}/role"): ONLY_A_ADMIN,
    ("POST", "/clinic/staff/{user_id}/active"): ONLY_A_ADMIN,
    ("GET", "/clinic/audit"): ADMINS,
    ("GET", "/clinic/catalogue"): STAFF,
    ("POST", "/clinic/catalogue"): STAFF,
    ("GET", "/clinic/audit.csv"): ADMINS,
    ("GET", "/clinic/outcomes"): STAFF,
    ("GET", "/clinic/outcomes/research.{fmt}"): ADMINS,
    ("GET", "/clinic/protocol"): STAFF,
    ("GET", "/clinic/protocol/versions/{version}"): A_STAFF,
    ("POST", "/clinic/protocol"): ADMINS,
    # pages: one's own language (issue 22)
    ("GET", "/settings/language"): USERS,
    ("POST", "/settings/language"): USERS,
    ("GET", "/settings/password"): USERS,
    ("POST", "/settings/password"): USERS,
}

# --- what must not leak: marker -> who may see it -------------------------------------------------

SECRETS: dict[str, frozenset[str]] = {
    "ALDER-SECRET-NOTE": A_STAFF,  # a clinician's note on P1
    "Quinn Patient": A_STAFF,  # another patient of clinic A
    "quinn@example.org": A_STAFF,
    "Pat Patient": P1_CARE,
    "pat@example.org": P1_CARE,
    "ALDER-SECRET-PRODUCT": P1_CARE,  # a recommendation for P1
    "ALDER-SECRET-CLINIC": P1_CARE | {P2},  # clinic A's name
    "alice@example.org": A_STAFF,
    "bob@example.org": A_STAFF,
}
# An invitation link shows whom it invites, and to which clinic, to whoever holds it.
LINK_SHOWS = {
    ("GET", "/invite/{token}"): {"ALDER-SECRET-CLINIC"},
    ("POST", "/invite/{token}"): {"ALDER-SECRET-CLINIC"},
}

# --- how each route is called ------------------------------------------------------------------

CSRF = "m" * 43
NEW_PASSWORD = "tenant matrix passphrase 7Q4x"  # long and uncommon: meets the rules
PHOTO_FORM = "multipart"
# Path parameter -> seeded object (see `Seed.ids`), unless `PATH_IDS` names another.
PATH_IDS: dict[tuple[str, str], dict[str, str]] = {
    # P1 has a login: invite quinn, clinic A's patient without one.
    ("POST", P + "/invitations"): {"patient_id": "quinn_id"},
    ("POST", "/clinic/patients/{patient_id}/invite"): {"patient_id": "quinn_id"},
    ("GET", "/reminders/pause/{token}"): {"token": "reminder"},
    ("POST", "/reminders/pause/{token}"): {"token": "reminder"},
    ("POST", "/reminders/resume/{token}"): {"token": "reminder"},
    ("GET", "/account/password/{token}"): {"token": "account_link"},
    ("POST", "/account/password/{token}"): {"token": "account_link"},
}
# Valid bodies, so an allowed write succeeds and a refused one is refused for who sent it.
# "{actor}" and "{past_date}" are filled in; "{...}" of an id too.
JSON_BODIES: dict[tuple[str, str], Any] = {
    ("POST", API + "/auth/tokens"): {"email": "sol@example.org", "password": "sol-password-1"},
    ("POST", API + "/register"): {
        "email": "api-{actor}@example.org",
        "password": NEW_PASSWORD,
        "display_name": "Api {actor}",
    },
    ("POST", API + "/invitations/patient/accept"): {
        "token": "{patient_invite}",
        "email": "joined-{actor}@example.org",
        "password": NEW_PASSWORD,
    },
    ("POST", API + "/invitations/staff/accept"): {
        "token": "{staff_invite}",
        "display_name": "Joiner {actor}",
        "password": NEW_PASSWORD,
    },
    ("POST", API + "/invitations/staff"): {"email": "staff-{actor}@example.org", "role": "admin"},
    ("POST", API + "/patients"): {"display_name": "Roster {actor}"},
    # The same values again: allowed updates keep P1's markers for the later checks.
    ("PUT", P): {"display_name": "Pat Patient", "email": "pat@example.org", "fitzpatrick": 3},
    ("POST", P + "/treatments"): {
        "treatment_date": "{past_date}",
        "depth_mm": 0.5,
        "device": "pen",
    },
    ("PUT", P + "/treatments/{treatment_id}"): {
        "treatment_date": "{past_date}",
        "depth_mm": 0.5,
        "device": "pen",
        "operator": "Operator {actor}",
    },
    ("POST", P + "/checkins"): {"symptoms": CALM},
    ("POST", P + "/notes"): {"body": "note by {actor}"},
    ("POST", P + "/recommendations"): {"product_name": "Balm from {actor}"},
    ("POST", P + "/ingredient-check"): {"text": "Aqua, Glycerin"},
    ("POST", P + "/recommendations/check"): {"inci_text": "Aqua, Retinol", "from_day": 60},
    ("POST", P + "/shelf"): {"name": "Cream {actor}", "inci_text": "Aqua, Glycerin"},
    ("POST", API + "/clinic/catalogue"): {"name": "Balm {actor}", "inci_text": "Aqua, Glycerin"},
    ("PUT", PHOTO + "/roi"): {},  # measure again automatically
    ("POST", API + "/alerts/{alert_id}/resolve"): {"note": "resolved by {actor}"},
    ("POST", P + "/messages"): {"body": "message by {actor}"},
    ("POST", API + "/alerts/{alert_id}/assign"): {"assignee_id": None},
    # Each admin renames their own clinic (clinic A's marker is gone only after the reads).
    ("PUT", API + "/clinic/settings"): {"name": "Clinic of {actor}", "country": "GB"},
    ("PUT", API + "/clinic/protocol"): {
        "schema_version": 1,
        "name": "Protocol of {actor}",
        "version": 1,
        "instructions": [{"text": "Use the balm.", "source": "clinic policy"}],
    },
    ("POST", API + "/me/delete"): {"confirm": "DELETE MY DATA"},
    # Not the current password: nobody's password changes (the sessions of the sweep stay).
    ("POST", API + "/me/password"): {
        "current_password": "not the password of {actor}",
        "new_password": NEW_PASSWORD,
    },
    ("POST", API + "/auth/password-reset"): {"email": "nobody-{actor}@example.org"},
    ("PATCH", API + "/clinic/staff/{user_id}"): {"role": "admin", "is_active": False},
    ("POST", API + "/auth/password-reset/confirm"): {
        "token": "{account_link}",
        "password": NEW_PASSWORD,
    },
}
FORMS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/login"): {"email": "sol@example.org", "password": "sol-password-1"},
    ("POST", "/register"): {
        "display_name": "Web {actor}",
        "email": "web-{actor}@example.org",
        "password": NEW_PASSWORD,
    },
    ("POST", "/invite/{token}"): {
        "display_name": "Web joiner {actor}",
        "password": NEW_PASSWORD,
    },
    ("POST", "/treatment/new"): {
        "treatment_date": "{past_date}",
        "depth_mm": "0.5",
        "device": "pen",
        "areas": "face",
        "fitzpatrick": "3",
        "acne_prone": "false",
    },
    ("POST", "/checkin"): {**blank_form(), "idempotency_key": "web-{actor}"},
    ("POST", "/products"): {"ingredients": "Aqua, Glycerin", "day": "0"},
    ("POST", "/photos/new"): {PHOTO_FORM: True},
    ("POST", "/products/scan"): {PHOTO_FORM: True},
    ("POST", "/products/mine"): {"name": "Web cream {actor}", "ingredients": "Aqua, Glycerin"},
    ("POST", "/products/mine/remove"): {"product_id": "999999"},
    ("POST", "/products/mine/{product_id}/photo"): {PHOTO_FORM: True},
    ("POST", "/clinic/patients/{patient_id}/photos/new"): {PHOTO_FORM: True},
    ("POST", "/photos/{photo_id}/roi"): {"measure": "auto"},
    ("POST", "/photos/{photo_id}/delete"): {"confirm": "yes"},
    ("POST", "/clinic/alerts/{alert_id}/resolve"): {"note": "resolved by {actor}"},
    ("POST", "/clinic/alerts/{alert_id}/assign"): {"assignee_id": ""},
    ("POST", "/clinic/patients/{patient_id}/messages"): {"message": "web message by {actor}"},
    ("POST", "/messages"): {"message": "web message by {actor}"},
    ("POST", "/clinic/settings"): {"name": "Web clinic of {actor}", "urgent_ack_minutes": "30"},
    ("POST", "/clinic/settings/logo"): {PHOTO_FORM: True},
    ("POST", "/clinic/patients/{patient_id}/notes"): {"body": "web note by {actor}"},
    ("POST", "/clinic/patients/{patient_id}/recommendations"): {"product_name": "Web {actor}"},
    ("POST", "/clinic/invite"): {"display_name": "Invited by {actor}", "email": ""},
    ("POST", "/clinic/staff"): {"email": "web-staff-{actor}@example.org", "role": "clinician"},
    ("POST", "/clinic/catalogue"): {"name": "Web balm {actor}", "ingredients": "Aqua, Glycerin"},
    ("POST", "/clinic/protocol"): {"name": "Web protocol {actor}"},
    ("POST", "/account/reminders"): {"local_time": "08:30", "paused": "false"},
    ("POST", "/clinic/patients/{patient_id}/treatments/new"): {
        "treatment_date": "{past_date}",
        "depth_mm": "0.5",
        "device": "pen",
        "areas": "face",
        "operator": "Web {actor}",
    },
    ("POST", "/clinic/patients/{patient_id}/treatments/{treatment_id}"): {
        "treatment_date": "{past_date}",
        "depth_mm": "0.75",
        "device": "pen",
        "areas": "face",
        "operator": "Edited by {actor}",
    },
    # Not the confirmation word: POST /me/delete deletes the patients last (once each).
    ("POST", "/account/delete"): {"confirm": "not yet"},
    ("POST", "/account/password/{token}"): {"password": NEW_PASSWORD},
    ("POST", "/password/forgot"): {"email": "nobody-{actor}@example.org"},
    ("POST", "/clinic/staff/{user_id}/role"): {"role": "admin"},
    ("POST", "/clinic/staff/{user_id}/active"): {"active": "false"},
    ("POST", "/signup/clinic"): {
        "clinic_name": "Clinic {actor}",
        "display_name": "Signer {actor}",
        "email": "signup-{actor}@example.org",
        "password": NEW_PASSWORD,
    },
    ("POST", "/settings/language"): {"language": "en"},
    ("POST", "/settings/password"): {
        "current_password": "not the password of {actor}",
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    },
}
FILE_UPLOADS = {
    ("POST", P + "/photos"),
    ("POST", P + "/ingredient-scan"),
    ("PUT", P + "/shelf/{product_id}/photo"),
    ("POST", P + "/shelf/with-photo"),
}
# The other fields of a file upload that takes more than the file. The name is its own: the
# shelf refuses a second product of one name, and POST .../shelf has added "Cream {actor}".
UPLOAD_FIELDS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", P + "/shelf/with-photo"): {
        "name": "Photographed cream {actor}",
        "inci_text": "Aqua, Glycerin",
    },
}
# Routes that read an ingredient label get a photo of one (issue 21's test photos).
LABEL_ROUTES = {("POST", P + "/ingredient-scan"), ("POST", "/products/scan")}
LABEL_PHOTO = Path(__file__).parents[1] / "ocr" / "photos" / "clean_bland_moisturiser.jpg"
# Allowed writes that use their object up get a fresh one (`Seed.fresh`); refused writes
# always aim at the seeded object.
FRESH: dict[tuple[str, str], str] = {
    ("POST", API + "/alerts/{alert_id}/acknowledge"): "alert",
    ("POST", API + "/alerts/{alert_id}/resolve"): "alert",
    ("POST", "/clinic/alerts/{alert_id}/acknowledge"): "alert",
    ("POST", "/clinic/alerts/{alert_id}/resolve"): "alert",
    ("DELETE", PHOTO): "photo",
    ("POST", "/photos/{photo_id}/delete"): "photo",
    ("POST", API + "/invitations/patient/accept"): "patient_invite",
    ("POST", API + "/invitations/staff/accept"): "staff_invite",
    ("POST", "/invite/{token}"): "page_invite",
    ("POST", API + "/auth/password-reset/confirm"): "account_link",
    ("POST", "/account/password/{token}"): "account_link",
    # A colleague of clinic A made for the call: bob (the seeded target) stays as he is.
    ("PATCH", API + "/clinic/staff/{user_id}"): "staff_member",
    ("POST", "/clinic/staff/{user_id}/role"): "staff_member",
    ("POST", "/clinic/staff/{user_id}/active"): "staff_member",
}
# Allowed, and answered with this status (not a 2xx or 3xx) by design.
ALLOWED_STATUS = {
    ("POST", "/account/delete"): 422,  # a wrong confirmation deletes nothing
    ("POST", "/settings/password"): 422,  # a wrong current password changes nothing
    ("POST", API + "/me/password"): 422,
}
LAST = {("POST", API + "/me/delete")}  # patients delete their own data after everything else


def fast_hashing_and_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at full cost (~60 public sign-ins and sign-ups) and WeasyPrint layout (~1 s a
    document) say nothing about who may call a route. The stand-ins keep the report's HTML
    and the sheet's data readable, so the leak check sees what a PDF would show."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    monkeypatch.setattr(report_pdf, "html_to_pdf", lambda html: html.encode())
    monkeypatch.setattr(
        guide_web, "render_sheet_pdf", lambda sheet, logo=None, **_: repr(sheet).encode()
    )


def photo_bytes(seed: int) -> bytes:
    """A real JPEG of skin on a wall; each seed gives other bytes (no de-duplication)."""
    scene = Scene(width=480, height=360, skin_box=(80, 60, 320, 240), noise=1.5, seed=seed)
    return encode(scene.rgb(), "JPEG", quality=90)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The root fixture's settings with clinic sign-up on: its routes are swept like any."""
    return Settings(
        data_dir=tmp_path, database_url=database_url, secret_key=SECRET, clinic_signup=True
    )


# --- the seeded world -------------------------------------------------------------------------


@dataclass
class Seed:
    world: World
    uow: UnitOfWork
    data_dir: Path
    ids: dict[str, str]
    photo: bytes
    revoked_token: str
    counter: int = 0

    def fresh(self, kind: str, actor: str) -> dict[str, str]:
        self.counter += 1
        bob = principal_for_token(self.uow, self.world.bob.token)
        alice = principal_for_token(self.uow, self.world.alice.token)
        if kind == "alert":
            outcome = submit(self.uow, self.world, "bob", "pat", FEVER)
            return {"alert_id": str(outcome.alert_id)}
        if kind == "photo":
            upload = photo_upload.PhotoUpload(photo_bytes(100 + self.counter))
            done = photo_upload.upload_photo(
                self.uow, bob, self.world.patients["pat"], upload, files=PhotoFiles(self.data_dir)
            )
            return {"photo_id": str(done.photo.id)}
        if kind == "patient_invite":
            create = PatientCreate(display_name=f"Invitee {actor}")
            _, issued = invitations.invite_new_patient(self.uow, alice, create)
            return {"patient_invite": issued.token}
        if kind == "staff_member":
            with self.uow:
                member = User(
                    email=f"member-{actor}-{self.counter}@example.org",
                    password_hash="unusable",
                    role=Role.CLINICIAN,
                    clinic_id=self.world.alder_id,
                    display_name=f"Member {self.counter}",
                )
                self.uow.session.add(member)
                self.uow.flush()
                self.uow.commit()
                return {"user_id": str(member.id)}
        if kind == "account_link":  # a new clinic's admin link: nobody else's password changes
            made = clinics.create_clinic(self.uow, f"Fresh {actor}", f"fresh-{self.counter}@x.org")
            assert made.link is not None
            return {"token": made.link.token, "account_link": made.link.token}
        email = f"invited-{actor}-{self.counter}@example.org"
        issued = invitations.invite_staff(self.uow, alice, email, "clinician")
        return {"staff_invite" if kind == "staff_invite" else "token": issued.token}


def seed(uow: UnitOfWork, world: World, data_dir: Path) -> Seed:
    """Clinic A (alder) gets one of everything a path can name; the root `world` adds the
    people (P2, a clinic-B clinician and patient here) and their API tokens."""
    with uow:
        petra = _person(uow, world, "petra", Role.PATIENT, world.alder_id)
        _patient(uow, world, "petra", world.alder_id, petra)
        _person(uow, world, "dana", Role.CLINICIAN, world.birch_id)
        ruth = _person(uow, world, "ruth", Role.PATIENT, world.birch_id)
        _patient(uow, world, "ruth", world.birch_id, ruth)
        revoked, digest = new_token()
        row = ApiToken(
            user_id=world.alice.user_id, token_hash=digest, name="old", revoked_at=utcnow()
        )
        uow.session.add(row)
        clinic = uow.session.get(Clinic, world.alder_id)
        assert clinic is not None
        clinic.name = "ALDER-SECRET-CLINIC"  # a name no page could contain by chance
        probe = uow.session.get(User, world.sol.user_id)  # the login the public routes use
        assert probe is not None
        probe.password_hash = passwords.hash_password(world.sol.password)
        uow.commit()
        token_id = row.id
    bob = principal_for_token(uow, world.bob.token)
    alice = principal_for_token(uow, world.alice.token)
    pat = world.patients["pat"]
    notes.add_note(uow, bob, pat, "ALDER-SECRET-NOTE")
    notes.add_recommendation(uow, bob, pat, RecommendationCreate("ALDER-SECRET-PRODUCT"))
    alert = submit(uow, world, "bob", "pat", FEVER)
    jpeg = photo_bytes(1)
    upload = photo_upload.upload_photo(
        uow, bob, pat, photo_upload.PhotoUpload(jpeg), files=PhotoFiles(data_dir)
    )
    document = fill(JSON_BODIES[("PUT", API + "/clinic/protocol")], {"actor": "alder"})
    protocol = protocols.save(uow, alice, document)
    clinic_logo.set_logo(uow, alice, jpeg)
    kept = shelf.add_product(
        uow, bob, pat, shelf.ShelfProductCreate("ALDER shelf serum", "Aqua, Glycerin")
    )
    product_id = kept.id
    shelf_photos.keep_photo(uow, bob, pat, product_id, jpeg)
    _, invite = invitations.invite_new_patient(uow, alice, PatientCreate("Ivy Invitee"))
    gamma = clinics.create_clinic(uow, "Gamma Clinic", "gina@gamma.example")
    assert gamma.link is not None
    ids = {
        "patient_id": str(pat),
        "quinn_id": str(world.patients["quinn"]),
        "treatment_id": str(world.treatments["pat"]),
        "checkin_id": str(alert.checkin.id),
        "alert_id": str(alert.alert_id),
        "photo_id": str(upload.photo.id),
        "product_id": str(product_id),
        "version": str(protocol.version),
        "token_id": str(token_id),  # A admin's revoked token: only A admin may name it
        "token": invite.token,
        "reminder": notifications.pause_token(SECRET, world.treatments["pat"]),
        "slug": guide_pages()[0].slug,
        "past_date": (date.today() - timedelta(days=30)).isoformat(),
        "patient_invite": "inv_unused",
        "staff_invite": "inv_unused",
        "fmt": "json",  # the patient page's downloads
        "account_link": gamma.link.token,
        "user_id": str(world.bob.user_id),  # clinic A's clinician
    }
    return Seed(world, uow, data_dir, ids, jpeg, revoked)


# --- calling a route as an actor ------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    actor: str
    method: str
    path: str

    @property
    def route(self) -> tuple[str, str]:
        return self.method, self.path

    @property
    def allowed(self) -> bool:
        return self.actor in ACCESS[self.route]

    @property
    def is_page(self) -> bool:
        return not self.path.startswith(API)

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    def phase(self) -> int:
        """Reads, then refused writes (seeded state), then allowed writes, then deletions."""
        if not self.writes:
            return 0
        if not self.allowed:
            return 1
        return 3 if self.route in LAST else 2


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format_map(ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def call(client: TestClient, seed: Seed, cell: Cell) -> httpx.Response:
    ids = {**seed.ids, "actor": cell.actor}
    ids.update({k: seed.ids[v] for k, v in PATH_IDS.get(cell.route, {}).items()})
    if cell.allowed and cell.route in FRESH:
        ids.update(seed.fresh(FRESH[cell.route], cell.actor))
    url = re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], cell.path)
    client.cookies.clear()
    headers: dict[str, str] = {}
    session: dict[str, Any] = {"csrf": CSRF}  # an attacker's own, valid CSRF token
    if cell.actor in PERSON:
        person = getattr(seed.world, PERSON[cell.actor])
        headers = person.headers
        session["uid"] = person.user_id
        # As a fresh login records it: the sweep's own POST /logout ends earlier sessions.
        with client.app.state.session_factory() as db:  # type: ignore[attr-defined]
            session["gen"] = db.scalar(
                select(User.session_generation).where(User.id == person.user_id)
            )
    elif cell.actor == REVOKED:
        headers = {"Authorization": f"Bearer {seed.revoked_token}"}
    for name, value in session_cookie(SECRET, session).items():
        client.cookies.set(name, value)
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
    photo = LABEL_PHOTO.read_bytes() if cell.route in LABEL_ROUTES else seed.photo
    if cell.route in FILE_UPLOADS:
        kwargs["files"] = {"file": ("photo.jpg", photo, "image/jpeg")}
        kwargs["data"] = fill(UPLOAD_FIELDS.get(cell.route, {}), ids)
    elif cell.is_page and cell.writes:
        form = fill(FORMS.get(cell.route, {}), ids)
        if form.pop(PHOTO_FORM, False):
            kwargs["files"] = {"file": ("photo.jpg", photo, "image/jpeg")}
        kwargs["data"] = {**form, "csrf_token": CSRF}
    elif cell.route in JSON_BODIES:
        kwargs["json"] = fill(JSON_BODIES[cell.route], ids)
    return client.request(cell.method, url, **kwargs)


def verdict(cell: Cell, response: httpx.Response) -> str | None:
    """Why the response is wrong for the cell, or None."""
    status, location = response.status_code, response.headers.get("location", "")
    if cell.allowed:
        if status >= 400 and status != ALLOWED_STATUS.get(cell.route):
            return f"allowed but got {status}"
        if cell.actor in PERSON and not cell.writes and location.startswith("/login"):
            return "allowed but sent to the login page"
        return None
    if cell.route in MACHINE_ONLY:
        ok = status == 403  # whoever the actor is: not loopback, no metrics token
    elif cell.actor in (ANON, REVOKED):
        if cell.is_page and not cell.writes:
            ok = status == 303 and location.startswith("/login")
        else:
            ok = status == 401
    else:
        ok = status in (403, 404)
    return None if ok else f"refused, yet got {status} {location}".rstrip()


def leaks(cell: Cell, response: httpx.Response) -> list[str]:
    shown = LINK_SHOWS.get(cell.route, set())
    return [
        marker
        for marker, readers in SECRETS.items()
        if cell.actor not in readers and marker not in shown and marker.encode() in response.content
    ]


State = tuple[dict[str, set[tuple[Any, ...]]], list[str]]


def state(seed: Seed) -> State:
    """Every row (but the audit log) and every photo file."""
    folder = seed.data_dir / "photos"
    files = sorted(str(p) for p in folder.rglob("*")) if folder.exists() else []
    return snapshot(seed.uow), files


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [r for r in flat_routes(app) if not r[1].startswith("/static")]


def cells(app: FastAPI) -> Iterator[Cell]:
    routes = app_routes(app)
    assert set(routes) <= ACCESS.keys(), "routes missing from ACCESS"
    ordered = [Cell(actor, m, p) for m, p in routes for actor in ACTORS]
    yield from sorted(ordered, key=Cell.phase)  # stable: route order, then actor order


def attacker_audit(seed: Seed) -> list[str]:
    """Audit entries of the attackers that name clinic A or P1 (reads and writes alike)."""
    w = seed.world
    outsiders = {getattr(w, PERSON[a]).user_id for a in (B_ADMIN, B_CLIN, PB)}
    alder_patients = {w.patients["pat"], w.patients["quinn"], w.patients["petra"]}
    with seed.uow:
        rows = seed.uow.session.execute(
            select(AuditEntry.actor_user_id, AuditEntry.action, AuditEntry.clinic_id,
                   AuditEntry.patient_id)
        ).all()  # fmt: skip
    found = []
    for user_id, action, clinic_id, patient_id in rows:
        if user_id in outsiders and (clinic_id == w.alder_id or patient_id in alder_patients):
            found.append(f"user {user_id}: {action} on clinic {clinic_id} patient {patient_id}")
        if user_id == w.petra.user_id and patient_id == w.patients["pat"]:
            found.append(f"P2: {action} on P1")
    return found


# --- the tests --------------------------------------------------------------------------------


def test_every_route_has_a_matrix_entry(tmp_path: Path) -> None:
    """A new route must say who may call it before it can ship; a removed one leaves no row."""
    settings = Settings(
        data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/unused.db", secret_key=SECRET
    )
    routes = set(app_routes(create_app(settings)))
    assert routes - ACCESS.keys() == set(), "routes missing from ACCESS"
    assert ACCESS.keys() - routes == set(), "ACCESS names routes that do not exist"
    tables = (
        JSON_BODIES,
        FORMS,
        UPLOAD_FIELDS,
        PATH_IDS,
        FRESH,
        LINK_SHOWS,
        ALLOWED_STATUS,
        dict.fromkeys(LAST),
    )
    for table in tables:
        assert set(table) <= routes, set(table) - routes


def test_role_endpoint_matrix(
    app: FastAPI,
    client: TestClient,
    uow: UnitOfWork,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast_hashing_and_pdfs(monkeypatch)
    # The sweep registers from one address far more often than a person would.
    monkeypatch.setattr(ratelimit, "REGISTER_IP_LIMIT", 1_000_000)
    seeded = seed(uow, world, app.state.settings.data_dir)
    problems: list[str] = []
    before: State | None = None  # rows and files before the next refused write
    count = 0
    for cell in cells(app):
        if cell.writes and not cell.allowed and before is None:
            before = state(seeded)
        response = call(client, seeded, cell)
        count += 1
        where = f"{cell.actor:11} {cell.method} {cell.path} -> {response.status_code}"
        if (problem := verdict(cell, response)) is not None:
            problems.append(f"{where}: {problem}")
        if found := leaks(cell, response):
            problems.append(f"{where}: leaks {found}")
        if cell.writes and not cell.allowed:
            after = state(seeded)
            if after != before:
                changed = [t for t in after[0] if after[0][t] != before[0][t]]
                files = after[1] != before[1]
                problems.append(f"{where}: refused write changed {changed} files={files}")
            before = after
        elif cell.writes or cell.allowed:
            before = None  # an allowed call may change rows: take a new baseline
    problems += attacker_audit(seeded)
    assert count == len(ACCESS) * len(ACTORS)
    assert not problems, f"{len(problems)} of {count} cells wrong:\n" + "\n".join(problems)
