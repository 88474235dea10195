"""Check-in validation and triage after microneedling (pure: no I/O but packaged data)."""

from needlecare.triage.engine import LEVELS, triage_checkin
from needlecare.triage.validate import CheckinInvalid, validate_checkin

__all__ = ["LEVELS", "CheckinInvalid", "triage_checkin", "validate_checkin"]
