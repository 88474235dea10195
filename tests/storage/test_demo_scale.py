"""`needlecare demo seed` (issue 20): the rows it writes are what the product would have
written, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from typer.testing import CliRunner

from needlecare.cli import app as cli_app
from needlecare.demo_scale import ScaleSpec, seed_scale
from needlecare.services import domain, roster
from needlecare.services.auth import principal_for
from needlecare.storage.enums import AlertState, Role
from needlecare.storage.models import (
    Alert,
    AuditEntry,
    Checkin,
    Clinic,
    OutcomeDay,
    OutcomeDayCount,
    OutcomeTreatment,
    Patient,
    Treatment,
    User,
)
from needlecare.storage.uow import UnitOfWork

TODAY = date(2026, 12, 5)


def test_seeded_rows_agree_with_the_engine_the_summaries_and_the_roster(app: FastAPI) -> None:
    factory = app.state.session_factory
    uow = UnitOfWork(factory)
    spec = ScaleSpec(clinics=2, patients=120, days=90, seed=7, today=TODAY)
    lines: list[str] = []
    report = seed_scale(factory, spec, lines.append)
    assert lines and report.rows["patient"] == 120 and report.rows["clinic"] == 2
    # A realistic spread: mostly expected, some to watch, a few to call about.
    assert report.levels["expected"] > report.levels["monitor"] > report.levels["contact_clinic"]
    with uow.reading():
        session = uow.session
        count = session.scalar(select(func.count()).select_from(Checkin))
        assert count == report.rows["checkin"] > 120
        # Every stored result is the engine's own for the stored input.
        for checkin in session.scalars(select(Checkin).order_by(Checkin.id).limit(150)):
            result = domain.triage(
                checkin.triage_input,
                checkin.created_at.date(),
                keep_red_flags=True,
                missing=(),
            )
            assert (result["level"], result["phase"]) == (checkin.level.value, checkin.phase)
            assert result["findings"] == checkin.triage_result["findings"]
        # Each alert-level check-in has its alert; the patient's summary counts the open ones.
        alerting = session.scalar(
            select(func.count())
            .select_from(Checkin)
            .where(Checkin.level.in_(["contact_clinic", "urgent"]))
        )
        assert session.scalar(select(func.count()).select_from(Alert)) == alerting
        for patient in session.scalars(select(Patient)):
            latest = session.scalars(
                select(Checkin)
                .where(Checkin.patient_id == patient.id)
                .order_by(Checkin.created_at.desc())
                .limit(1)
            ).first()
            unresolved = session.scalar(
                select(func.count())
                .select_from(Alert)
                .where(Alert.patient_id == patient.id, Alert.state != AlertState.RESOLVED)
            )
            assert patient.open_alerts == unresolved
            assert patient.last_checkin_at == (latest.created_at if latest else None)
            assert patient.last_activity_at == (latest.created_at if latest else patient.created_at)
        # One outcome row per treatment with check-ins, counting them.
        per_treatment = dict(
            session.execute(
                select(Checkin.treatment_id, func.count()).group_by(Checkin.treatment_id)
            ).all()
        )
        outcome = dict(
            session.execute(select(OutcomeTreatment.treatment_id, OutcomeTreatment.checkins)).all()
        )
        assert outcome == per_treatment
        # The by-day counts are outcome_day's rows counted (added up over the seed's chunks).
        d, c = OutcomeDay, OutcomeDayCount
        kept = session.execute(select(c.clinic_id, c.day, c.worst_rank, c.treatments)).all()
        counted = session.execute(
            select(d.clinic_id, d.day, d.worst_rank, func.count()).group_by(
                d.clinic_id, d.day, d.worst_rank
            )
        ).all()
        assert sorted(kept) == sorted(counted) and len(kept) > 20
        # The seed records who performed each session, and the outcomes group by it.
        operators = session.execute(
            select(Treatment.operator, OutcomeTreatment.operator, User.display_name)
            .join(OutcomeTreatment, OutcomeTreatment.treatment_id == Treatment.id)
            .join(User, User.id == Treatment.created_by)
        ).all()
        assert operators and all(t == o == name for t, o, name in operators)
        assert len({t for t, _, _ in operators}) == 6  # three clinicians in each clinic
        assert (
            session.scalar(select(func.count()).select_from(AuditEntry))
            == report.rows["audit_log"]
            > report.rows["checkin"]
        )
        assert session.scalar(select(func.max(Treatment.treatment_date))) <= TODAY
        admin = session.scalars(select(User).where(User.role == Role.ADMIN)).first()
        assert admin is not None
        staff = principal_for(session, admin)
        clinic_patients = session.scalar(
            select(func.count()).select_from(Patient).where(Patient.clinic_id == admin.clinic_id)
        )
    page = roster.roster(uow, staff, limit=500)
    assert len(page.items) == clinic_patients == 60
    ranks = [row.attention.rank if row.attention else 0 for row in page.items]
    assert ranks == sorted(ranks, reverse=True)  # who needs attention first


def test_the_same_seed_gives_the_same_data(app: FastAPI) -> None:
    factory = app.state.session_factory
    uow = UnitOfWork(factory)
    spec = ScaleSpec(clinics=1, patients=30, days=60, seed=3, today=TODAY)
    first = seed_scale(factory, spec, lambda _line: None)
    second = seed_scale(factory, spec, lambda _line: None)
    assert first.levels == second.levels and first.rows == second.rows
    with uow.reading():
        assert uow.session.scalar(select(func.count()).select_from(Clinic)) == 2


def test_the_command_migrates_and_seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEEDLECARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NEEDLECARE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(
        cli_app, ["demo", "seed", "--clinics", "1", "--patients", "5", "--days", "30"]
    )
    assert result.exit_code == 0, result.output
    assert "patient 5" in result.output and "admin1@clinic1.scale.test" in result.output
