"""Appointment slots inside an office's hours: consultations are booked in these, never at a typed-in time.

Slots come from the same working-time calendar as deadlines: working days of the production calendar (transfers,
holidays, shortened pre-holiday days), the office's day and lunch break, in the office's time zone.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from .calendar import CalendarYearUnknown, ProductionCalendar
from .clock import _require_aware, _working_intervals
from .schedule import WorkSchedule


def slots(
    now: datetime,
    schedule: WorkSchedule,
    calendar: ProductionCalendar,
    *,
    minutes: int,
    days: int,
    lead: timedelta = timedelta(hours=2),
    taken: Collection[datetime] = (),
) -> list[datetime]:
    """Free slot starts (UTC) from ``now + lead`` over the next ``days`` calendar days.

    A slot lies wholly inside one working interval (it never spans the lunch break or the day's end). Days of a
    year the calendar does not know are left out rather than guessed.
    """
    _require_aware(now, "now")
    if minutes <= 0 or days < 0:
        raise ValueError("a slot must have a length and the horizon cannot be negative")
    length = timedelta(minutes=minutes)
    earliest = now + lead
    busy = set(taken)
    out: list[datetime] = []
    first = now.astimezone(schedule.tz).date()
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        try:
            intervals = _working_intervals(day, schedule, calendar)
        except CalendarYearUnknown:
            continue
        for start, end in intervals:
            moment = start
            while moment + length <= end:
                if moment >= earliest and moment not in busy:
                    out.append(moment)
                moment += length
    return out
