"""Patient pages through the real app: forms, inline errors, idempotent check-in, results."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.storage.models import Alert, Checkin

from .conftest import csrf_from, login, post_form
from .seed import World


def _checked(html: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)" checked', html)
    return match.group(1) if match else None


def _checkins(app: FastAPI) -> int:
    with app.state.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Checkin)) or 0)


def test_anonymous_visitor_is_sent_to_login_and_back(client: TestClient, world: World) -> None:
    response = client.get("/history")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fhistory"

    token = csrf_from(client.get("/login?next=%2Fhistory").text)
    response = client.post(
        "/login",
        data={
            "email": world.patient_a,
            "password": "correct horse battery",
            "csrf_token": token,
            "next": "/history",
        },
    )
    assert response.headers["location"] == "/history"


def test_login_never_redirects_off_site(client: TestClient, world: World) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "email": world.patient_a,
            "password": "correct horse battery",
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/today"


def test_wrong_password_keeps_the_email_and_says_so(client: TestClient, world: World) -> None:
    response = post_form(
        client, "/login", "/login", {"email": world.patient_a, "password": "not the password"}
    )
    assert response.status_code == 401
    assert "do not match" in response.text
    assert f'value="{world.patient_a}"' in response.text


def test_today_shows_the_day_after_treatment_and_what_to_avoid(
    client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    html = client.get("/today").text
    assert "Day 3 after treatment" in html
    assert "Avoid today" in html
    assert "Do today&#39;s check-in" in html or "Do today's check-in" in html


def test_check_in_with_an_out_of_range_answer_keeps_every_answer(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = post_form(
        client,
        "/checkin",
        "/checkin",
        {
            "redness": "7",
            "swelling": "2",
            "pain": "4",
            "itch": "0",
            "breakouts_count": "0",
            "flaking": "true",
            "idempotency_key": "k-1",
            "products": "Aqua, Retinol",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'id="redness-error"' in html and "from 0 to 3" in html
    assert _checked(html, "swelling") == "2"
    assert _checked(html, "pain") == "4"
    assert _checked(html, "flaking") == "true"
    assert "Aqua, Retinol" in html
    assert 'name="idempotency_key" value="k-1"' in html
    assert _checkins(app) == 0


def test_breakouts_without_their_kind_are_asked_again(client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    response = post_form(
        client, "/checkin", "/checkin", {"breakouts_count": "5", "idempotency_key": "k-2"}
    )
    assert response.status_code == 422
    assert 'id="breakouts_kind-error"' in response.text


def test_a_double_tap_stores_one_check_in(app: FastAPI, client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    token = csrf_from(client.get("/checkin").text)
    answers = {
        "redness": "1",
        "swelling": "1",
        "pain": "2",
        "itch": "0",
        "breakouts_count": "0",
        "idempotency_key": "double-tap",
        "csrf_token": token,
    }

    first = client.post("/checkin", data=answers)
    second = client.post("/checkin", data=answers)

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert _checkins(app) == 1


def test_result_page_shows_level_findings_and_sources(client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    response = post_form(
        client,
        "/checkin",
        "/checkin",
        {"breathing_difficulty": "true", "facial_swelling": "true", "idempotency_key": "k-urgent"},
    )
    assert response.status_code == 303
    html = client.get(response.headers["location"]).text
    assert "level-urgent" in html
    assert "Get medical care today" in html
    assert "emergency" in html
    assert "Source" in html
    assert "Your clinic has been told" in html


def test_urgent_check_in_raises_an_alert_for_the_clinic(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    post_form(
        client,
        "/checkin",
        "/checkin",
        {
            "fever": "true",
            "spreading_redness": "true",
            "warmth": "true",
            "idempotency_key": "k-alert",
        },
    )
    with app.state.session_factory() as session:
        alert = session.scalars(select(Alert)).one()
    assert alert.clinic_id == world.clinic_a


def test_treatment_form_errors_are_inline_and_keep_what_was_typed(
    client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = post_form(
        client,
        "/treatment/new",
        "/treatment/new",
        {
            "treatment_date": "2026-01-02",
            "depth_mm": "deep",
            "device": "roller",
            "areas": ["face", "neck"],
            "serum": "hyaluronic acid",
            "fitzpatrick": "5",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'id="depth_mm-error"' in html
    assert 'value="2026-01-02"' in html and 'value="hyaluronic acid"' in html
    assert _checked(html, "device") == "roller"
    assert _checked(html, "fitzpatrick") == "5"
    assert 'value="neck" checked' in html


def test_treatment_too_deep_is_refused_by_the_domain_rules_inline(
    client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = post_form(
        client,
        "/treatment/new",
        "/treatment/new",
        {"treatment_date": "2026-01-02", "depth_mm": "40", "device": "pen", "areas": "face"},
    )
    assert response.status_code == 422
    assert 'id="depth_mm-error"' in response.text


def test_recording_a_treatment_moves_today(client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    from needlecare.storage.base import utcnow

    response = post_form(
        client,
        "/treatment/new",
        "/treatment/new",
        {
            "treatment_date": utcnow().date().isoformat(),
            "depth_mm": "0.5",
            "device": "pen",
            "areas": "face",
            "fitzpatrick": "",
            "acne_prone": "true",
        },
    )
    assert response.status_code == 303
    assert "Day 0 after treatment" in client.get("/today").text


def test_product_checker_gives_a_verdict_with_reasons(client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    response = post_form(
        client, "/products", "/products", {"ingredients": "Aqua, Glycerin, Retinol, Parfum"}
    )
    assert response.status_code == 200
    html = response.text
    assert "verdict-avoid" in html
    assert "Retinol" in html.replace("RETINOL", "Retinol")
    assert "From day" in html  # the resume day has its own verdict


def test_product_checker_refuses_what_is_not_a_list_inline(
    client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    for text in ("", "https://shop.example.com/products/night-cream?id=123"):
        response = post_form(client, "/products", "/products", {"ingredients": text})
        assert response.status_code == 422
        assert 'id="ingredients-error"' in response.text
        assert "verdict-" not in response.text


def test_history_draws_trend_charts_from_check_ins(client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    post_form(
        client, "/checkin", "/checkin", {"redness": "2", "pain": "6", "idempotency_key": "h1"}
    )
    html = client.get("/history").text
    assert html.count('<svg class="chart"') == 4
    assert "Day 3: redness 2" in html
    assert "Day 3: pain 6" in html


def test_staff_cannot_use_patient_pages(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    response = client.get("/checkin")
    assert response.status_code == 403
    assert "for patients" in response.text


def test_register_shows_inline_errors_then_creates_a_personal_account(client: TestClient) -> None:
    response = post_form(
        client,
        "/register",
        "/register",
        {"display_name": "Rae", "email": "rae@example.test", "password": "short"},
    )
    assert response.status_code == 422
    assert 'id="password-error"' in response.text and 'value="Rae"' in response.text

    response = post_form(
        client,
        "/register",
        "/register",
        {"display_name": "Rae", "email": "rae@example.test", "password": "a long passphrase"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/treatment/new"
    assert client.get("/checkin").headers["location"] == "/treatment/new"


def test_unknown_page_is_a_friendly_404(client: TestClient, world: World) -> None:
    response = client.get("/no/such/page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "Page not found" in response.text

    login(client, world.patient_a)
    for path in ("/checkins/not-a-number", "/checkins/999999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text


def test_history_charts_only_the_current_treatment(client: TestClient, world: World) -> None:
    from needlecare.storage.base import utcnow

    login(client, world.patient_a)
    post_form(client, "/checkin", "/checkin", {"redness": "2", "idempotency_key": "old"})
    post_form(
        client,
        "/treatment/new",
        "/treatment/new",
        {
            "treatment_date": utcnow().date().isoformat(),
            "depth_mm": "0.5",
            "device": "pen",
            "areas": "face",
        },
    )
    html = client.get("/history").text
    assert '<svg class="chart"' not in html
    assert "the chart appears after the first one" in html
    assert "Day 3" in html  # the earlier check-in stays in the table
