"""The checkpoint of a whole-base eligibility run: opened, advanced after each committed chunk, finished.

A run cut short (a crash, a deploy) leaves its row open; the next run for the same date continues after the last
client done. Offers are idempotent anyway (rulebook.create_offers), so the checkpoint saves work, not correctness.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from clientcentric.core.services import audit

from ..models import PopulationRun


@transaction.atomic
def open_run(on: date, kind: str = PopulationRun.Kind.ELIGIBILITY, subject: str = "person") -> PopulationRun:
    """The unfinished run of `kind` on `on` (of persons or of businesses) to continue, or a new one."""
    run = (
        PopulationRun.objects.select_for_update()
        .filter(kind=kind, subject=subject, on=on, finished_at__isnull=True)
        .first()
    )
    if run is not None:
        audit.record(None, "delivery.population_run_resumed", run, kind=kind, after_client=run.last_client_id)
        return run
    return PopulationRun.objects.create(kind=kind, subject=subject, on=on, started_at=timezone.now())


@transaction.atomic
def checkpoint(
    run: PopulationRun, last_client_id: int, *, clients: int, offers: int = 0, information: int = 0
) -> None:
    PopulationRun.objects.filter(pk=run.pk).update(last_client_id=last_client_id)
    run.refresh_from_db()
    run.clients += clients
    run.offers += offers
    run.information += information
    run.save(update_fields=["clients", "offers", "information"])


@transaction.atomic
def finish(run: PopulationRun) -> None:
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
