"""The rulebook's writes: rule file (rules.md format) import, all or nothing with a per-rule report, and the offers
of a population run."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.services import audit, status
from clientcentric.engines.rules import rulefile
from clientcentric.registry.models import Service
from clientcentric.rules.facts.person import SCHEMA
from clientcentric.rules.messages import at_position, describe, file_position

from ..models import ClientProfile, EligibilityRule, Offer, RuleParameter
from ..selectors import rules as selectors
from ..workflow import ELIGIBILITY_RULE
from .offers import notify_offers


@dataclass
class Problem:
    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}"


@dataclass
class RulebookReport:
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    parameters: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rollback(Exception):
    pass


def _problem(problem: rulefile.Problem) -> Problem:
    """An engine problem in the methodologist's words: where (rule, field, file line) and what, in Russian."""
    where = [_("rule %(n)s") % {"n": problem.rule}] if problem.rule else []
    if problem.field:
        where.append(problem.field)
    if problem.file_line:
        where.append(file_position(problem.file_line, problem.file_column))
    message = at_position(
        describe(problem.code, problem.message, problem.details), problem.line, problem.column
    )
    return Problem(", ".join(where) or _("file"), message)


def import_rulebook(content: bytes | str, *, actor=None, dry_run: bool = False) -> RulebookReport:
    """The file checked by the engine's loader (structure, rule texts, parameters, examples); only the
    database writes are ours, all or nothing."""
    report = RulebookReport(dry_run=dry_run)
    base = selectors.parameter_series()
    services = {s.code: s for s in Service.objects.all()}
    try:
        loaded = rulefile.load_rules(
            content.decode("utf-8") if isinstance(content, bytes) else content,
            SCHEMA,
            base_parameters=base,
            extra_fields={"inform_without_consent": bool},
            services=frozenset(services),
            require_examples=True,
            slug_ids=True,  # rule ids are slugs in the back office (EligibilityRule.rule_id)
        )
    except rulefile.RuleFileError as error:
        report.problems = [_problem(p) for p in error.problems]
        return report
    except UnicodeDecodeError:
        report.problems = [Problem(_("file"), describe("yaml", ""))]
        return report
    try:
        with transaction.atomic():
            for name, values in loaded.declared.items():
                for valid_from, value in values:
                    RuleParameter.objects.update_or_create(
                        name=name, valid_from=valid_from, defaults={"value": Decimal(str(value))}
                    )
                    report.parameters += 1
            for spec in loaded.rules:
                _store_rule(spec, services[spec.service], report)
            if dry_run:
                raise _Rollback
            audit.record(actor, "delivery.rulebook_imported", None, created=report.created)
    except _Rollback:
        pass
    return report


def _store_rule(spec: rulefile.RuleSpec, service, report) -> None:
    fields = {
        "service": service,
        "text": spec.text.strip(),
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "legal_reference": spec.legal_reference[:300],
        "explain_yes": spec.explain_yes,
        "explain_no": spec.explain_no,
        "examples": _json_examples(spec.examples),
        "inform_without_consent": bool(spec.extra.get("inform_without_consent", False)),
    }
    latest = selectors.latest_version(spec.id)
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        report.unchanged.append(spec.id)
        return
    rule = EligibilityRule.objects.create(
        rule_id=spec.id,
        version=(latest.version + 1) if latest else 1,
        status=EligibilityRule.Status.PUBLISHED,
        published_at=timezone.now(),
        **fields,
    )
    if latest is not None and latest.status == EligibilityRule.Status.PUBLISHED and latest.valid_to is None:
        if latest.valid_from < spec.valid_from:
            latest.valid_to = spec.valid_from
            latest.save(update_fields=["valid_to"])
        else:
            status.transition(
                latest,
                ELIGIBILITY_RULE,
                EligibilityRule.Status.RETIRED,
                note=_("Replaced by an imported version."),
            )
    report.created.append(f"{rule.rule_id} v{rule.version}")


def _json_examples(examples) -> list:
    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    return [
        {"on": e.on.isoformat(), "facts": {k: plain(v) for k, v in e.facts.items()}, "expect": e.expect.value}
        for e in examples
    ]


def create_offers(offers: list[Offer], client_ids: list[int]) -> list[Offer]:
    """The offers of one population chunk in bulk, each client notified once about theirs.

    Idempotent: a chunk run twice (its worker died after the commit, before the acknowledgement) or beside a
    life event creates no offer twice. The chunk's clients are locked, and the offers that became open since
    the chunk read them are dropped; a life event's offer that slips in between is retried past."""
    for attempt in range(3):
        try:
            return _create_offers_once(offers, client_ids)
        except IntegrityError:
            if attempt == 2:
                raise
    return []


def _create_offers_once(offers: list[Offer], client_ids: list[int]) -> list[Offer]:
    with transaction.atomic():
        emails = dict(
            ClientProfile.objects.select_for_update(of=("self",))
            .filter(user_id__in=client_ids)
            .order_by("user_id")
            .values_list("user_id", "user__email")
        )
        busy = set(
            Offer.objects.filter(client_id__in=client_ids, status=Offer.Status.OPEN).values_list(
                "client_id", "service_id"
            )
        )
        fresh = [offer for offer in offers if (offer.client_id, offer.service_id) not in busy]
        created = Offer.objects.bulk_create(fresh, batch_size=500)
        by_client: dict[int, list[Offer]] = {}
        for offer in created:
            by_client.setdefault(offer.client_id, []).append(offer)
        for client_id, own in by_client.items():
            notify_offers(None, own, email=emails.get(client_id, ""))
    return created
