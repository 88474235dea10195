"""Never lose a red flag on the check-in form (issue 15, item 1): stored and alerted whatever
else is missing; the missing answers are asked for afterwards, next to their question."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import Alert, Checkin

from .conftest import login, post_form
from .seed import World

# Issue 15, item 1, as the patient answered: spots "3-5", Yes to fever, spreading redness and
# pus, and no answer to "What do they look like mostly?".
LOST_RED_FLAG = {
    "redness": "2",
    "swelling": "1",
    "pain": "5",
    "itch": "0",
    "breakouts_count": "5",
    "fever": "true",
    "spreading_redness": "true",
    "pus_or_yellow_crust": "true",
    "idempotency_key": "lost-red-flag",
}


def _checked(html: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)" checked', html)
    return match.group(1) if match else None


def test_the_lost_red_flag_is_stored_alerted_and_the_missing_answer_asked_after(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = post_form(client, "/checkin", "/checkin", LOST_RED_FLAG)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    with app.state.session_factory() as session:
        checkin = session.scalars(select(Checkin)).one()
        alert = session.scalars(select(Alert)).one()
    assert f"/checkins/{checkin.id}" == location
    assert checkin.level.value == "urgent" and alert.checkin_id == checkin.id
    assert checkin.triage_input["symptoms"]["breakouts"] == {
        "count": 5,
        "outside_treated_area": False,
    }
    assert [e["field"] for e in checkin.triage_result["field_errors"]] == [
        "symptoms.breakouts.kind"
    ]

    result = client.get(location).text
    assert "level-urgent" in result and "Your clinic has been told" in result
    assert "Some answers are missing" in result
    assert "What do they look like mostly?" in result
    link = f'href="/checkin?complete={checkin.id}#breakouts_kind"'
    assert link in result

    again = client.get(f"/checkin?complete={checkin.id}").text
    # every answer given is filled in; the missing one has its error next to its question
    assert _checked(again, "breakouts_count") == "5"
    assert _checked(again, "fever") == "true"
    assert _checked(again, "pus_or_yellow_crust") == "true"
    assert _checked(again, "pain") == "5"
    assert 'id="breakouts_kind-error"' in again
    assert _checked(again, "breakouts_kind") is None


def test_an_unreadable_answer_next_to_a_red_flag_is_read_on_the_careful_side(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    answers = {"rash": "true", "pain": "99", "warmth": "perhaps", "idempotency_key": "tamper"}
    response = post_form(client, "/checkin", "/checkin", answers)
    assert response.status_code == 303
    with app.state.session_factory() as session:
        checkin = session.scalars(select(Checkin)).one()
    fields = {e["field"] for e in checkin.triage_result["field_errors"]}
    assert fields == {"symptoms.pain", "symptoms.warmth"}
    assert "pain" not in checkin.triage_input["symptoms"]  # not stored as if it were given
    codes = {f["code"] for f in checkin.triage_result["findings"]}
    assert "severe_pain" in codes  # an unreadable pain is read as the worst
    assert checkin.level.value in ("contact_clinic", "urgent")


def test_without_a_red_flag_a_missing_answer_still_blocks_with_the_error_at_its_field(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    answers = {**LOST_RED_FLAG, "fever": "false", "spreading_redness": "false"}
    answers["pus_or_yellow_crust"] = "false"
    response = post_form(client, "/checkin", "/checkin", answers)
    assert response.status_code == 422
    html = response.text
    assert 'id="breakouts_kind-error"' in html  # next to its question, not only at the top
    assert 'aria-describedby="breakouts_kind-error"' in html
    with app.state.session_factory() as session:
        assert session.scalars(select(Checkin)).first() is None


def test_the_error_summary_names_the_question_of_each_missing_answer(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Two missing answers share one message ("This answer was missing..."): the list at the
    top names each question, or it reads as one error said twice."""
    login(client, world.patient_a)
    answers = {**LOST_RED_FLAG, "temperature_value": "hot", "idempotency_key": "two-missing"}
    response = post_form(client, "/checkin", "/checkin", answers)
    assert response.status_code == 303
    with app.state.session_factory() as session:
        checkin = session.scalars(select(Checkin)).one()
    again = client.get(f"/checkin?complete={checkin.id}").text
    summary = again.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    items = re.findall(r'<a href="#([a-z_]+)">([^<]*)</a>', summary)
    assert [name for name, _ in items] == ["breakouts_kind", "temperature_value"]
    assert items[0][1].startswith("What do they look like mostly? — This answer was missing")
    assert items[1][1].startswith("Your temperature, if you measured it — This answer was")


def test_an_unreadable_temperature_in_a_kept_checkin_is_kept_as_typed(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Never lose what a person said (outside tester's finding 9): the words typed where a
    number was asked are stored as given with the answer's error, triage reads the temperature
    as missing, the clinician reads what was typed, and the form asks again with it filled in."""
    login(client, world.patient_a)
    answers = {**LOST_RED_FLAG, "temperature_value": "very hot", "other": "chills at night"}
    response = post_form(client, "/checkin", "/checkin", answers)
    assert response.status_code == 303
    with app.state.session_factory() as session:
        checkin = session.scalars(select(Checkin)).one()
    assert checkin.triage_input["symptoms"]["other"] == "chills at night"  # theirs, unmixed
    assert "temperature" not in checkin.triage_input["symptoms"]
    (error,) = [
        e for e in checkin.triage_result["field_errors"] if e["field"] == "symptoms.temperature"
    ]
    assert error["given"] == "very hot"
    again = client.get(f"/checkin?complete={checkin.id}").text
    assert 'value="very hot"' in again and 'id="temperature_value-error"' in again

    login(client, world.clinician_a)
    page = client.get(f"/clinic/patients/{world.patient_a_id}/checkins/{checkin.id}").text
    said = "Could not be read: “very hot” as typed; read on the careful side, as not measured"
    assert said in page
