"""Celery tasks of the business app: they only call services."""

from celery import shared_task


@shared_task
def refresh_candidates() -> dict:
    """Duplicate and contradiction candidates across acts, after the registry changed (seconds per thousand items)."""
    from .services import refresh_candidates as refresh

    return refresh()
