"""One product per name and brand on a shelf, kept by the database (issue 21): two adds at the
same moment both pass the service's read of the shelf; the unique index refuses the second with
the same 422 as the check (never a 500), and the migration that brought the index kept every
product of shelves that already held a duplicate. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from needlecare.services import auth, shelf
from needlecare.services.errors import Invalid
from needlecare.services.scope import patient_for
from needlecare.storage.migrate import alembic_config, upgrade
from needlecare.storage.models import ShelfProduct
from needlecare.storage.models.shelf import shelf_name_key
from needlecare.storage.uow import UnitOfWork

API = "/api/v1"
BLAND = "Aqua, Glycerin, Panthenol, Squalane"
RETINOL = "Aqua, Glycerin, Retinol, Tocopherol"


def _the_check_sees_an_empty_shelf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second of two adds at the same moment: its read of the shelf came before the
    first one's insert, so the service's check finds nothing (only the database can refuse)."""
    monkeypatch.setattr(shelf, "shelf_name_key", lambda name, brand: "read before the insert")


def test_a_second_add_past_the_check_is_refused_by_the_database_with_the_same_422(
    client: TestClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{API}/patients/{world.patients['pat']}/shelf"
    assert (
        client.post(
            url, json={"name": "Serum", "inci_text": RETINOL}, headers=world.pat.headers
        ).status_code
        == 201
    )
    checked = client.post(
        url, json={"name": "serum ", "inci_text": BLAND}, headers=world.pat.headers
    )
    _the_check_sees_an_empty_shelf(monkeypatch)
    raced = client.post(url, json={"name": "SERUM", "inci_text": BLAND}, headers=world.pat.headers)
    assert checked.status_code == raced.status_code == 422
    assert checked.json()["errors"] == [
        {**error, "message": error["message"].replace("SERUM", "serum")}
        for error in raced.json()["errors"]
    ]
    assert "already have SERUM on your shelf" in raced.text
    products = client.get(url, headers=world.pat.headers).json()["products"]
    assert [(p["name"], p["inci_text"]) for p in products] == [("Serum", RETINOL)]
    # Another brand is another product, past the check or not.
    other = {"name": "Serum", "brand": "Acme", "inci_text": BLAND}
    assert client.post(url, json=other, headers=world.pat.headers).status_code == 201


def test_the_service_refusal_past_the_check_leaves_nothing_half_written(
    uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pat = auth.principal_for_token(uow, world.pat.token)
    patient = world.patients["pat"]
    shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate("Night serum", RETINOL, "Acme"))
    _the_check_sees_an_empty_shelf(monkeypatch)
    with pytest.raises(Invalid) as refused:
        shelf.add_product(
            uow, pat, patient, shelf.ShelfProductCreate(" night  SERUM", BLAND, "acme")
        )
    (error,) = refused.value.errors
    assert error.field == "name" and "remove it first" in error.message
    with uow.reading():
        rows = uow.session.scalars(
            select(ShelfProduct).where(ShelfProduct.patient_id == patient)
        ).all()
        assert [(row.name, row.inci_text) for row in rows] == [("Night serum", RETINOL)]


def test_a_recommendation_of_a_product_added_a_moment_ago_still_saves_the_rest(
    uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the caller's transaction (a clinic's note): the refused insert is undone alone."""
    pat = auth.principal_for_token(uow, world.pat.token)
    patient_id = world.patients["pat"]
    shelf.add_product(uow, pat, patient_id, shelf.ShelfProductCreate("Barrier cream", BLAND))
    _the_check_sees_an_empty_shelf(monkeypatch)
    with uow:
        patient = patient_for(uow.session, pat, patient_id)
        assert (
            shelf.shelve_recommendation(uow.session, pat, patient, "barrier Cream", BLAND) is None
        )
        assert shelf.shelve_recommendation(uow.session, pat, patient, "Gentle wash", BLAND)
        uow.commit()
    with uow.reading():
        names = uow.session.scalars(
            select(ShelfProduct.name)
            .where(ShelfProduct.patient_id == patient_id)
            .order_by(ShelfProduct.id)
        ).all()
        assert names == ["Barrier cream", "Gentle wash"]


def test_the_migration_keeps_every_duplicate_made_before_the_index(
    database_url: str, uow: UnitOfWork, world: Any
) -> None:
    patient = world.patients["pat"]
    command.downgrade(alembic_config(database_url), "h20_outcome_groups")
    insert = text(
        "INSERT INTO shelf_product (patient_id, name, brand, inci_text, rinse_off, created_at)"
        " VALUES (:patient, :name, :brand, :text, false, CURRENT_TIMESTAMP)"
    )
    rows = [("Serum", ""), ("serum ", ""), ("SERUM", ""), ("Serum", "Acme"), ("Cream", "")]
    with uow:
        for name, brand in rows:
            values = {"patient": patient, "name": name, "brand": brand, "text": BLAND}
            uow.session.execute(insert, values)
        uow.commit()
    upgrade(database_url)
    with uow.reading():
        kept = uow.session.scalars(select(ShelfProduct).order_by(ShelfProduct.id)).all()
        assert [(row.name, row.brand) for row in kept] == rows
        first, second, third, branded, cream = kept
        assert first.name_key == shelf_name_key("Serum", "")
        assert second.name_key == f"{first.name_key}#{second.id}"
        assert third.name_key == f"{first.name_key}#{third.id}"
        assert branded.name_key == shelf_name_key("Serum", "Acme")
        assert cream.name_key == shelf_name_key("cream", "")
    # The patient removes a duplicate (as the page offers), and adding it again is refused.
    pat = auth.principal_for_token(uow, world.pat.token)
    assert shelf.remove_product(uow, pat, patient, second.id)
    with pytest.raises(Invalid):
        shelf.add_product(uow, pat, patient, shelf.ShelfProductCreate("serum", RETINOL))
