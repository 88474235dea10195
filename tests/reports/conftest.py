"""Fixtures: a seeded clinic patient (see `seeding.py`)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from conftest import World
from needlecare.storage.uow import UnitOfWork

from .seeding import Seeded, seed


@pytest.fixture
def seeded(uow: UnitOfWork, world: World, app: FastAPI) -> Seeded:
    return seed(uow, world, data_dir=app.state.settings.data_dir)
