"""Read a risk model from YAML and check all of it, naming the line, column and field of every problem.

The YAML is composed into nodes that keep their positions (positions.py); worked examples are run last
(examples.py), once the rest of the model is valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clientcentric.engines.rules import FactType, RuleError, compile_rule
from clientcentric.engines.rules.syntax import RESERVED

from .examples import check_examples
from .model import LOW, Category, Criterion, Fact, Indicator, RiskModel, RiskModelError
from .positions import Problems, Value, compose, join_field, rule_position

CODE = re.compile(r"^[a-z][a-z0-9_]*$")
TOP_KEYS = {"code", "title", "legal_reference", "facts", "categories", "criteria", "indicators", "examples"}
CATEGORY_KEYS = {"code", "title", "planned_events_per_years", "preventive_visits_per_year"}
CRITERION_KEYS = {"code", "title", "category", "condition", "source", "how_to_lower", "legal_reference"}
INDICATOR_KEYS = {"code", "title", "condition", "source", "action"}
TYPES = {t.value: t for t in FactType}
Text = Annotated[str, Field(strict=True)]


class _Reader:
    def __init__(self, text: str, source: str):
        self.text = text
        self.source = source
        self.problems = Problems(source)

    def mapping(self, item: Value, field: str, allowed: set[str]) -> dict[str, Value] | None:
        if not isinstance(item.value, dict):
            self.problems.add(f"'{field}' must be a mapping of fields.", item, field)
            return None
        fields: dict[str, Value] = {}
        for key, (key_item, value_item) in item.value.items():
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problems.add(
                    f"Unknown field '{key}' (known: {known}).", key_item, join_field(field, key)
                )
                continue
            fields[key] = value_item
        return fields

    def text_field(self, fields, key, field, owner: Value, *, required=True) -> str:
        item = fields.get(key)
        if item is None or item.value is None or (isinstance(item.value, str) and not item.value.strip()):
            if required:
                self.problems.add(
                    f"'{key}' is required and must be non-empty text.",
                    item or owner,
                    join_field(field, key),
                    "missing_field",
                )
            return ""
        if not isinstance(item.value, str):
            self.problems.add(f"'{key}' must be text.", item, join_field(field, key))
            return ""
        return item.value.strip() if key != "condition" else item.value

    def code_field(self, fields, field, owner: Value, seen: dict[str, Value], kind: str) -> str:
        item = fields.get("code")
        if item is None or not isinstance(item.value, str) or not CODE.match(item.value):
            self.problems.add(
                "'code' is required: lower-case Latin letters, digits and '_', starting with a letter.",
                item or owner,
                join_field(field, "code"),
                "bad_code",
            )
            return ""
        code = item.value
        if code in seen:
            self.problems.add(
                f"The {kind} code '{code}' is used twice (first on line {seen[code].line}).",
                item,
                join_field(field, "code"),
                "duplicate_code",
                details={"code": code},
            )
        else:
            seen[code] = item
        return code

    def condition(self, fields, field, owner, schema) -> tuple[str, Any]:
        text = self.text_field(fields, "condition", field, owner)
        if not text:
            return "", None
        item = fields["condition"]
        try:
            return text, compile_rule(text, schema, ())
        except RuleError as exc:
            line, column = rule_position(self.text, item, exc)
            self.problems.add(
                exc.message,
                item,
                join_field(field, "condition"),
                exc.code,
                line=line,
                column=column,
                details={**exc.details, "condition_line": exc.line, "condition_column": exc.column},
            )
            return text, None

    def sequence(self, fields, key, owner, *, required=True) -> list[Value]:
        item = fields.get(key)
        if item is None or item.value is None:
            if required:
                self.problems.add(f"'{key}' is required: a list.", owner, key, "missing_field")
            return []
        if not isinstance(item.value, list):
            self.problems.add(f"'{key}' must be a list.", item, key)
            return []
        return item.value


class _FactSpec(BaseModel):
    """A fact of a risk model: `area: decimal`, or `area: {type: decimal, title: …, source: …, unit: …}`."""

    model_config = ConfigDict(extra="forbid")
    type: FactType
    title: Text | None = None
    source: Text | None = None
    unit: Text | None = None


PositiveCount = Annotated[int, Field(strict=True, gt=0)]


class _Frequency(BaseModel):
    """How often a category is visited: [events, years] of planned events (or none), preventive visits a year."""

    planned_events_per_years: tuple[PositiveCount, PositiveCount] | None = None
    preventive_visits_per_year: Annotated[int, Field(strict=True, ge=0)] = 0


_FREQUENCY_MESSAGES = {
    "planned_events_per_years": "'planned_events_per_years' is [events, years] with whole numbers above zero "
    "(e.g. [1, 2]: one planned event every 2 years), or null for no planned events.",
    "preventive_visits_per_year": "'preventive_visits_per_year' must be a whole number, 0 or more.",
}


def _plain(item: Value) -> Any:
    if isinstance(item.value, dict):
        return {key: _plain(value) for key, (_key, value) in item.value.items()}
    if isinstance(item.value, list):
        return [_plain(value) for value in item.value]
    return item.value


def _bad_fact_name(name: Any) -> bool:
    return (
        not isinstance(name, str)
        or not name.isidentifier()
        or name in RESERVED
        or name.startswith("_")
        or name == "object_id"
    )


def _fact(reader: _Reader, name: str, key: Value, value: Value) -> Fact | None:
    field = f"facts.{name}"
    known = ", ".join(TYPES)
    short = not isinstance(value.value, dict)
    try:
        spec = _FactSpec.model_validate({"type": value.value} if short else _plain(value))
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"][0]
            item = value if short else value.value.get(loc, (key, value))[1]
            where = field if short else f"{field}.{loc}"
            if error["type"] == "extra_forbidden":
                known_keys = ", ".join(sorted(_FactSpec.model_fields))
                reader.problems.add(
                    f"Unknown field '{loc}' (known: {known_keys}).", value.value[loc][0], where
                )
            elif error["type"] == "missing":
                reader.problems.add(f"'type' is required (one of: {known}).", value, where, "missing_field")
            elif loc == "type":
                type_name = item.value
                reader.problems.add(
                    f"Unknown fact type '{type_name}' (known: {known}).",
                    item,
                    where,
                    "unknown_type",
                    details={"type": str(type_name)},
                )
            else:
                reader.problems.add(f"'{loc}' must be text.", item, where)
        return None
    return Fact(name, spec.type, *((text or "").strip() for text in (spec.title, spec.source, spec.unit)))


def _facts(reader: _Reader, item: Value | None, owner: Value) -> dict[str, Fact]:
    if item is None or not isinstance(item.value, dict) or not item.value:
        reader.problems.add(
            "'facts' is required: a mapping of fact name → type.", item or owner, "facts", "missing_field"
        )
        return {}
    facts: dict[str, Fact] = {}
    for name, (key, value) in item.value.items():
        if _bad_fact_name(name):
            reader.problems.add(
                f"'{name}' cannot name a fact: use letters, digits and '_' (not a reserved word, not object_id).",
                key,
                f"facts.{name}",
                "bad_fact_name",
            )
            continue
        fact = _fact(reader, name, key, value)
        if fact is not None:
            facts[name] = fact
    return facts


def _frequency(reader: _Reader, fields: dict[str, Value], field: str) -> _Frequency:
    plain = {key: _plain(fields[key]) for key in _FREQUENCY_MESSAGES if key in fields}
    try:
        return _Frequency.model_validate(plain)
    except ValidationError as exc:
        for key in dict.fromkeys(str(error["loc"][0]) for error in exc.errors()):
            reader.problems.add(
                _FREQUENCY_MESSAGES[key], fields[key], join_field(field, key), "bad_frequency"
            )
            plain.pop(key)
        return _Frequency.model_validate(plain)


def _categories(reader: _Reader, items: list[Value], owner: Value) -> list[Category]:
    categories: list[Category] = []
    seen: dict[str, Value] = {}
    for number, item in enumerate(items, start=1):
        field = f"categories[{number}]"
        fields = reader.mapping(item, field, CATEGORY_KEYS)
        if fields is None:
            continue
        code = reader.code_field(fields, field, item, seen, "category")
        title = reader.text_field(fields, "title", field, item)
        frequency = _frequency(reader, fields, field)
        planned, visits = frequency.planned_events_per_years, frequency.preventive_visits_per_year
        if code:
            categories.append(Category(code, title, planned, visits))
    if len(items) < 3:
        reader.problems.add(
            f"A type of control needs at least 3 risk categories (248-ФЗ art. 23), this model has {len(items)}.",
            owner,
            "categories",
            "too_few_categories",
        )
    codes = [c.code for c in categories]
    if categories and LOW not in codes:
        reader.problems.add(
            "The categories must include 'low' (низкий риск), the category of every object no criterion places "
            "higher.",
            owner,
            "categories",
            "no_low_category",
        )
    elif categories and codes[-1] != LOW:
        position = codes.index(LOW) + 1
        reader.problems.add(
            "Categories run from the highest to the lowest: 'low' must be the last one.",
            items[position - 1],
            f"categories[{position}]",
            "low_not_last",
        )
    return categories


def _entries(reader: _Reader, items: list[Value], key: str, allowed: set[str], build: Callable) -> list:
    built = []
    seen: dict[str, Value] = {}
    for number, item in enumerate(items, start=1):
        field = f"{key}[{number}]"
        fields = reader.mapping(item, field, allowed)
        if fields is None:
            continue
        code = reader.code_field(fields, field, item, seen, key[:-1] if key == "indicators" else "criterion")
        entry = build(fields, field, item, code)
        if entry is not None and code:
            built.append(entry)
    return built


def load_risk_model(text: str, *, source: str = "") -> RiskModel:
    """Read and check a risk model (YAML text); RiskModelError names the first problem, `.problems` all of them."""
    if not isinstance(text, str):
        raise RiskModelError("A risk model is YAML text.", code="structure", source=source)
    root = compose(text, source)
    reader = _Reader(text, source)
    top = reader.mapping(root, "", TOP_KEYS)
    if top is None:
        raise RiskModelError(
            "A risk model is a mapping with code, title, facts, categories and criteria.",
            line=root.line,
            column=root.column,
            code="structure",
            source=source,
        )
    code_item = top.get("code")
    code = ""
    if code_item is None or not isinstance(code_item.value, str) or not CODE.match(code_item.value):
        reader.problems.add(
            "'code' is required: lower-case Latin letters, digits and '_'.",
            code_item or root,
            "code",
            "bad_code",
        )
    else:
        code = code_item.value
    title = reader.text_field(top, "title", "", root)
    legal_reference = reader.text_field(top, "legal_reference", "", root, required=False)
    fact_info = _facts(reader, top.get("facts"), root)
    schema = {name: fact.type for name, fact in fact_info.items()}
    categories = _categories(reader, reader.sequence(top, "categories", root), top.get("categories", root))
    by_code = {c.code: c for c in categories}

    def criterion(fields, field, item, code):
        title = reader.text_field(fields, "title", field, item)
        category_item = fields.get("category")
        category = None
        if category_item is None or not isinstance(category_item.value, str):
            reader.problems.add(
                "'category' is required: the code of a category of this model.",
                category_item or item,
                join_field(field, "category"),
                "missing_field",
            )
        elif category_item.value not in by_code:
            known = ", ".join(by_code) or "none"
            reader.problems.add(
                f"Unknown category '{category_item.value}' (this model has: {known}).",
                category_item,
                join_field(field, "category"),
                "unknown_category",
                details={"category": category_item.value},
            )
        elif category_item.value == LOW:
            reader.problems.add(
                "A criterion cannot place an object in 'low': that is where objects no criterion "
                "fits already are.",
                category_item,
                join_field(field, "category"),
                "criterion_for_low",
            )
        else:
            category = by_code[category_item.value]
        condition, compiled = reader.condition(fields, field, item, schema)
        data_source = reader.text_field(fields, "source", field, item)
        how_to_lower = reader.text_field(fields, "how_to_lower", field, item)
        legal = reader.text_field(fields, "legal_reference", field, item, required=False)
        if category is None or compiled is None:
            return None
        return Criterion(code, title, category, condition.strip(), data_source, how_to_lower, legal, compiled)

    def indicator(fields, field, item, code):
        title = reader.text_field(fields, "title", field, item)
        condition, compiled = reader.condition(fields, field, item, schema)
        data_source = reader.text_field(fields, "source", field, item)
        action = reader.text_field(fields, "action", field, item)
        if compiled is None:
            return None
        return Indicator(code, title, condition.strip(), data_source, action, compiled)

    criteria_items = reader.sequence(top, "criteria", root)
    criteria = _entries(reader, criteria_items, "criteria", CRITERION_KEYS, criterion)
    if "criteria" in top and isinstance(top["criteria"].value, list) and not criteria_items:
        reader.problems.add(
            "'criteria' must hold at least one criterion.", top["criteria"], "criteria", "missing_field"
        )
    indicators = _entries(
        reader,
        reader.sequence(top, "indicators", root, required=False),
        "indicators",
        INDICATOR_KEYS,
        indicator,
    )
    if reader.problems.items:
        first = reader.problems.items[0]
        raise RiskModelError(
            first.message,
            line=first.line,
            column=first.column,
            field=first.field,
            code=first.code,
            source=source,
            details=first.details,
            problems=tuple(reader.problems.items),
        )
    model = RiskModel(
        code=code,
        title=title,
        categories=tuple(categories),
        criteria=tuple(criteria),
        indicators=tuple(indicators),
        facts=schema,
        fact_info=fact_info,
        legal_reference=legal_reference,
        source=source,
    )
    examples = check_examples(reader, model, reader.sequence(top, "examples", root, required=False))
    if reader.problems.items:
        first = reader.problems.items[0]
        raise RiskModelError(
            first.message,
            line=first.line,
            column=first.column,
            field=first.field,
            code=first.code,
            source=source,
            details=first.details,
            problems=tuple(reader.problems.items),
        )
    return replace(model, examples=tuple(examples))
