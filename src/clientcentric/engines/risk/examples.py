"""Worked examples of a risk model: each object's facts must give the category (and codes) it states, or the
model is refused — so a methodologist's intent is checked on every load."""

from __future__ import annotations

import datetime as dt

from clientcentric.engines.rules import RuleError

from .model import Example, RiskModel
from .positions import Value, join_field

EXAMPLE_KEYS = {"title", "on", "facts", "category", "criteria_met", "indicators_fired"}


def _code_list(reader, item: Value | None, field: str, known: dict) -> tuple[str, ...] | None:
    if item is None:
        return None
    if not isinstance(item.value, list) or not all(isinstance(v.value, str) for v in item.value):
        reader.problems.add("Expected a list of codes.", item, field)
        return None
    for value in item.value:
        if value.value not in known:
            reader.problems.add(f"Unknown code '{value.value}'.", value, field, "unknown_code")
    return tuple(v.value for v in item.value)


def check_examples(reader, model: RiskModel, items: list[Value]) -> list[Example]:
    from .assessment import assess  # Polars, loaded only when a model is checked (see __init__)

    examples = []
    for number, item in enumerate(items, start=1):
        field = f"examples[{number}]"
        fields = reader.mapping(item, field, EXAMPLE_KEYS)
        if fields is None:
            continue
        title = reader.text_field(fields, "title", field, item, required=False)
        on_item = fields.get("on")
        on = on_item.value if on_item is not None else None
        if isinstance(on, dt.datetime):
            on = on.date()
        if not isinstance(on, dt.date):
            reader.problems.add(
                "'on' is required: the date of the assessment, YYYY-MM-DD.",
                on_item or item,
                join_field(field, "on"),
                "missing_field",
            )
            continue
        facts_item = fields.get("facts")
        if facts_item is None or not isinstance(facts_item.value, dict):
            reader.problems.add(
                "'facts' is required: a mapping of fact name → value.",
                facts_item or item,
                join_field(field, "facts"),
                "missing_field",
            )
            continue
        facts = {}
        for name, (key, value) in facts_item.value.items():
            if name not in model.facts:
                reader.problems.add(
                    f"Unknown fact '{name}' (this model declares: {', '.join(model.facts)}).",
                    key,
                    f"{field}.facts.{name}",
                    "unknown_fact",
                )
            else:
                facts[name] = [v.value for v in value.value] if isinstance(value.value, list) else value.value
        category_item = fields.get("category")
        codes = {c.code: c for c in model.categories}
        if category_item is None or category_item.value not in codes:
            reader.problems.add(
                f"'category' must be one of: {', '.join(codes)}.",
                category_item or item,
                join_field(field, "category"),
                "unknown_category",
            )
            continue
        criteria_met = _code_list(
            reader,
            fields.get("criteria_met"),
            join_field(field, "criteria_met"),
            {c.code: c for c in model.criteria},
        )
        fired = _code_list(
            reader,
            fields.get("indicators_fired"),
            join_field(field, "indicators_fired"),
            {i.code: i for i in model.indicators},
        )
        try:
            result = assess(model, facts, on=on)
        except RuleError as exc:
            name = exc.details.get("name", "")
            where = facts_item.value.get(name, (None, facts_item))[1]
            reader.problems.add(exc.message, where, f"{field}.facts.{name}", exc.code, details=exc.details)
            continue
        got_met = tuple(r.criterion.code for r in result.criteria_met)
        got_fired = tuple(r.indicator.code for r in result.indicators_fired)
        wrong = []
        if result.category.code != category_item.value:
            wrong.append(f"category {result.category.code}, expected {category_item.value}")
        if criteria_met is not None and set(criteria_met) != set(got_met):
            wrong.append(f"criteria met [{', '.join(got_met)}], expected [{', '.join(criteria_met)}]")
        if fired is not None and set(fired) != set(got_fired):
            wrong.append(f"indicators fired [{', '.join(got_fired)}], expected [{', '.join(fired)}]")
        if wrong:
            reader.problems.add(f"The example gives {'; '.join(wrong)}.", item, field, "example_failed")
            continue
        examples.append(Example(title, on, facts, category_item.value, criteria_met, fired))
    return examples
