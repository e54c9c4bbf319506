"""Working-time engine: the Russian production calendar and deadline arithmetic, without Django."""

from .calendar import (
    CalendarDataConflict,
    CalendarYearUnknown,
    ProductionCalendar,
    format_years,
    load_shortened_days,
    package_years,
)
from .clock import (
    add_calendar_days,
    add_calendar_time,
    add_working_days,
    add_working_time,
    deadline,
    elapsed,
    next_working_moment,
    working_time_between,
)
from .overrides import DayKind, load_overrides
from .schedule import ClockKind, WorkSchedule

__all__ = [
    "CalendarDataConflict",
    "CalendarYearUnknown",
    "ClockKind",
    "DayKind",
    "ProductionCalendar",
    "WorkSchedule",
    "add_calendar_days",
    "add_calendar_time",
    "add_working_days",
    "add_working_time",
    "deadline",
    "elapsed",
    "format_years",
    "load_overrides",
    "load_shortened_days",
    "next_working_moment",
    "package_years",
    "working_time_between",
]
