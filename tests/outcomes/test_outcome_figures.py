"""Outcome figures on a small seeded clinic (tests/outcomes/seed.py), answers worked out by
hand, on both databases; the summary rows follow each check-in and go with a deleted patient."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from needlecare.outcomes import figures
from needlecare.services import auth, checkins, deletion, outcomes
from needlecare.services.checkins import CheckinCreate
from needlecare.services.errors import Forbidden
from needlecare.storage.models import OutcomeDay, OutcomeDayCount, OutcomeTreatment
from needlecare.storage.uow import UnitOfWork

from .seed import seed_outcomes


def _by_key(groups: list[figures.Group]) -> dict[str, figures.Group]:
    return {g.key: g for g in groups}


def by_day_counts(uow: UnitOfWork) -> dict[tuple[int, int, int], int]:
    """The kept by-day counts (clinic, day, level rank -> treatments), zeros left out, after
    checking that they are outcome_day's rows counted."""
    d, c = OutcomeDay, OutcomeDayCount
    with uow.reading():
        kept = uow.session.execute(
            select(c.clinic_id, c.day, c.worst_rank, c.treatments).where(c.treatments != 0)
        ).all()
        counted = uow.session.execute(
            select(d.clinic_id, d.day, d.worst_rank, func.count()).group_by(
                d.clinic_id, d.day, d.worst_rank
            )
        ).all()
    assert sorted(kept) == sorted(counted)
    return {(clinic, day, rank): n for clinic, day, rank, n in kept}


def test_outcomes_of_a_small_clinic_match_the_hand_count(uow: UnitOfWork, world: Any) -> None:
    seeded = seed_outcomes(uow, world)
    bob = auth.principal_for_token(uow, world.bob.token)
    result = outcomes.clinic_outcomes(uow, bob)

    # Worst level per treatment: expected T1-T6 and T11 (7), monitor T7 (1),
    # contact_clinic T8 and T12 (2), urgent T9 and T10 (2): 12 treatments followed.
    assert result.followed_treatments == 12
    assert result.overall.counts == {"expected": 7, "monitor": 1, "contact_clinic": 2, "urgent": 2}
    assert result.overall.shares == {
        "expected": 58.3,
        "monitor": 8.3,
        "contact_clinic": 16.7,
        "urgent": 16.7,
    }
    # Complications: T8 (BO-08), T9 (AE-01), T10 and T12 (AE-09): 4 of 12 = 33.3 per 100.
    # Wilson 95 %: z^2 = 3.8415; centre = (1/3 + 3.8415/24) / (1 + 3.8415/12) = 0.3737;
    # half = 1.96 * sqrt(1/3 * 2/3 / 12 + 3.8415/576) / 1.3201 = 0.2356 -> 13.8 to 60.9.
    rate = result.complications
    assert rate is not None
    assert (rate.events, rate.n, rate.per_100, rate.low, rate.high) == (4, 12, 33.3, 13.8, 60.9)

    # Depth band D (1.0 mm): T1-T10 -> 6 expected, 1 monitor, 1 contact, 2 urgent; 3 of 10
    # complications. Band S (T11, T12): 2 treatments, too few to compare.
    bands = _by_key(result.by_depth_band)
    assert bands["D"].shares == {
        "expected": 60.0,
        "monitor": 10.0,
        "contact_clinic": 10.0,
        "urgent": 20.0,
    }
    assert bands["D"].complications is not None and bands["D"].complications.per_100 == 30.0
    assert bands["S"].n == 2 and bands["S"].shares is None
    assert bands["S"].complications is None and bands["S"].note == figures.TOO_FEW
    # The same split by operator (Bob recorded T1-T10, Alice T11-T12) and Fitzpatrick type.
    operators = {g.label: g for g in result.by_operator}
    assert operators["Bob"].n == 10 and operators["Bob"].shares == bands["D"].shares
    assert operators["Alice"].note == figures.TOO_FEW
    skin = {g.label: g for g in result.by_fitzpatrick}
    assert skin["III"].n == 10 and skin["not recorded"].n == 2
    assert [(g.label, g.n) for g in result.by_device] == [("pen", 12)]

    # Day 3: T1-T6, T11 expected, T7 monitor, T9 and T10 urgent: 10 treatments.
    day3 = result.by_day[3]
    assert day3.shares == {"expected": 70.0, "monitor": 10.0, "contact_clinic": 0.0, "urgent": 20.0}
    # Day 5: T8 (monitor) and T12 (contact_clinic) only; day 0: nobody checked in.
    assert result.by_day[5].counts["monitor"] == 1 and result.by_day[5].shares is None
    assert result.by_day[0].n == 0

    # Breakouts: T7 days 3-10 (8 days), T8 days 5-17 (13 days, past day 14): 2, too few.
    assert result.breakouts.treatments == 2
    assert result.breakouts.past_window is None and result.breakouts.note == figures.TOO_FEW
    # Urgent alerts: T9 (acknowledged, resolved) and T10 (acknowledged), none open.
    alerts = result.urgent_alerts
    assert (alerts.raised, alerts.still_open) == (2, 0)
    assert alerts.minutes_to_acknowledge.n == 2 and alerts.minutes_to_resolve.n == 1
    # Missed: 3 events on 2 treatments, of the clinic's 14 (the 12 + pat's and quinn's).
    missed = result.missed_checkins
    assert (missed.missed, missed.treatments_with_a_miss, missed.treatments) == (3, 2, 14)
    assert missed.share is not None and missed.share.per_100 == 14.3

    with uow.reading():
        t8 = uow.session.get_one(OutcomeTreatment, seeded.treatments[7])
        assert (t8.checkins, t8.breakout_first_day, t8.breakout_last_day) == (2, 5, 17)
        assert t8.complication and t8.worst_rank == 2


