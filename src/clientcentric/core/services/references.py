"""Writes for the numbers people quote (core/references.py): the migrations that add a reference draw one for each
existing row through here."""

from django.utils import timezone

from clientcentric.core.references import new


def backfill(model) -> None:
    """For a migration: a reference for every row that has none (`model` is the migration's historical model),
    dated by the row's own creation time where the model keeps one."""
    stamp = next(
        (
            name
            for name in ("submitted_at", "created_at", "filed_at", "registered_at")
            if any(f.name == name for f in model._meta.fields)
        ),
        None,
    )
    for row in model._base_manager.filter(reference="").only("pk", *([stamp] if stamp else [])):
        when = getattr(row, stamp) if stamp else None
        year = timezone.localtime(when).year if when is not None else None
        row.reference = new(model, year=year)
        row.save(update_fields=["reference"])
