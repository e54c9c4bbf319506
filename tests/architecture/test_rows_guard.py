"""No model written by ``core.rows.insert_with_dependents`` overrides ``save()`` or has a ``pre_save`` receiver.

On PostgreSQL ``insert_with_dependents`` writes every row in one INSERT statement and never calls ``save()``, so
logic in a ``save()`` override would run on SQLite and be skipped in production. It sends ``pre_save`` by hand,
but at a different moment than ``save()`` does: on PostgreSQL the parent already has its key from the sequence,
on SQLite it has none yet, so a receiver would see two different rows depending on the database.

One override is allowed, precisely: the append-only guard (``if self.pk is not None: raise …`` followed by
``super().save(*args, **kwargs)``, as on AuditEvent and AppealEvent). It refuses updates only; a new row has no
key when it is built, so for the inserts this module makes the guard does nothing and skipping it changes
nothing. Any other statement in the override fails this test.

The models are found where the function is called: the construction of the parent passed to it and the
dependents' builder, each call there of a model class (``Appeal(...)``) or of a function annotated to return one
(``audit.entry(...) -> AuditEvent``).
"""

import ast
import inspect
import textwrap
import typing
from pathlib import Path

from django.db import models
from django.db.models import signals

import clientcentric

SRC = Path(clientcentric.__file__).parent


def _module_name(path: Path) -> str:
    return ".".join(("clientcentric", *path.relative_to(SRC).with_suffix("").parts))


def _resolve(expression: ast.expr, namespace: dict):
    if isinstance(expression, ast.Name):
        return namespace.get(expression.id)
    if isinstance(expression, ast.Attribute):
        owner = _resolve(expression.value, namespace)
        return getattr(owner, expression.attr, None) if owner is not None else None
    return None


def _model_built_by(target) -> type[models.Model] | None:
    if inspect.isclass(target) and issubclass(target, models.Model):
        return target
    if inspect.isfunction(target):
        try:
            returned = typing.get_type_hints(target).get("return")
        except Exception:
            return None
        if inspect.isclass(returned) and issubclass(returned, models.Model):
            return returned
    return None


def _insert_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "insert_with_dependents"
    ]


def _written_expressions(function: ast.AST, call: ast.Call, module: ast.Module) -> list[ast.AST]:
    """The parent's construction (where its variable is assigned) and the dependents' builder."""
    parent, builder = call.args[0], call.args[1]
    written: list[ast.AST] = [parent, builder]
    if isinstance(parent, ast.Name):
        written += [
            node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == parent.id for target in node.targets)
        ]
    if isinstance(builder, ast.Name):  # a named builder: its body
        written += [
            node
            for node in ast.walk(module)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == builder.id
        ]
    return written


def models_written_by_rows() -> set[type[models.Model]]:
    import importlib

    found: set[type[models.Model]] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name == "rows.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "insert_with_dependents" not in source:
            continue
        namespace = vars(importlib.import_module(_module_name(path)))
        module = ast.parse(source)
        for function in ast.walk(module):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in _insert_calls(function):
                for expression in _written_expressions(function, call, module):
                    for node in ast.walk(expression):
                        if isinstance(node, ast.Call):
                            model = _model_built_by(_resolve(node.func, namespace))
                            if model is not None:
                                found.add(model)
    return found


def _is_append_only_guard(save) -> bool:
    """The override is exactly: refuse when the row has a key, else the ordinary save."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(save)))
    body = tree.body[0].body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # a docstring
    if len(body) != 2:
        return False
    guard, call = body
    refuses_updates = (
        isinstance(guard, ast.If)
        and ast.unparse(guard.test) == "self.pk is not None"
        and not guard.orelse
        and len(guard.body) == 1
        and isinstance(guard.body[0], ast.Raise)
    )
    saves = isinstance(call, ast.Expr) and ast.unparse(call.value) == "super().save(*args, **kwargs)"
    return refuses_updates and saves


def _own_save_overrides(model: type[models.Model]) -> list:
    return [
        klass.__dict__["save"]
        for klass in model.__mro__
        if klass is not models.Model and "save" in klass.__dict__ and issubclass(klass, models.Model)
    ]


def test_the_models_written_in_one_statement_are_found():
    from clientcentric.appeals.models import Appeal
    from clientcentric.core.models import AuditEvent

    # The discovery reads the call sites; if it found nothing, the checks below would pass vacuously.
    assert {Appeal, AuditEvent} <= models_written_by_rows()


def test_no_model_written_in_one_statement_overrides_save():
    offenders = [
        f"{model._meta.label}.save"
        for model in models_written_by_rows()
        for save in _own_save_overrides(model)
        if not _is_append_only_guard(save)
    ]
    assert not offenders, f"core.rows skips save() on PostgreSQL; move this logic out of save(): {offenders}"


def test_no_model_written_in_one_statement_has_a_pre_save_receiver():
    offenders = [
        model._meta.label for model in models_written_by_rows() if signals.pre_save.has_listeners(model)
    ]
    assert not offenders, f"core.rows sends pre_save at another moment than save() does: {offenders}"


def test_the_append_only_guard_is_told_apart_from_other_overrides():
    class Guarded:
        def save(self, *args, **kwargs):
            if self.pk is not None:
                raise ValueError("append-only")
            super().save(*args, **kwargs)

    class Busy:
        def save(self, *args, **kwargs):
            if self.pk is not None:
                raise ValueError("append-only")
            self.slug = "computed"
            super().save(*args, **kwargs)

    assert _is_append_only_guard(Guarded.save)
    assert not _is_append_only_guard(Busy.save)
