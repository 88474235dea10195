"""The clinic's recommendation form shows the checker's verdict per upcoming day and asks
for an explicit confirmation when a recommended day is "avoid"."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import Recommendation

from .conftest import login, post_form
from .seed import World

RETINOL = "Aqua, Glycerin, Retinol"


def _post(client: TestClient, page: str, data: dict[str, object]) -> httpx.Response:
    response = post_form(client, page, f"{page}/recommendations", data)
    assert isinstance(response, httpx.Response)
    return response


def _recommendations(app: FastAPI) -> list[Recommendation]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(Recommendation)))


def test_the_form_checks_each_day_and_needs_a_confirmation_for_avoid(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.clinician_a)
    page = f"/clinic/patients/{world.patient_a_id}"
    rec = {"product_name": "Night retinol", "inci_text": RETINOL, "note": "twice daily"}

    checked = _post(client, page, {**rec, "action": "check"})
    assert checked.status_code == 200
    assert "verdict from day 3" in checked.text and 'class="verdict-avoid"' in checked.text
    assert 'name="acknowledge_avoid"' in checked.text
    assert "/guide/sources#AC-06" in checked.text  # the reason's source is a link
    assert _recommendations(app) == []  # checking saves nothing

    refused = _post(client, page, {**rec, "action": "add"})
    assert refused.status_code == 422
    assert 'id="acknowledge_avoid-error"' in refused.text and "days 3 to 6" in refused.text
    assert 'value="Night retinol"' in refused.text  # what was typed is kept
    assert _recommendations(app) == []

    confirmed = _post(client, page, {**rec, "action": "add", "acknowledge_avoid": "yes"})
    assert confirmed.status_code == 303
    (saved,) = _recommendations(app)
    assert saved.avoid_acknowledged and saved.from_day is None

    later = _post(client, page, {**rec, "action": "add", "from_day": "7"})
    assert later.status_code == 303
    bad_day = _post(client, page, {**rec, "action": "add", "from_day": "soon"})
    assert bad_day.status_code == 422 and 'id="from_day-error"' in bad_day.text


def test_cited_sources_link_to_their_entry_on_the_sources_page(
    client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = post_form(client, "/products", "/products", {"ingredients": RETINOL, "day": "0"})
    assert isinstance(response, httpx.Response) and response.status_code == 200
    assert '<cite><a href="/guide/sources#AC-06">reference.md#AC-06</a></cite>' in response.text
    today = client.get("/today").text  # the timeline's sources too
    assert '<a href="/guide/sources#TL-' in today
    sources = client.get("/guide/sources").text
    assert 'id="AC-06"' in sources


def test_a_start_day_already_past_is_refused_at_its_field_naming_todays_day(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Outside tester's finding 17: "from day 1" for a patient on day 3 was accepted, with an
    "avoid on days 1 to 2" warning about days already over."""
    login(client, world.clinician_a)
    page = f"/clinic/patients/{world.patient_a_id}"
    rec = {"product_name": "Night retinol", "inci_text": RETINOL, "from_day": "1"}
    for action in ("check", "add"):
        refused = _post(client, page, {**rec, "action": action})
        assert refused.status_code == 422
        assert 'id="from_day-error"' in refused.text
        assert "patient is on day 3 of the recovery today" in refused.text
        assert 'value="1"' in refused.text  # what was typed is kept
        assert "verdict from day 1" not in refused.text
    assert _recommendations(app) == []
    today = _post(client, page, {**rec, "action": "check", "from_day": "3"})
    assert today.status_code == 200 and "verdict from day 3" in today.text
