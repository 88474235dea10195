"""The audit log is append-only in the database itself (triggers), on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from needlecare.services import audit
from needlecare.storage.models import AuditEntry
from needlecare.storage.uow import UnitOfWork


@pytest.fixture
def one_entry(uow: UnitOfWork) -> int:
    with uow:
        audit.record(
            uow.session, None, "test.write", "patient", 1, clinic_id=None, actor_role="system"
        )
        uow.commit()
    with uow:
        return int(uow.session.scalar(select(func.max(AuditEntry.id))) or 0)


def test_audit_rows_cannot_be_updated(uow: UnitOfWork, one_entry: int) -> None:
    with uow, pytest.raises(DatabaseError, match="append-only"):
        uow.session.execute(
            update(AuditEntry).where(AuditEntry.id == one_entry).values(action="forged")
        )
        uow.commit()
    with uow:
        assert uow.session.get(AuditEntry, one_entry).action == "test.write"  # type: ignore[union-attr]


def test_audit_rows_cannot_be_deleted(uow: UnitOfWork, one_entry: int) -> None:
    with uow, pytest.raises(DatabaseError, match="append-only"):
        uow.session.execute(delete(AuditEntry))
        uow.commit()
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_audit_log_cannot_be_truncated_on_postgresql(
    uow: UnitOfWork, one_entry: int, db_kind: str
) -> None:
    if db_kind != "postgresql":
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    with uow, pytest.raises(DatabaseError, match="append-only"):
        uow.session.execute(text("TRUNCATE audit_log"))
