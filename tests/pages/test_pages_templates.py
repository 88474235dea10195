"""Page templates are compiled when the app is built and never re-read from disk afterwards."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jinja2 import Environment, Template

from needlecare.web.pages.rendering import compile_templates, templates

from .conftest import login
from .seed import World


def _no_loading(environment: Environment, template: str) -> tuple[str, str, None]:
    raise AssertionError(f"{template} was loaded after start-up")


def test_every_template_is_compiled_at_start_up_and_not_reloaded(
    app: FastAPI, client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = templates.env
    assert env.cache is not None
    names = env.list_templates()
    assert compile_templates() == len(names) > 30
    cached = {key[1]: template for key, template in env.cache.items()}
    assert set(names) <= set(cached)
    # From here on no template may come from the loader, even when its file looks changed
    # on disk (auto_reload would re-read it on the next render).
    assert env.loader is not None
    monkeypatch.setattr(env.loader, "get_source", _no_loading)
    for template in cached.values():
        assert isinstance(template, Template)
        monkeypatch.setattr(template, "_uptodate", lambda: False)
    login(client, world.patient_a)
    for page in ("/today", "/checkin", "/history", "/products"):
        response = client.get(page)
        assert response.status_code == 200, (page, response.text[:300])
