"""Reads of the eligibility rules' data: rule parameters, the rules in force, the client base of a population run,
the rule file export."""

from datetime import date
from decimal import Decimal

import yaml
from django.db.models import Q
from django.utils import timezone

from clientcentric.core.process_cache import KeyedProcessCache, ProcessCache
from clientcentric.engines.rules import Parameters
from clientcentric.registry.models import Service

from ..models import ClientProfile, EligibilityRule, RuleParameter


def parameter_series() -> dict[str, list]:
    """name → [(valid_from, value)], oldest first."""
    series: dict[str, list] = {}
    for row in RuleParameter.objects.order_by("name", "valid_from"):
        series.setdefault(row.name, []).append((row.valid_from, Decimal(row.value)))
    return series


def load_parameters() -> Parameters:
    return Parameters(parameter_series())


def parameter_names() -> frozenset[str]:
    return frozenset(RuleParameter.objects.values_list("name", flat=True).distinct())


def _load_rules_in_force(on_iso: str, subject: str = EligibilityRule.Subject.PERSON) -> list[EligibilityRule]:
    on = date.fromisoformat(on_iso)
    rows = EligibilityRule.objects.filter(
        status=EligibilityRule.Status.PUBLISHED, subject=subject, valid_from__lte=on
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    newest = {}
    for rule in rows.select_related("service").order_by("rule_id", "-version"):
        newest.setdefault(rule.rule_id, rule)
    return list(newest.values())


# Every life event reads the same rules; a published rule or a service change reloads them in this process at once
# (and in other processes within the cache's few seconds).
_rules_by_date = KeyedProcessCache(_load_rules_in_force, max_keys=32).invalidate_on(EligibilityRule, Service)
_parameters = ProcessCache(lambda: (load_parameters(), parameter_names())).invalidate_on(RuleParameter)


def cached_parameters():
    """(Parameters, names) of this process, reloaded when a parameter changes."""
    return _parameters.get()


def rules_in_force(on: date, services=None) -> list[EligibilityRule]:
    """The newest published version of each rule in force on `on`, with its service."""
    rules = _rules_by_date.get(on.isoformat()) or []
    if services is None:
        return list(rules)
    wanted = {s if isinstance(s, int) else s.pk for s in services}
    return [rule for rule in rules if rule.service_id in wanted]


def business_rules_in_force(on: date, services=None) -> list[EligibilityRule]:
    """The newest published version of each rule about a business (support measures) in force on `on`."""
    rules = _load_rules_in_force(on.isoformat(), EligibilityRule.Subject.BUSINESS)
    if services is None:
        return rules
    wanted = {s if isinstance(s, int) else s.pk for s in services}
    return [rule for rule in rules if rule.service_id in wanted]


def latest_version(rule_id: str) -> EligibilityRule | None:
    return EligibilityRule.objects.filter(rule_id=rule_id).order_by("-version").first()


def client_ids() -> list[int]:
    """Living clients who consented to something or might be informed: everyone with a profile."""
    return list(
        ClientProfile.objects.filter(deceased_on__isnull=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def _plain_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def export_rulebook() -> str:
    """Every rule in force today or later, with the parameters, as a rule file (docs/rules.md)."""
    parameters = {}
    for row in RuleParameter.objects.order_by("name", "valid_from"):
        parameters.setdefault(row.name, []).append({"from": row.valid_from, "value": float(row.value)})
    rules = []
    for rule in rules_in_force(timezone.localdate()) + list(
        EligibilityRule.objects.filter(
            status=EligibilityRule.Status.PUBLISHED,
            subject=EligibilityRule.Subject.PERSON,
            valid_from__gt=timezone.localdate(),
        )
    ):
        entry = {
            "id": rule.rule_id,
            "service": rule.service.code,
            "text": rule.text,
            "valid_from": rule.valid_from,
        }
        if rule.valid_to:
            entry["valid_to"] = rule.valid_to
        entry.update(
            legal_reference=rule.legal_reference,
            explain_yes=rule.explain_yes,
            explain_no=rule.explain_no,
            inform_without_consent=rule.inform_without_consent,
            examples=[{**e, "on": _plain_date(e["on"])} for e in rule.examples],
        )
        rules.append(entry)
    return yaml.safe_dump(
        {"parameters": parameters, "rules": rules}, allow_unicode=True, sort_keys=False, width=110
    )
