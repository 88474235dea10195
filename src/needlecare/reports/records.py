"""Plain records that every report and export is built from (no ORM, no I/O).

The service layer reads the database and fills these in; everything in `needlecare.reports`
takes them and returns bytes or documents, so it can be tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class ClinicRecord:
    id: int
    name: str


@dataclass(frozen=True)
class PatientRecord:
    id: int
    display_name: str  # the (pseudonymous) name the clinic knows the patient by
    email: str | None
    fitzpatrick: int | None
    acne_prone: bool
    history: list[str]
    created_at: datetime
    clinic_id: int | None = None


@dataclass(frozen=True)
class TreatmentRecord:
    id: int
    treatment_date: date
    depth_mm: float
    device: str
    areas: list[str]
    fitzpatrick: int | None = None
    serum: str | None = None
    operator: str | None = None  # who performed the session, as the clinic recorded it
    next_session_date: date | None = None  # the next session the clinic plans


@dataclass(frozen=True)
class CheckinRecord:
    """One check-in: what the patient answered (`symptoms`, `products`) and the triage."""

    id: int
    treatment_id: int
    day: int
    created_at: datetime
    level: str
    phase: str
    symptoms: dict[str, Any]
    products: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    # The answers a kept check-in lacked or could not read (its `field_errors`), as paths
    # ("symptoms.fever"): the level was raised for them (TR-02), the report says which.
    not_given: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AlertRecord:
    id: int
    checkin_id: int
    level: str
    state: str
    created_at: datetime
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution_note: str | None = None


@dataclass(frozen=True)
class NoteRecord:
    id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class MessageRecord:
    id: int
    from_clinic: bool
    author: str
    body: str
    created_at: datetime
    alert_id: int | None = None
    read_at: datetime | None = None


@dataclass(frozen=True)
class RecommendationRecord:
    id: int
    author: str
    product_name: str
    inci_text: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class ShelfRecord:
    """A product on the patient's shelf (issue 21), as stored; verdicts are not stored."""

    id: int
    name: str
    brand: str
    inci_text: str
    rinse_off: bool
    created_at: datetime


@dataclass(frozen=True)
class PhotoRecord:
    """A photo and its measurement (the `needlecare.photos.analyze` report); the service
    layer reads them from the photo table (issue 6) for every format (PDF, JSON, FHIR Media).
    """

    id: int
    taken_at: datetime
    image: bytes | None = None  # a sanitised JPEG or PNG (the thumbnail); None: file missing
    media_type: str = "image/jpeg"
    day: int | None = None
    area: str = ""
    caption: str = ""
    measurement: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PatientData:
    """Everything stored about one patient, oldest first within each list."""

    patient: PatientRecord
    clinic: ClinicRecord | None
    treatments: list[TreatmentRecord] = field(default_factory=list)
    checkins: list[CheckinRecord] = field(default_factory=list)
    alerts: list[AlertRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    recommendations: list[RecommendationRecord] = field(default_factory=list)
    photos: list[PhotoRecord] = field(default_factory=list)
    messages: list[MessageRecord] = field(default_factory=list)
    shelf: list[ShelfRecord] = field(default_factory=list)

    @property
    def latest_treatment(self) -> TreatmentRecord | None:
        if not self.treatments:
            return None
        return max(self.treatments, key=lambda t: (t.treatment_date, t.id))
