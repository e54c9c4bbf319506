"""The rule language: eligibility of clients and applicability of requirements (see docs/rules.md).

Pure Python (+ Polars for populations); nothing here imports Django.
"""

from .compiled import CompiledRule, Result, RuleSet, compile_rule
from .parameters import Parameters
from .types import FactType, Outcome, Reason, RuleError, Schema

__all__ = [
    "CompiledRule",
    "FactType",
    "Outcome",
    "Parameters",
    "Reason",
    "Result",
    "RuleError",
    "RuleSet",
    "Schema",
    "compile_rule",
]
