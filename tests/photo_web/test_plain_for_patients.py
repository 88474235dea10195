"""The photo pages speak plainly to patients ("Less red than on day 5"), the figures (a*,
ITA°) behind a toggle; the clinic's pages show the figures as they were."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from .conftest import skin_photo
from .test_pages import csrf, form_upload, login


def test_patients_read_plain_words_and_the_figures_are_behind_a_toggle(
    client: TestClient, app: FastAPI, world: Any
) -> None:
    pid = world.patients["pat"]
    login(client, app, world.bob.user_id)
    page = f"/clinic/patients/{pid}/photos/new"
    for seed, spots in ((60, 4), (61, 1)):
        response = form_upload(client, page, skin_photo(seed=seed, spots=spots), csrf(client, page))
        assert response.status_code == 303, response.text
    staff = client.get(f"/clinic/patients/{pid}/photos").text
    assert "Compared with the previous photo (day 5):" in staff
    assert "The figures (for your clinic)" not in staff

    login(client, app, world.pat.user_id)
    mine = client.get("/photos").text
    assert "than on day 5, 3 fewer spots." in mine or "as red as on day 5, 3 fewer spots." in mine
    figures = mine.split('<details class="photo-figures"><summary>The figures (for your clinic)')
    assert len(figures) == 3  # one toggle per photo
    before_first_toggle = figures[0]
    assert "a*" not in before_first_toggle and "ITA" not in before_first_toggle
    assert "Redness (mean a*)" in figures[1]
    assert "How this was measured" in mine
    charts = mine.split("Photo measurements by day (for your clinic)</summary>")
    assert len(charts) == 2 and '<svg class="chart"' not in charts[0]
