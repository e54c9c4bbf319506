"""No import cycles between the apps of ``clientcentric``, counting imports inside functions too.

The graph is built from the AST of ``src/`` so that an import hidden in a function body (the usual way to dodge a
cycle at import time) still counts as a dependency. Run this file as a script to print the graph, its cycles and
the in-function imports: ``python tests/architecture/test_app_imports.py``.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import clientcentric

SRC = Path(clientcentric.__file__).parent
PACKAGE = "clientcentric"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module's app ("appeals")
    target: str  # the imported module's app ("feedback")
    module: str  # the importing file, relative to the package
    line: int
    in_function: bool


def _module_parts(path: Path) -> list[str]:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return parts


def _resolve(node: ast.ImportFrom, parts: list[str], is_package: bool) -> list[str]:
    """The absolute dotted names (below ``clientcentric``) that a ``from … import …`` brings in."""
    if node.level:
        base = parts if is_package else parts[:-1]
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        prefix = [*base, *(node.module.split(".") if node.module else [])]
    else:
        names = (node.module or "").split(".")
        if names[0] != PACKAGE:
            return []
        prefix = names[1:]
    if prefix:
        return [".".join(prefix)]
    # ``from clientcentric import appeals`` / ``from .. import feedback``
    return [alias.name for alias in node.names]


def _is_app(name: str) -> bool:
    return (SRC / name).is_dir() or (SRC / f"{name}.py").is_file()


def _imports_of(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parts = _module_parts(path)
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [
                    alias.name.split(".", 1)[1]
                    for alias in child.names
                    if alias.name.startswith(PACKAGE + ".")
                ]
            elif isinstance(child, ast.ImportFrom):
                targets = _resolve(child, parts, is_package)
            if isinstance(child, ast.Import | ast.ImportFrom):
                # ``from clientcentric import __version__`` names an attribute, not an app.
                targets = [t for t in targets if _is_app(t.split(".")[0])]
                for target in targets or ([""] if in_function else []):
                    found.append(
                        Import(
                            source=parts[0] if parts else "",
                            target=target.split(".")[0],
                            module="/".join(path.relative_to(SRC).parts),
                            line=child.lineno,
                            in_function=in_function,
                        )
                    )
            visit(child, inside)

    visit(tree, False)
    return found


def all_imports() -> list[Import]:
    imports: list[Import] = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        imports.extend(_imports_of(path))
    return imports


def app_graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for item in imports:
        if item.target and item.source and item.target != item.source:
            graph[item.source].add(item.target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def strongconnect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                strongconnect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    nodes = set(graph) | {target for targets in graph.values() for target in targets}
    for node in sorted(nodes):
        if node not in index:
            strongconnect(node)
    return sorted(components)


def _edges_within(imports: list[Import], component: list[str]) -> list[Import]:
    members = set(component)
    return [i for i in imports if i.source in members and i.target in members and i.source != i.target]


def test_no_import_cycles_between_apps():
    imports = all_imports()
    found = cycles(app_graph(imports))
    details = [
        f"{' ↔ '.join(component)}: "
        + ", ".join(f"{i.module}:{i.line} → {i.target}" for i in _edges_within(imports, component))
        for component in found
    ]
    assert not found, "apps import each other in a cycle:\n" + "\n".join(details)


def test_the_checker_sees_a_cycle_hidden_in_a_function():
    graph = app_graph(
        [
            Import("appeals", "feedback", "appeals/services.py", 1, in_function=False),
            Import("feedback", "appeals", "feedback/services.py", 9, in_function=True),
            Import("feedback", "core", "feedback/services.py", 2, in_function=False),
        ]
    )
    assert cycles(graph) == [["appeals", "feedback"]]


def test_every_app_has_its_layer_in_the_import_contract():
    """A new app must say where it stands, or ``lint-imports`` would not look at its imports at all."""
    config = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [
        contract["layers"]
        for contract in config["tool"]["importlinter"]["contracts"]
        if contract["type"] == "layers"
    ]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    apps = {
        path.stem if path.is_file() else path.name
        for path in SRC.iterdir()
        if (path.is_dir() and (path / "__init__.py").exists())
        or (path.suffix == ".py" and path.stem != "__init__")
    }
    assert apps == named


def main() -> int:
    imports = all_imports()
    graph = app_graph(imports)
    print("app imports:")
    for source in sorted(graph):
        print(f"  {source} → {', '.join(sorted(graph[source]))}")
    found = cycles(graph)
    print(f"cycles between apps: {len(found)}")
    for component in found:
        print(f"  {{{', '.join(component)}}}")
        for item in _edges_within(imports, component):
            print(
                f"    {item.module}:{item.line} → {item.target}{' (in function)' if item.in_function else ''}"
            )
    local = [i for i in imports if i.in_function]
    print(
        f"imports inside functions: {len(local)} (of them into clientcentric: {sum(1 for i in local if i.target)})"
    )
    if "-v" in sys.argv:
        for item in local:
            print(f"  {item.module}:{item.line} {item.target or '(outside clientcentric)'}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
