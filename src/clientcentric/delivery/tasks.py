"""Celery tasks: they only call services."""

from datetime import date

from celery import shared_task

from clientcentric.accounts.models import ApiToken

from . import population
from .services import appointments


# Acknowledged after it ran and requeued when its worker dies, so no chunk is lost; running a chunk twice creates
# no offer twice (rulebook.create_offers skips the clients' open offers under a lock).
@shared_task(acks_late=True, reject_on_worker_lost=True)
def eligibility_chunk(ids: list[int], on: str) -> dict:
    report = population.run_chunk(ids, date.fromisoformat(on))
    return {
        "clients": report.clients,
        "offers": report.offers,
        "information": report.information,
        "not_eligible": report.not_eligible,
        "unknown": report.unknown,
        "per_rule": dict(report.per_rule),
    }


@shared_task
def send_appointment_reminders() -> int:
    return appointments.send_due_reminders()


@shared_task
def send_offer_reminders() -> int:
    from .services import offers as offer_services

    return offer_services.send_offer_reminders()


@shared_task
def receive_life_event(payload: dict, source_id: int | None = None) -> str:
    """For registries that deliver events through the queue instead of the API."""
    from datetime import datetime

    from .services.life_events import EventInput, receive_life_event

    payload = {**payload, "occurred_at": datetime.fromisoformat(payload["occurred_at"])}
    source = ApiToken.objects.filter(pk=source_id).first() if source_id else None
    event, _created = receive_life_event(EventInput(**payload), source=source)
    return event.state


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_population() -> dict:
    """The nightly whole-base run (beat): in this worker, chunk by chunk, continuing a run cut short."""
    from django.utils import timezone

    report = population.run_population(timezone.localdate())
    return {"clients": report.clients, "offers": report.offers, "information": report.information}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_segments() -> dict:
    """The nightly whole-base segment run (beat), continuing a run cut short."""
    from .services import segments

    report = segments.run_segments()
    return {"clients": report.clients, "entered": report.entered, "left": report.left}
