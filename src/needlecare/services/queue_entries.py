"""The alert queue's summary: one row per patient with an unresolved alert, holding the
queue's sort keys (any alert waiting for acknowledgement, the highest level, the newest alert
at that level, the assignee). Whatever changes a patient's alerts (a check-in raising one,
acknowledging, assigning, resolving) calls `refresh` in its own transaction, so the queue's
page is an index walk (services.alert_queue) and never reads the whole open queue.

`refresh` recomputes the patient's row from their unresolved alerts (a few rows through the
alert's patient index) rather than adjusting it, so no writer has to know the others' rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, case, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from needlecare.storage.enums import AlertState, Level
from needlecare.storage.models import Alert, AlertQueueEntry, Patient

ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)
_ENTRY = cast(Table, AlertQueueEntry.__table__)
_COLUMNS = ["patient_id", "clinic_id", "waiting", "level_rank", "lead_at", "assigned_to"]


def _rank(alert: Any) -> ColumnElement[int]:
    return case(*((alert.level == level, level.rank) for level in Level), else_=0)


def _entries(where: ColumnElement[bool]) -> Any:
    """The entries of the patients whose unresolved alerts match `where`."""
    tops = (
        select(
            Alert.patient_id,
            func.min(Alert.clinic_id).label("clinic_id"),
            func.max(case((Alert.state == AlertState.OPEN, 1), else_=0)).label("waiting"),
            func.max(_rank(Alert)).label("level_rank"),
        )
        .where(Alert.state.in_(ACTIVE_STATES), where)
        .group_by(Alert.patient_id)
        .subquery("tops")
    )
    same = aliased(Alert)
    lead_at = (
        select(func.max(same.created_at))
        .where(
            same.patient_id == tops.c.patient_id,
            same.state.in_(ACTIVE_STATES),
            _rank(same) == tops.c.level_rank,
        )
        .scalar_subquery()
    )
    # As the queue row shows it: the newest unresolved alert's assignee that has one.
    assigned = (
        select(same.assigned_to)
        .where(
            same.patient_id == tops.c.patient_id,
            same.state.in_(ACTIVE_STATES),
            same.assigned_to.is_not(None),
        )
        .order_by(same.created_at.desc(), same.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(
        tops.c.patient_id, tops.c.clinic_id, tops.c.waiting, tops.c.level_rank, lead_at, assigned
    )


def refresh(session: Session, patient_ids: Sequence[int]) -> None:
    """The queue rows of these patients, again from their unresolved alerts (none: no row)."""
    ids = sorted(set(patient_ids))
    if not ids:
        return
    session.flush()  # the alerts' changes first: the statement reads them
    hold_patients(session, ids)
    session.execute(delete(_ENTRY).where(_ENTRY.c.patient_id.in_(ids)))
    session.execute(insert(_ENTRY).from_select(_COLUMNS, _entries(Alert.patient_id.in_(ids))))


def hold_patients(session: Session, patient_ids: Sequence[int]) -> None:
    """Lock these patients' rows (in id order) until the transaction ends, so that two writers
    of one patient's queue row take turns. Without it, two check-ins of one patient at once on
    PostgreSQL both delete nothing and both insert the row (a unique violation), or one keeps
    keys that miss the other's alert; after the lock each statement sees the other's committed
    alerts. FOR NO KEY UPDATE: a plain FOR UPDATE would wait for the key-share lock that the
    other's new alert (its foreign key) holds. A check-in takes it before its first write
    (services.checkin_rows), as it updates the patient row too. On SQLite the one writer
    already serialises them."""
    session.execute(
        select(Patient.id)
        .where(Patient.id.in_(sorted(set(patient_ids))))
        .order_by(Patient.id)
        .with_for_update(key_share=True)
    )


def rebuild_clinic(session: Session, clinic_id: int) -> None:
    """Every queue row of a clinic (after a bulk load: the demo seed)."""
    session.execute(delete(_ENTRY).where(_ENTRY.c.clinic_id == clinic_id))
    session.execute(insert(_ENTRY).from_select(_COLUMNS, _entries(Alert.clinic_id == clinic_id)))
