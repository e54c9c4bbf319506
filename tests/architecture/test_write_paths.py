"""Every ORM write lives where its name says: a service (``services.py`` or a ``services/`` package), a migration or
the demo loader. Views, API handlers, admin, tasks, imports, selectors and commands call services."""

import ast
from pathlib import Path

import clientcentric

SRC = Path(clientcentric.__file__).parent

# Methods that write through a model instance, a manager or a queryset.
ALWAYS_WRITES = {"save", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# Names that also belong to dicts, sets, caches and files: a write only on a manager or queryset receiver.
QUERYSET_WRITES = {"create", "update", "delete"}
QUERYSET_METHODS = {
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "order_by",
    "annotate",
    "only",
    "defer",
    "using",
    "distinct",
    "none",
    "values",
    "get_queryset",
}
NOT_MODELS = {
    "cache",
    "caches",
    "redis",
    "client",
    "session",
    "request",
    "storage",
    "default_storage",
    "os",
    "path",
    "qr",  # a QR code written to a file (segno)
    "image",  # a Pillow image re-encoded into bytes (appeals.uploads)
}


def _receiver_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _receiver_name(node.func)
    return ""


def _is_write(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    # super().save() inside a model's own save() is the model, not a write path.
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
        return False
    name = _receiver_name(receiver)
    if name in NOT_MODELS:
        return False
    if func.attr in ALWAYS_WRITES:
        return True
    if func.attr in QUERYSET_WRITES:
        if name in QUERYSET_METHODS or name == "objects" or name.endswith("_set"):
            return True
        if func.attr == "create" and isinstance(receiver, ast.Attribute):
            return True  # a related manager: profile.events.create(...)
        if func.attr == "delete" and not call.args and not call.keywords:
            return True  # instance.delete()
    return False


def _allowed(path: Path) -> bool:
    parts = path.relative_to(SRC).parts
    return (
        "migrations" in parts
        or path.name == "services.py"
        or "services" in parts[:-1]
        or parts[0] in {"demo", "engines"}
        or path.name == "demo.py"
        or "demo" in parts[:-1]
    )


def orm_writes_outside_services() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if _allowed(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _is_write(node):
                found.setdefault(str(path.relative_to(SRC)), []).append(node.lineno)
    return found


def test_orm_writes_live_in_services():
    found = orm_writes_outside_services()
    assert not found, "ORM writes outside services: " + "; ".join(
        f"{module}:{','.join(map(str, lines))}" for module, lines in found.items()
    )


def test_the_write_detector_sees_the_idioms():
    code = """
Appeal.objects.create(text="x")
Appeal.objects.filter(pk=1).update(status="closed")
appeal.save()
appeal.delete()
profile.events.create(kind="x")
Appeal.objects.bulk_create([])
payload.update({"a": 1})
cache.delete("key")
"""
    calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]
    assert sum(_is_write(call) for call in calls) == 6
