"""The clinic's PDF names the answers a kept check-in lacked (outside tester, round 3): its
finding said "the missing answers were read on the careful side (see the answers as given)",
but the report showed no answers as given, so a clinician reading only the PDF could not
know which were missing."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import World
from needlecare.web.pages.checkin_questions import RED_FLAG_QUESTIONS
from reports.pdftext import pdf_pages

from .conftest import login, post_form, stored

WARNING_SIGNS = [q["name"] for q in RED_FLAG_QUESTIONS]
SCORES = {"redness": "1", "swelling": "0", "pain": "2", "itch": "0", "warning_signs_asked": "1"}
FEVER_MORE = ["chills", "feeling_very_unwell", "vomiting", "confusion", "fast_heartbeat"]


def test_the_clinic_pdf_lists_what_was_not_answered(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.pat.email)
    answers = {
        **SCORES,
        **dict.fromkeys(WARNING_SIGNS, "false"),
        **dict.fromkeys(FEVER_MORE, "false"),
        "fever": "true",
        "confusion": "",  # skipped
        "eye_symptoms": "",  # skipped
        "temperature_value": "hot",  # unreadable
        "idempotency_key": "k",
    }
    assert post_form(client, "/checkin", "/checkin", answers).status_code == 303
    (kept,) = stored(app)
    assert len(kept.triage_result["field_errors"]) == 3

    login(client, world.bob.email)
    response = client.get(f"/clinic/patients/{world.patients['pat']}/download/pdf")
    assert response.status_code == 200
    text = " ".join(" ".join(page.split()) for page in pdf_pages(response.content))
    assert "Not answered or not readable (3):" in text
    for name in ("Confusion", "Eye symptoms", "Temperature"):
        assert name in text, name
    # Its row of the check-ins table ("3 answers missing", wrapped in its cell).
    assert "Fever or chills; 3" in text and "answers missing" in text
