"""Applications the client starts (DEL-3, DEL-4): a short form that asks only what the state does not know.

The form is planned from the service's eligibility rule in force (the same rule proactive offers use): the
profile fields the rule reads are shown prefilled and may be corrected; facts the platform cannot derive are
asked, prefilled from the client's earlier answers when there are any. Submitting stores the corrections on the
profile, records time to submit and the fields typed by hand, and ends in a decision when the rule decides it,
or in the date by which an official decides.
"""

import copy
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clientcentric.appeals import uploads
from clientcentric.core import events
from clientcentric.core.services import audit, status
from clientcentric.engines.rules import RuleError
from clientcentric.registry.models import Service
from clientcentric.rules import eligibility
from clientcentric.rules.facts.person import FactValueError, parse_fact, profile_facts, to_json

from .. import registries, workflow
from ..models import ClientProfile, Offer, RequestDocument, ServiceRequest, ServiceTerms
from ..selectors import rules as rule_selectors
from . import requests as request_services
from .offers import prefill
from .profiles import profile_of

# Profile fields a rule's facts come from: the form shows a field when the rule reads one of its facts.
PROFILE_FIELDS = {
    "birth_date": frozenset({"age", "birth", "is_adult"}),
    "citizenship": frozenset({"citizenship"}),
    "income_monthly": frozenset({"salary", "household_income", "income_pc"}),
    "disability": frozenset({"disability"}),
    "unemployed": frozenset({"unemployed"}),
    "student": frozenset({"student"}),
    "occupancy": frozenset({"occupancy"}),
}
MAX_DOCUMENTS = 5
REGISTER_SOURCE = "registry:"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


@dataclass
class AskedField:
    name: str
    kind: str  # "profile": a profile field; "fact": a fact the client states
    initial: object = None
    # where the prefilled value came from: "profile", "earlier" (an earlier answer), "registry:<code>" or ""
    source: str = ""

    @property
    def register(self) -> str:
        """The state register the value came from (its code), or ""."""
        return self.source.removeprefix(REGISTER_SOURCE) if self.source.startswith(REGISTER_SOURCE) else ""


@dataclass
class Plan:
    service: Service
    terms: ServiceTerms
    rule: object | None
    fields: list[AskedField] = field(default_factory=list)
    known: dict = field(
        default_factory=dict
    )  # facts derived from the household, shown, corrected in the profile
    prefill: dict = field(default_factory=dict)

    @property
    def one_click(self) -> bool:
        return not self.fields


def terms_of(service: Service) -> ServiceTerms:
    """The service's terms, or the defaults (on application, decided by the rule, ten days) when none are kept."""
    terms = ServiceTerms.objects.filter(service=service).first()
    return terms or ServiceTerms(service=service)


def rule_of(service: Service, on: date):
    rules = rule_selectors.rules_in_force(on, [service.pk])
    return rules[0] if rules else None


def deliverable(service: Service, on: date | None = None) -> bool:
    """The platform delivers the service: its terms are kept, or an eligibility rule is in force."""
    on = on or timezone.localdate()
    return ServiceTerms.objects.filter(service=service).exists() or rule_of(service, on) is not None


def plan_for(client, service: Service, on: date | None = None) -> Plan:
    on = on or timezone.localdate()
    profile = profile_of(client)
    plan = Plan(service=service, terms=terms_of(service), rule=rule_of(service, on), prefill=prefill(profile))
    if plan.rule is None:
        return plan
    used = set(eligibility.compiled(plan.rule.text, rule_selectors.parameter_names()).facts_used)
    covered = set()
    for name, facts in PROFILE_FIELDS.items():
        if used & facts:
            value = getattr(profile, name)
            source = "profile" if value not in (None, "") else ""
            if not source:
                # Not on the profile: a state register may know it (the disability from ФГИС ФРИ).
                answer = registries.ask(profile, name)
                if answer is not None:
                    value, source = answer.value, f"{REGISTER_SOURCE}{answer.register}"
            plan.fields.append(AskedField(name, "profile", value, source))
            covered |= facts
    derived = profile_facts(_without_stated(profile), on)
    for name in sorted(used - covered):
        if derived.get(name) is not None:
            plan.known[name] = derived[name]
            continue
        stated = (profile.stated_facts or {}).get(name)
        plan.fields.append(AskedField(name, "fact", stated, "earlier" if stated not in (None, "") else ""))
    return plan


