"""The report model, charts, CSV/JSON and FHIR from plain records (no database)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from pydantic import ValidationError

from needlecare.charts import measure_value
from needlecare.knowledge.citations import ReferenceEntry, resolve
from needlecare.reports import fhir, tabular
from needlecare.reports.assemble import build_report
from needlecare.timeline import build_timeline

from .sample import SYMPTOMS, TODAY, TREATED, sample_data

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def test_summary_reads_position_from_the_timeline_and_level_from_the_latest_checkin() -> None:
    data = sample_data()
    report = build_report(data, TODAY, NOW)
    s = report.summary
    assert s.today_day == (TODAY - TREATED).days
    timeline = build_timeline(
        {
            "date": TREATED.isoformat(),
            "depth_mm": 1.0,
            "device": "pen",
            "areas": ["face", "neck"],
            "fitzpatrick": 4,
        },
        TODAY,
    )
    assert s.today_phase == next(d["phase"] for d in timeline["days"] if d["day"] == s.today_day)
    assert s.latest_level == data.checkins[-1].level == "urgent"
    assert [a.id for a in s.open_alerts] == [5]
    assert s.skin_type == 4 and s.clinic_name == "Alder Clinic"
    assert [f.code for f in s.latest_findings] == [f["code"] for f in data.checkins[-1].findings]


def test_checkin_rows_and_charts_follow_the_answers() -> None:
    data = sample_data()
    report = build_report(data, TODAY, NOW)
    assert [r.day for r in report.checkins] == sorted(SYMPTOMS)
    # The signs as the check-in form names them (in the report's language, English here).
    assert report.checkins[-1].signs == [
        "Fever or chills",
        "Skin feels hot",
        "spots: Pus-filled spots",
    ]
    assert report.checkins[0].signs == []
    pains = [SYMPTOMS[d]["pain"] for d in sorted(SYMPTOMS)]
    assert [r.scores["pain"] for r in report.checkins] == pains
    charts = {c.key: c for c in report.charts}
    assert list(charts) == ["redness", "swelling", "pain", "breakouts"]
    # The form says "no spots" by leaving breakouts out: the chart draws those days as 0.
    breakouts = [
        (d, s.get("breakouts", {"count": 0})["count"]) for d, s in sorted(SYMPTOMS.items())
    ]
    assert list(charts["breakouts"].points) == breakouts
    assert [v for _, v in charts["pain"].points] == pains
    assert charts["pain"].missing_days == (4, 6, 8)  # the sample skips those days
    for chart in charts.values():
        root = ElementTree.fromstring(chart.svg)  # well-formed SVG
        assert len(root.findall(f"{SVG}circle")) == len(chart.points)


def test_every_finding_names_its_source_with_the_reference_title() -> None:
    data = sample_data()
    report = build_report(data, TODAY, NOW)
    raised = {f["code"] for c in data.checkins for f in c.findings}
    assert {f.code for f in report.findings} == raised
    for line in report.findings:
        assert line.source is not None
        target = resolve(line.source.citation)
        expected = target.title if isinstance(target, ReferenceEntry) else target.text
        assert line.source.title == expected
        assert line.days == sorted(
            {c.day for c in data.checkins for f in c.findings if f["code"] == line.code}
        )


def test_csv_has_header_rows_and_neutralised_formulas() -> None:
    data = sample_data()  # the name starts with "=" and the note with a newline and "+"
    for table, (header, _) in tabular.TABLES.items():
        rows = list(csv.reader(io.StringIO(tabular.to_csv([data], table))))
        assert tuple(rows[0]) == header
    patients = list(csv.DictReader(io.StringIO(tabular.to_csv([data], "patients"))))
    assert patients[0]["display_name"] == "'" + data.patient.display_name
    checkins = list(csv.DictReader(io.StringIO(tabular.to_csv([data], "checkins"))))
    assert [int(r["day"]) for r in checkins] == [c.day for c in data.checkins]
    assert [r["level"] for r in checkins] == [c.level for c in data.checkins]
    assert checkins[-1]["alert_state"] == "open"
    notes = list(csv.DictReader(io.StringIO(tabular.to_csv([data], "notes"))))
    assert notes[0]["body"] == data.notes[0].body  # starts with a letter: left alone
    with pytest.raises(tabular.UnknownTable):
        tabular.to_csv([data], "passwords")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_prefixes_are_quoted(value: str) -> None:
    assert tabular.safe_cell(value) == "'" + value
    assert tabular.safe_cell("1+1") == "1+1"
    assert tabular.safe_cell(-1) == -1  # numbers stay numbers


def test_json_round_trips() -> None:
    data = sample_data(with_photos=True)
    document = tabular.export_document([data], clinic=data.clinic, exported_at=NOW, scope="clinic")
    text = tabular.to_json(document)
    assert json.loads(text) == document
    (patient,) = json.loads(text)["patients"]
    assert patient["patient"]["display_name"] == data.patient.display_name
    assert [c["symptoms"] for c in patient["checkins"]] == [c.symptoms for c in data.checkins]
    assert [c["created_at"] for c in patient["checkins"]] == [
        c.created_at.isoformat() for c in data.checkins
    ]
    assert patient["photos"][0]["measurement"] == data.photos[0].measurement
    assert "image" not in patient["photos"][0]


def test_fhir_bundle_validates_and_counts_resources() -> None:
    data = sample_data(with_photos=True)
    text = fhir.bundle_json(data)
    bundle = Bundle.model_validate_json(text)  # round trip through the validating parser
    assert bundle.type == "collection"
    counts = Counter(e.resource.get_resource_type() for e in bundle.entry)
    answered = sum(
        measure_value(c.symptoms, k) is not None for c in data.checkins for k in fhir.SCORE_CODES
    )
    assert counts == {
        "Patient": 1,
        "Procedure": 1,
        "QuestionnaireResponse": len(data.checkins),
        "Observation": answered + len(data.checkins),
        "Media": 1,
    }
    assert json.loads(bundle.model_dump_json(exclude_none=True)) == json.loads(text)
    urls = [e.fullUrl for e in bundle.entry]
    assert len(set(urls)) == len(urls)
    for entry in bundle.entry:
        for ref in ("subject", "partOf", "derivedFrom"):
            value = getattr(entry.resource, ref, None)
            for item in value if isinstance(value, list) else [value] if value else []:
                assert item.reference in urls


def test_fhir_observations_carry_loinc_pain_and_the_triage_level() -> None:
    data = sample_data()
    bundle = fhir.build_bundle(data)
    observations = [e.resource for e in bundle.entry if isinstance(e.resource, Observation)]
    pain = [o for o in observations if o.code.coding[0].code == "72514-3"]
    assert [o.code.coding[0].system for o in pain] == ["http://loinc.org"] * len(pain)
    assert [o.valueInteger for o in pain] == [c.symptoms["pain"] for c in data.checkins]
    levels = [
        o.valueCodeableConcept.coding[0].code
        for o in observations
        if o.code.coding[0].code == "triage-level"
    ]
    assert levels == [c.level for c in data.checkins]
    responses = [
        e.resource
        for e in bundle.entry
        if e.resource.get_resource_type() == "QuestionnaireResponse"
    ]
    fever = next(i for i in responses[-1].item if i.linkId == "symptoms.fever")
    assert fever.answer[0].valueBoolean is True
    kind = next(i for i in responses[-1].item if i.linkId == "symptoms.breakouts.kind")
    assert kind.answer[0].valueString == "pustules"


def test_fhir_models_refuse_invalid_values() -> None:
    with pytest.raises(ValidationError):
        Observation.model_validate(
            {"status": "final", "code": {"text": "x"}, "effectiveDateTime": "yesterday"}
        )


def test_a_patient_with_nothing_yet_still_exports() -> None:
    data = sample_data()
    empty = type(data)(patient=data.patient, clinic=None)
    bundle = fhir.build_bundle(empty)
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["Patient"]
    report = build_report(empty, TODAY, NOW)
    assert report.summary.today_day is None and report.summary.latest_level is None
    assert report.checkins == [] and report.findings == []
    assert list(csv.reader(io.StringIO(tabular.to_csv([empty], "checkins"))))[1:] == []


def test_an_unknown_citation_is_shown_as_such() -> None:
    from needlecare.reports.assemble import source_ref

    ref = source_ref("reference.md#ZZ-99")
    assert ref is not None and ref.title == "(not in the packaged reference)"
    assert source_ref("") is None


def test_the_clinics_copy_says_the_findings_in_the_clinics_words() -> None:
    """Outside tester's finding 15: the clinic's PDF read "You have a fever ..."."""
    data = sample_data()
    mine = build_report(data, TODAY, NOW)
    clinic = build_report(data, TODAY, NOW, staff=True)
    said = [f.text for f in mine.summary.latest_findings]
    staff = [f.text for f in clinic.summary.latest_findings]
    assert [f.code for f in mine.summary.latest_findings] == [
        f.code for f in clinic.summary.latest_findings
    ]
    assert any(t.startswith("You have a fever") for t in said)
    assert any(t.startswith("Fever reported with skin signs") for t in staff)
    assert "Skin still warm on day 9, with more redness" in " ".join(staff)
    for text in [*staff, *(f.text for f in clinic.findings)]:
        assert not text.startswith(("You ", "Your ")), text
    spanish = build_report(data, TODAY, NOW, "es", staff=True)
    assert any(f.text.startswith("Fiebre junto con") for f in spanish.summary.latest_findings)
