"""Celery tasks of the business app: they only call services."""

from celery import shared_task

from .candidates import refresh_candidates as refresh


@shared_task
def refresh_candidates() -> dict:
    """Duplicate and contradiction candidates across acts, after the registry changed (seconds per thousand items)."""
    return refresh()
