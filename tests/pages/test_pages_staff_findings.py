"""What staff read about a check-in (outside tester's findings 14 and 15): the findings in the
clinic's words on the alert queue and the check-in page, while the patient keeps theirs."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import Checkin

from .conftest import login, post_form
from .seed import World

# A fever and spreading redness with spots whose kind the patient skipped.
RED_FLAG_KIND_SKIPPED = {
    "redness": "2",
    "swelling": "1",
    "pain": "5",
    "itch": "0",
    "breakouts_count": "5",
    "fever": "true",
    "spreading_redness": "true",
    "idempotency_key": "kind-skipped",
}
PATIENT_WORDS = ("You have a fever", "Some of your answers", "You told us", "We read")


def _send(app: FastAPI, client: TestClient, world: World) -> Checkin:
    login(client, world.patient_a)
    response = post_form(client, "/checkin", "/checkin", RED_FLAG_KIND_SKIPPED)
    assert response.status_code == 303, response.text
    with app.state.session_factory() as session:
        return session.scalars(select(Checkin)).one()


def test_staff_read_the_findings_in_the_clinics_words(
    app: FastAPI, client: TestClient, world: World
) -> None:
    checkin = _send(app, client, world)
    result = client.get(f"/checkins/{checkin.id}").text
    assert "You have a fever" in html.unescape(result)  # the patient's own wording stays

    login(client, world.clinician_a)
    page = html.unescape(
        client.get(f"/clinic/patients/{world.patient_a_id}/checkins/{checkin.id}").text
    )
    assert "Fever reported with skin signs" in page
    assert "The patient did NOT say what the spots look like" in page
    assert "Some answers were missing or could not be read" in page
    assert [w for w in PATIENT_WORDS if w in page] == []
    queue = html.unescape(client.get("/clinic/alerts").text)
    assert "Fever reported with skin signs" in queue  # the row's full findings (title)
    assert [w for w in PATIENT_WORDS if w in queue] == []


def test_answers_as_given_say_which_answers_were_not_given(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Outside tester's finding 14: the spot kind the patient skipped was read as possibly
    pus-filled, and the clinician's "Answers as given" did not say it was never answered."""
    checkin = _send(app, client, world)
    login(client, world.clinician_a)
    page = client.get(f"/clinic/patients/{world.patient_a_id}/checkins/{checkin.id}").text
    row = re.search(r"<th scope=\"row\">Breakouts: kind</th><td>([^<]*)</td>", page)
    assert row is not None
    assert row.group(1) == (
        "NOT ANSWERED; read on the careful side, as if the spots could hold pus (kind unknown)"
    )
    # the answers given are still there, as given
    assert re.search(r"<th scope=\"row\">Breakouts: count</th><td>[^<]*5", page)
