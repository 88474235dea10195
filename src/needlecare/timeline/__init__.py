"""Day-by-day recovery timeline after microneedling (pure: no I/O but packaged data)."""

from needlecare.timeline.build import TimelineInvalid, build_timeline
from needlecare.timeline.content import phase_for

__all__ = ["TimelineInvalid", "build_timeline", "phase_for"]
