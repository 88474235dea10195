"""The patient's Today page: one transaction and one audit row per view, on both databases
(it used to run 4 transactions with 4 audit rows, and SQLite with synchronous=FULL waits for
the disk on every commit)."""

from __future__ import annotations

from typing import Any

from api_helpers import CALM, session_cookie, submit
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, event, select

from needlecare.services import auth, messages
from needlecare.storage.models import AuditEntry, Message, Treatment, User
from needlecare.storage.uow import UnitOfWork
from needlecare.web import security


def _cookies(app: FastAPI, uow: UnitOfWork, user_id: int) -> dict[str, str]:
    with uow.reading():
        generation = uow.session.scalar(select(User.session_generation).where(User.id == user_id))
    session = {security._USER_KEY: user_id, security._GENERATION_KEY: generation}
    return session_cookie(app.state.settings.secret_key, {**session, security._CSRF_KEY: "c"})


def _audit(uow: UnitOfWork) -> list[tuple[str, int | None, int | None]]:
    with uow.reading():
        rows = uow.session.execute(
            select(AuditEntry.action, AuditEntry.actor_user_id, AuditEntry.patient_id).order_by(
                AuditEntry.id
            )
        ).all()
    return [(r.action, r.actor_user_id, r.patient_id) for r in rows]


def test_today_is_one_commit_and_one_audit_row_and_marks_the_clinic_message_read(
    app: FastAPI, client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    pat = world.patients["pat"]
    submit(uow, world, "pat", "pat", CALM)
    bob = auth.principal_for_token(uow, world.bob.token)
    messages.send_to_patient(uow, bob, pat, "How is the redness today?")
    before = _audit(uow)
    commits: list[int] = []
    listener = lambda *_: commits.append(1)  # noqa: E731
    event.listen(app.state.engine, "commit", listener)
    try:
        for name, value in _cookies(app, uow, world.pat.user_id).items():
            client.cookies.set(name, value)
        page = client.get("/today", follow_redirects=False)
    finally:
        event.remove(app.state.engine, "commit", listener)
    assert page.status_code == 200, page.text[:500]
    assert "Day 5 after treatment" in page.text
    assert "How is the redness today?" in page.text
    assert len(commits) == 1
    assert _audit(uow)[len(before) :] == [("today.read", world.pat.user_id, pat)]
    with uow.reading():
        (message,) = uow.session.scalars(select(Message)).all()
    assert message.read_at is not None  # the patient has now seen it


def test_today_of_a_patient_without_a_treatment_still_shows_the_thread(
    app: FastAPI, client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    with uow:
        uow.session.execute(delete(Treatment).where(Treatment.patient_id == world.patients["sol"]))
        uow.commit()
    for name, value in _cookies(app, uow, world.sol.user_id).items():
        client.cookies.set(name, value)
    page = client.get("/today", follow_redirects=False)
    assert page.status_code == 200
    assert "Day " not in page.text
    assert _audit(uow)[-1] == ("today.read", world.sol.user_id, world.patients["sol"])