def _without_stated(profile: ClientProfile) -> ClientProfile:
    clone = copy.copy(profile)
    clone.stated_facts = {}
    return clone


def norm(value) -> str:
    """A value as compared to the prefilled one: "typed by hand" means it differs from what was shown."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return "yes" if text.lower() == "true" else "no"
    try:
        return format(Decimal(text.replace(",", ".").replace(" ", "")).normalize(), "f")
    except InvalidOperation:
        return text


def _parsed_facts(plan: Plan, values: dict) -> tuple[dict, dict]:
    """The stated facts as their declared types (JSON form) and the errors, per field name."""
    stated, errors = {}, {}
    for asked in plan.fields:
        if asked.kind != "fact":
            continue
        raw = values.get(asked.name)
        if raw in (None, ""):
            errors[asked.name] = _("Please answer this question.")
            continue
        try:
            stated[asked.name] = to_json(parse_fact(asked.name, raw))
        except FactValueError:
            errors[asked.name] = _(
                "This answer is not understood; enter a number, a date or yes/no as asked."
            )
    return stated, errors


def _with_values(profile: ClientProfile, plan: Plan, values: dict, stated: dict) -> ClientProfile:
    clone = copy.copy(profile)
    for asked in plan.fields:
        if asked.kind == "profile" and asked.name in values:
            setattr(clone, asked.name, values[asked.name])
    clone.stated_facts = {**(profile.stated_facts or {}), **stated}
    return clone


@dataclass
class Check:
    outcome: str  # eligible | not_eligible | unknown | no_rule
    explanation: str
    missing: tuple = ()


def check(client, service: Service, values: dict, on: date | None = None) -> Check:
    """The verdict on what the form holds now (nothing is stored): the same rule and explanation as an offer."""
    on = on or timezone.localdate()
    plan = plan_for(client, service, on)
    if plan.rule is None:
        return Check(
            "no_rule", _("An official of %(agency)s checks the request.") % {"agency": service.agency}
        )
    stated = {}
    for asked in plan.fields:
        if asked.kind == "fact" and values.get(asked.name) not in (None, ""):
            try:
                stated[asked.name] = to_json(parse_fact(asked.name, values[asked.name]))
            except FactValueError:
                pass
    profile = _with_values(profile_of(client), plan, values, stated)
    facts = profile_facts(profile, on)
    # A stated fact wins over nothing only; an answer typed here is what the client means now.
    facts.update({name: parse_fact(name, value) for name, value in stated.items()})
    verdict = eligibility.evaluate(
        plan.rule, facts, on, rule_selectors.load_parameters(), rule_selectors.parameter_names()
    )
    return Check(verdict.outcome.value, eligibility.explain(plan.rule, verdict), tuple(verdict.missing))


def _clean_documents(documents) -> list:
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": _("Attach at most %(n)s files.") % {"n": MAX_DOCUMENTS}})
    cleaned = []
    for name, data in documents:
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                {
                    "documents": _("“%(name)s” is larger than %(mb)s MB.")
                    % {"name": name, "mb": MAX_DOCUMENT_BYTES // 2**20}
                }
            )
        try:
            cleaned.append(uploads.clean(name, data))
        except ValidationError as error:
            raise ValidationError({"documents": error.message_dict["attachments"]}) from error
    return cleaned


@transaction.atomic
def submit_application(
    client, service: Service, values: dict, *, documents=(), seconds: float = 0.0, actor=None
) -> ServiceRequest:
    """Store the request with what was shown, what was typed and how long it took; decide when the rule does.

    `values` holds the form's cleaned values by field name; `documents` is a list of (name, bytes)."""
    today = timezone.localdate()
    service = Service.objects.select_related("agency").get(pk=service.pk)
    profile = ClientProfile.objects.select_for_update().get(pk=profile_of(client).pk)
    plan = plan_for(client, service, today)
    if plan.terms.automatic:
        raise ValidationError(_("This service is provided without an application."))
    if not deliverable(service, today):
        raise ValidationError(_("This service cannot be applied for on the platform yet."))
    if (
        ServiceRequest.objects.filter(client=client, service=service)
        .exclude(status=ServiceRequest.Status.REFUSED)
        .exists()
    ):
        raise ValidationError(_("You have already applied for this service; follow that request."))
    stated, errors = _parsed_facts(plan, values)
    if errors:
        raise ValidationError(errors)
    files = _clean_documents(list(documents))

    typed, corrected, registered = {}, {}, {}
    for asked in plan.fields:
        value = stated.get(asked.name) if asked.kind == "fact" else values.get(asked.name)
        if norm(value) != norm(asked.initial):
            typed[asked.name] = to_json(value)
            if asked.kind == "profile":
                corrected[asked.name] = value
        elif asked.register and value is not None:
            registered[asked.name] = asked.register  # kept on the profile: the state knows it from now on
            corrected[asked.name] = value
    for name, value in corrected.items():
        setattr(profile, name, value)
    if stated:
        profile.stated_facts = {**(profile.stated_facts or {}), **stated}
    if corrected or stated:
        try:
            profile.full_clean()
        except ValidationError as error:
            raise ValidationError({k: v for k, v in error.message_dict.items() if k in corrected}) from error
        profile.save()
        if typed:
            audit.record(actor or client, "delivery.profile_corrected", profile, fields=sorted(typed))
        if registered:
            audit.record(
                actor or client,
                "delivery.register_fact_kept",
                profile,
                fields=sorted(registered),
                registers=sorted(set(registered.values())),
            )

    data = prefill(profile)
    outcome, explanation = "no_rule", ""
    if plan.rule is not None:
        facts = profile_facts(profile, today)
        verdict = eligibility.evaluate(
            plan.rule, facts, today, rule_selectors.load_parameters(), rule_selectors.parameter_names()
        )
        outcome, explanation = verdict.outcome.value, eligibility.explain(plan.rule, verdict)
        data["eligibility"] = {"outcome": outcome, "explanation": explanation}
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .filter(client=client, service=service, kind=Offer.Kind.OFFER, status=Offer.Status.OPEN)
        .first()
    )
    now = timezone.now()
    request = ServiceRequest.objects.create(
        client=client,
        service=service,
        offer=offer,
        data={**data, "origin": "application", "answers": typed, "from_registers": registered},
        prefilled=sorted(a.name for a in plan.fields if a.source) + sorted(plan.known),
        fields_typed=len(typed),
        steps=1,
        seconds=max(0.0, float(seconds)),
        decision_due=today + timedelta(days=plan.terms.decision_days),
        submitted_at=now,
    )
    for clean in files:
        document = RequestDocument(
            request=request, name=clean.name[:255], content_type=clean.content_type, size=len(clean.data)
        )
        document.file.save(clean.name, ContentFile(clean.data), save=False)
        document.save()
    if offer is not None:
        offer.closed_at = now
        status.transition(
            offer, workflow.OFFER, Offer.Status.ACCEPTED, actor=actor, update_fields=("closed_at",)
        )
    audit.record(
        actor or client,
        "delivery.request_submitted",
        request,
        origin="application",
        fields_typed=request.fields_typed,
        documents=len(files),
    )
    if corrected or stated:
        events.publish("delivery.client_facts_changed", client_id=client.pk)
    if outcome == "eligible" and plan.terms.decide_automatically:
        text = explanation
        if plan.terms.approval_text.strip():
            try:
                text = approval_text(plan.terms, profile_facts(profile, today), today)
            except (KeyError, RuleError):
                pass  # a fact the text names is unknown: the rule's own explanation is sent
        _decide_automatically(request, text)
        request.refresh_from_db()
    return request


PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
TERM = re.compile(r"^(P\.)?([a-z_][a-z0-9_]*)$|^(\d+(?:\.\d+)?)$")


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _term_value(term: str, facts: dict, parameters, on: date):
    match = TERM.match(term.strip())
    if match is None:
        raise KeyError(term)
    if match.group(3):
        return Decimal(match.group(3))
    name = match.group(2)
    if match.group(1):
        return Decimal(parameters.value(name, on))
    value = facts.get(name)
    if value is None:
        raise KeyError(term)
    return value


def _money(value) -> str:
    amount = Decimal(str(value)).quantize(Decimal("1"))
    return formats.number_format(amount, 0, force_grouping=True)


def approval_text(terms: ServiceTerms, facts: dict, on: date, parameters=None) -> str:
    """The service's approval text with its placeholders filled from the client's facts and the rules'
    parameters; a placeholder that cannot be filled (an unknown fact) raises KeyError."""
    parameters = parameters or rule_selectors.load_parameters()

    def fill(match) -> str:
        inside = match.group(1).strip()
        if inside == "start":
            return formats.date_format(_first_of_next_month(on), "j E Y")
        if inside == "due":
            return formats.date_format(on + timedelta(days=terms.decision_days), "j E Y")
        parts = [p.strip() for p in inside.split(" - ")]
        values = [_term_value(part, facts, parameters, on) for part in parts]
        if len(values) == 1:
            value = values[0]
            return _money(value) if isinstance(value, int | float | Decimal) else str(value)
        total = Decimal(str(values[0])) - sum(Decimal(str(v)) for v in values[1:])
        return _money(max(total, Decimal(0)))

    return PLACEHOLDER.sub(fill, terms.approval_text).strip()


