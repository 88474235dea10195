"""Who is acting: the authenticated principal every service receives."""

from __future__ import annotations

from dataclasses import dataclass

from needlecare.storage.enums import Role


@dataclass(frozen=True)
class Principal:
    user_id: int
    role: Role
    email: str
    display_name: str
    # The staff member's clinic, or the patient's clinic (None for a personal account).
    clinic_id: int | None
    # Set for patients: the one patient record they may see.
    patient_id: int | None = None
    # The login's session generation when it was loaded: a session cookie records it, and
    # stops working once the stored one moves on (logout, deactivation, password change).
    session_generation: int = 0
    # The language the person chose in their settings (None: follow the browser).
    language: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.CLINICIAN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_patient(self) -> bool:
        return self.role is Role.PATIENT


SYSTEM_ROLE = "system"
ANONYMOUS_ROLE = "anonymous"
