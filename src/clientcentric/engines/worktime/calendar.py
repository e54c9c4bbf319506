"""The Russian production calendar (производственный календарь): which days are worked, and how long.

Days off and working weekend days come from the ``holidays`` package, which encodes the Labour Code's
public holidays (art. 112) and each year's Government resolution on transferring days off. Shortened
pre-holiday days (art. 95) are not in the package, so they come from ``shortened_days.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import holidays

from .overrides import DayKind, OverrideSource, load_overrides

COUNTRY = "RU"
SHORTENED_DAYS_FILE = "shortened_days.json"

ShortenedDaysSource = str | os.PathLike[str] | Mapping[int | str, Iterable[Any]]


class CalendarYearUnknown(ValueError):
    """A date falls in a year the calendar has no trustworthy data for.

    Refusing is deliberate: for an unpublished year the package still returns the fixed holidays but
    none of the transfers, so a deadline computed from it would be silently wrong.
    """

    def __init__(self, year: int, known_years: Iterable[int]):
        self.year = year
        self.known_years = frozenset(known_years)
        super().__init__(
            f"The production calendar does not know year {year}; known years: "
            f"{format_years(self.known_years)}. A year is known when the holidays package has the "
            f"Government's transfer resolution for it and {SHORTENED_DAYS_FILE} lists its shortened "
            f"pre-holiday days, or when it is configured explicitly with known_years."
        )


class CalendarDataConflict(ValueError):
    """The shortened-days data marks as shortened a day that the package says is a day off."""


def format_years(years: Iterable[int]) -> str:
    """``{2019, 2024, 2025, 2026}`` → ``"2019, 2024–2026"``: the known range, readable in an error."""
    ordered = sorted(set(years))
    if not ordered:
        return "none"
    runs: list[list[int]] = [[ordered[0], ordered[0]]]
    for year in ordered[1:]:
        if year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(first) if first == last else f"{first}–{last}" for first, last in runs)


def package_years() -> frozenset[int]:
    """Years for which the ``holidays`` package holds the Government's transfer resolution.

    Since 2013 the New Year holidays (1–8 January) always cover a Saturday and a Sunday whose days off
    must be transferred, so every published year has an entry, and a year without one is a year whose
    resolution the installed package does not know yet (it would still list the fixed holidays).
    """
    probe = holidays.country_holidays(COUNTRY)
    return frozenset(int(year) for year in getattr(probe, "special_public_holidays", {}))


def load_shortened_days(source: ShortenedDaysSource | None = None) -> dict[int, frozenset[date]]:
    """Shortened days by year, from the bundled data file, another JSON file, or a ``{year: dates}`` dict."""
    years: Mapping[int | str, Iterable[date | str]]
    if source is None:
        text = resources.files(__package__).joinpath(SHORTENED_DAYS_FILE).read_text(encoding="utf-8")
        years = json.loads(text)["years"]
    elif isinstance(source, str | os.PathLike):
        years = json.loads(Path(source).read_text(encoding="utf-8"))["years"]
    else:
        years = source
    by_year: dict[int, frozenset[date]] = {}
    for year_key, values in years.items():
        year = int(year_key)
        days = frozenset(value if isinstance(value, date) else date.fromisoformat(value) for value in values)
        strays = sorted(str(day) for day in days if day.year != year)
        if strays:
            raise ValueError(
                f"Shortened days listed under {year} belong to another year: {', '.join(strays)}"
            )
        by_year[year] = days
    return by_year


class ProductionCalendar:
    """Working days, shortened days and days off of the Russian production calendar, with overrides.

    Precedence, strongest first: ``overrides`` (a region's own day off or working day), then the
    shortened-days data, then the ``holidays`` package, then the Saturday/Sunday weekend.

    Known years: by default the intersection of :func:`package_years` and the years present in the
    shortened-days data, because a year is trustworthy only when both its transfers and its shortened
    days are published. ``known_years`` replaces that rule for an operator who supplies a year's missing
    data through ``overrides``. Any question about another year raises :class:`CalendarYearUnknown`.
    """

    def __init__(
        self,
        overrides: OverrideSource | None = None,
        *,
        shortened_days: ShortenedDaysSource | None = None,
        known_years: Iterable[int] | None = None,
    ):
        shortened = load_shortened_days(shortened_days)
        if known_years is None:
            self.known_years = frozenset(shortened) & package_years()
        else:
            self.known_years = frozenset(int(year) for year in known_years)
        self.overrides = load_overrides(overrides)
        self._kinds: dict[date, DayKind] = {}
        if self.known_years:
            self._build(shortened)

    def _build(self, shortened: Mapping[int, frozenset[date]]) -> None:
        # One package instance for all known years, so transfers that cross a year boundary (a day off
        # moved from January to 31 December) are resolved, and every later lookup is a dict hit.
        package = holidays.country_holidays(COUNTRY, years=sorted(self.known_years))
        for year in sorted(self.known_years):
            day = date(year, 1, 1)
            while day.year == year:
                kind = DayKind.WORKING_DAY if package.is_working_day(day) else DayKind.DAY_OFF
                if day in shortened.get(year, ()):
                    if kind is DayKind.DAY_OFF and day not in self.overrides:
                        raise CalendarDataConflict(
                            f"{day} is listed as a shortened day but the holidays package has it as a day "
                            f"off ({package.get(day) or 'weekend'}); fix {SHORTENED_DAYS_FILE} or add an "
                            f"override"
                        )
                    kind = DayKind.SHORTENED
                self._kinds[day] = kind
                day += timedelta(days=1)
        for day, kind in self.overrides.items():
            if day.year in self.known_years:
                self._kinds[day] = kind

    def __repr__(self) -> str:
        return f"ProductionCalendar(known_years={format_years(self.known_years)!r}, overrides={len(self.overrides)})"

    def check_year(self, year: int) -> None:
        if year not in self.known_years:
            raise CalendarYearUnknown(year, self.known_years)

    def day_kind(self, day: date) -> DayKind:
        if isinstance(day, datetime):
            # A moment's calendar day depends on the time zone, so the caller must pick it explicitly.
            raise TypeError("Pass a date: convert the moment to the schedule's time zone and take .date()")
        self.check_year(day.year)
        return self._kinds[day]

    def is_working_day(self, day: date) -> bool:
        return self.day_kind(day) is not DayKind.DAY_OFF

    def is_shortened(self, day: date) -> bool:
        return self.day_kind(day) is DayKind.SHORTENED

    def days(self, kind: DayKind, year: int) -> list[date]:
        """All days of ``kind`` in ``year``, e.g. to show a year's shortened days or count working days."""
        self.check_year(year)
        return sorted(day for day, day_kind in self._kinds.items() if day.year == year and day_kind is kind)