def test_other_clinics_and_patients_see_nothing(uow: UnitOfWork, world: Any) -> None:
    seed_outcomes(uow, world)
    charlie = auth.principal_for_token(uow, world.charlie.token)
    assert outcomes.clinic_outcomes(uow, charlie).followed_treatments == 0
    pat = auth.principal_for_token(uow, world.pat.token)
    with pytest.raises(Forbidden):
        outcomes.clinic_outcomes(uow, pat)


def test_a_deleted_patient_takes_their_summary_rows(uow: UnitOfWork, world: Any) -> None:
    pat = auth.principal_for_token(uow, world.pat.token)
    checkins.submit_checkin(uow, pat, world.patients["pat"], CheckinCreate(symptoms={"redness": 1}))

    def count(model: type) -> int:
        with uow.reading():
            return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)

    assert count(OutcomeTreatment) == 1 and count(OutcomeDay) == 1
    assert len(by_day_counts(uow)) == 1
    deletion.delete_my_data(uow, pat, deletion.DELETE_CONFIRMATION)
    assert count(OutcomeTreatment) == 0 and count(OutcomeDay) == 0
    assert by_day_counts(uow) == {}  # the clinic's count went back to 0


def test_a_worse_check_in_the_same_day_moves_the_day_to_its_level(
    uow: UnitOfWork, world: Any
) -> None:
    """The by-day counts follow outcome_day: a treatment-day counts once, at its worst level
    (expected, then monitor the same day: one monitor; then an expected one: still monitor)."""
    pat = auth.principal_for_token(uow, world.pat.token)
    clinic = world.alder_id
    send = [{"redness": 0}, {"redness": 0, "breakouts": {"count": 3, "kind": "whiteheads"}}]
    seen = []
    for symptoms in [*send, {"redness": 0}]:
        checkins.submit_checkin(uow, pat, world.patients["pat"], CheckinCreate(symptoms=symptoms))
        seen.append(by_day_counts(uow))
    (day,) = {key[1] for key in seen[0]}
    assert seen == [{(clinic, day, 0): 1}, {(clinic, day, 1): 1}, {(clinic, day, 1): 1}]


def test_wilson_interval_and_durations_by_hand() -> None:
    # 0 of 10: the interval still has width (0 to 27.8 per 100), unlike k/n +- z*se.
    zero = figures.wilson(0, 10)
    assert (zero.per_100, zero.low, zero.high) == (0.0, 0.0, 27.8)
    # Ten durations 1..10: median 5.5, 90th centile 9.1 (linear between ranks 9 and 10).
    spread = figures.durations({float(v): 1 for v in range(1, 11)})
    assert (spread.n, spread.median, spread.p90) == (10, 5.5, 9.1)
    # Breakouts: 8 treatments lasting days 3-10, 2 lasting days 5-17 -> 2 of 10 past day 14;
    # durations: eight of 8 days and two of 13 -> median 8, 90th centile 13.
    spans = figures.breakouts({(3, 10): 8, (5, 17): 2})
    assert spans.past_window is not None and spans.past_window.per_100 == 20.0
    assert (spans.duration_days.median, spans.duration_days.p90) == (8.0, 13.0)


def _summary_rows(uow: UnitOfWork, skip: str = "") -> tuple[list[Any], list[Any]]:
    with uow.reading():
        kept = uow.session.execute(select(OutcomeTreatment).order_by("treatment_id"))
        days = uow.session.execute(select(OutcomeDay).order_by("treatment_id", "day"))
        columns = [c.key for c in OutcomeTreatment.__table__.c if c.key != skip]
        return (
            [tuple(vars(r).get(c) for c in columns) for r in kept.scalars()],
            [tuple(vars(r).get(c.key) for c in OutcomeDay.__table__.c) for r in days.scalars()],
        )


