"""YAML read into plain data together with the line and column of every key and item.

A validator that works on plain data (pydantic) reports a path such as ('rules', 0, 'valid_from'); `position`
turns that path back into the place in the file, so every problem names where to look.
"""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[Any, ...]
Marks = dict[Path, tuple[int, int]]


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None, column: int | None):
        self.line, self.column = line, column
        super().__init__(message)


def load(text: str) -> tuple[Any, Marks]:
    """(data, marks): the document as plain Python values and the 1-based (line, column) of every path."""
    # libyaml's parser when PyYAML was built with it: the same nodes and marks, several times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        root = loader.get_single_node()
        marks: Marks = {}
        data = None if root is None else _convert(root, loader, (), marks)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlError(
            str(exc), mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from None
    finally:
        loader.dispose()
    return data, marks


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, loader: Any, path: Path, marks: Marks) -> Any:
    marks.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        mapping = {}
        for key_node, value_node in node.value:
            # Keys are names here: YAML 1.1 would read a bare `on:` key as the boolean true.
            key = key_node.value if key_node.tag == "tag:yaml.org,2002:bool" else _scalar(key_node, loader)
            marks[(*path, key)] = _mark(key_node)
            mapping[key] = _convert(value_node, loader, (*path, key), marks)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, loader, (*path, index), marks) for index, item in enumerate(node.value)]
    return _scalar(node, loader)


def _scalar(node: yaml.Node, loader: Any) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError):
        # An impossible date such as 2016-13-01 stays text, so the validator can say which field holds it.
        return node.value


def position(marks: Marks, path: Path) -> tuple[int | None, int | None]:
    """The place of `path`, or of its nearest ancestor that exists (a missing key is placed on its mapping)."""
    path = tuple(path)
    while path not in marks and path:
        path = path[:-1]
    return marks.get(path, (None, None))
