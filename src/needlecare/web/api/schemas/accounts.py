"""Schemas: logins, tokens, invitations, patients, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from needlecare.services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

Name = Annotated[str, Field(min_length=1, max_length=200)]
Email = Annotated[str, Field(min_length=3, max_length=320, examples=["ana@example.org"])]
Password = Annotated[str, Field(min_length=1, max_length=256)]
# The rules (length after NFKC, blocklist) are the service's, so one message explains them.
NewPassword = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_PASSWORD_LENGTH,
        description=f"At least {MIN_PASSWORD_LENGTH} characters; any characters, spaces too; "
        "not a common password (NIST SP 800-63B)",
    ),
]
HistoryItem = Literal[
    "hsv",
    "keloid",
    "eczema",
    "rosacea",
    "psoriasis",
    "isotretinoin_6mo",
    "anticoagulants",
    "pregnancy",
    "immunosuppressed",
    "diabetes",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TokenCreate(Strict):
    email: Email
    password: Password
    name: str = Field("", max_length=200, description="A label to recognise the token later")


class TokenIssued(Out):
    id: int
    token: str = Field(description="Shown once; send as `Authorization: Bearer <token>`")
    name: str
    created_at: datetime


class TokenOut(Out):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class MeOut(Out):
    user_id: int
    email: str
    display_name: str
    role: Literal["admin", "clinician", "patient"]
    clinic_id: int | None
    patient_id: int | None


class PatientIn(Strict):
    display_name: Name
    email: Email | None = None
    fitzpatrick: int | None = Field(None, ge=1, le=6)
    acne_prone: bool = False
    history: list[HistoryItem] = Field(default_factory=list, max_length=10)


class PatientOut(Out):
    id: int
    clinic_id: int | None
    display_name: str
    email: str | None
    fitzpatrick: int | None
    acne_prone: bool
    history: list[str]
    has_login: bool
    created_at: datetime


class InvitationOut(Out):
    id: int
    token: str = Field(description="Single use; send it to the invitee as a private link")
    expires_at: datetime


class PatientInvitationOut(InvitationOut):
    patient: PatientOut


class StaffInvitationIn(Strict):
    email: Email
    role: Literal["admin", "clinician"]


class PatientInvitationAccept(Strict):
    token: str = Field(min_length=1, max_length=200)
    email: Email
    password: NewPassword


class StaffInvitationAccept(Strict):
    token: str = Field(min_length=1, max_length=200)
    display_name: Name
    password: NewPassword


class RegistrationIn(Strict):
    email: Email
    password: NewPassword
    display_name: Name


class AuditOut(Out):
    id: int
    at: datetime
    actor_user_id: int | None
    actor_name: str | None = Field(None, description="The person's name (null: anonymous/system)")
    actor_role: str
    action: str
    object_type: str
    object_id: str | None
    clinic_id: int | None
    patient_id: int | None
    patient_name: str | None = None
