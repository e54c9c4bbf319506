"""Deadlines of supervision: working days on the production calendar, calendar days, calendar years.

A year the production calendar does not know is refused (ValidationError naming the field), never guessed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clientcentric.appeals.policies import production_calendar
from clientcentric.engines import worktime
from clientcentric.engines.worktime import CalendarYearUnknown


def add_working_days(start: date, days: int, *, field: str = "deadline") -> date:
    """``engines.worktime.add_working_days`` on the platform's production calendar; a year the calendar does
    not know becomes a ValidationError on ``field``."""
    try:
        return worktime.add_working_days(start, days, production_calendar())
    except CalendarYearUnknown as error:
        raise ValidationError(
            {
                field: _(
                    "The deadline falls in %(year)s, a year the production calendar does not know yet; "
                    "the methodologist must add that year first."
                )
                % {"year": error.year}
            }
        ) from None


def add_calendar_days(start: date, days: int) -> date:
    """The last day of ``days`` calendar days counted from the day after ``start`` (Civil Code art. 191)."""
    return start + timedelta(days=days)


def one_calendar_year(start: date, years: int = 1) -> date:
    """The last day of a validity of ``years`` calendar years from ``start`` inclusive."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)
