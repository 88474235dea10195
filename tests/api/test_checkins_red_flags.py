"""Never lose a red flag over the API: an invalid optional answer next to a red flag is stored
(201) with the answer's error reported; without a red flag, invalid input keeps its 422."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from needlecare.storage.models import Alert, Checkin
from needlecare.storage.uow import UnitOfWork
from needlecare.triage import LEVELS
from needlecare.triage.vocabulary import RED_FLAG_FLOORS

RANK = {level: index for index, level in enumerate(LEVELS)}

# Optional answers a client can get wrong (wrong type, out of range, unknown, missing parts).
# (The API model still coerces what it always coerced, such as "yes" or 1 for true.)
INVALID = st.fixed_dictionaries(
    {},
    optional={
        "pain": st.sampled_from([11, -1, "bad", None, 2.5]),
        "redness": st.sampled_from([4, "red", [1]]),
        "itch": st.sampled_from([9, None]),
        "warmth": st.sampled_from(["maybe", None, 2]),
        "worsening": st.sampled_from(["a bit", None]),
        "breakouts": st.sampled_from(
            ["some", {"count": 5000}, {"count": 5, "kind": "boils"}, {"count": "3-5"},
             {"outside_treated_area": "maybe"}]
        ),
        "numbness_of_lips": st.just(True),
    },
).filter(bool)  # fmt: skip
INVALID_OUTSIDE = st.fixed_dictionaries(
    {}, optional={"products": st.sampled_from(["retinol", [3], ["x" * 20_001]])}
)


def _url(world: Any) -> str:
    return f"/api/v1/patients/{world.patients['pat']}/checkins"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(sorted(RED_FLAG_FLOORS)), INVALID, INVALID_OUTSIDE)
def test_a_red_flag_with_invalid_answers_is_stored_at_its_floor_and_alerts(
    client: TestClient,
    uow: UnitOfWork,
    world: Any,
    flag: str,
    invalid: dict[str, Any],
    outside: dict[str, Any],
) -> None:
    body = {"symptoms": {flag: True, **invalid}, **outside}
    response = client.post(_url(world), json=body, headers=world.pat.headers)
    assert response.status_code == 201, response.text
    out = response.json()
    assert RANK[out["level"]] >= RANK[RED_FLAG_FLOORS[flag]]
    assert out["incomplete"] is True
    fields = {e["field"] for e in out["field_errors"]}
    for name in invalid:
        assert any(f.startswith(f"symptoms.{name}") for f in fields), (name, fields)
    if "products" in outside:
        assert any(f.startswith("products") for f in fields), fields
    with uow:
        stored = uow.session.get_one(Checkin, out["id"])
        alert = uow.session.scalar(select(Alert).where(Alert.checkin_id == stored.id))
        assert alert is not None and alert.id == out["alert_id"]
        assert stored.triage_input["symptoms"][flag] is True  # what the person said is kept
        assert stored.triage_result["field_errors"] == out["field_errors"]
    again = client.get(f"{_url(world)}/{out['id']}", headers=world.bob.headers).json()
    assert again["field_errors"] == out["field_errors"]


def test_the_lost_red_flag_of_issue_15_is_stored_over_the_api(
    client: TestClient, world: Any
) -> None:
    symptoms = {
        "fever": True,
        "spreading_redness": True,
        "pus_or_yellow_crust": True,
        "breakouts": {"count": 5, "kind": "not sure"},
    }
    response = client.post(_url(world), json={"symptoms": symptoms}, headers=world.pat.headers)
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["level"] == "urgent" and out["alert_id"] is not None
    assert [e["field"] for e in out["field_errors"]] == ["symptoms.breakouts.kind"]
    assert "not sure" in out["field_errors"][0]["message"]  # the value given is quoted
    assert "kind" not in out["symptoms"]["breakouts"]  # only valid answers are stored as such


def test_an_invalid_treatment_id_with_a_red_flag_uses_the_latest_treatment(
    client: TestClient, world: Any
) -> None:
    body = {"symptoms": {"rash": True}, "treatment_id": "latest"}
    response = client.post(_url(world), json=body, headers=world.pat.headers)
    assert response.status_code == 201, response.text
    assert response.json()["treatment_id"] == world.treatments["pat"]
    assert [e["field"] for e in response.json()["field_errors"]] == ["treatment_id"]


@pytest.mark.parametrize(
    "body",
    [
        {"symptoms": {"pain": 11}},
        {"symptoms": {"fever": "perhaps", "pain": 2}},  # unclear: not a kept red flag
        {"symptoms": {"flaking": True, "breakouts": {"count": -1}}},
        {"symptoms": {"redness": 1}, "products": "retinol"},
    ],
)
def test_without_a_red_flag_invalid_input_keeps_its_422(
    client: TestClient, uow: UnitOfWork, world: Any, body: dict[str, Any]
) -> None:
    response = client.post(_url(world), json=body, headers=world.pat.headers)
    assert response.status_code == 422, response.text
    with uow:
        assert uow.session.scalar(select(Checkin.id)) is None


def test_a_complete_check_in_reports_no_field_errors(client: TestClient, world: Any) -> None:
    response = client.post(
        _url(world), json={"symptoms": {"fever": True}}, headers=world.pat.headers
    )
    assert response.status_code == 201
    assert response.json()["field_errors"] == [] and response.json()["incomplete"] is False


def test_openapi_documents_the_kept_red_flag(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    out = schemas["CheckinOut"]["properties"]
    assert "field_errors" in out and "red flag" in out["field_errors"]["description"]
    assert "incomplete" in out
    assert "red flag" in schemas["CheckinIn"]["description"]


def test_the_new_answers_are_accepted_stored_and_documented(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    symptoms = {
        "fever": True,
        "chills": True,
        "temperature": {"value": 101.8, "unit": "F"},
        "worse_than_yesterday": ["pain"],
        "other": "my jaw aches",
        "pus_or_yellow_crust": True,
    }
    response = client.post(_url(world), json={"symptoms": symptoms}, headers=world.pat.headers)
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["level"] == "urgent" and out["field_errors"] == []
    assert out["symptoms"] == symptoms
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    from needlecare.triage.vocabulary import FLAGS

    documented = schemas["Symptoms"]["properties"]
    for name in [*FLAGS, "temperature", "other", "worse_than_yesterday", "bleeding_with_pressure"]:
        assert name in documented, name
        assert documented[name].get("description") or "$ref" in str(documented[name]), name


def test_an_invalid_new_answer_without_a_red_flag_is_refused(
    client: TestClient, world: Any
) -> None:
    body = {"symptoms": {"temperature": {"value": 12, "unit": "C"}, "flaking": True}}
    response = client.post(_url(world), json=body, headers=world.pat.headers)
    assert response.status_code == 422
    assert "temperature" in response.text
