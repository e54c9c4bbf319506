"""Risk models of types of control (248-ФЗ art. 23–24): categories, criteria and indicators in YAML, the
category of one object with its explanations, and of a whole population in one Polars plan.

Conditions are written in the platform's rule language (`clientcentric.engines.rules`, docs/rules.md).
Pure Python + Polars; nothing here imports Django. See docs/supervision.md, "Risk models".
"""

from pathlib import Path

from .assess import (
    CriterionResult,
    IndicatorResult,
    NeedsData,
    RiskAssessment,
    RiskDataError,
    assess,
    assess_population,
    category_values,
    describe_facts,
    population_plan,
)
from .loader import load_risk_model
from .model import LOW, Category, Criterion, Fact, Indicator, RiskModel, RiskModelError


def load_risk_model_file(path: str | Path) -> RiskModel:
    """A risk model from a YAML file; errors name the file."""
    path = Path(path)
    return load_risk_model(path.read_text(encoding="utf-8"), source=path.name)


__all__ = [
    "LOW",
    "Category",
    "Criterion",
    "CriterionResult",
    "Fact",
    "Indicator",
    "IndicatorResult",
    "NeedsData",
    "RiskAssessment",
    "RiskDataError",
    "RiskModel",
    "RiskModelError",
    "assess",
    "assess_population",
    "category_values",
    "describe_facts",
    "load_risk_model",
    "load_risk_model_file",
    "population_plan",
]
