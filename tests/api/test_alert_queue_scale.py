"""The alert queue at scale (issue 20): its page walks the queue's summary (one row per
patient, kept with every change to their alerts) in the queue's order, so a page's work is
the same however long the open queue is: the summary always agrees with the alerts, the
statements of a page do not grow with the queue, and each walks its index without a sort
(a plan, not a timing); on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api_helpers import ALLERGY, FEVER, submit
from sqlalchemy import Engine, event, select, text
from test_alert_queue_paging import _missed, _patient

from conftest import World
from needlecare.services import alert_queue, alert_queue_actions, alerts, auth
from needlecare.services.alert_queue import QueueFilter
from needlecare.storage.enums import AlertState, Level
from needlecare.storage.models import Alert, AlertQueueEntry
from needlecare.storage.uow import UnitOfWork

ACTIVE = (AlertState.OPEN, AlertState.ACKNOWLEDGED)


def _expected(uow: UnitOfWork, clinic_id: int) -> tuple[dict[int, tuple[Any, ...]], list[int]]:
    """The queue worked out from the alerts themselves, as the queue used to compute it on
    every read: each patient's (waiting, highest rank, newest alert at that rank, assignee),
    and the patients in the queue's order."""
    with uow.reading():
        rows = uow.session.execute(
            select(Alert).where(Alert.clinic_id == clinic_id, Alert.state.in_(ACTIVE))
        ).scalars()
        by_patient: dict[int, list[Alert]] = {}
        for alert in rows:
            by_patient.setdefault(alert.patient_id, []).append(alert)
        summary = {}
        for patient_id, items in by_patient.items():
            top = max(a.level.rank for a in items)
            newest = sorted(items, key=lambda a: (a.created_at, a.id), reverse=True)
            summary[patient_id] = (
                int(any(a.state is AlertState.OPEN for a in items)),
                top,
                max(a.created_at for a in items if a.level.rank == top),
                next((a.assigned_to for a in newest if a.assigned_to), None),
            )
    order = sorted(summary, key=lambda p: (*summary[p][:3], p), reverse=True)
    return summary, order


def _summary(uow: UnitOfWork, clinic_id: int) -> dict[int, tuple[Any, ...]]:
    with uow.reading():
        entries = uow.session.scalars(
            select(AlertQueueEntry).where(AlertQueueEntry.clinic_id == clinic_id)
        )
        return {e.patient_id: (e.waiting, e.level_rank, e.lead_at, e.assigned_to) for e in entries}


def test_the_summary_follows_every_change_to_a_patients_alerts(
    uow: UnitOfWork, world: World
) -> None:
    for n in range(5):
        _patient(uow, world, f"p{n}")
    bob = auth.principal_for_token(uow, world.bob.token)
    # p2: an urgent alert 3 h ago and a newer contact_clinic one: the urgent one leads.
    done = {}
    for name, symptoms, hours in [
        ("p0", FEVER, 5), ("p1", ALLERGY, 9), ("p2", ALLERGY, 3), ("p2", FEVER, 1),
        ("p3", ALLERGY, 2), ("p4", FEVER, 4),
    ]:  # fmt: skip
        done[name] = submit(uow, world, "bob", name, symptoms, hours_ago=hours).alert_id
    pid = world.patients
    steps = [
        lambda: alert_queue_actions.acknowledge_row(uow, bob, done["p3"]),
        lambda: alert_queue_actions.assign(uow, bob, done["p0"], bob.user_id),
        lambda: alerts.resolve(uow, bob, done["p4"], "Called, all well"),
        lambda: alerts.acknowledge(uow, bob, done["p2"]),  # its other alert is still open
        lambda: alerts.acknowledge(uow, bob, done["p0"]),  # its only one: not waiting now
        lambda: submit(uow, world, "bob", "p4", ALLERGY, hours_ago=0.5),  # back in the queue
        lambda: alerts.resolve(uow, bob, done["p1"], "Seen in clinic"),
    ]
    for step in [lambda: None, *steps]:
        step()
        summary, order = _expected(uow, world.alder_id)
        assert _summary(uow, world.alder_id) == summary
        queue = alert_queue.queue(uow, bob)
        assert [row.patient_id for row in queue if row.kind == "alert"] == order
        counts = alert_queue.counts(uow, bob)
        assert (counts.active, counts.waiting) == (
            len(summary),
            sum(s[0] for s in summary.values()),
        )
    summary, _ = _expected(uow, world.alder_id)
    assert pid["p1"] not in summary and summary[pid["p2"]][:2] == (1, Level.URGENT.rank)
    assert summary[pid["p0"]][::3] == (0, bob.user_id) and summary[pid["p3"]][0] == 0
    # The filters read the same summary.
    urgent = alert_queue.queue(uow, bob, QueueFilter(level=Level.URGENT))
    assert {row.patient_id for row in urgent} == {pid["p2"], pid["p3"], pid["p4"]}
    seen = alert_queue.queue(uow, bob, QueueFilter(state=AlertState.ACKNOWLEDGED))
    assert [row.patient_id for row in seen] == [pid["p3"], pid["p0"]]  # urgent first
    mine = alert_queue.queue(uow, bob, QueueFilter(assigned_to=bob.user_id))
    assert [row.patient_id for row in mine] == [pid["p0"]]


