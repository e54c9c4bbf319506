"""Population runs: every rule in force, compiled once, over the whole client base, offers created in bulk.

Only clients with a consent covering a service are evaluated for it (DEL-1); the rest are only informed where
a rule allows it. The answer per client is the same as the life-event path (both call the same compiled rules).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from clientcentric.core.services import audit
from clientcentric.engines.rules import RuleSet
from clientcentric.rules import eligibility
from clientcentric.rules.facts.person import profile_facts

from .models import (
    ClientLifeSituation,
    ClientProfile,
    Consent,
    HouseholdMember,
    Offer,
    ServiceRequest,
)
from .selectors.rules import client_ids, load_parameters, parameter_names, rules_in_force
from .services import population_runs, rulebook
from .services.consents import consent_for, situations_by_service

CHUNK = 500
INFORMATION_TEXT = gettext_lazy(
    "You may be entitled to this service. Give consent and we will check it for you."
)


@dataclass
class RunReport:
    clients: int = 0
    offers: int = 0
    information: int = 0
    not_eligible: int = 0
    unknown: int = 0
    per_rule: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, other: "RunReport") -> None:
        for name in ("clients", "offers", "information", "not_eligible", "unknown"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.per_rule.items():
            self.per_rule[key] += value


def chunks(ids: list[int], size: int = CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def run_chunk(ids: list[int], on: date) -> RunReport:
    rules = rules_in_force(on)
    report = RunReport()
    if not rules:
        return report
    names = parameter_names()
    parameters = load_parameters()
    ruleset = RuleSet([(rule.rule_id, eligibility.compiled(rule.text, names)) for rule in rules])
    situations = situations_by_service([rule.service_id for rule in rules])
    profiles = ClientProfile.objects.filter(user_id__in=ids, deceased_on__isnull=True).select_related("user")
    profiles = profiles.prefetch_related(Prefetch("household", queryset=HouseholdMember.objects.all()))
    consents = defaultdict(list)
    for consent in Consent.objects.filter(client_id__in=ids, revoked_at__isnull=True):
        consents[consent.client_id].append(consent)
    # Without consent a client is told only about services of the situations they are already in.
    open_situations = defaultdict(set)
    for client_id, situation_id in ClientLifeSituation.objects.filter(
        client_id__in=ids, closed_at__isnull=True
    ).values_list("client_id", "life_situation_id"):
        open_situations[client_id].add(situation_id)
    busy = defaultdict(set)
    for client_id, service_id in Offer.objects.filter(
        client_id__in=ids, status=Offer.Status.OPEN
    ).values_list("client_id", "service_id"):
        busy[client_id].add(service_id)
    for client_id, service_id in (
        ServiceRequest.objects.filter(client_id__in=ids)
        .exclude(status=ServiceRequest.Status.REFUSED)
        .values_list("client_id", "service_id")
    ):
        busy[client_id].add(service_id)
    new_offers = []
    for profile in profiles:
        report.clients += 1
        facts = profile_facts(profile, on, household=profile.household.all())
        values = ruleset.values(facts, on, parameters)
        own = consents.get(profile.user_id, [])
        for rule, value in zip(rules, values, strict=True):
            service_id = rule.service_id
            if service_id in busy[profile.user_id]:
                continue
            consent = consent_for(service_id, own, situations)
            if consent is None:
                if rule.inform_without_consent and open_situations[profile.user_id] & situations.get(
                    service_id, set()
                ):
                    new_offers.append(
                        Offer(
                            client_id=profile.user_id,
                            service=rule.service,
                            kind=Offer.Kind.INFORMATION,
                            rule=rule,
                            explanation=INFORMATION_TEXT,
                        )
                    )
                    report.information += 1
                continue
            if value is False:
                report.not_eligible += 1
                continue
            verdict = eligibility.evaluate(rule, facts, on, parameters, names)
            new_offers.append(
                Offer(
                    client_id=profile.user_id,
                    service=rule.service,
                    kind=Offer.Kind.OFFER,
                    rule=rule,
                    consent=consent,
                    outcome=verdict.outcome.value,
                    missing=list(verdict.missing),
                    explanation=eligibility.explain(rule, verdict),
                )
            )
            report.offers += 1
            report.unknown += value is None
            report.per_rule[rule.rule_id] += 1
    created = rulebook.create_offers(new_offers, ids)
    if len(created) != len(new_offers):
        # The chunk ran before (a redelivered task): count only what this run created.
        report.offers = report.information = report.unknown = 0
        report.per_rule = defaultdict(int)
        for offer in created:
            if offer.kind == Offer.Kind.INFORMATION:
                report.information += 1
                continue
            report.offers += 1
            report.unknown += offer.outcome == "unknown"
            report.per_rule[offer.rule.rule_id] += 1
    return report


def run_population(
    on: date,
    *,
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    actor=None,
    parallel: bool = False,
) -> RunReport:
    """All clients in chunks; with `parallel` the chunks go to Celery workers and their reports are summed."""
    ids = client_ids()
    total = RunReport()
    if parallel:
        from celery import group

        from .tasks import eligibility_chunk

        results = group(eligibility_chunk.s(chunk, on.isoformat()) for chunk in chunks(ids, chunk_size))()
        for summary in results.get(disable_sync_subtasks=False):
            part = RunReport(**{k: v for k, v in summary.items() if k != "per_rule"})
            part.per_rule.update(summary["per_rule"])
            total.add(part)
            if progress:
                progress(part.clients)
    else:
        # Resumable: an unfinished run of the same date continues after its last client (the checkpoint).
        run = population_runs.open_run(on)
        done = [i for i in ids if i <= run.last_client_id]
        if progress and done:
            progress(len(done))
        for chunk in chunks([i for i in ids if i > run.last_client_id], chunk_size):
            part = run_chunk(chunk, on)
            population_runs.checkpoint(
                run, chunk[-1], clients=part.clients, offers=part.offers, information=part.information
            )
            total.add(part)
            if progress:
                progress(len(chunk))
        population_runs.finish(run)
    audit.record(
        actor,
        "delivery.population_run",
        None,
        on=on.isoformat(),
        clients=total.clients,
        offers=total.offers,
        information=total.information,
    )
    return total
