"""Indicators of client-centricity computed from the platform's own data (issue 21).

The contract every other part of the conformance app relies on: an indicator is known by its ``code`` in
``INDICATORS``; ``compute(code, agency=…, quarter=…)`` returns one ``IndicatorValue`` for that agency (or the
whole region when ``agency`` is None) and quarter. Shares carry a Wilson interval; a cell under the configured
minimum is suppressed (value and interval None, ``suppressed`` True) so that no public figure lets anyone
derive a person's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1…4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026-Q3' → Quarter(2026, 3)."""
        year, _, number = text.upper().partition("-Q")
        quarter = cls(int(year), int(number))
        if not 1 <= quarter.number <= 4:
            raise ValueError(f"quarter out of range: {text!r}")
        return quarter

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end): the quarter's calendar days in the region's time zone, as aware moments."""
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.combine(self.first_day, time.min, tzinfo=zone)
        end = datetime.combine(self.next.first_day, time.min, tzinfo=zone)
        return start, end

    def days(self) -> int:
        return (self.next.first_day - self.first_day).days


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    quarter: str  # "2026-Q3"
    agency_id: int | None  # None: the whole region
    numerator: float | None
    denominator: float | None
    value: float | None  # a share in 0…1, a score, or seconds — the definition's ``unit`` says which
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False
    breakdown: dict[str, IndicatorValue] = field(default_factory=dict)  # by channel, service, criterion…


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    title: str  # a lazy Russian-translatable title
    unit: str  # "share" | "score" | "seconds" | "count"
    higher_is_better: bool
    compute: Callable[..., IndicatorValue]


INDICATORS: dict[str, IndicatorDefinition] = {}


def compute(code: str, *, agency=None, quarter: Quarter) -> IndicatorValue:
    return INDICATORS[code].compute(agency=agency, quarter=quarter)
