"""The warning-sign questions start unanswered (outside tester's finding 12): a patient who
scrolls past them has not said "No". Each needs Yes or No, or "none of the other warning signs"
ticked; next to a Yes, one left unanswered is missing information (kept, raises the level)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import Checkin
from needlecare.web.pages.checkin_questions import RED_FLAG_QUESTIONS

from .conftest import login, post_form
from .seed import World

WARNING_SIGNS = [q["name"] for q in RED_FLAG_QUESTIONS]
# What the form sends when nothing was touched: the scores, and its marker.
UNTOUCHED = {"redness": "1", "swelling": "0", "pain": "2", "itch": "0", "warning_signs_asked": "1"}


def _checked(page: str, name: str) -> str | None:
    found = re.search(rf'name="{name}" value="([^"]*)"\s*checked', page)
    return found.group(1) if found else None


def _stored(app: FastAPI) -> list[Checkin]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(Checkin)))


def test_the_form_starts_with_every_warning_sign_unanswered(
    client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    page = client.get("/checkin").text
    assert len(WARNING_SIGNS) > 10
    assert {name: _checked(page, name) for name in WARNING_SIGNS} == dict.fromkeys(WARNING_SIGNS)
    assert _checked(page, "flaking") == "false"  # the common, expected signs keep "No"
    assert 'name="warning_signs_asked" value="1"' in page and 'name="no_warning_signs"' in page


def test_scrolling_past_the_warning_signs_is_not_no(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    refused = post_form(client, "/checkin", "/checkin", {**UNTOUCHED, "idempotency_key": "a"})
    assert refused.status_code == 422 and _stored(app) == []
    assert 'id="fever-error"' in refused.text and 'id="breathing_difficulty-error"' in refused.text
    assert "Choose Yes or No, or tick" in refused.text
    assert _checked(refused.text, "fever") is None and _checked(refused.text, "redness") == "1"

    none = {**UNTOUCHED, "no_warning_signs": "1", "idempotency_key": "b"}
    assert post_form(client, "/checkin", "/checkin", none).status_code == 303
    (checkin,) = _stored(app)
    assert checkin.level.value == "expected" and "field_errors" not in checkin.triage_result

    one_no = {**UNTOUCHED, **dict.fromkeys(WARNING_SIGNS, "false"), "idempotency_key": "c"}
    assert post_form(client, "/checkin", "/checkin", one_no).status_code == 303


def test_a_yes_is_kept_and_the_unanswered_ones_are_missing_not_no(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    answers = {**UNTOUCHED, "fever": "true", "idempotency_key": "fever-only"}
    response = post_form(client, "/checkin", "/checkin", answers)
    assert response.status_code == 303
    (checkin,) = _stored(app)
    errors = {e["field"]: e for e in checkin.triage_result["field_errors"]}
    unanswered = {f"symptoms.{name}" for name in WARNING_SIGNS if name != "fever"}
    assert unanswered <= set(errors) and errors["symptoms.spreading_redness"]["given"] == ""
    codes = {f["code"] for f in checkin.triage_result["findings"]}
    assert "answers_incomplete_with_red_flag" in codes  # missing information raises the level
    assert checkin.level.value in ("contact_clinic", "urgent")

    again = client.get(f"/checkin?complete={checkin.id}").text
    assert _checked(again, "fever") == "true"
    assert _checked(again, "spreading_redness") is None
    assert 'id="spreading_redness-error"' in again

    login(client, world.clinician_a)
    page = client.get(f"/clinic/patients/{world.patient_a_id}/checkins/{checkin.id}").text
    assert (
        "NOT ANSWERED; read on the careful side, as missing information (neither Yes nor No)"
        in page
    )


def test_an_answered_no_comes_back_as_no_when_completing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    answers = {
        **UNTOUCHED,
        "fever": "true",
        "spreading_redness": "false",
        "breakouts_count": "5",  # the spot kind left out: the check-in is kept, incomplete
        "idempotency_key": "kind-missing",
    }
    assert post_form(client, "/checkin", "/checkin", answers).status_code == 303
    (checkin,) = _stored(app)
    again = client.get(f"/checkin?complete={checkin.id}").text
    assert _checked(again, "spreading_redness") == "false"
    assert _checked(again, "eye_symptoms") is None  # never answered: still unanswered


def test_a_post_from_a_page_without_the_marker_reads_an_absent_answer_as_no(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A form loaded before the warning signs started unanswered sends no marker."""
    login(client, world.patient_a)
    old = {k: v for k, v in UNTOUCHED.items() if k != "warning_signs_asked"}
    assert post_form(client, "/checkin", "/checkin", old).status_code == 303
    (checkin,) = _stored(app)
    assert "field_errors" not in checkin.triage_result
