"""needlecare export: the operator's command, on both databases, audited as the system."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import World
from needlecare.cli import app
from needlecare.config import Settings
from needlecare.storage.models import AuditEntry
from needlecare.storage.uow import UnitOfWork

from .seeding import SYMPTOMS, Seeded


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.setenv("NEEDLECARE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("NEEDLECARE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NEEDLECARE_SECRET_KEY", settings.secret_key)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["export", *args])


def test_cli_writes_each_format(
    run: Callable[..., Result], seeded: Seeded, uow: UnitOfWork, tmp_path: Path, world: World
) -> None:
    pid = str(seeded.patient_id)
    fhir_file = tmp_path / "p.fhir.json"
    assert run("--patient", pid, "--format", "fhir", "-o", str(fhir_file)).exit_code == 0
    bundle = Bundle.model_validate_json(fhir_file.read_bytes())
    assert sum(
        e.resource.get_resource_type() == "QuestionnaireResponse" for e in bundle.entry
    ) == len(SYMPTOMS)
    csv_file = tmp_path / "p.csv"
    assert run("--patient", pid, "--format", "csv", "-o", str(csv_file)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text("utf-8-sig"))))
    assert [int(r["checkin_id"]) for r in rows] == seeded.checkin_ids
    clinic_file = tmp_path / "c.json"
    result = run("--clinic", str(world.alder_id), "--format", "json", "-o", str(clinic_file))
    assert result.exit_code == 0, result.output
    assert len(json.loads(clinic_file.read_text())["patients"]) == 2
    with uow.reading():
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("export.%"))
        ).all()
    assert [(e.action, e.actor_role, e.actor_user_id) for e in entries] == [
        ("export.patient.fhir", "system", None),
        ("export.patient.csv", "system", None),
        ("export.clinic.json", "system", None),
    ]


def test_cli_refuses_bad_input_without_a_traceback(
    run: Callable[..., Result], seeded: Seeded, tmp_path: Path
) -> None:
    out = str(tmp_path / "x")
    cases = [
        (["--patient", "1", "--clinic", "1", "--format", "json", "-o", out], 2, "exactly one"),
        (["--patient", str(seeded.patient_id), "--format", "docx", "-o", out], 2, "format"),
        (["--clinic", "1", "--format", "pdf", "-o", out], 2, "format"),
        (["--patient", "99999", "--format", "json", "-o", out], 1, "not found"),
        (
            [
                "--patient",
                str(seeded.patient_id),
                "--format",
                "json",
                "-o",
                str(tmp_path / "missing" / "x.json"),
            ],
            1,
            "cannot write",
        ),
    ]
    for args, code, message in cases:
        result = run(*args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
    assert not Path(out).exists()
