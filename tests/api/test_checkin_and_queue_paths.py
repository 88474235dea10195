"""Check-in submission (a read, the triage, then one write unit), the alert queue's plain
rows, the per-process protocol cache, and the two routes' responses and token checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import jsonschema
import orjson
import pytest
from api_helpers import ALLERGY, CALM, FEVER, submit
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import func, select, update

from needlecare.guide import effective_windows
from needlecare.knowledge.bands import Band
from needlecare.services import alerts, auth, checkins, domain, protocols
from needlecare.services.alerts import AlertRow, AlertView
from needlecare.services.checkins import CheckinCreate
from needlecare.services.errors import NotFound, Unauthorized
from needlecare.services.principal import Principal
from needlecare.storage.enums import AlertState, Device, Level
from needlecare.storage.models import (
    Alert,
    ApiToken,
    AuditEntry,
    Checkin,
    Clinic,
    PatientReminderSettings,
    Treatment,
    User,
)
from needlecare.storage.uow import UnitOfWork
from needlecare.web.api import convert
from needlecare.web.api.schemas.care import AlertOut, CheckinOut

API = "/api/v1"
NOW = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 19:30 on the 9th in Los Angeles


@pytest.fixture(autouse=True)
def own_protocol_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cache is per process and keyed by (clinic, version); every test database numbers
    # clinics and versions from 1, so these tests neither see nor leave entries of others.
    monkeypatch.setattr(protocols, "_IN_FORCE_CACHE", {})


def _actor(uow: UnitOfWork, world: Any, who: str) -> Principal:
    return auth.principal_for_token(uow, getattr(world, who).token)


def _count(uow: UnitOfWork, model: type, *where: Any) -> int:
    with uow.reading():
        query = select(func.count()).select_from(model).where(*where)
        return int(uow.session.scalar(query) or 0)


def _audit_rows(uow: UnitOfWork, action: str) -> list[AuditEntry]:
    with uow.reading():
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(uow.session.scalars(query))


def _save_protocol(uow: UnitOfWork, world: Any, vitamin_c_day: int) -> int:
    document = {
        "schema_version": 1,
        "name": "Alder aftercare",
        "version": 1,
        "windows": {"vitamin_c": {"resume_day": vitamin_c_day}},
    }
    return protocols.save(uow, _actor(uow, world, "alice"), document).version


def _vitamin_c(in_force: protocols.InForce) -> int:
    return in_force.windows["vitamin_c"].resume_day(Band.D)


# --- protocols.in_force: a cache of (clinic, version), the version read every time ---------


def test_a_new_protocol_version_is_in_force_at_once(uow: UnitOfWork, world: Any) -> None:
    default_day = effective_windows(None)["vitamin_c"].resume_day(Band.D)
    with uow.reading():
        before = protocols.in_force(uow.session, world.alder_id)
    assert (before.version, before.protocol) == (None, None)
    assert before.windows == effective_windows(None)
    for number, day in ((1, default_day + 3), (2, default_day + 5)):
        assert _save_protocol(uow, world, day) == number
        # A fresh unit (another request) reads the new version number from the database.
        with uow.reading():
            now_in_force = protocols.in_force(uow.session, world.alder_id)
        assert now_in_force.version == number
        assert _vitamin_c(now_in_force) == day
    with uow.reading():
        first = protocols.in_force_at(uow.session, world.alder_id, 1)
        birch = protocols.in_force(uow.session, world.birch_id)
        personal = protocols.in_force(uow.session, None)
    assert (first.version, _vitamin_c(first)) == (1, default_day + 3)  # old versions stay
    assert birch.version is None and birch.windows == effective_windows(None)
    assert personal.version is None and _vitamin_c(personal) == default_day


def test_the_cache_is_bounded(uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocols, "_IN_FORCE_CACHE_SIZE", 2)
    days = [10, 11, 12, 13]
    for day in days:
        _save_protocol(uow, world, day)
    for _round in range(2):
        with uow.reading():
            for number, day in enumerate(days, start=1):
                in_force = protocols.in_force_at(uow.session, world.alder_id, number)
                assert (in_force.version, _vitamin_c(in_force)) == (number, day)
                assert len(protocols._IN_FORCE_CACHE) <= 2


def test_a_checkin_records_the_protocol_version_in_force(uow: UnitOfWork, world: Any) -> None:
    before = submit(uow, world, "pat", "pat", CALM)
    _save_protocol(uow, world, 10)
    first = submit(uow, world, "pat", "pat", CALM)
    _save_protocol(uow, world, 12)
    second = submit(uow, world, "pat", "pat", CALM)
    other_clinic = submit(uow, world, "charlie", "rory", CALM)
    assert [o.checkin.protocol_version for o in (before, first, second, other_clinic)] == [
        None,
        1,
        2,
        None,
    ]
    with uow.reading():
        stored = uow.session.get_one(Checkin, second.checkin.id)
        assert stored.protocol_version == 2


# --- checkins.submit_checkin: read-only lookups and triage, then the writes --------------


def test_one_key_twice_stores_one_checkin_and_replays_its_alert(
    uow: UnitOfWork, world: Any
) -> None:
    first = submit(uow, world, "pat", "pat", ALLERGY, key="tap-1")
    second = submit(uow, world, "pat", "pat", CALM, key="tap-1")
    assert first.created and not second.created
    assert first.alert_id is not None
    assert (second.checkin.id, second.alert_id) == (first.checkin.id, first.alert_id)
    assert second.checkin.level is Level.URGENT  # the first answers, not the retry's
    assert _count(uow, Checkin) == 1
    assert _count(uow, Alert) == 1
    assert _count(uow, AuditEntry, AuditEntry.action == "checkin.replay") == 1


# An alerting check-in (with its alert and outbox rows) and a calm one.
@pytest.mark.parametrize("answers", [ALLERGY, CALM], ids=["alerting", "calm"])
def test_a_key_stored_between_the_two_phases_returns_the_winner(
    app: FastAPI,
    uow: UnitOfWork,
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, Any],
) -> None:
    real_triage = domain.triage
    actor = _actor(uow, world, "pat")
    winners: list[checkins.CheckinOutcome] = []
    raced: list[bool] = []

    def triage_then_lose_the_race(
        payload: dict[str, Any], today: date, **options: Any
    ) -> dict[str, Any]:
        if not raced:  # the other request stores the same key while this one triages
            raced.append(True)
            winners.append(
                checkins.submit_checkin(
                    UnitOfWork(app.state.session_factory),
                    actor,
                    world.patients["pat"],
                    CheckinCreate(symptoms=answers),
                    idempotency_key="race",
                )
            )
        return real_triage(payload, today, **options)

    monkeypatch.setattr(domain, "triage", triage_then_lose_the_race)
    loser = checkins.submit_checkin(
        uow, actor, world.patients["pat"], CheckinCreate(symptoms=answers), idempotency_key="race"
    )
    (winner,) = winners
    assert winner.created and not loser.created
    assert (loser.checkin.id, loser.alert_id) == (winner.checkin.id, winner.alert_id)
    assert (loser.alert_id is not None) is (answers is ALLERGY)
    assert _count(uow, Checkin) == 1
    assert _count(uow, Alert) == (1 if answers is ALLERGY else 0)
    assert _count(uow, AuditEntry, AuditEntry.action == "checkin.create") == 1


def test_calm_and_alerting_checkins_write_the_same_audit_row(uow: UnitOfWork, world: Any) -> None:
    """A calm check-in and an alerting one leave the same audit row: who, what, which patient
    and clinic, when."""
    calm = submit(uow, world, "pat", "pat", CALM, hours_ago=2)
    alerting = submit(uow, world, "pat", "pat", FEVER, hours_ago=1)
    rows = _audit_rows(uow, "checkin.create")
    got = [
        (r.actor_user_id, r.actor_role, r.object_type, r.object_id, r.clinic_id, r.patient_id)
        for r in rows
    ]
    times = [r.at.replace(tzinfo=UTC) for r in rows]
    assert got == [
        (
            world.pat.user_id,
            "patient",
            "checkin",
            str(o.checkin.id),
            world.alder_id,
            o.checkin.patient_id,
        )
        for o in (calm, alerting)
    ]
    assert times == [o.checkin.created_at.replace(tzinfo=UTC) for o in (calm, alerting)]


@pytest.mark.parametrize("answers", [FEVER, CALM], ids=["alerting", "calm"])
def test_a_treatment_deleted_between_the_two_phases_is_not_found(
    app: FastAPI,
    client: TestClient,
    uow: UnitOfWork,
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, Any],
) -> None:
    real_triage = domain.triage

    def triage_while_the_treatment_goes(
        payload: dict[str, Any], today: date, **options: Any
    ) -> dict[str, Any]:
        other = UnitOfWork(app.state.session_factory)
        with other:
            other.session.delete(other.session.get_one(Treatment, world.treatments["pat"]))
            other.commit()
        return real_triage(payload, today, **options)

    monkeypatch.setattr(domain, "triage", triage_while_the_treatment_goes)
    with pytest.raises(NotFound, match="treatment"):
        submit(uow, world, "pat", "pat", answers, key="gone")
    assert _count(uow, Checkin) == 0
    assert _count(uow, Alert) == 0
    # Over the API: a 404 in the API's error shape, not a 500.
    monkeypatch.setattr(domain, "triage", real_triage)
    with uow:
        uow.session.add(
            Treatment(
                patient_id=world.patients["pat"],
                treatment_date=date.today() - timedelta(days=2),
                depth_mm=1.0,
                device=Device.PEN,
                areas=["face"],
                fitzpatrick=3,
            )
        )
        uow.commit()
    with uow.reading():
        treatment_id = uow.session.scalar(
            select(Treatment.id).where(Treatment.patient_id == world.patients["pat"])
        )
    world.treatments["pat"] = treatment_id
    monkeypatch.setattr(domain, "triage", triage_while_the_treatment_goes)
    response = client.post(
        f"{API}/patients/{world.patients['pat']}/checkins",
        json={"symptoms": FEVER, "treatment_id": treatment_id},
        headers=world.pat.headers,
    )
    assert response.status_code == 404, response.text
    assert response.json() == {"error": "treatment not found", "code": "not_found"}
    assert _count(uow, Checkin) == 0


def _set_zones(
    uow: UnitOfWork, world: Any, patient_zone: str | None, clinic_zone: str | None
) -> None:
    with uow:
        if patient_zone is not None:
            uow.session.add(
                PatientReminderSettings(patient_id=world.patients["pat"], timezone=patient_zone)
            )
        if clinic_zone is not None:
            uow.session.get_one(Clinic, world.alder_id).timezone = clinic_zone
        for name in ("pat", "quinn"):
            uow.session.get_one(Treatment, world.treatments[name]).treatment_date = date(2026, 3, 8)
        uow.commit()


def _day_at_now(uow: UnitOfWork, world: Any, who: str, patient: str) -> int:
    outcome = checkins.submit_checkin(
        uow, _actor(uow, world, who), world.patients[patient], CheckinCreate(CALM), now=NOW
    )
    assert outcome.checkin.triage_input["day"] == outcome.checkin.day
    return outcome.checkin.day


def test_the_checkin_day_is_the_patients_local_day(uow: UnitOfWork, world: Any) -> None:
    _set_zones(uow, world, "America/Los_Angeles", None)
    assert _day_at_now(uow, world, "pat", "pat") == 1  # 9 March in Los Angeles, not 10
    assert _day_at_now(uow, world, "bob", "quinn") == 2  # no zone anywhere: UTC


def test_the_checkin_day_falls_back_to_the_clinics_zone(uow: UnitOfWork, world: Any) -> None:
    _set_zones(uow, world, None, "America/Los_Angeles")
    assert _day_at_now(uow, world, "bob", "quinn") == 1
    assert _day_at_now(uow, world, "pat", "pat") == 1


# --- alerts.alert_queue: plain rows, bound parameters, one clinic, audited ---------------


def test_the_queue_returns_plain_rows_of_the_clinics_alerts_only(
    uow: UnitOfWork, world: Any
) -> None:
    mine = submit(uow, world, "bob", "quinn", FEVER, hours_ago=2)
    submit(uow, world, "charlie", "rory", ALLERGY, hours_ago=3)  # birch's, older and urgent
    (view,) = alerts.alert_queue(uow, _actor(uow, world, "alice"))
    assert isinstance(view, AlertView) and type(view.alert) is AlertRow
    row = view.alert
    assert (row.id, row.clinic_id, row.patient_id, row.checkin_id) == (
        mine.alert_id,
        world.alder_id,
        world.patients["quinn"],
        mine.checkin.id,
    )
    assert (row.level, row.state) == (Level.CONTACT_CLINIC, AlertState.OPEN)
    assert row.created_at.replace(tzinfo=UTC) == mine.checkin.created_at.replace(tzinfo=UTC)
    assert (row.acknowledged_at, row.resolved_at, row.resolution_note) == (None, None, None)
    assert (view.patient_name, view.day) == ("Quinn Patient", mine.checkin.day)
    assert view.findings == mine.checkin.triage_result["findings"]
    birch = alerts.alert_queue(uow, _actor(uow, world, "charlie"), states=list(AlertState))
    assert [v.alert.clinic_id for v in birch] == [world.birch_id]


def test_states_and_limit_are_bound_per_call(uow: UnitOfWork, world: Any) -> None:
    alice = _actor(uow, world, "alice")
    old_contact = submit(uow, world, "bob", "quinn", FEVER, hours_ago=30)
    urgent = submit(uow, world, "bob", "quinn", ALLERGY, hours_ago=10)
    resolved = submit(uow, world, "pat", "pat", ALLERGY, hours_ago=40)
    acknowledged = submit(uow, world, "pat", "pat", FEVER, hours_ago=50)
    assert resolved.alert_id is not None and acknowledged.alert_id is not None
    alerts.resolve(uow, alice, resolved.alert_id, "Seen in clinic.")
    alerts.acknowledge(uow, alice, acknowledged.alert_id)

    def ids(**kwargs: Any) -> list[int]:
        return [v.alert.id for v in alerts.alert_queue(uow, alice, **kwargs)]

    assert ids() == [urgent.alert_id, old_contact.alert_id, acknowledged.alert_id]
    assert ids(limit=2) == [urgent.alert_id, old_contact.alert_id]
    assert ids(limit=1) == [urgent.alert_id]
    assert ids(states=[AlertState.RESOLVED]) == [resolved.alert_id]
    assert ids(states=[AlertState.ACKNOWLEDGED, AlertState.RESOLVED]) == [
        acknowledged.alert_id,
        resolved.alert_id,
    ]
    assert ids(states=list(AlertState), limit=10) == [
        urgent.alert_id,
        old_contact.alert_id,
        acknowledged.alert_id,
        resolved.alert_id,
    ]
    assert ids(states=[]) == []


def test_each_read_of_the_queue_is_audited_once(uow: UnitOfWork, world: Any) -> None:
    submit(uow, world, "pat", "pat", FEVER)
    bob, charlie = _actor(uow, world, "bob"), _actor(uow, world, "charlie")
    alerts.alert_queue(uow, bob)
    alerts.alert_queue(uow, bob, states=[AlertState.RESOLVED])
    alerts.alert_queue(uow, charlie)
    got = [
        (e.actor_user_id, e.actor_role, e.clinic_id, e.object_type, e.object_id, e.patient_id)
        for e in _audit_rows(uow, "alert.list")
    ]
    assert got == [
        (world.bob.user_id, "clinician", world.alder_id, "alert", None, None),
        (world.bob.user_id, "clinician", world.alder_id, "alert", None, None),
        (world.charlie.user_id, "admin", world.birch_id, "alert", None, None),
    ]


# --- the routes: bodies serialised once still match the documented schema ---------------


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    return dict(client.get("/openapi.json").json())


def _validate(openapi: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    """Validate `body` against the response schema the OpenAPI document gives."""
    operation = openapi["paths"][path][method]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator(
        {**schema, "components": openapi["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(body)


CHECKINS_PATH = "/api/v1/patients/{patient_id}/checkins"


def test_checkin_bodies_match_the_schema_201_then_200(
    client: TestClient, openapi: dict[str, Any], world: Any
) -> None:
    url = f"{API}/patients/{world.patients['pat']}/checkins"
    headers = {**world.pat.headers, "Idempotency-Key": "tap"}
    created = client.post(url, json={"symptoms": ALLERGY}, headers=headers)
    replayed = client.post(url, json={"symptoms": CALM}, headers=headers)
    assert (created.status_code, replayed.status_code) == (201, 200)
    for response in (created, replayed):
        assert response.headers["content-type"] == "application/json"
        _validate(openapi, CHECKINS_PATH, "post", response.status_code, response.json())
        assert set(response.json()) == set(CheckinOut.model_fields)  # nothing extra leaks
    first, again = created.json(), replayed.json()
    assert first["alert_id"] is not None and first["replayed"] is False
    assert again == {**first, "replayed": True}
    # The same check-in as the ordinary (FastAPI-serialised) route shows it.
    read = client.get(f"{url}/{first['id']}", headers=world.bob.headers).json()
    assert CheckinOut.model_validate(read) == CheckinOut.model_validate(
        {**first, "alert_id": read["alert_id"]}
    )


def test_alert_queue_body_matches_the_schema(
    client: TestClient, openapi: dict[str, Any], uow: UnitOfWork, world: Any
) -> None:
    submit(uow, world, "bob", "quinn", FEVER, hours_ago=3)
    submit(uow, world, "pat", "pat", ALLERGY, hours_ago=1)
    response = client.get(f"{API}/alerts", headers=world.bob.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    _validate(openapi, "/api/v1/alerts", "get", 200, body)
    assert [a["level"] for a in body] == ["urgent", "contact_clinic"]
    assert all(set(a) == set(AlertOut.model_fields) for a in body)
    assert TypeAdapter(list[AlertOut]).validate_python(body)
    assert all(a["findings"] for a in body)
    limited = client.get(f"{API}/alerts?limit=1&state=open", headers=world.bob.headers)
    assert [a["id"] for a in limited.json()] == [body[0]["id"]]
    for bad in ("limit=0", "limit=201", "state=closed", "limit=x"):
        assert client.get(f"{API}/alerts?{bad}", headers=world.bob.headers).status_code == 422


def test_alert_queue_json_is_what_pydantic_would_encode(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    """The queue is encoded directly with orjson; it must say exactly what validating and
    dumping `list[AlertOut]` says, for every state, timestamps to the microsecond."""
    alice = _actor(uow, world, "alice")
    for hours, answers in ((50, FEVER), (20, ALLERGY), (5, FEVER)):
        submit(uow, world, "bob", "quinn", answers, hours_ago=hours)
    first, second, _ = sorted(v.alert.id for v in alerts.alert_queue(uow, alice))
    alerts.acknowledge(uow, alice, first, now=datetime(2026, 3, 9, 1, 2, 3, 4500, tzinfo=UTC))
    alerts.resolve(uow, alice, second, "Called: seen today ✓", now=NOW)
    views = alerts.alert_queue(uow, alice, states=list(AlertState))
    assert {v.alert.state for v in views} == set(AlertState)
    expected = TypeAdapter(list[AlertOut])
    pydantic_body = expected.dump_json(expected.validate_python(convert.alert_queue_out(views)))
    direct = convert.alert_queue_json(views)
    assert orjson.loads(direct) == orjson.loads(pydantic_body)
    assert b'"2026-03-09T01:02:03.004500Z"' in direct  # UTC as "Z", microseconds kept
    served = client.get(
        f"{API}/alerts?state=open&state=acknowledged&state=resolved", headers=world.alice.headers
    )
    assert served.json() == orjson.loads(direct)


# --- auth.principal_for_token -----------------------------------------------------------


def test_a_bad_token_is_unauthorized(uow: UnitOfWork, world: Any) -> None:
    raw, digest = auth.new_token()
    with uow:
        token = ApiToken(user_id=world.bob.user_id, token_hash=digest, name="old")
        uow.session.add(token)
        uow.commit()
    assert auth.principal_for_token(uow, raw) == _actor(uow, world, "bob")
    with uow:
        uow.session.get_one(ApiToken, token.id).revoked_at = datetime.now(UTC)
        uow.commit()
    unknown = auth.new_token()[0]
    for bad in (raw, unknown, "not-a-token", world.bob.token + "x"):
        with pytest.raises(Unauthorized):
            auth.principal_for_token(uow, bad)
    with uow:  # a disabled account's tokens stop working at once
        uow.session.get_one(User, world.bob.user_id).is_active = False
        uow.commit()
    with pytest.raises(Unauthorized):
        auth.principal_for_token(uow, world.bob.token)


def _revoked(client: TestClient, world: Any) -> dict[str, str]:
    raw, digest = auth.new_token()
    uow = UnitOfWork(client.app.state.session_factory)  # type: ignore[attr-defined]
    with uow:
        token = ApiToken(user_id=world.pat.user_id, token_hash=digest, name="old phone")
        uow.session.add(token)
        uow.flush()
        token_id = token.id
        uow.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    revoke = client.delete(f"{API}/auth/tokens/{token_id}", headers=world.pat.headers)
    assert revoke.status_code == 200
    return headers


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "revoked",
        "Bearer not-a-token",
        "Bearer nc_" + "0" * 43,  # the right shape, unknown
        "Bearer nc_" + "a" * 300,  # overlong
        "Basic cGF0OnBhc3N3b3Jk",
        "Bearer",
        "nc_token-without-scheme",
    ],
)
def test_checkin_and_queue_answer_401_to_a_missing_revoked_or_malformed_token(
    client: TestClient, uow: UnitOfWork, world: Any, authorization: str | None
) -> None:
    if authorization == "revoked":
        headers = _revoked(client, world)
    else:
        headers = {} if authorization is None else {"Authorization": authorization}
    checkin = client.post(
        f"{API}/patients/{world.patients['pat']}/checkins",
        json={"symptoms": CALM},
        headers=headers,
    )
    queue = client.get(f"{API}/alerts", headers=headers)
    for response in (checkin, queue):
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "unauthorized"
    assert _count(uow, Checkin) == 0


def test_the_bearer_scheme_is_case_insensitive_on_checkin_and_queue(
    client: TestClient, world: Any
) -> None:
    """Like every other route (FastAPI's HTTPBearer): "bearer" and "BEARER" work too."""
    for scheme in ("bearer", "BEARER"):
        headers = {"Authorization": f"{scheme} {world.pat.token}"}
        checkin = client.post(
            f"{API}/patients/{world.patients['pat']}/checkins",
            json={"symptoms": CALM},
            headers=headers,
        )
        assert checkin.status_code == 201, checkin.text
        assert client.get(f"{API}/me", headers=headers).status_code == 200
    staff = {"Authorization": f"bearer {world.bob.token}"}
    assert client.get(f"{API}/alerts", headers=staff).status_code == 200


def test_a_disabled_users_token_gets_401(client: TestClient, uow: UnitOfWork, world: Any) -> None:
    with uow:
        uow.session.get_one(User, world.pat.user_id).is_active = False
        uow.commit()
    url = f"{API}/patients/{world.patients['pat']}/checkins"
    assert client.post(url, json={"symptoms": CALM}, headers=world.pat.headers).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"symptoms": "x"},
        {"symptoms": {"redness": 9}},
        {"symptoms": {"redness": "high"}},
        {"symptoms": CALM, "treatment_id": "first"},
        {"symptoms": CALM, "products": "serum"},
        [],
        None,
    ],
)
def test_a_bad_checkin_body_with_a_valid_token_is_422(
    client: TestClient, uow: UnitOfWork, world: Any, body: Any
) -> None:
    url = f"{API}/patients/{world.patients['pat']}/checkins"
    response = client.post(url, json=body, headers=world.pat.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]
    broken = client.post(
        url, content=b"{not json", headers={**world.pat.headers, "content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert _count(uow, Checkin) == 0


def test_checkin_and_queue_run_their_database_work_off_the_event_loop(
    client: TestClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their services block (database, triage): FastAPI runs them in its thread pool, never
    in the event loop's own thread, where they would stall every other request."""
    import asyncio

    ran_in_loop: dict[str, bool] = {}

    def spy(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                asyncio.get_running_loop()
                ran_in_loop[name] = True
            except RuntimeError:  # a pool thread has no running loop
                ran_in_loop[name] = False
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(checkins, "submit_checkin", spy("checkin", checkins.submit_checkin))
    monkeypatch.setattr(alerts, "alert_page", spy("alerts", alerts.alert_page))
    monkeypatch.setattr(checkins, "checkin_page", spy("list", checkins.checkin_page))
    url = f"{API}/patients/{world.patients['pat']}/checkins"
    assert client.post(url, json={"symptoms": CALM}, headers=world.pat.headers).status_code == 201
    assert client.get(f"{API}/alerts", headers=world.bob.headers).status_code == 200
    assert client.get(url, headers=world.pat.headers).status_code == 200
    assert ran_in_loop == {"checkin": False, "alerts": False, "list": False}


def test_checkin_and_queue_read_their_token_in_their_one_unit_of_work(
    client: TestClient, uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token is read inside the service's unit of work (no unit of its own first), and
    its "last used" is written in that unit's writes when it is due."""
    units: list[bool] = []
    enter = UnitOfWork.__enter__

    def counted(self: UnitOfWork) -> UnitOfWork:
        units.append(True)
        return enter(self)

    with uow:  # the token was last used long ago: this request records it
        uow.session.execute(update(ApiToken).values(last_used_at=datetime(2020, 1, 1, tzinfo=UTC)))
        uow.commit()
    monkeypatch.setattr(UnitOfWork, "__enter__", counted)
    url = f"{API}/patients/{world.patients['pat']}/checkins"
    assert client.post(url, json={"symptoms": CALM}, headers=world.pat.headers).status_code == 201
    assert client.get(f"{API}/alerts", headers=world.bob.headers).status_code == 200
    assert len(units) == 2
    monkeypatch.setattr(UnitOfWork, "__enter__", enter)
    with uow.reading():
        used = uow.session.scalars(
            select(ApiToken.last_used_at).where(
                ApiToken.user_id.in_([world.pat.user_id, world.bob.user_id])
            )
        ).all()
    assert len(used) == 2 and all(at is not None and at.year > 2020 for at in used)
