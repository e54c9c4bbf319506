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
from typing import Any

import yaml

from .compiled import CompiledRule, RuleSet, compile_rule
from .facts import PERSON_SCHEMA
from .parameters import Parameters
from .types import Outcome, RuleError, Schema

RULE_KEYS = {
    "id",
    "service",
    "text",
    "valid_from",
    "valid_to",
    "legal_reference",
    "explain_yes",
    "explain_no",
    "explain_unknown",
    "examples",
}
LINE = "__line__"


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

    def __str__(self) -> str:
        where = []
        if self.file_line:
            where.append(f"file line {self.file_line}")
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


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that remembers the line of every mapping, for problems that say where to look."""


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


def _lenient_timestamp(loader, node):
    # An impossible date such as 2016-13-01 stays text, so the validator can say which field holds it.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


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
    problems.

    `base_parameters` (name → [(from, value)]) are parameters already known elsewhere (a registry), which the
    file's own values extend or override date by date; `extra_fields` are further rule fields the caller accepts
    (name → type), kept in `RuleSpec.extra`; `services`, when given, are the only service codes allowed;
    `require_examples` refuses a rule without examples; `slug_ids` also allows '-' in rule ids (a registry's
    slugs) besides letters, digits and '_'."""
    schema = PERSON_SCHEMA if schema is None else schema
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    problems: list[Problem] = []
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleFileError(
            [Problem("yaml", f"The file is not valid YAML: {exc}", file_line=mark.line + 1 if mark else None)]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError(
            [Problem("structure", "The file must have a 'rules:' list (and may have 'parameters:').")]
        )
    unknown = set(data) - {"parameters", "rules", LINE}
    if unknown:
        problems.append(Problem("structure", f"Unknown top-level keys: {', '.join(sorted(unknown))}."))
    declared = _declared_parameters(data.get("parameters") or {}, problems)
    merged = {name: dict(rows) for name, rows in (base_parameters or {}).items()}
    for name, rows in declared.items():
        merged.setdefault(name, {}).update(dict(rows))
    parameters = _parameters_of({name: sorted(rows.items()) for name, rows in merged.items()}, problems)
    rules: list[RuleSpec] = []
    seen: set[str] = set()
    options = {
        "extra_fields": dict(extra_fields or {}),
        "services": services,
        "require_examples": require_examples,
        "slug_ids": slug_ids,
    }
    for index, raw in enumerate(data["rules"], start=1):
        spec = _rule(raw, index, schema, parameters, seen, problems, **options)
        if spec is not None:
            rules.append(spec)
    if problems:
        raise RuleFileError(problems)
    if run_examples:
        for spec in rules:
            problems.extend(check_examples(spec, parameters))
        if problems:
            raise RuleFileError(problems)
    return RuleFile(parameters, rules, declared)


def _declared_parameters(raw, problems: list[Problem]) -> dict[str, list]:
    if not isinstance(raw, dict):
        problems.append(Problem("structure", "'parameters' must map names to lists of {from, value}."))
        return {}
    periods: dict[str, list] = {}
    for name, items in raw.items():
        if name == LINE:
            continue
        if not isinstance(items, list) or not items:
            problems.append(
                Problem("structure", f"Parameter '{name}' needs a list of {{from, value}}.", field=name)
            )
            continue
        rows = []
        for item in items:
            start = _date(item.get("from")) if isinstance(item, dict) else None
            if start is None or "value" not in item:
                problems.append(
                    Problem(
                        "structure",
                        f"Parameter '{name}': every entry needs 'from: YYYY-MM-DD' and 'value'.",
                        field=name,
                        file_line=item.get(LINE) if isinstance(item, dict) else None,
                    )
                )
                continue
            rows.append((start, item["value"]))
        periods[name] = rows
    return periods


def _parameters_of(periods: dict[str, list], problems: list[Problem]) -> Parameters:
    try:
        return Parameters(periods)
    except RuleError as exc:
        problems.append(
            Problem(
                exc.code, exc.message, field=f"parameters.{exc.details.get('name', '')}", details=exc.details
            )
        )
        return Parameters({})


def _rule(
    raw,
    index,
    schema,
    parameters: Parameters,
    seen,
    problems,
    *,
    extra_fields,
    services,
    require_examples,
    slug_ids,
) -> RuleSpec | None:
    if not isinstance(raw, dict):
        problems.append(Problem("structure", f"Rule #{index} must be a mapping of fields."))
        return None
    file_line = raw.get(LINE)
    rule_id = raw.get("id")

    def problem(code, message, field=None, **kw):
        problems.append(
            Problem(code, message, rule=str(rule_id or f"#{index}"), field=field, file_line=file_line, **kw)
        )

    plain_id = rule_id.replace("-", "_") if slug_ids and isinstance(rule_id, str) else rule_id
    if not isinstance(plain_id, str) or not plain_id.isidentifier():
        problem("structure", "Every rule needs an 'id' made of letters, digits and '_'.", "id")
        return None
    if rule_id in seen:
        problem("duplicate", f"The id '{rule_id}' is used twice.", "id")
    seen.add(rule_id)
    for key in sorted(set(raw) - RULE_KEYS - set(extra_fields) - {LINE}):
        problem("structure", f"Unknown field '{key}'.", key)
    extra = {}
    for key, kind in extra_fields.items():
        if key in raw:
            if not isinstance(raw[key], kind):
                problem("structure", f"'{key}' must be {kind.__name__}.", key)
            extra[key] = raw[key]
    if services is not None and raw.get("service") not in services:
        problem(
            "unknown_service",
            f"Unknown service '{raw.get('service')}'.",
            "service",
            details={"code": raw.get("service")},
        )
    for key in ("service", "legal_reference", "explain_yes", "explain_no", "explain_unknown"):
        if key in raw and not isinstance(raw[key], str):
            problem("structure", f"'{key}' must be text.", key)
    valid_from = _date(raw.get("valid_from"))
    if valid_from is None:
        problem("structure", "'valid_from' must be a date YYYY-MM-DD.", "valid_from")
    valid_to = _date(raw.get("valid_to")) if raw.get("valid_to") is not None else None
    if raw.get("valid_to") is not None and (valid_to is None or (valid_from and valid_to <= valid_from)):
        problem("structure", "'valid_to' must be a date after 'valid_from'.", "valid_to")
    text = raw.get("text")
    if not isinstance(text, str):
        problem("structure", "'text' must hold the rule.", "text")
        return None
    try:
        compiled = compile_rule(text, schema, parameters.names)
    except RuleError as exc:
        problem(exc.code, exc.message, "text", line=exc.line, column=exc.column, details=exc.details)
        compiled = None  # keep checking the rest of the rule: every problem in one report
    if valid_from is not None and compiled is not None:
        for name in sorted(compiled.parameters_used):
            if parameters.defined_from(name) > valid_from:
                problem(
                    "parameter_not_in_force",
                    f"P.{name} has no value on {valid_from.isoformat()}, when the rule comes into force.",
                    "valid_from",
                )
    examples = []
    raw_examples = raw.get("examples") or []
    if not isinstance(raw_examples, list):
        problem("structure", "'examples' must be a list.", "examples")
        raw_examples = []
    elif require_examples and not raw_examples:
        problem("no_examples", "Add at least one example: a rule is published only with them.", "examples")
    for number, item in enumerate(raw_examples, start=1):
        where = f"examples[{number}]"
        if not isinstance(item, dict):
            problem("structure", "An example needs 'on', 'facts' and 'expect'.", where)
            continue
        # YAML 1.1 reads a bare `on:` key as the boolean true; accept both spellings.
        on = _date(item.get("on", item.get(True)))
        facts = item.get("facts") or {}
        try:
            expect = Outcome(item.get("expect"))
        except ValueError:
            problem("structure", "'expect' must be eligible, not_eligible or unknown.", where)
            continue
        if on is None or not isinstance(facts, dict):
            problem("structure", "An example needs 'on: YYYY-MM-DD' and a 'facts' mapping.", where)
            continue
        facts = _strip(facts)
        unknown_keys = set(item) - {"on", True, "facts", "expect", LINE}
        if unknown_keys:
            problem("structure", f"Unknown example field(s): {', '.join(map(str, unknown_keys))}.", where)
        for name in sorted(set(facts) - set(schema)):
            problem("unknown_fact", f"Unknown fact '{name}' in the example.", where, details={"name": name})
        examples.append(Example(on, facts, expect))
    if valid_from is None or compiled is None:
        return None
    return RuleSpec(
        id=rule_id,
        text=text,
        valid_from=valid_from,
        compiled=compiled,
        service=raw.get("service") or "",
        valid_to=valid_to,
        legal_reference=raw.get("legal_reference") or "",
        explain_yes=raw.get("explain_yes") or "",
        explain_no=raw.get("explain_no") or "",
        explain_unknown=raw.get("explain_unknown") or "",
        examples=examples,
        extra=extra,
    )


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
