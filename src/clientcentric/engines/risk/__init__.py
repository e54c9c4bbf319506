"""Risk models of types of control (248-ФЗ art. 23–24): categories, criteria and indicators in YAML, the
category of one object with its explanations, and of a whole population in one Polars plan.

Conditions are written in the platform's rule language (`clientcentric.engines.rules`, docs/rules.md).
Pure Python + Polars; nothing here imports Django. See docs/supervision.md, "Risk models".
"""

from importlib import import_module
from pathlib import Path

from .loader import load_risk_model
from .model import LOW, Category, Criterion, Example, Fact, Indicator, RiskModel, RiskModelError

# The assessment runs on Polars, which takes a good part of a second to import: a command or a web worker that
# never assesses (most of them) should not pay for it at start, so those names load on first use (PEP 562).
_ASSESSMENT = {
    "CriterionResult",
    "IndicatorResult",
    "NeedsData",
    "RiskAssessment",
    "RiskDataError",
    "assess",
    "assess_population",
    "category_values",
    "describe_facts",
    "flags_plan",
}


def __getattr__(name: str):
    if name in _ASSESSMENT:
        return getattr(import_module(".assessment", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_risk_model_file(path: str | Path) -> RiskModel:
    """A risk model from a YAML file; errors name the file."""
    path = Path(path)
    return load_risk_model(path.read_text(encoding="utf-8"), source=path.name)


def load_risk_model_dir(directory: str | Path) -> dict[str, RiskModel]:
    """Every `*.yaml` risk model of a directory by its code, in file-name order; two files with one code are
    refused, naming both."""
    models: dict[str, RiskModel] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        model = load_risk_model_file(path)
        if model.code in models:
            raise RiskModelError(
                f"The code '{model.code}' is also used by {models[model.code].source}.",
                field="code",
                code="duplicate_code",
                source=path.name,
            )
        models[model.code] = model
    return models


__all__ = [
    "LOW",
    "Category",
    "Criterion",
    "CriterionResult",
    "Example",
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
    "load_risk_model_dir",
    "load_risk_model_file",
    "flags_plan",
]
