"""All tables; importing this module registers them on `Base.metadata`."""

from needlecare.storage.models.accounts import (
    AccountLink,
    ApiToken,
    Clinic,
    ClinicLogo,
    Patient,
    PatientInvitation,
    StaffInvitation,
    User,
)
from needlecare.storage.models.audit import AuditEntry
from needlecare.storage.models.care import (
    Alert,
    AlertQueueEntry,
    Checkin,
    ClinicalNote,
    Message,
    Recommendation,
    Treatment,
    TreatmentRevision,
)
from needlecare.storage.models.jobs import (
    ClinicReminderSettings,
    OutboxMessage,
    PatientReminderSettings,
    ReminderEvent,
    ReminderPause,
)
from needlecare.storage.models.outcomes import OutcomeDay, OutcomeDayCount, OutcomeTreatment
from needlecare.storage.models.photos import Photo
from needlecare.storage.models.protocols import ClinicProtocol
from needlecare.storage.models.security import LoginFailure
from needlecare.storage.models.shelf import CatalogueProduct, ShelfPhoto, ShelfProduct

__all__ = [
    "AccountLink",
    "Alert",
    "AlertQueueEntry",
    "ApiToken",
    "AuditEntry",
    "CatalogueProduct",
    "Checkin",
    "Clinic",
    "ClinicLogo",
    "ClinicProtocol",
    "ClinicReminderSettings",
    "ClinicalNote",
    "LoginFailure",
    "Message",
    "OutboxMessage",
    "OutcomeDay",
    "OutcomeDayCount",
    "OutcomeTreatment",
    "Patient",
    "PatientInvitation",
    "PatientReminderSettings",
    "Photo",
    "Recommendation",
    "ReminderEvent",
    "ReminderPause",
    "ShelfPhoto",
    "ShelfProduct",
    "StaffInvitation",
    "Treatment",
    "TreatmentRevision",
    "User",
]
