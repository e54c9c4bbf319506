"""Working hours of an agency: when its clock runs, and in which time zone."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/Moscow"

# A pre-holiday day is one hour shorter (Labour Code art. 95); kept configurable because a shift
# schedule may shorten differently under a collective agreement.
PRE_HOLIDAY_SHORTENING = timedelta(hours=1)


class ClockKind(enum.StrEnum):
    """How a deadline clock runs."""

    CALENDAR_TIME = "calendar_time"  # 24/7: every hour counts, e.g. a hotline promise of 4 hours
    WORKING_TIME = "working_time"  # only the agency's working hours on working days count


def _offset(moment: time) -> timedelta:
    return timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second)


@dataclass(frozen=True)
class WorkSchedule:
    """A working day of ``day_start``–``day_end`` with an optional lunch break, in one IANA time zone.

    The same hours apply to every working day, including Saturdays made working by a transfer.
    Night shifts (a working day past midnight) are out of scope: ``day_end`` must follow ``day_start``.
    """

    day_start: time = time(9, 0)
    day_end: time = time(18, 0)
    lunch: tuple[time, time] | None = (time(13, 0), time(14, 0))
    timezone: str = DEFAULT_TIMEZONE
    clock: ClockKind = ClockKind.WORKING_TIME
    pre_holiday_shortening: timedelta = field(default=PRE_HOLIDAY_SHORTENING)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Unknown IANA time zone: {self.timezone!r}") from exc
        object.__setattr__(self, "clock", ClockKind(self.clock))
        for moment in (self.day_start, self.day_end, *(self.lunch or ())):
            if moment.tzinfo is not None or moment.microsecond:
                raise ValueError("Working hours are naive wall-clock times with whole seconds")
        if not self.day_start < self.day_end:
            raise ValueError(f"The working day must end after it starts: {self.day_start}–{self.day_end}")
        if self.lunch is not None:
            lunch_start, lunch_end = self.lunch
            if not self.day_start < lunch_start < lunch_end < self.day_end:
                raise ValueError(
                    f"Lunch {lunch_start}–{lunch_end} must lie strictly inside the working day "
                    f"{self.day_start}–{self.day_end}"
                )
        if self.pre_holiday_shortening < timedelta(0):
            raise ValueError("pre_holiday_shortening cannot be negative")
        if self.pre_holiday_shortening >= self.day_length:
            raise ValueError("pre_holiday_shortening must leave some working time on a shortened day")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def full_day(self) -> tuple[tuple[timedelta, timedelta], ...]:
        """Working intervals of an ordinary working day, as offsets from local midnight."""
        start, end = _offset(self.day_start), _offset(self.day_end)
        if self.lunch is None:
            return ((start, end),)
        lunch_start, lunch_end = (_offset(moment) for moment in self.lunch)
        return ((start, lunch_start), (lunch_end, end))

    @cached_property
    def shortened_day(self) -> tuple[tuple[timedelta, timedelta], ...]:
        """Working intervals of a pre-holiday day: the shortening is taken off the end of the day.

        Cutting working time rather than wall-clock time keeps the rule right when the shortened end
        would fall inside the lunch break (then the morning part is cut instead).
        """
        to_cut = self.pre_holiday_shortening
        kept: list[tuple[timedelta, timedelta]] = []
        for start, end in reversed(self.full_day):
            length = end - start
            if to_cut >= length:
                to_cut -= length
                continue
            kept.append((start, end - to_cut))
            to_cut = timedelta(0)
        return tuple(reversed(kept))

    @property
    def day_length(self) -> timedelta:
        return sum((end - start for start, end in self.full_day), timedelta(0))

    def utc_intervals(self, day: date, *, shortened: bool = False) -> list[tuple[datetime, datetime]]:
        """Working intervals of ``day`` as UTC datetimes.

        Arithmetic happens in UTC because Python subtracts two datetimes sharing one tzinfo as wall-clock
        times, which is wrong across a daylight-saving change in zones that still have one.
        """
        midnight = datetime.combine(day, time(0), tzinfo=self.tz)
        intervals = self.shortened_day if shortened else self.full_day
        # Adding a timedelta to an aware datetime moves the wall clock, so 09:00 stays 09:00 local time
        # on a daylight-saving day; the UTC conversion then applies that day's offset.
        return [
            ((midnight + start).astimezone(UTC), (midnight + end).astimezone(UTC)) for start, end in intervals
        ]