def test_the_migrations_fill_the_summary_from_stored_rows(
    database_url: str, uow: UnitOfWork, world: Any
) -> None:
    """h20b_outcomes builds, from the check-ins already stored, the rows the submit path
    keeps; h20b_outcome_operator adds the treatments' operators."""
    from alembic import command

    from needlecare.storage.migrate import alembic_config, upgrade

    seed_outcomes(uow, world)
    kept = _summary_rows(uow)
    counts = by_day_counts(uow)
    assert len(kept[0]) == 12 and sum(counts.values()) == 14
    command.downgrade(alembic_config(database_url), "h20a_worker")
    upgrade(database_url)
    assert _summary_rows(uow) == kept
    assert by_day_counts(uow) == counts  # h20_outcome_day_count counts outcome_day
    # Further back, below h19b (whose downgrade drops the treatments' operators) as well.
    command.downgrade(alembic_config(database_url), "h18_hardening")
    upgrade(database_url)
    assert _summary_rows(uow, skip="operator") == _without_operator(kept)


def _without_operator(rows: tuple[list[Any], list[Any]]) -> tuple[list[Any], list[Any]]:
    index = [c.key for c in OutcomeTreatment.__table__.c].index("operator")
    return ([r[:index] + r[index + 1 :] for r in rows[0]], rows[1])


def test_a_corrected_treatment_moves_to_its_new_group(uow: UnitOfWork, world: Any) -> None:
    """The breakdowns follow the treatment as recorded now: T11 corrected (through the edit
    service) from 0.25 mm to 1.0 mm with Bob as operator joins band D and Bob's group."""
    from needlecare.services import treatment_edits
    from needlecare.services.treatments import TreatmentCreate

    from .seed import TREATED

    seeded = seed_outcomes(uow, world)
    bob = auth.principal_for_token(uow, world.bob.token)
    corrected = TreatmentCreate(TREATED, 1.0, "pen", operator="Bob")
    treatment_edits.update_treatment(
        uow, bob, seeded.patients[10], seeded.treatments[10], corrected
    )
    result = outcomes.clinic_outcomes(uow, bob)
    assert _by_key(result.by_depth_band)["D"].n == 11
    assert _by_key(result.by_depth_band)["S"].n == 1
    assert {g.label: g.n for g in result.by_operator} == {"Bob": 11, "Alice": 1}


def test_check_ins_of_one_treatment_at_once_all_count(
    app: Any, uow: UnitOfWork, world: Any
) -> None:
    """The summary upserts add up under concurrency: eight check-ins of one treatment from
    four threads at once (on PostgreSQL each upsert waits for the other's row, then adds)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from needlecare.storage.models import AlertQueueEntry, Checkin

    pat = auth.principal_for_token(uow, world.pat.token)
    factory = app.state.session_factory
    start = threading.Barrier(4)

    def send(index: int) -> None:
        own = UnitOfWork(factory)  # one unit of work per thread, as per request
        if index < 4:
            start.wait()
        symptoms = {"redness": 1} if index % 2 else {"redness": 1, "fever": True}
        checkins.submit_checkin(own, pat, world.patients["pat"], CheckinCreate(symptoms=symptoms))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(send, range(8)))
    with uow.reading():
        summary = uow.session.get_one(OutcomeTreatment, world.treatments["pat"])
        stored = uow.session.scalar(select(func.count()).select_from(Checkin))
        assert (stored, summary.checkins) == (8, 8)
        assert summary.worst_rank == 2  # the fever check-ins: contact_clinic
        # the alert queue's row of the patient, kept by each check-in's refresh (serialised
        # on the patient row: without it two inserted it at once on PostgreSQL)
        entry = uow.session.get_one(AlertQueueEntry, world.patients["pat"])
        assert entry.level_rank == 2 and entry.waiting == 1
    # All on one day, counted once, moved up to contact_clinic once (whichever came first).
    assert list(by_day_counts(uow).values()) == [1]


def test_check_ins_of_one_clinic_at_once_keep_its_day_counts(
    app: Any, uow: UnitOfWork, world: Any
) -> None:
    """Eight patients of one clinic check in at once on the same day since treatment, first
    calm, then half of them with spots (contact clinic on day 20): their check-ins share the
    clinic's count rows (on PostgreSQL each waits for the other's row; lower level first, so
    no deadlock) and the counts stay outcome_day's rows counted."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from .seed import CALM, SPOTS, at_day

    seeded = seed_outcomes(uow, world)
    bob = auth.principal_for_token(uow, world.bob.token)
    factory = app.state.session_factory
    before = by_day_counts(uow)
    start = Barrier(8)

    def send(index: int) -> None:
        own = UnitOfWork(factory)
        start.wait()
        for symptoms in (CALM, SPOTS if index % 2 else CALM):
            checkins.submit_checkin(
                own,
                bob,
                seeded.patients[index],
                CheckinCreate(symptoms=symptoms, treatment_id=seeded.treatments[index]),
                now=at_day(20, minutes=index),
            )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(send, range(8)))
    after = by_day_counts(uow)
    clinic = world.alder_id
    assert {k: v for k, v in after.items() if k not in before} == {
        (clinic, 20, 0): 4,  # expected
        (clinic, 20, 2): 4,  # spots past the breakout window (BO-08): up from expected
    }
