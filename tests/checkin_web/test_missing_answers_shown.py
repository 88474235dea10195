"""A check-in kept with answers missing says so beyond its own page (outside tester, round 3):
Today offers to add them, and the check-in tables (the patient's history, the clinician's
patient page) show how many were missing beside the level they raised."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import World
from needlecare.web.pages.checkin_questions import RED_FLAG_QUESTIONS

from .conftest import login, post_form, stored

WARNING_SIGNS = [q["name"] for q in RED_FLAG_QUESTIONS]
SCORES = {"redness": "1", "swelling": "0", "pain": "2", "itch": "0", "warning_signs_asked": "1"}


def test_today_and_the_tables_show_the_missing_answers(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.pat.email)
    answers = {**SCORES, "fever": "true", "idempotency_key": "fever-only"}
    assert post_form(client, "/checkin", "/checkin", answers).status_code == 303
    (kept,) = stored(app)
    missing = len(kept.triage_result["field_errors"])
    assert missing > 20

    today = client.get("/today").text
    assert f'href="/checkin?complete={kept.id}"' in today
    assert f"Add the {missing} missing answers" in today
    assert f"{missing} answers missing" in client.get("/history").text
    client.headers["Accept-Language"] = "es"
    assert f"faltan {missing} respuestas" in client.get("/history").text
    del client.headers["Accept-Language"]

    login(client, world.bob.email)
    page = client.get(f"/clinic/patients/{world.patients['pat']}").text
    assert f"{missing} answers missing" in page

    # Answered in full: nothing is said to be missing, and Today no longer asks.
    login(client, world.pat.email)
    complete = {
        **SCORES,
        **dict.fromkeys(WARNING_SIGNS, "false"),
        "fever": "true",
        **dict.fromkeys(
            ["chills", "feeling_very_unwell", "vomiting", "confusion", "fast_heartbeat"], "false"
        ),
        "idempotency_key": "complete",
    }
    assert post_form(client, "/checkin", "/checkin", complete).status_code == 303
    assert "field_errors" not in stored(app)[-1].triage_result
    assert "?complete=" not in client.get("/today").text
    assert client.get("/history").text.count("answers missing") == 1  # the first one only
