"""A warning sign's follow-ups start unanswered (outside tester, round 3): the form used to
press "No" on "Are you confused?" or "Are they near an eye?" as soon as they appeared under a
Yes, so a patient who tapped Yes and scrolled on told the clinic "No" to urgent signs."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import World
from needlecare.web.pages.checkin_questions import FOLLOW_UPS, RED_FLAG_QUESTIONS

from .conftest import checked, login, post_form, stored

WARNING_SIGNS = [q["name"] for q in RED_FLAG_QUESTIONS]
ALL_NO = {name: "false" for name in WARNING_SIGNS}
SCORES = {"redness": "1", "swelling": "0", "pain": "2", "itch": "0", "warning_signs_asked": "1"}
FEVER_MORE = [name for name, parent in FOLLOW_UPS.items() if parent == "fever"]


def test_no_follow_up_starts_with_an_answer(client: TestClient, world: World) -> None:
    login(client, world.pat.email)
    page = client.get("/checkin").text
    assert {"confusion", "blisters_near_eye", "growing_lump", "throat_tightness"} <= set(FOLLOW_UPS)
    assert {name: checked(page, name) for name in FOLLOW_UPS} == dict.fromkeys(FOLLOW_UPS)


def test_a_follow_up_left_unanswered_under_a_yes_is_missing_not_no(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.pat.email)
    answers = {**SCORES, **ALL_NO, "fever": "true", "chills": "true", "idempotency_key": "f"}
    assert post_form(client, "/checkin", "/checkin", answers).status_code == 303
    (checkin,) = stored(app)
    assert checkin.triage_input["symptoms"]["chills"] is True  # what was said is kept
    errors = {e["field"]: e for e in checkin.triage_result["field_errors"]}
    unanswered = {f"symptoms.{name}" for name in FEVER_MORE if name != "chills"}
    assert set(errors) == unanswered and {e["given"] for e in errors.values()} == {""}
    codes = {f["code"] for f in checkin.triage_result["findings"]}
    assert "answers_incomplete_with_red_flag" in codes
    assert checkin.level.value in ("contact_clinic", "urgent")

    again = client.get(f"/checkin?complete={checkin.id}").text  # asked again, nothing answered
    assert checked(again, "fever") == "true" and checked(again, "chills") == "true"
    assert checked(again, "confusion") is None and 'id="confusion-error"' in again
    assert checked(again, "blisters_near_eye") is None  # its sign was No: never asked

    login(client, world.bob.email)
    staff = client.get(f"/clinic/patients/{world.patients['pat']}/checkins/{checkin.id}").text
    assert "Are you confused, or very sleepy?" in staff and "NOT ANSWERED" in staff


def test_follow_ups_of_a_no_need_no_answer_and_a_no_comes_back_as_no(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.pat.email)
    answers = {
        **SCORES,
        **ALL_NO,
        "blisters_clustered": "true",
        "blisters_around_mouth": "true",
        "blisters_near_eye": "false",
        "blisters_nose_tip": "false",
        "idempotency_key": "b",
    }
    assert post_form(client, "/checkin", "/checkin", answers).status_code == 303
    (checkin,) = stored(app)
    assert "field_errors" not in checkin.triage_result  # every question asked was answered
    # Answered No under a Yes: No again when the check-in is opened to add answers.
    again = client.get(f"/checkin?complete={checkin.id}").text
    assert checked(again, "blisters_near_eye") == "false"
    assert checked(again, "confusion") is None


def test_without_a_red_flag_an_unanswered_follow_up_is_asked_for_not_guessed(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Bleeding is not a red flag by itself: its follow-ups must be answered (a growing lump
    is urgent), so the form comes back with the question marked, nothing stored."""
    login(client, world.pat.email)
    answers = {**SCORES, **ALL_NO, "bleeding": "true", "bruising": "false", "idempotency_key": "x"}
    response = post_form(client, "/checkin", "/checkin", answers)
    assert response.status_code == 422 and stored(app) == []
    assert (
        'id="growing_lump-error"' in response.text and checked(response.text, "bleeding") == "true"
    )
    assert checked(response.text, "bruising") == "false"
    assert checked(response.text, "growing_lump") is None
    assert 'id="bleeding_with_pressure-error"' in response.text  # whether it stops, too


