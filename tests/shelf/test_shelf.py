"""My products (issue 21): the shelf, today's plan per product, when each comes back, tenant
rules, the API and the page (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.services import auth, shelf
from needlecare.services.errors import Invalid, NotFound
from needlecare.storage.models import AuditEntry, Treatment
from needlecare.storage.uow import UnitOfWork
from page_session import set_page_session

API = "/api/v1"
RETINOL = "Aqua, Glycerin, Retinol, Tocopherol"
BLAND = "Aqua, Glycerin, Panthenol, Squalane"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _principal(uow: UnitOfWork, person: Any) -> Any:
    return auth.principal_for_token(uow, person.token)


def _treated_on(uow: UnitOfWork, world: Any, name: str) -> date:
    with uow:
        treatment = uow.session.get(Treatment, world.treatments[name])
        assert treatment is not None
        return treatment.treatment_date


def test_plan_per_product_and_the_day_each_comes_back(uow: UnitOfWork, world: Any) -> None:
    pat = _principal(uow, world.pat)
    patient = world.patients["pat"]
    shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate("Night serum", RETINOL))
    shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate("Cream", BLAND, "Plainly"))
    treated = _treated_on(uow, world, "pat")
    today = treated + timedelta(days=3)
    result = shelf.get_shelf(uow, pat, patient, today=today)
    assert result.day == 3
    serum, cream = result.entries
    assert (serum.status, serum.plan, serum.resume_day) == ("avoid", "not_yet", 7)
    assert serum.resume_date == treated + timedelta(days=7)
    assert serum.reasons and all(r["source"].startswith("reference.md#") for r in serum.reasons)
    assert cream.plan == "use" and cream.resume_date is None and cream.brand == "Plainly"
    later = shelf.get_shelf(uow, pat, patient, today=treated + timedelta(days=8))
    assert later.entries[0].plan in ("use", "use_with_care")
    assert later.entries[0].resume_date is None


def test_without_a_treatment_the_shelf_is_judged_as_day_0(uow: UnitOfWork, world: Any) -> None:
    sol = _principal(uow, world.sol)
    with uow:
        for treatment in uow.session.scalars(
            select(Treatment).where(Treatment.patient_id == world.patients["sol"])
        ):
            uow.session.delete(treatment)
        uow.commit()
    shelf.add_product(uow, sol, world.patients["sol"], shelf.ShelfProductCreate("S", RETINOL))
    result = shelf.get_shelf(uow, sol, world.patients["sol"])
    assert result.day is None
    assert result.entries[0].status == "avoid" and result.entries[0].resume_date is None


def test_bad_products_are_refused_and_nothing_is_stored(uow: UnitOfWork, world: Any) -> None:
    pat = _principal(uow, world.pat)
    patient = world.patients["pat"]
    for name, text, field in [
        ("", BLAND, "name"),
        ("x" * 201, BLAND, "name"),
        ("Cream", "", "inci_text"),
        ("Cream", "https://shop.example.com/cream?id=1", "inci_text"),
    ]:
        with pytest.raises(Invalid) as refused:
            shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate(name, text))
        assert refused.value.errors[0].field == field
    assert shelf.get_shelf(uow, pat, patient).entries == []


def test_the_same_product_twice_is_refused_saying_how_to_change_it(
    uow: UnitOfWork, world: Any
) -> None:
    """One product, one plan: the same name and brand (any case or spacing) is refused, and
    nothing is stored; another brand or name is another product."""
    pat = _principal(uow, world.pat)
    patient = world.patients["pat"]
    shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate("Night Serum", RETINOL, "Acme"))
    for name, brand in [("Night Serum", "Acme"), ("  night   serum ", "ACME ")]:
        with pytest.raises(Invalid) as refused:
            shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate(name, BLAND, brand))
        (error,) = refused.value.errors
        assert error.field == "name"
        assert f"already have {name.strip()} on your shelf" in error.message
        assert "remove it first" in error.message
    shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate("Night Serum", BLAND, "Other"))
    shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate("Day Serum", BLAND, "Acme"))
    entries = shelf.get_shelf(uow, pat, patient).entries
    assert sorted((e.name, e.brand, e.inci_text) for e in entries) == [
        ("Day Serum", "Acme", BLAND),
        ("Night Serum", "Acme", RETINOL),
        ("Night Serum", "Other", BLAND),
    ]


def test_clinic_staff_see_the_shelf_audited_other_clinics_get_404(
    uow: UnitOfWork, world: Any
) -> None:
    pat = _principal(uow, world.pat)
    patient = world.patients["pat"]
    shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate("Serum", RETINOL))
    bob = _principal(uow, world.bob)
    assert [e.name for e in shelf.get_shelf(uow, bob, patient).entries] == ["Serum"]
    with uow:
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor_user_id == world.bob.user_id)
        ).all()
    assert "shelf.read" in actions
    charlie = _principal(uow, world.charlie)
    with pytest.raises(NotFound):
        shelf.get_shelf(uow, charlie, patient)
    with pytest.raises(NotFound):
        shelf.add_product(uow, charlie, patient, shelf.ShelfProductCreate("X", BLAND))
    product_id = shelf.get_shelf(uow, pat, patient).entries[0].id
    assert (
        shelf.remove_product(uow, _principal(uow, world.sol), world.patients["sol"], product_id)
        is False
    )
    assert len(shelf.get_shelf(uow, pat, patient).entries) == 1


def test_api_add_and_read(client: TestClient, world: Any) -> None:
    url = f"{API}/patients/{world.patients['pat']}/shelf"
    created = client.post(
        url, json={"name": "Serum", "inci_text": RETINOL}, headers=world.pat.headers
    )
    assert created.status_code == 201, created.text
    entry = created.json()["products"][0]
    assert (entry["name"], entry["plan"], entry["status"]) == ("Serum", "not_yet", "avoid")
    read = client.get(url, headers=world.bob.headers).json()
    assert read["day"] == 5 and read["products"][0]["plan"] == "not_yet"
    assert read["products"][0]["resume_day"] == 7 and read["products"][0]["resume_date"]
    bad = client.post(url, json={"name": "X", "inci_text": "  "}, headers=world.pat.headers)
    assert bad.status_code == 422
    assert client.get(url, headers=world.charlie.headers).status_code == 404


@pytest.fixture
def as_pat(client: TestClient, app: FastAPI, world: Any) -> TestClient:
    set_page_session(client, {"uid": world.pat.user_id, "csrf": secrets.token_urlsafe(32)})
    return client


def test_page_add_see_routine_and_calendar_then_remove(as_pat: TestClient) -> None:
    page = as_pat.get("/products/mine")
    assert page.status_code == 200 and "Your shelf is empty" in page.text
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    added = as_pat.post(
        "/products/mine",
        data={"name": "Night serum", "ingredients": RETINOL, "csrf_token": token},
        follow_redirects=False,
    )
    assert added.status_code == 303
    html = as_pat.get("/products/mine").text
    assert "Night serum" in html and "Not yet" in html and "until day 7" in html
    assert "When they come back" in html and "Day 7" in html
    product_id = re.search(r'name="product_id" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    refused = as_pat.post(
        "/products/mine", data={"name": "", "ingredients": BLAND, "csrf_token": token}
    )
    assert refused.status_code == 422 and 'id="name-error"' in refused.text
    removed = as_pat.post(
        "/products/mine/remove",
        data={"product_id": product_id, "csrf_token": token},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert "Your shelf is empty" in as_pat.get("/products/mine").text


def test_two_products_of_one_name_are_told_apart_by_their_brand(as_pat: TestClient) -> None:
    """Outside tester, round 3: the calendar said "Tret cream, Tret cream" and both Remove
    buttons were named "Remove Tret cream" for a screen reader."""
    token = CSRF.search(as_pat.get("/products/mine").text).group(1)  # type: ignore[union-attr]
    for brand in ("Rx", "Other"):
        added = as_pat.post(
            "/products/mine",
            data={
                "name": "Tret cream",
                "brand": brand,
                "ingredients": RETINOL,
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert added.status_code == 303
    html = as_pat.get("/products/mine").text
    assert "Tret cream (Other), Tret cream (Rx)" in html  # the calendar
    for brand in ("Rx", "Other"):
        assert f'Remove<span class="visually-hidden"> Tret cream ({brand})</span>' in html


def test_the_saved_and_removed_messages_are_said_in_the_readers_language(
    as_pat: TestClient,
) -> None:
    """The flash names the product and survives the redirect as a message, not as English
    text: a Spanish reader gets it in Spanish, with the name as typed."""
    spanish = {"accept-language": "es"}
    token = CSRF.search(as_pat.get("/products/mine").text).group(1)  # type: ignore[union-attr]
    as_pat.post(
        "/products/mine",
        data={"name": "Sérum <b>noche</b>", "ingredients": BLAND, "csrf_token": token},
        headers=spanish,
        follow_redirects=False,
    )
    html = as_pat.get("/products/mine", headers=spanish).text
    assert "Sérum &lt;b&gt;noche&lt;/b&gt; está en tu estantería." in html
    assert "is on your shelf" not in html
    product_id = re.search(r'name="product_id" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    for expected in ("Quitado de tu estantería.", "Ese producto ya no estaba."):
        as_pat.post(
            "/products/mine/remove",
            data={"product_id": product_id, "csrf_token": token},
            headers=spanish,
            follow_redirects=False,
        )
        assert expected in as_pat.get("/products/mine", headers=spanish).text
    english = as_pat.post(
        "/products/mine",
        data={"name": "Night serum", "ingredients": BLAND, "csrf_token": token},
    )
    assert "Night serum is on your shelf." in english.text


def test_refusals_are_said_in_the_readers_language(as_pat: TestClient) -> None:
    spanish = {"accept-language": "es"}
    token = CSRF.search(as_pat.get("/products/mine").text).group(1)  # type: ignore[union-attr]

    def add(name: str, ingredients: str) -> Any:
        data = {"name": name, "ingredients": ingredients, "csrf_token": token}
        return as_pat.post("/products/mine", data=data, headers=spanish, follow_redirects=False)

    assert add("Crema", BLAND).status_code == 303
    twice = add("crema", RETINOL)
    assert twice.status_code == 422
    assert "Ya tienes crema en tu estantería. Para cambiar su lista" in twice.text
    unnamed = add("", BLAND)
    assert "Ponle un nombre al producto (como mucho 200 caracteres)." in unnamed.text
    not_a_list = add("Gel", "https://shop.example.com/gel?id=1")
    assert "Esto no parece una lista de ingredientes." in not_a_list.text
    for response in (twice, unnamed, not_a_list):
        assert "on your shelf" not in response.text
        assert "Give the product a name" not in response.text


def test_the_api_refuses_the_same_product_twice(client: TestClient, world: Any) -> None:
    url = f"{API}/patients/{world.patients['pat']}/shelf"
    body = {"name": "Serum", "inci_text": RETINOL}
    assert client.post(url, json=body, headers=world.pat.headers).status_code == 201
    again = client.post(url, json=body, headers=world.pat.headers)
    assert again.status_code == 422 and "already have Serum on your shelf" in again.text
    assert len(client.get(url, headers=world.pat.headers).json()["products"]) == 1


def test_the_checker_verdict_offers_to_save_the_product(as_pat: TestClient) -> None:
    token = CSRF.search(as_pat.get("/products").text).group(1)  # type: ignore[union-attr]
    verdict = as_pat.post("/products", data={"ingredients": RETINOL, "csrf_token": token})
    assert "Save to my products" in verdict.text
    assert f'name="ingredients" value="{RETINOL}"' in verdict.text


def test_the_clinic_sees_the_shelf_on_the_patient_page(
    client: TestClient, app: FastAPI, uow: UnitOfWork, world: Any
) -> None:
    pat = _principal(uow, world.pat)
    shelf.add_product(
        uow, pat, world.patients["pat"], shelf.ShelfProductCreate("Night serum", RETINOL)
    )
    set_page_session(client, {"uid": world.bob.user_id, "csrf": secrets.token_urlsafe(32)})
    html = client.get(f"/clinic/patients/{world.patients['pat']}").text
    assert "Patient&#39;s products" in html or "Patient's products" in html
    assert "Night serum" in html and "until day 7" in html and "reference.md#AC-06" in html
    with uow:
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor_user_id == world.bob.user_id)
        ).all()
    # The patient page, its shelf included, is one audited read (services.patient_record).
    assert actions == ["patient.read"]


def test_exports_include_the_shelf(client: TestClient, uow: UnitOfWork, world: Any) -> None:
    pat = _principal(uow, world.pat)
    shelf.add_product(
        uow,
        pat,
        world.patients["pat"],
        shelf.ShelfProductCreate("Night serum", RETINOL, "Acme", rinse_off=False),
    )
    base = f"{API}/patients/{world.patients['pat']}"
    document = client.get(f"{base}/export.json", headers=world.bob.headers).json()
    (patient,) = document["patients"]
    assert [(p["name"], p["brand"], p["inci_text"]) for p in patient["shelf"]] == [
        ("Night serum", "Acme", RETINOL)
    ]
    csv = client.get(f"{base}/export.csv?table=shelf", headers=world.pat.headers)
    assert csv.status_code == 200
    header, row = csv.text.strip().splitlines()
    assert header.lstrip("\ufeff").startswith("patient_id,product_id,created_at,name,brand")
    assert "Night serum" in row and "Retinol" in row


def test_a_recommendation_with_a_list_lands_on_the_patients_shelf(
    uow: UnitOfWork, world: Any
) -> None:
    from needlecare.services import notes
    from needlecare.services.notes import RecommendationCreate

    bob = _principal(uow, world.bob)
    patient = world.patients["pat"]
    notes.add_recommendation(uow, bob, patient, RecommendationCreate("Clinic balm", BLAND))
    notes.add_recommendation(uow, bob, patient, RecommendationCreate("Sunscreen, any"))
    entries = shelf.get_shelf(uow, _principal(uow, world.pat), patient).entries
    assert [(e.name, e.plan) for e in entries] == [("Clinic balm", "use")]
