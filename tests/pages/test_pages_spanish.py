"""Issue 22: a patient who reads Spanish sees no English on their pages.

The check (tests/translation/untranslated.py) looks for every English message of the
catalogue and every knowledge text, not for a list of words.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from needlecare.storage.models import Clinic, Treatment, User
from translation.untranslated import untranslated

from .conftest import csrf_from, login
from .seed import World

FEVER_AND_SPOTS = {
    "redness": "2",
    "swelling": "1",
    "pain": "4",
    "itch": "1",
    "fever": "true",
    "breakouts_count": "5",
    "breakouts_kind": "pustules",
    "breakouts_outside": "false",
    "idempotency_key": "spanish-1",
}


def _spanish(app: FastAPI, email: str) -> None:
    with app.state.session_factory() as session:
        session.execute(update(User).where(User.email == email).values(language="es"))
        session.commit()


def _assert_spanish(page: str, where: str) -> None:
    assert '<html lang="es">' in page, where
    assert untranslated(page) == [], where


def test_the_check_in_and_its_result_are_in_spanish(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    form = client.get("/checkin")
    _assert_spanish(form.text, "check-in form")
    assert "¿Fiebre o escalofríos?" in form.text
    response = client.post("/checkin", data={**FEVER_AND_SPOTS, "csrf_token": csrf_from(form.text)})
    assert response.status_code == 303, response.text[-400:]
    result = client.get(response.headers["location"])
    _assert_spanish(result.text, "result")
    assert "fiebre" in result.text
    today = client.get("/today")
    _assert_spanish(today.text, "today")


def test_form_errors_are_in_spanish(app: FastAPI, client: TestClient, world: World) -> None:
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    form = client.get("/checkin")
    bad = {**FEVER_AND_SPOTS, "fever": "false", "redness": "9", "csrf_token": csrf_from(form.text)}
    response = client.post("/checkin", data=bad)
    assert response.status_code == 422
    _assert_spanish(response.text, "form with errors")
    assert re.search(r"Elige un valor de 0 a 3\.", response.text)


def test_the_detector_finds_english(app: FastAPI, client: TestClient, world: World) -> None:
    login(client, world.patient_a)  # no stored choice, English browser: an English page
    found = untranslated(client.get("/checkin").text)
    assert "Fever or chills" in found and "Send check-in" in found


PATIENT_PAGES = [
    "/today",
    "/checkin",
    "/history",
    "/messages",
    "/products",
    "/products/mine",
    "/treatment/new",
    "/photos",
    "/photos/new",
    "/account",
    "/settings/language",
    "/guide",
    "/guide/warning-signs",
    "/guide/sheet",
    "/guide/sources",
]


def test_every_patient_page_is_in_spanish(app: FastAPI, client: TestClient, world: World) -> None:
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    for path in PATIENT_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_spanish(response.text, path)


def test_the_product_verdict_and_its_reasons_are_in_spanish(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    page = client.get("/products")
    data = {"ingredients": "Aqua, Retinol, Glycerin, Parfum", "day": "2"}
    response = client.post("/products", data={**data, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 200
    _assert_spanish(response.text, "verdict")
    assert "Evítalo hasta el día" in response.text


def test_the_checkers_day_error_is_in_spanish(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Without a treatment on record the checker asks for the day; a wrong one is said in
    the patient's language."""
    with app.state.session_factory() as session:
        session.execute(
            update(Treatment)
            .where(Treatment.patient_id == world.patient_a_id)
            .values(patient_id=world.patient_b_id)
        )
        session.commit()
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    page = client.get("/products")
    data = {"ingredients": "Aqua, Glycerin", "day": "tres", "csrf_token": csrf_from(page.text)}
    response = client.post("/products", data=data)
    assert response.status_code == 422
    _assert_spanish(response.text, "checker with a wrong day")
    assert "Escribe un número entero de días, 0 o más." in response.text


def test_public_pages_follow_a_spanish_browser(client: TestClient) -> None:
    for path in ("/login", "/register", "/password/forgot", "/guide"):
        response = client.get(path, headers={"Accept-Language": "es"})
        assert response.status_code == 200, path
        _assert_spanish(response.text, path)


def test_error_pages_say_why_in_spanish(app: FastAPI, client: TestClient, world: World) -> None:
    _spanish(app, world.clinician_a)
    login(client, world.clinician_a)
    refused = client.get("/today")  # a patients' page, asked for by staff
    assert refused.status_code == 403
    assert "Estas páginas son para pacientes" in refused.text
    _assert_spanish(refused.text, "403")
    # A refused form is answered before the login is read: the browser's language then.
    form = client.post(
        "/settings/language",
        data={"language": "es", "csrf_token": "forged"},
        headers={"Accept-Language": "es"},
    )
    assert form.status_code == 403
    assert "vuelve a cargar la página" in form.text


