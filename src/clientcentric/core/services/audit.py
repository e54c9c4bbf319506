"""The append-only audit log. Services call `record` inside their transaction."""

from django.db import models

from clientcentric.core.models import AuditEvent


def record(actor, action: str, target: models.Model | None = None, summary: str = "", **data) -> AuditEvent:
    event = entry(actor, action, target, summary, **data)
    event.save()
    return event


def entry(actor, action: str, target: models.Model | None = None, summary: str = "", **data) -> AuditEvent:
    """The audit event `record` would write, not yet saved (for callers that write it with other rows)."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor_id=actor_id,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=summary or (str(target) if target is not None else ""),
        data=data,
    )
