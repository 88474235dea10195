"""The streamed research export: the same bytes as the export built in memory (the code
before streaming, kept here as the reference), in chunks, from one snapshot; both databases."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Hashable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from needlecare.outcomes.research import FIELDS, NAMES, SummaryRow, deidentify
from needlecare.services import auth, research
from needlecare.storage.models import OutcomeDay, OutcomeTreatment
from needlecare.storage.uow import UnitOfWork

from .seed import seed_outcomes


class FixedRefs:
    """References that follow from the id (for comparing two exports byte for byte only;
    the product's are random), in an order unrelated to the ids."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def __call__(self, source_id: Hashable | None) -> str:
        if source_id is None:
            return ""
        digest = hashlib.sha256(f"{self._prefix}{source_id}".encode()).hexdigest()
        return f"{self._prefix}-{digest[:10]}"


def _in_memory(uow: UnitOfWork, clinic_id: int, fmt: str) -> bytes:
    """The export as it was built before streaming: one joined read, sorted, then written."""
    t, d = OutcomeTreatment, OutcomeDay
    query = select(
        t.treatment_id, t.patient_id, t.operator, t.band, t.device, t.fitzpatrick, d.day,
        d.worst_rank.label("day_rank"), t.worst_rank, t.checkins, t.last_day,
        t.breakout_first_day, t.breakout_last_day, t.complication,
    ).join(d, d.treatment_id == t.treatment_id)  # fmt: skip
    with uow.reading():
        found = uow.session.execute(query.where(t.clinic_id == clinic_id)).all()
    refs = FixedRefs("t"), FixedRefs("p"), FixedRefs("o")
    rows = [deidentify(SummaryRow(**row._mapping), *refs) for row in found]  # type: ignore[arg-type]
    rows.sort(key=lambda r: (r["treatment_ref"], r["day"]))
    if fmt == "json":
        document = {"dictionary": [vars(f) for f in FIELDS], "rows": rows}
        return json.dumps(document, ensure_ascii=False).encode()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(NAMES)
    cell = {None: "", True: "true", False: "false"}
    writer.writerows(
        [cell[v] if v is None or isinstance(v, bool) else str(v) for v in (r[n] for n in NAMES)]
        for r in rows
    )
    return out.getvalue().encode()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_streamed_export_is_the_export_built_in_memory(
    client: TestClient, uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    seed_outcomes(uow, world)
    monkeypatch.setattr(research, "Refs", FixedRefs)
    monkeypatch.setattr(research, "CHUNK", 5)  # the 12 treatments in three reads
    expected = _in_memory(uow, world.alder_id, fmt)
    response = client.get(f"/api/v1/clinic/research.{fmt}", headers=world.alice.headers)
    assert response.status_code == 200
    assert response.content == expected
    assert response.headers["content-disposition"] == f'attachment; filename="research.{fmt}"'
    assert len(expected.splitlines()) == 15 if fmt == "csv" else len(json.loads(expected)["rows"])
    # The page's download is the same file.
    monkeypatch.setattr(research, "CHUNK", 500)
    admin = auth.principal_for_token(uow, world.alice.token)
    streamed = research.research_export(uow, admin, fmt)
    assert b"".join(streamed.chunks) == expected


def test_an_empty_clinic_exports_an_empty_list(uow: UnitOfWork, world: Any) -> None:
    admin = auth.principal_for_token(uow, world.charlie.token)
    streamed = research.research_export(uow, admin, "json")
    document = json.loads(b"".join(streamed.chunks))
    assert document["rows"] == [] and len(document["dictionary"]) == len(NAMES)


def test_rows_added_while_the_export_streams_are_not_in_it(
    app: FastAPI, uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = seed_outcomes(uow, world)
    monkeypatch.setattr(research, "Refs", FixedRefs)
    monkeypatch.setattr(research, "CHUNK", 2)
    expected = _in_memory(uow, world.alder_id, "csv")
    admin = auth.principal_for_token(uow, world.alice.token)
    chunks = research.research_export(UnitOfWork(app.state.session_factory), admin, "csv").chunks
    received = [next(chunks), next(chunks)]  # the header, then the first two treatments' days
    # Meanwhile every treatment gets a day 20 (as a check-in would add it).
    with uow:
        uow.session.execute(
            insert(OutcomeDay),
            [
                {"treatment_id": t, "day": 20, "clinic_id": world.alder_id, "worst_rank": 0}
                for t in seeded.treatments
            ],
        )
        uow.commit()
    received += list(chunks)
    assert b"".join(received) == expected  # one snapshot: no day 20 in any later chunk
    assert b",20," in _in_memory(uow, world.alder_id, "csv")
