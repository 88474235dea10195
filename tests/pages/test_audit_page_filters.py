"""The audit page's filters at scale (issue 20): a patient is found by a search (name, email
or number) instead of a list of every patient, the person list is the staff, and an action
is chosen from the known list."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from needlecare.services import patients
from needlecare.storage.uow import UnitOfWork

from .conftest import login
from .seed import World


def test_a_patient_is_searched_and_the_lists_stay_short(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    client.get(f"/clinic/patients/{world.patient_a_id}")  # an audited read of Paula's record
    page = client.get("/clinic/audit")
    assert page.status_code == 200
    # No option per patient or per patient login: the staff, and the actions by family.
    assert ">Anyone</option>" in page.text
    assert page.text.count("<option") < 120
    assert ">Paula Patient</option>" not in page.text and ">Cleo Clinician</option>" in page.text
    assert '<option value="checkin.">Any checkin action</option>' in page.text

    one = client.get("/clinic/audit", params={"patient": "paula"})
    assert one.status_code == 200
    assert (
        f"(patient #{world.patient_a_id})" in one.text and "<code>patient.read</code>" in one.text
    )
    by_number = client.get("/clinic/audit", params={"patient": str(world.patient_a_id)})
    assert "Entries about <strong>Paula Patient</strong>" in by_number.text

    none = client.get("/clinic/audit", params={"patient": "Bo B"})  # clinic B's patient
    assert none.status_code == 422 and "No patient of your clinic matches" in none.text
    assert 'id="patient-error"' in none.text

    app = client.app
    with app.state.session_factory() as session:  # type: ignore[attr-defined]
        from needlecare.services.auth import principal_for
        from needlecare.storage.models import User

        admin = principal_for(session, session.query(User).filter_by(email=world.admin_a).one())
    uow = UnitOfWork(app.state.session_factory)  # type: ignore[attr-defined]
    second = patients.create_patient(uow, admin, patients.PatientCreate(display_name="Paul Poe"))
    several = client.get("/clinic/audit", params={"patient": "pau", "action": "patient."})
    assert several.status_code == 422 and "Several patients match" in several.text
    links = {
        html.unescape(href)
        for href in (
            f'href="/clinic/audit?patient={world.patient_a_id}&amp;action=patient."',
            f'href="/clinic/audit?patient={second.id}&amp;action=patient."',
        )
        if href in several.text
    }
    assert len(links) == 2, several.text

    bad = client.get("/clinic/audit", params={"action": "made.up"})
    assert bad.status_code == 422 and 'id="action-error"' in bad.text
    assert client.get("/clinic/audit.csv", params={"action": "made.up"}).status_code == 422
