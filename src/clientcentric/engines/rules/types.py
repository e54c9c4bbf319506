"""Value types, outcomes and errors of the rule language (no Django, no Polars)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class FactType(enum.Enum):
    INT = "int"
    DECIMAL = "decimal"
    STR = "str"
    BOOL = "bool"
    DATE = "date"
    STR_SET = "str_set"

    @property
    def numeric(self) -> bool:
        return self in (FactType.INT, FactType.DECIMAL)


Schema = dict[str, FactType]

# Text facts that hold a numeric code: an extract may give them as text ('07') or as an integer column (7), and a
# rule may compare them with either. Both sides are brought to one form: digits zero-padded to the code's width.
CODE_WIDTHS: dict[str, int] = {"region": 2}


def canonical_code(fact: str, value: Any) -> str:
    """The one form of a code fact's value: 7, '7' and '07' are all region '07'; other text stays as it is."""
    text = str(value).strip()
    return text.zfill(CODE_WIDTHS[fact]) if text.isdigit() else text


class Outcome(enum.Enum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool | None) -> Outcome:
        if value is True:
            return cls.ELIGIBLE
        if value is False:
            return cls.NOT_ELIGIBLE
        return cls.UNKNOWN


class RuleError(ValueError):
    """A rule, parameter or fact value the engine refuses.

    `code` is a stable English id the Django layer translates; `line`/`column` are 1-based and point at the
    offending node of the rule text (None when the error is not about a place in a text).
    """

    def __init__(
        self,
        code: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        details: dict[str, Any] | None = None,
    ):
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.details = dict(details or {})
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{code}: {message}{where}")


@dataclass(frozen=True)
class Reason:
    """One sub-expression that decided a result: its source text, its value, the facts it read."""

    text: str
    value: Any
    facts: dict[str, Any] = field(default_factory=dict)
