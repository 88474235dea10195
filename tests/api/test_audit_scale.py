"""The audit log at scale (issue 20): its filters offer a bounded list (the known actions,
the clinic's staff, patients by search), and each filter's page walks its own index newest
first with no sort; on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, text

import needlecare
from conftest import World
from needlecare.services import audit, audit_log, auth
from needlecare.services.pagination import Page
from needlecare.services.principal import Principal
from needlecare.storage.models import AuditEntry
from needlecare.storage.uow import UnitOfWork

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# services.audit and its wrappers
RECORDERS = {"record", "record_for_patient", "_record", "record_photo"}


def _actions(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.IfExp):
        return [*_actions(node.body), *_actions(node.orelse)]
    return [node]


def test_every_action_the_services_record_is_in_the_vocabulary() -> None:
    """The audit page offers audit.ACTIONS instead of grouping the table: an action recorded
    but missing there could not be chosen."""
    missing, checked = [], 0
    for path in Path(needlecare.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name not in RECORDERS:
                continue
            for arg in _actions(node.args[2]):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    ok = arg.value in audit.ACTIONS
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    prefix = str(arg.values[0].value)  # f"photo.{kind}.read": a family
                    ok = any(a.startswith(prefix) for a in audit.ACTIONS)
                else:
                    continue
                checked += 1
                if not ok:
                    missing.append(f"{path.name}:{node.lineno} {ast.unparse(arg)}")
    assert checked > 60 and not missing, missing


def _add(uow: UnitOfWork, world: World, rows: list[tuple[datetime, str, int | None]]) -> None:
    with uow:
        for at, action, actor in rows:
            uow.session.execute(
                insert(AuditEntry).values(
                    at=at, actor_user_id=actor, actor_role="clinician", action=action,
                    object_type="patient", object_id="1", clinic_id=world.alder_id,
                    patient_id=world.patients["pat"],
                )
            )  # fmt: skip
        uow.commit()


def _all_pages(
    uow: UnitOfWork, admin: Principal, flt: audit_log.AuditFilter, during: Any
) -> list[int]:
    seen: list[int] = []
    after = None
    while True:
        page: Page[audit_log.AuditRow] = audit_log.search(uow, admin, flt, after=after, limit=3)
        seen += [r.id for r in page.items]
        if page.after is None:
            return seen
        during()
        after = page.after


def test_a_family_or_an_action_pages_every_row_once_while_rows_are_added(
    uow: UnitOfWork, world: World
) -> None:
    bob, alice = world.bob.user_id, world.alice.user_id
    actions = ["checkin.read", "checkin.create", "note.create", "checkin.list", "patient.read"]
    # Ties on `at` across actions and within one: the (at, id) key still orders them.
    rows = [
        (T0 + timedelta(minutes=n // 3), actions[n % 5], (bob, alice)[n % 2]) for n in range(40)
    ]
    _add(uow, world, rows)
    admin = auth.principal_for_token(uow, world.alice.token)
    newer = T0 + timedelta(minutes=30)
    older = iter(range(1000))

    def add_rows() -> None:
        # One row newer than the page's cursor (the next first page shows it) and one older
        # (as a slow transaction committing late would): the walk must still see each row
        # behind its cursor exactly once.
        n = next(older)
        _add(
            uow,
            world,
            [(newer, "checkin.read", bob), (T0 - timedelta(minutes=n), "checkin.list", bob)],
        )

    filters = (
        audit_log.AuditFilter(action="checkin."),
        audit_log.AuditFilter(action="checkin.read"),
        audit_log.AuditFilter(actor_user_id=bob, action="checkin."),
        audit_log.AuditFilter(actor_user_id=bob),
    )
    for flt in filters:
        with uow.reading():
            before = uow.session.query(func.max(AuditEntry.id)).scalar()
        seen = _all_pages(uow, admin, flt, add_rows)
        with uow.reading():
            stored = list(
                uow.session.query(AuditEntry).filter(AuditEntry.clinic_id == world.alder_id)
            )
        expected = {
            e.id for e in stored
            if e.action.startswith(flt.action) and not (e.at == newer and e.id > before)
            and (flt.actor_user_id is None or e.actor_user_id == flt.actor_user_id)
            and e.action != "audit.list"
        }  # fmt: skip
        assert len(seen) == len(set(seen)) and set(seen) == expected, flt
        at = {e.id: (e.at, e.id) for e in stored}
        assert [at[i] for i in seen] == sorted((at[i] for i in seen), reverse=True)
    # The rows added ahead of the cursors are on a new first page.
    first = audit_log.search(uow, admin, audit_log.AuditFilter(action="checkin."))
    assert first.items[0].at == newer


def test_the_filter_choices_are_bounded_and_patients_are_searched(
    uow: UnitOfWork, world: World
) -> None:
    alice = auth.principal_for_token(uow, world.alice.token)
    plain = audit_log.choices(uow, alice)
    # The staff (not every patient login), no patient list, the known actions and families.
    assert [name for _, name in plain.people] == ["Alice", "Bob"]
    assert plain.patients == []
    assert "checkin." in plain.actions and "alert.acknowledge" in plain.actions
    chosen = audit_log.choices(
        uow, alice, person_id=world.pat.user_id, patient_id=world.patients["pat"]
    )
    assert [name for _, name in chosen.people] == ["Alice", "Bob", "Pat"]
    assert chosen.patients == [(world.patients["pat"], "Pat Patient")]
    # Another clinic's patient or person is never offered.
    other = audit_log.choices(
        uow, alice, person_id=world.charlie.user_id, patient_id=world.patients["rory"]
    )
    assert other.patients == [] and "Charlie" not in dict(other.people).values()
    assert audit_log.find_patients(uow, alice, "PAT P") == [(world.patients["pat"], "Pat Patient")]
    assert audit_log.find_patients(uow, alice, "patient") == [
        (world.patients["pat"], "Pat Patient"),
        (world.patients["quinn"], "Quinn Patient"),
    ]
    assert audit_log.find_patients(uow, alice, "rory") == []  # clinic B's
    assert audit_log.find_patients(uow, alice, "%") == []  # a wildcard is a character


def _plan(engine: Engine, db_kind: str, statement: Any) -> str:
    sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if db_kind == "sqlite":
            rows = connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
            return " | ".join(str(r[-1]) for r in rows)
        connection.execute(text("SET enable_seqscan = off"))
        return " | ".join(r[0] for r in connection.execute(text(f"EXPLAIN {sql}")))


def test_each_filter_walks_its_own_index_newest_first_without_a_sort(
    uow: UnitOfWork, world: World, db_kind: str
) -> None:
    """No page whose cost grows with the log: each reads its rows from an index in page
    order (a plan, not a timing). The (clinic_id, id) index the migration dropped is read by
    none of them."""
    engine = uow._session_factory.kw["bind"]
    clinic = world.alder_id
    after = (T0, 10)
    cases = {
        "ix_audit_log_clinic_id_at_id": audit_log.AuditFilter(),
        "ix_audit_log_clinic_id_action_at_id": audit_log.AuditFilter(action="alert.resolve"),
        "ix_audit_log_actor_user_id_at_id": audit_log.AuditFilter(actor_user_id=world.bob.user_id),
    }
    for index, flt in cases.items():
        page = audit_log._statement(clinic, flt).where(
            audit_log.tuple_(*audit_log.KEY) < audit_log.tuple_(*after)
        )
        page = page.order_by(*(c.desc() for c in audit_log.KEY)).limit(101)
        plan = _plan(engine, db_kind, page)
        assert index in plan and "TEMP B-TREE" not in plan and "Sort" not in plan, plan
    # A family: one walk per known action, each on the action index without a sort.
    walk = audit_log._walk(
        clinic, audit_log.AuditFilter(action="staff."), "staff.role.admin", after, 101
    )
    plan = _plan(engine, db_kind, walk)
    assert "ix_audit_log_clinic_id_action_at_id" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
