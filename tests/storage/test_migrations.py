"""Alembic: head builds the whole schema from nothing, and the models match the migrations."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from needlecare.services import auth, checkins
from needlecare.services.checkins import CheckinCreate
from needlecare.storage.base import Base
from needlecare.storage.engine import make_engine
from needlecare.storage.migrate import alembic_config, upgrade
from needlecare.storage.models import Alert
from needlecare.storage.uow import UnitOfWork


def test_models_match_the_migrations(database_url: str) -> None:
    """Like `alembic check`: autogenerate finds nothing to add on a migrated database."""
    engine = make_engine(database_url, pooled=False)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_empty_and_upgrade_again(database_url: str) -> None:
    command.downgrade(alembic_config(database_url), "base")
    engine = create_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(database_url)
        upgrade(database_url)  # idempotent
        names = set(inspect(engine).get_table_names())
        assert {t.name for t in Base.metadata.sorted_tables} <= names
    finally:
        engine.dispose()


def test_upgrade_from_an_empty_sqlite_file(tmp_path: pytest.TempPathFactory) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"  # type: ignore[operator]
    upgrade(url)
    engine = create_engine(url)
    try:
        assert {t.name for t in Base.metadata.sorted_tables} <= set(
            inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()


def test_alert_findings_are_backfilled_from_their_checkins(
    database_url: str, uow: UnitOfWork, world: Any
) -> None:
    """0006 copies each existing alert's findings from its check-in's stored result."""
    pat = auth.principal_for_token(uow, world.pat.token)
    fever = CheckinCreate(symptoms={"redness": 2, "fever": True})
    raised = checkins.submit_checkin(uow, pat, world.patients["pat"], fever)
    assert raised.alert_id is not None
    findings = raised.checkin.triage_result["findings"]
    assert findings
    command.downgrade(alembic_config(database_url), "0005_login_failures")
    upgrade(database_url)
    with uow.reading():
        alert = uow.session.get_one(Alert, raised.alert_id)
        assert alert.findings == findings
