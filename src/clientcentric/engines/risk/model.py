"""Risk models of a type of control (248-ФЗ art. 23–24): categories, criteria, indicators, facts.

Plain frozen dataclasses; the conditions are compiled once, when the model is loaded, by the platform's rule
language (`clientcentric.engines.rules`), so a risk model has no expression language of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clientcentric.engines.rules import CompiledRule, FactType

LOW = "low"


class RiskModelError(ValueError):
    """A risk model the engine refuses, with where the problem is.

    `line`/`column` are 1-based positions in the YAML text (for a condition: the offending part of the
    condition itself), `field` is the path of the field (`criteria[2].condition`, 1-based indexes), `code` a
    stable English id (`unknown_fact`, `type_error`, `unknown_category`, `too_few_categories`, `no_low_category`,
    `duplicate_code`, `structure`, `yaml`, …) the Django layer can translate. Loading collects every problem:
    the exception describes the first one and `problems` holds them all (each a RiskModelError).
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        code: str = "structure",
        source: str = "",
        details: Mapping[str, Any] | None = None,
        problems: tuple[RiskModelError, ...] = (),
    ):
        self.message = message
        self.line = line
        self.column = column
        self.field = field
        self.code = code
        self.source = source
        self.details = dict(details or {})
        self.problems = tuple(problems) or (self,)
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column is not None else ""))
        if self.field:
            where.append(self.field)
        prefix = ": ".join([", ".join(where)]) + ": " if where else ""
        return f"{prefix}{self.message} [{self.code}]"

    def __str__(self) -> str:
        if len(self.problems) <= 1:
            return self.describe()
        return "\n".join(problem.describe() for problem in self.problems)


@dataclass(frozen=True)
class Category:
    """A risk category. `planned_events_per_years` = (events, years): (1, 2) is one planned control event every
    two years; None means no planned control events (the low category)."""

    code: str
    title: str
    planned_events_per_years: tuple[int, int] | None
    preventive_visits_per_year: int = 0

    @property
    def has_planned_events(self) -> bool:
        return self.planned_events_per_years is not None


@dataclass(frozen=True)
class Fact:
    """A fact a model's conditions read: its type in the rule language, a title for people, and its source."""

    name: str
    type: FactType
    title: str = ""
    source: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Criterion:
    """A risk criterion: an object that meets `condition` belongs at least to `category`."""

    code: str
    title: str
    category: Category
    condition: str
    source: str
    how_to_lower: str
    legal_reference: str = ""
    compiled: CompiledRule | None = field(default=None, compare=False, repr=False)

    @property
    def facts_read(self) -> frozenset[str]:
        return self.compiled.facts_used if self.compiled is not None else frozenset()


@dataclass(frozen=True)
class Indicator:
    """A risk indicator (индикатор риска) for unscheduled control: when it fires, the body gets a task."""

    code: str
    title: str
    condition: str
    source: str
    action: str
    compiled: CompiledRule | None = field(default=None, compare=False, repr=False)

    @property
    def facts_read(self) -> frozenset[str]:
        return self.compiled.facts_used if self.compiled is not None else frozenset()


@dataclass(frozen=True)
class Example:
    """A worked example of the model, checked on every load: these facts on this date give this category (and,
    when listed, exactly these criteria and indicators)."""

    title: str
    on: dt.date
    facts: Mapping[str, Any]
    category: str
    criteria_met: tuple[str, ...] | None = None
    indicators_fired: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RiskModel:
    """The risk model of one type of control; `categories` run from the highest to `low`."""

    code: str
    title: str
    categories: tuple[Category, ...]
    criteria: tuple[Criterion, ...]
    indicators: tuple[Indicator, ...]
    facts: Mapping[str, FactType]
    fact_info: Mapping[str, Fact] = field(default_factory=dict, compare=False)
    legal_reference: str = ""
    source: str = ""
    examples: tuple[Example, ...] = field(default=(), compare=False)

    @property
    def low(self) -> Category:
        return self.categories[-1]

    def category(self, code: str) -> Category:
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(code)

    def rank(self, category: Category | str) -> int:
        """0 for the highest category, len(categories) - 1 for low."""
        code = category if isinstance(category, str) else category.code
        return next(i for i, c in enumerate(self.categories) if c.code == code)

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def fact_title(self, name: str) -> str:
        info = self.fact_info.get(name)
        return info.title if info is not None and info.title else name
