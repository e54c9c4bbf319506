"""Rule files (YAML): parameters and rules with their metadata and examples, validated as a whole.

Every problem is collected — with the rule id, the field, the line in the file and, for rule text, the
position inside the text — so a methodologist fixes a file in one pass rather than one error at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)

from . import marked
from .compiled import CompiledRule, RuleSet, compile_rule
from .facts import PERSON_SCHEMA
from .parameters import Parameters
from .types import Outcome, RuleError, Schema


@dataclass
class Problem:
    code: str
    message: str
    rule: str | None = None
    field: str | None = None
    file_line: int | None = None
    line: int | None = None
    column: int | None = None
    details: dict[str, Any] = dc_field(default_factory=dict)
    file_column: int | None = None

    def __str__(self) -> str:
        where = []
        if self.file_line:
            where.append(
                f"file line {self.file_line}" + (f", column {self.file_column}" if self.file_column else "")
            )
        if self.rule:
            where.append(f"rule {self.rule}")
        if self.field:
            where.append(self.field)
        if self.line:
            where.append(f"text line {self.line}, column {self.column}")
        return f"{', '.join(where)}: {self.message} [{self.code}]"


class RuleFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Example:
    on: dt.date
    facts: dict[str, Any]
    expect: Outcome


@dataclass
class RuleSpec:
    id: str
    text: str
    valid_from: dt.date
    compiled: CompiledRule
    service: str = ""
    valid_to: dt.date | None = None
    legal_reference: str = ""
    explain_yes: str = ""
    explain_no: str = ""
    explain_unknown: str = ""
    examples: list[Example] = dc_field(default_factory=list)
    extra: dict[str, Any] = dc_field(
        default_factory=dict
    )  # the caller's own fields (load_rules(extra_fields=…))

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


@dataclass
class RuleFile:
    parameters: Parameters
    rules: list[RuleSpec]
    # The dated values the file itself declares (name → [(from, value)]), without base_parameters.
    declared: dict[str, list] = dc_field(default_factory=dict)

    def rule(self, rule_id: str) -> RuleSpec:
        return next(r for r in self.rules if r.id == rule_id)

    def ruleset(self) -> RuleSet:
        return RuleSet([(r.id, r.compiled) for r in self.rules])


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise ValueError("not a date")


IsoDate = Annotated[dt.date, BeforeValidator(_to_date)]
Text = Annotated[str, Field(strict=True)]


class _ParameterEntry(BaseModel):
    """One dated value of a parameter: `{from: 2016-01-01, value: 800.0}` (a number or a formula)."""

    model_config = ConfigDict(extra="ignore")
    start: IsoDate = Field(alias="from")
    value: Any


class _Example(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: IsoDate
    facts: dict[str, Any] | None = None
    expect: Outcome


class _Rule(BaseModel):
    """The fields of one rule of a rule file (docs/rules.md)."""

    model_config = ConfigDict(extra="forbid")
    id: Text
    text: Text
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    service: Text = ""
    legal_reference: Text = ""
    explain_yes: Text = ""
    explain_no: Text = ""
    explain_unknown: Text = ""
    examples: list[_Example] | None = None

    @field_validator("id")
    @classmethod
    def _identifier(cls, value: str, info: ValidationInfo) -> str:
        plain = value.replace("-", "_") if (info.context or {}).get("slug_ids") else value
        if not plain.isidentifier():
            raise ValueError("not an identifier")
        return value


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parameters: dict[Any, Any] | None = None
    rules: list[Any]


_ENTRY = TypeAdapter(_ParameterEntry)
_ENTRIES = TypeAdapter(Annotated[list[Any], Field(min_length=1)])

# What a methodologist reads for a field whose value has the wrong shape (otherwise: by the kind of error).
_FIELD_MESSAGES = {
    "id": "Every rule needs an 'id' made of letters, digits and '_'.",
    "text": "'text' must hold the rule.",
    "valid_from": "'valid_from' must be a date YYYY-MM-DD.",
    "valid_to": "'valid_to' must be a date after 'valid_from'.",
    "expect": "'expect' must be eligible, not_eligible or unknown.",
    "on": "An example needs 'on: YYYY-MM-DD' and a 'facts' mapping.",
    "facts": "An example needs 'on: YYYY-MM-DD' and a 'facts' mapping.",
    "examples": "'examples' must be a list.",
}
_TYPE_MESSAGES = {
    "missing": "'{key}' is required.",
    "string_type": "'{key}' must be text.",
    "list_type": "'{key}' must be a list.",
    "dict_type": "'{key}' must be a mapping.",
    "model_type": "An example needs 'on', 'facts' and 'expect'.",
}


def _rule_model(extra_fields: Mapping[str, type]) -> type[_Rule]:
    if not extra_fields:
        return _Rule
    fields: dict[str, Any] = {
        key: (Annotated[kind, Field(strict=True)] | None, None) for key, kind in extra_fields.items()
    }
    return create_model("_RuleWithExtras", __base__=_Rule, **fields)


def _field_of(loc: tuple) -> str:
    """A rule-relative pydantic location as the field a report names: `valid_from`, `examples[2]`."""
    if loc[0] == "examples" and len(loc) > 1:
        return f"examples[{loc[1] + 1}]"
    return str(loc[0]) if loc else ""


def _error_message(error: Mapping[str, Any], extra_fields: Mapping[str, type]) -> str:
    key = error["loc"][-1] if error["loc"] else ""
    if error["type"] == "extra_forbidden":
        return f"Unknown example field(s): {key}." if len(error["loc"]) == 3 else f"Unknown field '{key}'."
    if key in extra_fields:
        return f"'{key}' must be {extra_fields[key].__name__}."
    if key in _FIELD_MESSAGES:
        return _FIELD_MESSAGES[key]
    return _TYPE_MESSAGES.get(error["type"], "{message}").format(key=key, message=error["msg"])


@dataclass
class _Checker:
    """Checks a parsed rule file piece by piece, collecting every problem with its place in the file."""

    marks: marked.Marks
    schema: Schema
    extra_fields: Mapping[str, type]
    services: set[str] | frozenset[str] | None
    require_examples: bool
    slug_ids: bool
    problems: list[Problem] = dc_field(default_factory=list)
    seen: set[str] = dc_field(default_factory=set)

    def add(self, code: str, message: str, path: tuple, **fields) -> None:
        file_line, file_column = marked.position(self.marks, path)
        fields.setdefault("file_line", file_line)
        fields.setdefault("file_column", file_column)
        self.problems.append(Problem(code, message, **fields))

    def file_keys(self, data: dict) -> None:
        try:
            _File.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                if error["type"] == "extra_forbidden":
                    self.add("structure", f"Unknown top-level keys: {error['loc'][0]}.", error["loc"])

    def declared_parameters(self, raw: Any) -> dict[str, list]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add("structure", "'parameters' must map names to lists of {from, value}.", ("parameters",))
            return {}
        return {name: self._periods(name, items) for name, items in raw.items() if self._is_list(name, items)}

    def _is_list(self, name: Any, items: Any) -> bool:
        try:
            _ENTRIES.validate_python(items)
        except ValidationError:
            self.add(
                "structure",
                f"Parameter '{name}' needs a list of {{from, value}}.",
                ("parameters", name),
                field=name,
            )
            return False
        return True

    def _periods(self, name: str, items: list) -> list:
        rows = []
        for index, item in enumerate(items):
            try:
                entry = _ENTRY.validate_python(item)
            except ValidationError:
                self.add(
                    "structure",
                    f"Parameter '{name}': every entry needs 'from: YYYY-MM-DD' and 'value'.",
                    ("parameters", name, index),
                    field=name,
                )
                continue
            rows.append((entry.start, entry.value))
        return rows

    def parameters(self, periods: dict[str, list]) -> Parameters:
        try:
            return Parameters(periods)
        except RuleError as exc:
            name = exc.details.get("name", "")
            self.add(
                exc.code, exc.message, ("parameters", name), field=f"parameters.{name}", details=exc.details
            )
            return Parameters({})

    def rule(self, raw: Any, index: int, parameters: Parameters) -> RuleSpec | None:
        path = ("rules", index - 1)
        if not isinstance(raw, dict):
            self.add("structure", f"Rule #{index} must be a mapping of fields.", path)
            return None
        name = str(raw.get("id") or f"#{index}")
        model = self._validated(raw, name, path)
        self._unique(raw, name, path)
        self._service(raw, name, path)
        compiled = self._compiled(raw, name, path, parameters)
        self._example_facts(raw, name, path)
        if model is None or compiled is None:
            return None
        self._dates(model, compiled, parameters, name, path)
        if self.require_examples and not model.examples:
            self.add(
                "no_examples",
                "Add at least one example: a rule is published only with them.",
                (*path, "examples"),
                rule=name,
                field="examples",
            )
        return _spec(model, compiled, set(self.extra_fields))

    def _validated(self, raw: dict, name: str, path: tuple) -> _Rule | None:
        try:
            return _rule_model(self.extra_fields).model_validate(raw, context={"slug_ids": self.slug_ids})
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                self.add(
                    "structure",
                    _error_message(error, self.extra_fields),
                    (*path, *loc),
                    rule=name,
                    field=_field_of(loc),
                )
            return None

    def _unique(self, raw: dict, name: str, path: tuple) -> None:
        rule_id = raw.get("id")
        if not isinstance(rule_id, str):
            return
        if rule_id in self.seen:
            self.add("duplicate", f"The id '{rule_id}' is used twice.", (*path, "id"), rule=name, field="id")
        self.seen.add(rule_id)

    def _service(self, raw: dict, name: str, path: tuple) -> None:
        if self.services is not None and raw.get("service") not in self.services:
            self.add(
                "unknown_service",
                f"Unknown service '{raw.get('service')}'.",
                (*path, "service"),
                rule=name,
                field="service",
                details={"code": raw.get("service")},
            )

    def _compiled(self, raw: dict, name: str, path: tuple, parameters: Parameters) -> CompiledRule | None:
        text = raw.get("text")
        if not isinstance(text, str):
            return None
        try:
            return compile_rule(text, self.schema, parameters.names)
        except RuleError as exc:
            # The rule's own line in the file; `line` and `column` place the error inside its text.
            self.add(
                exc.code,
                exc.message,
                path,
                rule=name,
                field="text",
                line=exc.line,
                column=exc.column,
                details=exc.details,
            )
            return None

    def _example_facts(self, raw: dict, name: str, path: tuple) -> None:
        examples = raw.get("examples")
        for index, item in enumerate(examples if isinstance(examples, list) else []):
            facts = item.get("facts") if isinstance(item, dict) else None
            for fact in sorted(set(facts) - set(self.schema)) if isinstance(facts, dict) else ():
                self.add(
                    "unknown_fact",
                    f"Unknown fact '{fact}' in the example.",
                    (*path, "examples", index, "facts", fact),
                    rule=name,
                    field=f"examples[{index + 1}]",
                    details={"name": fact},
                )

    def _dates(
        self, model: _Rule, compiled: CompiledRule, parameters: Parameters, name: str, path: tuple
    ) -> None:
        if model.valid_to is not None and model.valid_to <= model.valid_from:
            self.add(
                "structure", _FIELD_MESSAGES["valid_to"], (*path, "valid_to"), rule=name, field="valid_to"
            )
        for parameter in sorted(compiled.parameters_used):
            if parameters.defined_from(parameter) > model.valid_from:
                self.add(
                    "parameter_not_in_force",
                    f"P.{parameter} has no value on {model.valid_from.isoformat()}, when the rule comes into force.",
                    (*path, "valid_from"),
                    rule=name,
                    field="valid_from",
                )


def _spec(model: _Rule, compiled: CompiledRule, extra_fields: set[str]) -> RuleSpec:
    return RuleSpec(
        id=model.id,
        text=model.text,
        valid_from=model.valid_from,
        compiled=compiled,
        service=model.service,
        valid_to=model.valid_to,
        legal_reference=model.legal_reference,
        explain_yes=model.explain_yes,
        explain_no=model.explain_no,
        explain_unknown=model.explain_unknown,
        examples=[Example(e.on, dict(e.facts or {}), e.expect) for e in model.examples or []],
        extra={
            key: value
            for key, value in model.model_dump(include=extra_fields).items()
            if key in model.model_fields_set
        },
    )


def load_rules(
    source: str | Path,
    schema: Schema | None = None,
    *,
    run_examples: bool = True,
    base_parameters: Mapping[str, list] | None = None,
    extra_fields: Mapping[str, type] | None = None,
    services: set[str] | frozenset[str] | None = None,
    require_examples: bool = False,
    slug_ids: bool = False,
) -> RuleFile:
    """Read a rule file (a path, or YAML text), check everything, run every example; RuleFileError lists all
    problems, each with its line and column in the file.

    `base_parameters` (name → [(from, value)]) are parameters already known elsewhere (a registry), which the
    file's own values extend or override date by date; `extra_fields` are further rule fields the caller accepts
    (name → type), kept in `RuleSpec.extra`; `services`, when given, are the only service codes allowed;
    `require_examples` refuses a rule without examples; `slug_ids` also allows '-' in rule ids (a registry's
    slugs) besides letters, digits and '_'."""
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        data, marks = marked.load(text)
    except marked.YamlError as exc:
        raise RuleFileError(
            [
                Problem(
                    "yaml", f"The file is not valid YAML: {exc}", file_line=exc.line, file_column=exc.column
                )
            ]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        line, column = marked.position(marks, ("rules",))
        raise RuleFileError(
            [
                Problem(
                    "structure",
                    "The file must have a 'rules:' list (and may have 'parameters:').",
                    file_line=line,
                    file_column=column,
                )
            ]
        )
    checker = _Checker(
        marks,
        PERSON_SCHEMA if schema is None else schema,
        dict(extra_fields or {}),
        services,
        require_examples,
        slug_ids,
    )
    checker.file_keys(data)
    declared = checker.declared_parameters(data.get("parameters"))
    merged = {name: dict(rows) for name, rows in (base_parameters or {}).items()}
    for name, rows in declared.items():
        merged.setdefault(name, {}).update(dict(rows))
    parameters = checker.parameters({name: sorted(rows.items()) for name, rows in merged.items()})
    rules = [checker.rule(raw, index, parameters) for index, raw in enumerate(data["rules"], start=1)]
    if checker.problems:
        raise RuleFileError(checker.problems)
    specs = [spec for spec in rules if spec is not None]
    if run_examples:
        problems = [problem for spec in specs for problem in check_examples(spec, parameters)]
        if problems:
            raise RuleFileError(problems)
    return RuleFile(parameters, specs, declared)


def check_examples(spec: RuleSpec, parameters: Parameters) -> list[Problem]:
    """Run a rule's examples; one problem per example that does not give what it expects."""
    problems = []
    for number, example in enumerate(spec.examples, start=1):
        where = f"examples[{number}]"
        try:
            result = spec.compiled.evaluate(example.facts, example.on, parameters)
        except RuleError as exc:
            problems.append(Problem(exc.code, exc.message, rule=spec.id, field=where, details=exc.details))
            continue
        if result.outcome is not example.expect:
            because = "; ".join(f"{r.text} → {r.value}" for r in result.reasons)
            problems.append(
                Problem(
                    "example_failed",
                    f"Expected {example.expect.value}, got {result.outcome.value} ({because}).",
                    rule=spec.id,
                    field=where,
                    details={"expected": example.expect.value, "got": result.outcome.value},
                )
            )
    return problems


def dump_rules(rule_file: RuleFile) -> str:
    """The rule file back as YAML (for export)."""
    params: dict[str, list] = {}
    for name in sorted(rule_file.parameters.names):
        params[name] = [
            {"from": start, "value": _plain(value)} for start, value in rule_file.parameters.periods(name)
        ]
    rules = []
    for r in rule_file.rules:
        item: dict[str, Any] = {"id": r.id, "service": r.service, "text": r.text, "valid_from": r.valid_from}
        if r.valid_to:
            item["valid_to"] = r.valid_to
        for key in ("legal_reference", "explain_yes", "explain_no", "explain_unknown"):
            if getattr(r, key):
                item[key] = getattr(r, key)
        item["examples"] = [{"on": e.on, "facts": e.facts, "expect": e.expect.value} for e in r.examples]
        rules.append(item)
    return yaml.safe_dump({"parameters": params, "rules": rules}, allow_unicode=True, sort_keys=False)


def _plain(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value
