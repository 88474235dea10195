"""Issue 22: the page language follows the stored choice, else the browser, else English."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import User

from .conftest import login, post_form
from .seed import World


def _stored(app: FastAPI, email: str) -> str | None:
    with app.state.session_factory() as session:
        return session.scalar(select(User.language).where(User.email == email))


def test_anonymous_pages_follow_the_browser(client: TestClient) -> None:
    english = client.get("/login")
    assert '<html lang="en">' in english.text
    spanish = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in spanish.text
    assert "Saltar al contenido" in spanish.text
    # A language we do not ship falls through to the next one the browser accepts.
    assert '<html lang="es">' in client.get("/login", headers={"Accept-Language": "ko, es"}).text
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "ko"}).text


def test_a_stored_choice_wins_over_the_browser(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    page = client.get("/settings/language")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    response = post_form(client, "/settings/language", "/settings/language", {"language": "es"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert _stored(app, world.patient_a) == "es"
    assert "Tu idioma se ha guardado." in client.get("/settings/language").text
    today = client.get("/today", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in today.text
    assert "Cerrar sesión" in today.text
    assert "Log out" not in today.text
    # Back to following the browser.
    post_form(client, "/settings/language", "/settings/language", {"language": "browser"})
    assert _stored(app, world.patient_a) is None
    assert '<html lang="en">' in client.get("/today").text


def test_an_unknown_language_is_refused_and_nothing_is_stored(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.clinician_a)
    for value in ("xx", "es' OR 1=1", "e" * 300):
        response = post_form(
            client, "/settings/language", "/settings/language", {"language": value}
        )
        assert response.status_code == 422, value  # type: ignore[attr-defined]
        assert "Choose one of the languages listed." in response.text  # type: ignore[attr-defined]
    assert _stored(app, world.clinician_a) is None


def test_error_pages_speak_the_language_of_the_browser(client: TestClient) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "es", "Accept": "text/html"})
    assert response.status_code == 404
    assert "No se encontró la página" in response.text
    assert '<html lang="es">' in response.text
