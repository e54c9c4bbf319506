"""YAML composed into nodes that keep their positions, and positions inside a scalar's text.

Every key and value keeps its node, so a problem can name its line and column; a problem inside a condition is
placed on the character of the file where the rule language found it, whether the condition is a plain, quoted or
block scalar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from clientcentric.engines.rules import RuleError

from .model import RiskModelError


@dataclass
class Value:
    """A YAML value with its node (for positions); mappings and lists hold Values."""

    value: Any
    node: yaml.Node

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    @property
    def column(self) -> int:
        return self.node.start_mark.column + 1


class Problems:
    def __init__(self, source: str):
        self.source = source
        self.items: list[RiskModelError] = []

    def add(
        self,
        message,
        where: Value | yaml.Node | None,
        field,
        code="structure",
        *,
        line=None,
        column=None,
        details=None,
    ):
        node = where.node if isinstance(where, Value) else where
        if node is not None and line is None:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
        self.items.append(
            RiskModelError(
                message, line=line, column=column, field=field, code=code, source=self.source, details=details
            )
        )


def compose(text: str, source: str) -> Value:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RiskModelError(
            f"The file is not valid YAML: {getattr(exc, 'problem', None) or exc}.",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            code="yaml",
            source=source,
        ) from None
    finally:
        loader.dispose()
    if root is None:
        raise RiskModelError("The file is empty.", line=1, column=1, code="structure", source=source)
    return convert(root, loader, Problems(source))


def convert(node: yaml.Node, loader: yaml.SafeLoader, problems: Problems) -> Value:
    if isinstance(node, yaml.MappingNode):
        items: dict[Any, tuple[Value, Value]] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:bool":
                key = Value(
                    key_node.value, key_node
                )  # YAML 1.1 reads a key `on:` as true; keys are names here
            else:
                key = convert(key_node, loader, problems)
            if key.value in items:
                raise RiskModelError(
                    f"The key '{key.value}' appears twice in one mapping.",
                    line=key.line,
                    column=key.column,
                    code="duplicate_key",
                    source=problems.source,
                )
            items[key.value] = (key, convert(value_node, loader, problems))
        return Value(items, node)
    if isinstance(node, yaml.SequenceNode):
        return Value([convert(item, loader, problems) for item in node.value], node)
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError):
        value = node.value  # an impossible timestamp and the like stay text; the checks below name the field
    return Value(value, node)


def text_position(text: str, node: yaml.ScalarNode, value: str, index: int) -> tuple[int, int]:
    """The file (line, column) of character `index` of the scalar's value.

    Folding, quotes and escapes make the value differ from the raw text, so the value's non-blank characters
    are matched in order against the raw text of the node (after a block scalar's header line)."""
    raw_start, raw_end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        newline = text.find("\n", raw_start, raw_end)
        raw_start = newline + 1 if newline >= 0 else raw_start
    elif node.style in ("'", '"'):
        raw_start += 1
    raw = raw_start
    for i, char in enumerate(value):
        if char.isspace():
            continue
        while raw < raw_end and text[raw] != char:
            raw += 1
        if raw >= raw_end:
            break
        if i >= index:
            break
        raw += 1
    raw = min(raw, max(raw_end - 1, 0))
    line_start = text.rfind("\n", 0, raw) + 1
    return text.count("\n", 0, raw) + 1, raw - line_start + 1


def rule_position(text: str, item: Value, exc: RuleError) -> tuple[int, int]:
    value = item.value
    stripped = value.strip()
    lead = len(value) - len(value.lstrip())
    lines = stripped.split("\n")
    line = min(max(exc.line or 1, 1), len(lines))
    index = lead + sum(len(part) + 1 for part in lines[: line - 1]) + (exc.column or 1) - 1
    return text_position(text, item.node, value, index)


def join_field(field: str, key: str) -> str:
    """`criteria[2]` + `condition` → `criteria[2].condition`."""
    return f"{field}.{key}" if field else key
