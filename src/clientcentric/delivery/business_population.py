"""The population run for businesses: every support measure in force, for every business with a profile, only
within the business's consent. Resumable like the persons' run: the checkpoint (`PopulationRun` of subject
«business») keeps the last business done, and the next run for the same date continues after it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from clientcentric.accounts.models import BusinessClient
from clientcentric.core.services import audit

from .population import chunks
from .selectors.rules import business_rules_in_force
from .services import business_support, population_runs

SUBJECT = "business"


@dataclass
class BusinessRunReport:
    businesses: int = 0
    offers: int = 0
    unknown: int = 0
    not_eligible: int = 0
    no_consent: int = 0


def business_ids() -> list[int]:
    return list(
        BusinessClient.objects.filter(profile__isnull=False).order_by("pk").values_list("pk", flat=True)
    )


def run_businesses(
    on: date, *, chunk_size: int = 200, progress: Callable[[int], None] | None = None, actor=None
) -> BusinessRunReport:
    rules = business_rules_in_force(on)
    report = BusinessRunReport()
    run = population_runs.open_run(on, subject=SUBJECT)
    ids = business_ids()
    done = [i for i in ids if i <= run.last_client_id]
    if progress and done:
        progress(len(done))
    for chunk in chunks([i for i in ids if i > run.last_client_id], chunk_size):
        part = BusinessRunReport()
        with transaction.atomic():
            for business in BusinessClient.objects.filter(pk__in=chunk).order_by("pk"):
                counts = business_support.make_offers(business, on=on, rules=rules)
                part.businesses += 1
                for name in ("offers", "unknown", "not_eligible", "no_consent"):
                    setattr(part, name, getattr(part, name) + counts[name])
            population_runs.checkpoint(
                run, chunk[-1], clients=part.businesses, offers=part.offers, information=0
            )
        for name in ("businesses", "offers", "unknown", "not_eligible", "no_consent"):
            setattr(report, name, getattr(report, name) + getattr(part, name))
        if progress:
            progress(len(chunk))
    population_runs.finish(run)
    audit.record(
        actor,
        "delivery.business_population_run",
        None,
        on=on.isoformat(),
        businesses=report.businesses,
        offers=report.offers,
    )
    return report
