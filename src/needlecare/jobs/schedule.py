"""When reminders are due and when a check-in counts as missed. Pure: no clock, no I/O.

A treatment date is a calendar date where the patient lives; "day N at 09:00" means 09:00 on
their wall clock, whatever the UTC offset is that day. Wall-clock times that do not exist
(spring forward) move forward by the length of the gap (01:30 -> 02:30 on the London change
day); times that happen twice (fall back) use the first occurrence. Both follow PEP 495's
fold=0, so every input maps to exactly one instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Daily for the first week, then weeks 2, 3 and 6.
DEFAULT_DAY_OFFSETS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 14, 21, 42)
DEFAULT_LOCAL_TIME = time(9, 0)
DEFAULT_TIMEZONE = "UTC"
DEFAULT_GRACE = timedelta(hours=24)
MAX_DAY_OFFSET = 366
MAX_GRACE_HOURS = 24 * 14


class ScheduleInvalid(ValueError):
    """A schedule setting NeedleCare cannot use (the message names it)."""


@dataclass(frozen=True)
class ReminderPlan:
    day_offsets: tuple[int, ...] = DEFAULT_DAY_OFFSETS
    local_time: time = DEFAULT_LOCAL_TIME
    timezone: str = DEFAULT_TIMEZONE
    grace: timedelta = DEFAULT_GRACE

    @property
    def zone(self) -> ZoneInfo:
        return parse_timezone(self.timezone)


@dataclass(frozen=True)
class DueMoment:
    day: int  # days after the treatment date
    local_date: date
    due_at: datetime  # UTC
    day_starts_at: datetime  # UTC instant of local midnight: a check-in from then on counts

    def missed_after(self, grace: timedelta) -> datetime:
        """No check-in by this instant (UTC) means the check-in was missed."""
        return self.due_at + grace


def parse_timezone(name: str) -> ZoneInfo:
    try:
        if not name or name != name.strip() or ".." in name or name.startswith("/"):
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleInvalid(
            f"unknown time zone {name!r}; use an IANA name like Europe/London"
        ) from None


def parse_local_time(text: str) -> time:
    try:
        hours, minutes = text.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError(text)
        return time(int(hours), int(minutes))
    except ValueError:
        raise ScheduleInvalid(f"time of day must be HH:MM (24 h), not {text!r}") from None


def parse_day_offsets(values: Sequence[object]) -> tuple[int, ...]:
    offsets: set[int] = set()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScheduleInvalid(f"day offsets must be whole numbers, not {value!r}")
        if not 1 <= value <= MAX_DAY_OFFSET:
            raise ScheduleInvalid(f"day offsets must be 1 to {MAX_DAY_OFFSET}, not {value}")
        offsets.add(value)
    if not offsets:
        raise ScheduleInvalid("give at least one day offset")
    return tuple(sorted(offsets))


def parse_grace_hours(hours: int) -> timedelta:
    if not 1 <= hours <= MAX_GRACE_HOURS:
        raise ScheduleInvalid(f"grace period must be 1 to {MAX_GRACE_HOURS} hours, not {hours}")
    return timedelta(hours=hours)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone` (gap: forward; overlap: first)."""
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def due_moments(treatment_date: date, plan: ReminderPlan) -> list[DueMoment]:
    """Every scheduled check-in of a treatment, in time order.

    Two offsets that land on the same instant (a local date the zone skipped, as Samoa
    skipped 30 Dec 2011) keep only the first, so nobody gets two emails at once."""
    zone = plan.zone
    moments: list[DueMoment] = []
    for offset in sorted(set(plan.day_offsets)):
        local_date = treatment_date + timedelta(days=offset)
        due_at = local_to_utc(local_date, plan.local_time, zone)
        if moments and due_at <= moments[-1].due_at:
            continue
        moments.append(
            DueMoment(offset, local_date, due_at, local_to_utc(local_date, time(0, 0), zone))
        )
    return moments


def due_reminders(
    moments: Sequence[DueMoment], now: datetime, *, not_before: datetime
) -> list[DueMoment]:
    """Moments whose reminder time has come (and which lie after the treatment was recorded)."""
    return [m for m in moments if not_before <= m.due_at <= now]


def overdue_checkins(
    moments: Sequence[DueMoment], now: datetime, grace: timedelta, *, not_before: datetime
) -> list[DueMoment]:
    """Moments whose grace period is over: the worker checks each for a check-in once."""
    return [m for m in moments if not_before <= m.due_at and m.missed_after(grace) <= now]


def window_end(treatment_date: date, plan: ReminderPlan) -> date:
    """The last local date on which this treatment can still need the worker (UTC-safe)."""
    last = max(plan.day_offsets, default=0)
    extra_days = plan.grace.days + 2  # grace, plus a day either side for any UTC offset
    return treatment_date + timedelta(days=last + extra_days)
