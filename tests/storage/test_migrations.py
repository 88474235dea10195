"""Alembic: head builds the whole schema from nothing, and the models match the migrations."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from needlecare.storage.base import Base
from needlecare.storage.engine import make_engine
from needlecare.storage.migrate import alembic_config, upgrade


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