def test_whether_bleeding_stops_left_unanswered_is_missing_not_it_stops(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.pat.email)
    answers = {
        **SCORES,
        **ALL_NO,
        **dict.fromkeys(FEVER_MORE, "false"),
        "fever": "true",
        "bleeding": "true",
        "bruising": "false",
        "growing_lump": "false",
        "idempotency_key": "p",
    }
    assert post_form(client, "/checkin", "/checkin", answers).status_code == 303  # a red flag
    (checkin,) = stored(app)
    (error,) = checkin.triage_result["field_errors"]
    assert (error["field"], error["given"]) == ("symptoms.bleeding_with_pressure", "")
    assert "bleeding_with_pressure" not in checkin.triage_input["symptoms"]
    login(client, world.bob.email)
    staff = client.get(f"/clinic/patients/{world.patients['pat']}/checkins/{checkin.id}").text
    assert "Does it stop with gentle pressure?" in staff
    assert "as missing information (neither Yes nor No)" in staff
    assert "as bleeding that does not stop" not in staff  # not what triage read


def test_a_high_fever_typed_without_its_unit_is_not_lost(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """ "103" under the pre-set °C was read as not measured (round 3): the high fever (urgent)
    was lost. No body is at 103 °C; it is read as °F."""
    login(client, world.pat.email)
    answers = {
        **SCORES,
        **ALL_NO,
        **dict.fromkeys(FEVER_MORE, "false"),
        "fever": "true",
        "temperature_value": "103",
        "temperature_unit": "C",
        "idempotency_key": "t",
    }
    assert post_form(client, "/checkin", "/checkin", answers).status_code == 303
    (checkin,) = stored(app)
    assert checkin.triage_input["symptoms"]["temperature"] == {"value": 103.0, "unit": "F"}
    assert "field_errors" not in checkin.triage_result
    assert checkin.level.value == "urgent"
    assert "high_fever" in {f["code"] for f in checkin.triage_result["findings"]}


def test_spots_outside_the_treated_area_start_unanswered_and_skipped_is_missing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """It started at a pressed "No" (round 3): spots outside the treated area raise the level
    (and make clustered blisters urgent), so scrolling past must not answer it."""
    login(client, world.pat.email)
    page = client.get("/checkin").text
    assert checked(page, "breakouts_outside") is None
    spots = {**SCORES, **ALL_NO, "breakouts_count": "5", "breakouts_kind": "small_red_bumps"}
    refused = post_form(client, "/checkin", "/checkin", {**spots, "idempotency_key": "a"})
    assert refused.status_code == 422 and stored(app) == []
    assert 'id="breakouts_outside-error"' in refused.text
    assert checked(refused.text, "breakouts_outside") is None

    with_flag = {**spots, **dict.fromkeys(FEVER_MORE, "false"), "fever": "true"}
    assert (
        post_form(client, "/checkin", "/checkin", {**with_flag, "idempotency_key": "b"}).status_code
        == 303
    )
    (checkin,) = stored(app)
    assert "outside_treated_area" not in checkin.triage_input["symptoms"]["breakouts"]
    (error,) = checkin.triage_result["field_errors"]
    assert (error["field"], error["given"]) == ("symptoms.breakouts.outside_treated_area", "")
    assert "breakout_outside_treated_area" not in {
        f["code"] for f in checkin.triage_result["findings"]
    }
    again = client.get(f"/checkin?complete={checkin.id}").text
    assert checked(again, "breakouts_outside") is None and 'id="breakouts_outside-error"' in again
    login(client, world.bob.email)
    staff = client.get(f"/clinic/patients/{world.patients['pat']}/checkins/{checkin.id}").text
    assert "Are some spots outside the treated area?" in staff and "NOT ANSWERED" in staff

    login(client, world.pat.email)
    answered = {**spots, "breakouts_outside": "false", "idempotency_key": "c"}
    assert post_form(client, "/checkin", "/checkin", answered).status_code == 303
    again = client.get(f"/checkin?complete={stored(app)[-1].id}").text
    assert checked(again, "breakouts_outside") == "false"  # an answered No comes back as No