def _check_in_with_fever(client: TestClient, key: str) -> str:
    form = client.get("/checkin")
    data = {**FEVER_AND_SPOTS, "idempotency_key": key, "csrf_token": csrf_from(form.text)}
    response = client.post("/checkin", data=data)
    assert response.status_code == 303, response.text[-400:]
    return str(response.headers["location"])


def _clinic_country(app: FastAPI, clinic_id: int, country: str | None) -> None:
    with app.state.session_factory() as session:
        session.execute(update(Clinic).where(Clinic.id == clinic_id).values(country=country))
        session.commit()


def test_emergency_advice_names_the_clinic_countrys_number(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    result = _check_in_with_fever(client, "spanish-emergency")
    # The number is data (knowledge/data/emergency_numbers.toml), one per clinic country.
    for country, number in (("ES", "112"), ("MX", "911"), ("US", "911")):
        _clinic_country(app, world.clinic_a, country)
        page = client.get(result).text
        _assert_spanish(page, f"result, clinic in {country}")
        assert f"llama al {number}" in page and f'href="tel:{number}"' in page, country
    _clinic_country(app, world.clinic_a, None)
    page = client.get(result).text
    assert "llama a tu número local de emergencias" in page
    assert 'href="tel:' not in page.split("<main", 1)[-1].split("</main>", 1)[0]


def test_a_clinician_reads_a_patients_findings_in_the_clinicians_language(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    checkin_id = _check_in_with_fever(client, "spanish-findings").rstrip("/").rsplit("/", 1)[-1]
    detail = f"/clinic/patients/{world.patient_a_id}/checkins/{checkin_id}"
    login(client, world.clinician_a)  # no stored choice, English browser
    english = client.get(detail).text
    assert "Fever" in english and "fiebre" not in english.lower()
    _spanish(app, world.clinician_a)
    login(client, world.clinician_a)
    spanish = client.get(detail).text
    assert "fiebre" in spanish.lower() and '<html lang="es">' in spanish
    # The queue's hover text holds the full findings: Spanish too.
    queue = client.get("/clinic/alerts").text
    hover = re.findall(r'class="findings" title="([^"]*)"', queue)
    assert hover and all("fiebre" in text.lower() for text in hover)
    assert all(untranslated(text) == [] for text in hover)


def test_deleting_the_account_asks_for_the_phrase_in_spanish(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    page = client.get("/account")
    assert "BORRAR MIS DATOS" in page.text and "DELETE MY DATA" not in page.text
    token = csrf_from(page.text)
    wrong = client.post("/account/delete", data={"confirm": "borrar", "csrf_token": token})
    assert wrong.status_code == 422
    _assert_spanish(wrong.text, "delete refused")
    assert "Escribe BORRAR MIS DATOS tal cual" in wrong.text
    done = client.post("/account/delete", data={"confirm": "BORRAR MIS DATOS", "csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/login"


# A pharmacy label as printed: a drug-facts active with its purpose, colours "may contain".
PHARMACY_LABEL = (
    "Active ingredient: Salicylic acid 2% Purpose: Acne treatment\n"
    "Inactive ingredients: Aqua, Glycolic Acid 7%, Parfum, Tea Tree Oil. "
    "May contain (+/-): CI 77891."
)


def test_the_checkers_chips_and_left_out_text_are_in_spanish(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The chips beside each ingredient were the flag codes ("Aha", "Bha", "Unrecognized"),
    and the reasons for the text left out were English: both are said in Spanish."""
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    page = client.get("/products")
    data = {"ingredients": PHARMACY_LABEL + " Flurbomix"}
    response = client.post("/products", data={**data, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 200
    _assert_spanish(response.text, "pharmacy label")
    chips = set(re.findall(r'<span class="flag">([^<]*)</span>', response.text))
    assert {"AHA (exfoliante ácido)", "BHA (ácido salicílico)", "Perfume"} <= chips
    assert {"Aceite esencial", "No reconocido"} <= chips
    assert not chips & {"Aha", "Bha", "Fragrance", "Unrecognized", "Essential oil"}
    assert "finalidad de un principio activo del prospecto" in response.text
    assert "indicador de los colorantes que el producto puede contener" in response.text


def test_my_products_says_the_plan_and_its_day_in_spanish(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _spanish(app, world.patient_a)
    login(client, world.patient_a)
    page = client.get("/products/mine")
    data = {"name": "Sérum", "ingredients": "Aqua, Retinol, Glycerin"}
    response = client.post("/products/mine", data={**data, "csrf_token": csrf_from(page.text)})
    assert response.status_code in (200, 303)
    shelf = client.get("/products/mine").text
    _assert_spanish(shelf, "shelf")
    assert re.search(r"<strong>Todavía no</strong> hasta el día \d+", shelf)
    assert "until day" not in shelf
