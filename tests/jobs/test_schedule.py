"""The reminder schedule on the patient's wall clock, across zones and DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from needlecare.jobs.backoff import retry_delay
from needlecare.jobs.schedule import (
    DEFAULT_DAY_OFFSETS,
    ReminderPlan,
    ScheduleInvalid,
    due_moments,
    due_reminders,
    local_to_utc,
    overdue_checkins,
    parse_day_offsets,
    parse_local_time,
    parse_timezone,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def due_at(
    treatment: date, zone: str, offsets: tuple[int, ...], at: time = time(9)
) -> dict[int, datetime]:
    plan = ReminderPlan(day_offsets=offsets, local_time=at, timezone=zone)
    return {m.day: m.due_at for m in due_moments(treatment, plan)}


def test_default_schedule_is_daily_for_a_week_then_weeks_2_3_and_6() -> None:
    days = [m.day for m in due_moments(date(2026, 1, 10), ReminderPlan())]
    assert days == [1, 2, 3, 4, 5, 6, 7, 14, 21, 42] == list(DEFAULT_DAY_OFFSETS)


def test_london_spring_forward_keeps_nine_local_and_shifts_the_utc_instant() -> None:
    # 28 March 2027: clocks go from 01:00 GMT to 02:00 BST.
    times = due_at(date(2027, 3, 26), "Europe/London", (1, 2, 3))
    assert times == {1: utc(2027, 3, 27, 9), 2: utc(2027, 3, 28, 8), 3: utc(2027, 3, 29, 8)}
    assert times[2] - times[1] == timedelta(hours=23)
    assert all(t.astimezone(LONDON).time() == time(9) for t in times.values())


def test_london_fall_back_keeps_nine_local_across_a_25_hour_day() -> None:
    # 25 October 2026: clocks go from 02:00 BST back to 01:00 GMT.
    times = due_at(date(2026, 10, 23), "Europe/London", (1, 2))
    assert times == {1: utc(2026, 10, 24, 8), 2: utc(2026, 10, 25, 9)}
    assert times[2] - times[1] == timedelta(hours=25)


def test_a_local_time_that_does_not_exist_moves_forward_by_the_gap() -> None:
    instant = local_to_utc(date(2027, 3, 28), time(1, 30), LONDON)
    assert instant == utc(2027, 3, 28, 1, 30)
    assert instant.astimezone(LONDON).time() == time(2, 30)
    ny = local_to_utc(date(2027, 3, 14), time(2, 30), NEW_YORK)
    assert ny.astimezone(NEW_YORK).time() == time(3, 30)


def test_a_local_time_that_happens_twice_uses_the_first_occurrence() -> None:
    instant = local_to_utc(date(2026, 10, 25), time(1, 30), LONDON)
    assert instant == utc(2026, 10, 25, 0, 30)  # 01:30 BST, not 01:30 GMT an hour later
    assert instant.astimezone(LONDON).utcoffset() == timedelta(hours=1)


def test_new_york_fall_back() -> None:
    # 1 November 2026: EDT (UTC-4) -> EST (UTC-5).
    assert due_at(date(2026, 10, 30), "America/New_York", (1, 2)) == {
        1: utc(2026, 10, 31, 13),
        2: utc(2026, 11, 1, 14),
    }


def test_auckland_morning_is_the_previous_utc_day_and_follows_its_own_dst() -> None:
    # NZDT is UTC+13 in November; NZ clocks go back on 4 April 2027 (UTC+12 after).
    assert due_at(date(2026, 11, 25), "Pacific/Auckland", (1,)) == {1: utc(2026, 11, 25, 20)}
    times = due_at(date(2027, 4, 2), "Pacific/Auckland", (1, 2))
    assert times == {1: utc(2027, 4, 2, 20), 2: utc(2027, 4, 3, 21)}


def test_the_same_local_morning_either_side_of_the_date_line_is_25_hours_apart() -> None:
    kiritimati = due_at(date(2026, 6, 1), "Pacific/Kiritimati", (1,))[1]  # UTC+14
    pago_pago = due_at(date(2026, 6, 1), "Pacific/Pago_Pago", (1,))[1]  # UTC-11
    assert kiritimati == utc(2026, 6, 1, 19)
    assert pago_pago - kiritimati == timedelta(hours=25)


def test_a_skipped_calendar_day_never_gives_two_reminders_at_once() -> None:
    # Samoa jumped over 30 December 2011 when it moved west of the date line.
    times = due_at(date(2011, 12, 28), "Pacific/Apia", (1, 2, 3, 4))
    assert times == {1: utc(2011, 12, 29, 19), 2: utc(2011, 12, 30, 19), 4: utc(2011, 12, 31, 19)}


def test_a_check_in_counts_from_local_midnight_of_the_due_day() -> None:
    plan = ReminderPlan(day_offsets=(1,), timezone="America/New_York")
    (moment,) = due_moments(date(2026, 7, 1), plan)
    assert moment.day_starts_at == utc(2026, 7, 2, 4)
    assert moment.missed_after(timedelta(hours=24)) == utc(2026, 7, 3, 13)


def test_due_and_overdue_filters_respect_now_grace_and_recording_time() -> None:
    plan = ReminderPlan(day_offsets=(1, 2, 3), timezone="UTC")
    moments = due_moments(date(2026, 5, 1), plan)
    now = utc(2026, 5, 3, 10)
    assert [m.day for m in due_reminders(moments, now, not_before=utc(2026, 5, 1))] == [1, 2]
    # Recorded after day 1's reminder time: day 1 was never this treatment's to miss.
    assert [m.day for m in due_reminders(moments, now, not_before=utc(2026, 5, 2, 12))] == [2]
    grace = timedelta(hours=24)
    assert [m.day for m in overdue_checkins(moments, now, grace, not_before=utc(2026, 5, 1))] == [1]


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "/etc/localtime", " UTC"])
def test_unknown_time_zones_are_refused_with_a_clear_message(name: str) -> None:
    with pytest.raises(ScheduleInvalid, match="IANA"):
        parse_timezone(name)


@pytest.mark.parametrize("text", ["9:00", "24:00", "09:60", "nine", "09:00:00"])
def test_bad_times_of_day_are_refused(text: str) -> None:
    with pytest.raises(ScheduleInvalid, match="HH:MM"):
        parse_local_time(text)


@pytest.mark.parametrize("offsets", [[], [0], [400], ["1"], [True], [1.5]])
def test_bad_day_offsets_are_refused(offsets: list[object]) -> None:
    with pytest.raises(ScheduleInvalid):
        parse_day_offsets(offsets)


def test_day_offsets_are_sorted_and_deduplicated() -> None:
    assert parse_day_offsets([14, 1, 2, 14]) == (1, 2, 14)


def test_retry_delay_grows_exponentially_within_jitter_and_stops_at_the_cap() -> None:
    import random

    base, cap = timedelta(seconds=30), timedelta(hours=1)
    rng = random.Random(1)
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (8, 3600), (40, 3600)]:
        delays = [retry_delay(attempts, base, cap, rng).total_seconds() for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered, not a fixed step