def check_approval_text(text: str) -> str | None:
    """The first placeholder of `text` that names nothing known, or None."""
    from clientcentric.rules.facts.person import SCHEMA

    names = rule_selectors.parameter_names()
    for match in PLACEHOLDER.finditer(text):
        inside = match.group(1).strip()
        if inside in ("start", "due"):
            continue
        for part in inside.split(" - "):
            term = TERM.match(part.strip())
            if term is None or (term.group(1) and term.group(2) not in names):
                return inside
            if term.group(2) and not term.group(1) and term.group(2) not in SCHEMA:
                return inside
    return None


def _decide_automatically(request: ServiceRequest, explanation: str) -> None:
    """The rule decided: approve at once. A text past the agency's plain-Russian limits is not sent unchecked —
    the request then waits for an official, as any other."""
    try:
        with transaction.atomic():
            request_services.decide(request, approve=True, actor=None, explanation=explanation)
    except ValidationError:
        audit.record(None, "delivery.automatic_decision_deferred", request)


@transaction.atomic
def save_terms(terms: ServiceTerms, *, actor=None) -> ServiceTerms:
    """A methodologist sets how a service is delivered; a service without an application says what happens."""
    terms.what_happens = terms.what_happens.strip()
    if terms.mode == ServiceTerms.Mode.AUTOMATIC and not terms.what_happens:
        raise ValidationError({"what_happens": _("Say what the agency does by itself, and when.")})
    terms.approval_text = terms.approval_text.strip()
    unknown = check_approval_text(terms.approval_text)
    if unknown is not None:
        raise ValidationError(
            {"approval_text": _("The placeholder {%(name)s} names no fact or parameter.") % {"name": unknown}}
        )
    terms.full_clean()
    terms.save()
    audit.record(actor, "delivery.service_terms_saved", terms, mode=terms.mode)
    return terms
