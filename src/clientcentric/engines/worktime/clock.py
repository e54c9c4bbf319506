"""Deadline arithmetic on timezone-aware moments: working time, calendar time and calendar days.

Every function walks day by day at most (never minute by minute), so 30 working days or a year of
elapsed time costs a few hundred dictionary lookups.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from .calendar import ProductionCalendar
from .overrides import DayKind
from .schedule import ClockKind, WorkSchedule

ONE_DAY = timedelta(days=1)
DEFAULT_SCHEDULE = WorkSchedule()


def _require_aware(moment: datetime, name: str) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    # A naive moment has no place on the timeline; guessing its zone would shift deadlines by hours.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def _require_non_negative(duration: timedelta) -> None:
    if duration < timedelta(0):
        raise ValueError(f"duration cannot be negative: {duration}")


def _working_intervals(
    day: date, schedule: WorkSchedule, calendar: ProductionCalendar
) -> list[tuple[datetime, datetime]]:
    kind = calendar.day_kind(day)
    if kind is DayKind.DAY_OFF:
        return []
    return schedule.utc_intervals(day, shortened=kind is DayKind.SHORTENED)


def add_working_time(
    start: datetime, duration: timedelta, schedule: WorkSchedule, calendar: ProductionCalendar
) -> datetime:
    """The moment at which ``duration`` of working time has passed since ``start``.

    A start outside working hours counts from the next working moment. When the time runs out exactly
    at the end of a working interval, that end is returned (18:00 today, not 09:00 tomorrow); a zero
    duration therefore returns ``start`` when it is a working moment, else the next working moment.
    The result is in the schedule's time zone.
    """
    _require_aware(start, "start")
    _require_non_negative(duration)
    cursor = start.astimezone(UTC)
    day = start.astimezone(schedule.tz).date()
    remaining = duration
    while True:
        for begin, end in _working_intervals(day, schedule, calendar):
            if end <= cursor:
                continue
            segment_start = max(begin, cursor)
            available = end - segment_start
            if remaining <= available:
                return (segment_start + remaining).astimezone(schedule.tz)
            remaining -= available
        day += ONE_DAY


def next_working_moment(moment: datetime, schedule: WorkSchedule, calendar: ProductionCalendar) -> datetime:
    """When a working-time clock started at ``moment`` actually begins to run."""
    return add_working_time(moment, timedelta(0), schedule, calendar)


def working_time_between(
    start: datetime, end: datetime, schedule: WorkSchedule, calendar: ProductionCalendar
) -> timedelta:
    """Working time elapsed from ``start`` to ``end``: for pausing a clock and for "at risk" shares."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    day = start.astimezone(schedule.tz).date()
    last_day = end.astimezone(schedule.tz).date()
    total = timedelta(0)
    while day <= last_day:
        for begin, finish in _working_intervals(day, schedule, calendar):
            overlap = min(finish, end_utc) - max(begin, start_utc)
            if overlap > timedelta(0):
                total += overlap
        day += ONE_DAY
    return total


def add_working_days(start: date, days: int, calendar: ProductionCalendar) -> date:
    """The last day of a period of ``days`` working days counted from the day after ``start``.

    Date-level arithmetic for periods the law sets in working days (248-ФЗ: an objection to a warning, the
    review of a pre-trial appeal): the day of ``start`` never counts, and the result is always a working
    day. Zero days gives ``start`` itself. A day in a year the calendar does not know raises
    ``CalendarYearUnknown`` naming that year, never a guess.
    """
    if isinstance(start, datetime) or not isinstance(start, date):
        raise TypeError(f"start must be a date, got {type(start).__name__}")
    if days < 0:
        raise ValueError(f"days cannot be negative: {days}")
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if calendar.is_working_day(day):
            left -= 1
    return day


def add_calendar_time(start: datetime, duration: timedelta) -> datetime:
    """``start`` plus ``duration`` of real elapsed time (24/7), in ``start``'s time zone.

    Computed in UTC so that "4 hours" stays 4 real hours across a daylight-saving change.
    """
    _require_aware(start, "start")
    _require_non_negative(duration)
    return (start.astimezone(UTC) + duration).astimezone(start.tzinfo)


def add_calendar_days(start: datetime, days: int, schedule: WorkSchedule = DEFAULT_SCHEDULE) -> datetime:
    """The deadline of ``days`` calendar days counted from the registration moment ``start``.

    Convention (59-ФЗ counts calendar days; the counting follows Civil Code arts. 191 and 194): the
    period starts on the day after the registration date in the schedule's time zone and ends at the
    end of its ``days``-th day. The end is returned as the exclusive boundary, local midnight after that
    day, so an answer is on time when ``answered_at < deadline``; show ``(deadline - 1 µs).date()`` as
    the last day. Registration on 2 March with 30 days gives 2 April 00:00, i.e. "by 1 April inclusive".
    A last day falling on a day off is not moved: whether to roll it to the next working day is the
    caller's policy, not calendar-day arithmetic.
    """
    _require_aware(start, "start")
    if days < 0:
        raise ValueError(f"days cannot be negative: {days}")
    registered_on = start.astimezone(schedule.tz).date()
    return datetime.combine(registered_on + timedelta(days=days + 1), time(0), tzinfo=schedule.tz)


def deadline(
    start: datetime,
    duration: timedelta,
    schedule: WorkSchedule,
    calendar: ProductionCalendar | None = None,
) -> datetime:
    """``duration`` after ``start`` on the schedule's clock, in the schedule's time zone."""
    if schedule.clock is ClockKind.CALENDAR_TIME:
        return add_calendar_time(start, duration).astimezone(schedule.tz)
    if calendar is None:
        raise ValueError("A working-time clock needs a ProductionCalendar")
    return add_working_time(start, duration, schedule, calendar)


def elapsed(
    start: datetime,
    end: datetime,
    schedule: WorkSchedule,
    calendar: ProductionCalendar | None = None,
) -> timedelta:
    """Time counted by the schedule's clock between two moments: the inverse of :func:`deadline`."""
    if schedule.clock is ClockKind.CALENDAR_TIME:
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end < start:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        return end.astimezone(UTC) - start.astimezone(UTC)
    if calendar is None:
        raise ValueError("A working-time clock needs a ProductionCalendar")
    return working_time_between(start, end, schedule, calendar)
