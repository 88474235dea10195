"""The roster and one patient's record; inviting a patient."""

from __future__ import annotations

from fastapi import APIRouter, status

from needlecare.services import invitations, patients
from needlecare.services.patients import PatientCreate
from needlecare.web.api.convert import patient_out
from needlecare.web.api.schemas.accounts import PatientIn, PatientInvitationOut, PatientOut
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, Paged

router = APIRouter(tags=["patients"])


def _create(body: PatientIn) -> PatientCreate:
    return PatientCreate(
        display_name=body.display_name,
        email=body.email,
        fitzpatrick=body.fitzpatrick,
        acne_prone=body.acne_prone,
        history=list(body.history),
    )


@router.get("/patients", response_model=list[PatientOut], responses={200: {"headers": LINK_HEADER}})
def list_patients(
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[PatientOut]:
    """Staff: the clinic's patients, by id, `limit` at a time; while more follow, the
    `Link: <...>; rel="next"` header gives the next page's URL. Patient: their own record."""
    page = patients.patient_page(uow, actor, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [patient_out(p) for p in page.items]


@router.post("/patients", status_code=status.HTTP_201_CREATED, response_model=PatientOut)
def create_patient(body: PatientIn, actor: ApiActor, uow: UowDep) -> PatientOut:
    """Staff: add a patient to the clinic's roster."""
    return patient_out(patients.create_patient(uow, actor, _create(body)))


@router.get("/patients/{patient_id}", response_model=PatientOut)
def get_patient(patient_id: int, actor: ApiActor, uow: UowDep) -> PatientOut:
    return patient_out(patients.get_patient(uow, actor, patient_id))


@router.put("/patients/{patient_id}", response_model=PatientOut)
def update_patient(patient_id: int, body: PatientIn, actor: ApiActor, uow: UowDep) -> PatientOut:
    """Update name, skin type, acne-prone and history."""
    return patient_out(patients.update_profile(uow, actor, patient_id, _create(body)))


@router.post(
    "/patients/{patient_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=PatientInvitationOut,
)
def invite_patient(patient_id: int, actor: ApiActor, uow: UowDep) -> PatientInvitationOut:
    """Staff: a private single-use link for the patient to create their login."""
    issued = invitations.invite_patient(uow, actor, patient_id)
    patient = patients.get_patient(uow, actor, patient_id)
    return PatientInvitationOut(
        id=issued.id, token=issued.token, expires_at=issued.expires_at, patient=patient_out(patient)
    )
