"""A Spanish-speaking patient's photo pages are Spanish throughout: the plain comparison,
what is behind its toggle (how it was measured, how sure, why), the figures, the notice and
the photo's own page. The clinic's view keeps its English figures."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from needlecare.photos import report
from needlecare.storage.models import Treatment, User
from needlecare.web.pages.photo_words import NOTICE
from translation.untranslated import untranslated, visible_text

from .conftest import skin_photo
from .test_pages import csrf, form_upload, login


def test_photo_pages_in_spanish(client: TestClient, app: FastAPI, world: Any) -> None:
    pid = world.patients["pat"]
    with app.state.session_factory() as session:
        treated_on = session.get(Treatment, world.treatments["pat"]).treatment_date
    login(client, app, world.bob.user_id)
    page = f"/clinic/patients/{pid}/photos/new"
    for seed, spots in ((60, 4), (61, 1)):
        response = form_upload(client, page, skin_photo(seed=seed, spots=spots), csrf(client, page))
        assert response.status_code == 303, response.text
    # The photos' day counts from a treatment dated 5 days before the fixture ran: a run
    # across midnight makes it 6, so the day is counted when the photos are taken, not assumed.
    day = (date.today() - treated_on).days
    with app.state.session_factory() as session:
        session.execute(update(User).where(User.id == world.pat.user_id).values(language="es"))
        session.commit()
    login(client, app, world.pat.user_id)
    timeline = client.get("/photos").text
    photo_ids = sorted(set(re.findall(r'href="/photos/(\d+)"', timeline)))
    assert len(photo_ids) == 2
    for path in ("/photos", *(f"/photos/{i}" for i in photo_ids)):
        html = client.get(path).text
        assert '<html lang="es">' in html, path
        assert untranslated(html) == [], path
        words = visible_text(html)
        for english in ENGLISH:
            assert english not in words, (path, english)
        assert "Esto es una medición del color en una foto." in words, path
        assert "Fiabilidad de la medición Alta" in words, path
        assert "40° · intermedia" in words or "° · " not in words, path
    assert re.search(
        rf"Comparada con la foto anterior \(día {day}\): (sin un cambio claro|más roja|menos roja)",
        timeline,
    )
    assert "La luz y la zona medida se parecen en las dos fotos." in timeline
    assert re.search(r"\(a\* [+-]?\d+(,\d)?\), \d granitos menos\.", timeline)  # 1,5 not 1.5
    assert f"<h1>Cara, día {day}</h1>" in client.get(f"/photos/{photo_ids[0]}").text

    # The clinic's own view keeps its English figures.
    login(client, app, world.bob.user_id)
    staff = client.get(f"/clinic/patients/{pid}/photos").text
    assert "Compared with the previous photo (day 5):" in staff
    assert "Measurement confidence" in staff and ">High</span>" in staff


# English a Spanish reader saw before (not all of it is a catalogue entry to be found).
ENGLISH = ("This is a measurement", "day 5", "fewer spots", "no clear change", "Face", "high")


def test_the_notice_is_the_reports_own() -> None:
    assert NOTICE == report.NOTICE