def _statements(engine: Engine, run: Any) -> list[str]:
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return seen


def test_a_page_runs_the_same_statements_however_long_the_open_queue(
    uow: UnitOfWork, world: World, app: Any
) -> None:
    bob = auth.principal_for_token(uow, world.bob.token)
    engine = app.state.engine

    def grow(prefix: str, n: int) -> None:
        for i in range(n):
            _patient(uow, world, f"{prefix}a{i}")
            submit(uow, world, "bob", f"{prefix}a{i}", FEVER if i % 2 else ALLERGY, hours_ago=i)
            _patient(uow, world, f"{prefix}m{i}")
            _missed(uow, world, f"{prefix}m{i}", 1 + i)

    def pages() -> list[int]:
        first = alert_queue.queue_page(uow, bob, limit=2)
        assert first.after is not None
        last = alert_queue.queue_page(
            uow, bob, after=(1, 0, 0, datetime(2000, 1, 1, tzinfo=UTC), 0)
        )
        return [len(first.items), len(last.items)]

    grow("small", 3)  # more alert rows than a page, as in the large queue
    small = _statements(engine, pages)
    grow("large", 25)
    large = _statements(engine, pages)
    assert len(small) == len(large), (small, large)
    # Only the summary is read in the queue's order: the alerts of the page's patients.
    alert_reads = [s for s in large if "FROM alert " in s or "FROM alert\n" in s]
    assert alert_reads and all("patient_id IN" in s for s in alert_reads), alert_reads


def _plan(engine: Engine, db_kind: str, statement: Any) -> str:
    sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if db_kind == "sqlite":
            rows = connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
            return " | ".join(str(r[-1]) for r in rows)
        # A test's few rows: a plain scan and a sort would win; say what the index gives.
        connection.execute(text("SET enable_seqscan = off"))
        connection.execute(text("SET enable_bitmapscan = off"))
        return " | ".join(r[0] for r in connection.execute(text(f"EXPLAIN {sql}")))


def test_each_page_walks_its_index_in_the_queues_order_without_a_sort(
    world: World, app: Any, db_kind: str
) -> None:
    engine = app.state.engine
    at = datetime(2026, 12, 1, tzinfo=UTC)
    for statement, index in [
        (alert_queue.entry_statement(world.alder_id, QueueFilter(), None, 51), "entry_order"),
        (
            alert_queue.entry_statement(world.alder_id, QueueFilter(), (1, 3, at, 5), 51),
            "entry_order",
        ),
        (alert_queue.missed_statement(world.alder_id, at, None, 51), "kind_due_patient"),
        (alert_queue.missed_statement(world.alder_id, at, (at, 7), 51), "kind_due_patient"),
    ]:
        plan = _plan(engine, db_kind, statement)
        assert index in plan, plan
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
