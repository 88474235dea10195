"""Recommendations agree with the ingredient checker: the verdict per upcoming recovery day,
and an "avoid" on a recommended day is refused (422) unless explicitly confirmed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.api_helpers import snapshot
from needlecare.storage.uow import UnitOfWork

API = "/api/v1/patients"
RETINOL = "Aqua, Glycerin, Retinol, Phenoxyethanol"


def test_the_check_gives_a_verdict_for_each_upcoming_day_with_cited_reasons(
    client: TestClient, world: Any
) -> None:
    pat = world.patients["pat"]  # 1.0 mm pen 5 days ago: retinoids wait until day 7 (AC-06)
    response = client.post(
        f"{API}/{pat}/recommendations/check",
        headers=world.bob.headers,
        json={"inci_text": RETINOL},
    )
    assert response.status_code == 200, response.text
    check = response.json()
    assert check["from_day"] == 5
    assert [d["day"] for d in check["days"]] == list(range(5, 19))
    assert check["avoid_days"] == [5, 6]
    assert {d["status"] for d in check["days"] if d["day"] >= 7} != {"avoid"}
    assert any(r["source"] == "reference.md#AC-06" for r in check["reasons"])

    later = client.post(
        f"{API}/{pat}/recommendations/check",
        headers=world.bob.headers,
        json={"inci_text": RETINOL, "from_day": 7},
    ).json()
    assert later["avoid_days"] == []

    # a start day already past (pat is on day 5) is refused at its field, naming today's day
    for path, extra in (
        ("/recommendations/check", {}),
        ("/recommendations", {"product_name": "S"}),
    ):
        past = client.post(
            f"{API}/{pat}{path}",
            headers=world.bob.headers,
            json={"inci_text": RETINOL, "from_day": 2, **extra},
        )
        assert past.status_code == 422, past.text
        assert "patient is on day 5 of the recovery today" in past.text
        assert "from_day" in past.text

    refused = client.post(
        f"{API}/{pat}/recommendations/check", headers=world.pat.headers, json={"inci_text": RETINOL}
    )
    assert refused.status_code == 403


def test_an_avoid_on_a_recommended_day_needs_the_confirmation(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    pat = world.patients["pat"]
    url = f"{API}/{pat}/recommendations"
    body = {"product_name": "Night retinol", "inci_text": RETINOL, "note": "twice daily"}
    rows = snapshot(uow)
    refused = client.post(url, headers=world.bob.headers, json=body)
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["field"] == "acknowledge_avoid" and "days 5 to 6" in error["message"]
    assert snapshot(uow) == rows  # nothing stored, not even on the shelf

    confirmed = client.post(
        url, headers=world.bob.headers, json={**body, "acknowledge_avoid": True}
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["avoid_acknowledged"] is True

    from_seven = client.post(url, headers=world.bob.headers, json={**body, "from_day": 7})
    assert from_seven.status_code == 201
    assert from_seven.json()["from_day"] == 7 and from_seven.json()["avoid_acknowledged"] is False

    gentle = {"product_name": "Balm", "inci_text": "Aqua, Glycerin, Panthenol"}
    assert client.post(url, headers=world.bob.headers, json=gentle).status_code == 201
    no_list = {"product_name": "Sunscreen"}  # nothing to check without an ingredient list
    assert client.post(url, headers=world.bob.headers, json=no_list).status_code == 201
