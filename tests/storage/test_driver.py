"""`storage.driver`: statements on the driver's cursor give what SQLAlchemy's execution path
gives (same SQL, same conversions both ways, same errors), on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from needlecare.storage import driver
from needlecare.storage.enums import AlertState, Device, Level
from needlecare.storage.models import Alert, AuditEntry, Checkin, Treatment
from needlecare.storage.uow import UnitOfWork

_ALERT = cast(Table, Alert.__table__)
_TREATMENT = cast(Table, Treatment.__table__)
# Every kind of column the hot paths read: integers, enums, aware datetimes, NULLs, JSON,
# a date, a float, text.
TREATMENTS = select(*_TREATMENT.c).where(_TREATMENT.c.patient_id == bindparam("patient_id"))
ALERTS_IN = (
    select(*_ALERT.c)
    .where(_ALERT.c.state.in_(bindparam("states", expanding=True)))
    .order_by(_ALERT.c.id)
)
NEW_ALERT = insert(_ALERT).returning(_ALERT.c.id, _ALERT.c.created_at, _ALERT.c.findings)
MOMENT = datetime(2026, 3, 10, 2, 30, 15, 123456, tzinfo=UTC)


def _sqlalchemy_rows(uow: UnitOfWork, statement: Any, params: dict[str, Any]) -> list[Any]:
    with uow.reading():
        return [tuple(row) for row in uow.session.execute(statement, params)]


def _checkin(uow: UnitOfWork, world: Any, key: str) -> int:
    with uow:
        checkin = Checkin(
            patient_id=world.patients["pat"],
            treatment_id=world.treatments["pat"],
            idempotency_key=key,
            day=3,
            level=Level.URGENT,
            phase="inflammation",
            triage_input={},
            triage_result={},
        )
        uow.session.add(checkin)
        uow.commit()
        return checkin.id


def _alert_values(world: Any, checkin_id: int, state: AlertState) -> dict[str, Any]:
    return {
        "clinic_id": world.alder_id,
        "patient_id": world.patients["pat"],
        "checkin_id": checkin_id,
        "level": Level.URGENT,
        "state": state,
        "created_at": MOMENT,
        "findings": [{"code": "fever", "text": "Fever — 38.5 °C", "source": "x"}],
    }


def test_rows_are_converted_as_sqlalchemy_converts_them(uow: UnitOfWork, world: Any) -> None:
    params = {"patient_id": world.patients["pat"]}
    rows = uow.select(TREATMENTS, params)
    assert rows == _sqlalchemy_rows(uow, TREATMENTS, params)
    (row,) = rows
    names = [c.name for c in _TREATMENT.c]
    treatment = dict(zip(names, row, strict=True))
    assert isinstance(treatment["treatment_date"], date)
    assert treatment["device"] is Device.PEN
    assert treatment["areas"] == ["face"]
    assert treatment["created_at"].tzinfo is UTC


def test_parameters_are_converted_as_sqlalchemy_converts_them(uow: UnitOfWork, world: Any) -> None:
    """Written on the driver's cursor, read back through the ORM: the same values."""
    first = _checkin(uow, world, "first")
    second = _checkin(uow, world, "second")
    ((alert_id, created_at, findings),) = uow.execute_alone(
        NEW_ALERT, _alert_values(world, first, AlertState.OPEN)
    )
    assert (created_at, findings) == (
        MOMENT,
        _alert_values(world, first, AlertState.OPEN)["findings"],
    )
    uow.execute_alone(NEW_ALERT, _alert_values(world, second, AlertState.RESOLVED))
    with uow.reading():
        alert = uow.session.get(Alert, alert_id)
        assert alert is not None
        assert (alert.level, alert.state, alert.created_at) == (
            Level.URGENT,
            AlertState.OPEN,
            MOMENT,
        )
        assert alert.findings[0]["text"] == "Fever — 38.5 °C"
    # An IN list, expanded per execution, its values converted like the rest.
    for states in ([AlertState.OPEN], [AlertState.OPEN, AlertState.RESOLVED], []):
        params = {"states": states}
        rows = uow.select(ALERTS_IN, params)
        assert rows == _sqlalchemy_rows(uow, ALERTS_IN, params)
        assert len(rows) == len(states)


def test_errors_are_sqlalchemys(uow: UnitOfWork, world: Any) -> None:
    checkin_id = _checkin(uow, world, "only")
    uow.execute_alone(NEW_ALERT, _alert_values(world, checkin_id, AlertState.OPEN))
    with pytest.raises(IntegrityError):  # one alert per check-in
        uow.execute_alone(NEW_ALERT, _alert_values(world, checkin_id, AlertState.OPEN))
    # Nothing half-written, and the pooled connection is fine afterwards.
    assert len(uow.select(ALERTS_IN, {"states": [AlertState.OPEN]})) == 1


def test_a_column_left_to_a_python_default_is_refused(uow: UnitOfWork, world: Any) -> None:
    row = {
        "actor_user_id": world.alice.user_id,
        "actor_role": "admin",
        "action": "test",
        "object_type": "x",
        "object_id": None,
        "clinic_id": None,
        "patient_id": None,
    }  # no "at": SQLAlchemy would call its default, the driver cannot
    with pytest.raises(ValueError, match="default"):
        uow.execute_alone(insert(AuditEntry.__table__), row)


def test_a_plain_transaction_commits_all_or_nothing(uow: UnitOfWork, world: Any) -> None:
    first = _checkin(uow, world, "first")
    second = _checkin(uow, world, "second")
    with uow.writing() as transaction:  # not committed: rolled back
        transaction.execute(NEW_ALERT, _alert_values(world, first, AlertState.OPEN))
    assert uow.select(ALERTS_IN, {"states": [AlertState.OPEN]}) == []

    with pytest.raises(IntegrityError), uow.writing() as transaction:
        transaction.execute(NEW_ALERT, _alert_values(world, first, AlertState.OPEN))
        transaction.execute(NEW_ALERT, _alert_values(world, first, AlertState.OPEN))
        transaction.commit()
    assert uow.select(ALERTS_IN, {"states": [AlertState.OPEN]}) == []

    with uow.writing() as transaction:
        transaction.execute(NEW_ALERT, _alert_values(world, first, AlertState.OPEN))
        transaction.execute(NEW_ALERT, _alert_values(world, second, AlertState.OPEN))
        transaction.commit()
    assert len(uow.select(ALERTS_IN, {"states": [AlertState.OPEN]})) == 2
    with uow, pytest.raises(RuntimeError, match="inside"), uow.writing():
        pass


def test_each_statement_is_compiled_once_per_dialect_and_parameter_names(
    uow: UnitOfWork, world: Any
) -> None:
    driver.compile_statement.cache_clear()
    for _ in range(3):
        uow.select(TREATMENTS, {"patient_id": world.patients["pat"]})
    info = driver.compile_statement.cache_info()
    assert (info.misses, info.hits) == (1, 2)
