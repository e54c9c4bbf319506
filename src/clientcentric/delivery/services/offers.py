"""Proactive offers (DEL-2, DEL-3) and the one-click request that accepts one (DEL-4)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.models import AuditEvent
from clientcentric.core.services import audit, status
from clientcentric.core.services.chains import notify_person
from clientcentric.rules import eligibility
from clientcentric.rules.facts.person import FactValueError, parse_fact, profile_facts, to_json

from .. import workflow
from ..models import (
    ClientProfile,
    Offer,
    ServiceRequest,
)
from ..selectors import rules as rule_selectors
from .consents import active_consents, consent_for, situations_by_service
from .profiles import profile_of

OFFER_REMIND_AFTER = timedelta(days=7)


def send_offer_reminders(now=None) -> int:
    """One reminder per open proactive offer, a week after it was made, grouped per client and consent like
    the first message (so revoking the consent cancels it too); returns how many offers were reminded of."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Offer.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                kind=Offer.Kind.OFFER,
                status=Offer.Status.OPEN,
                reminded_at__isnull=True,
                created_at__lte=now - OFFER_REMIND_AFTER,
                client__client_profile__deceased_on__isnull=True,
            )
            .select_related("service", "client", "consent")
            .order_by("client_id", "consent_id", "created_at")
        )
        if not due:
            return 0
        Offer.objects.filter(pk__in=[o.pk for o in due]).update(reminded_at=now)
        groups: dict = {}
        for offer in due:
            groups.setdefault((offer.client_id, offer.consent_id), []).append(offer)
        from django.conf import settings

        link = _("Open your personal cabinet: %(url)s") % {"url": f"{settings.CLIENTCENTRIC_SITE_URL}/me/"}
        for group in groups.values():
            lines = [f"— {offer.service.name}: {offer.explanation}" for offer in group]
            notify_person(
                group[0].client,
                _("Reminder: services are still waiting for you: %(count)s") % {"count": len(group)},
                "\n".join(lines) + f"\n\n{link}",
                about=group[0].consent,
            )
    return len(due)


def notify_offers(client, offers: list[Offer], *, email: str | None = None) -> None:
    """One message per consent (and one for information notices), not one per offer: a family's birth can
    open a dozen services at once. Revoking a consent cancels its unsent message."""
    from django.conf import settings

    groups: dict = {}
    for offer in offers:
        groups.setdefault(offer.consent_id, []).append(offer)
    link = _("Open your personal cabinet: %(url)s") % {"url": f"{settings.CLIENTCENTRIC_SITE_URL}/me/"}
    person = client
    if person is None and offers:
        # The population run knows the client's id and e-mail only: enough to find the channels they chose.
        from django.contrib.auth import get_user_model

        person = get_user_model()(pk=offers[0].client_id, email=email or "")
    for consent_id, group in groups.items():
        if consent_id is None:
            subject = _("Services you may need: %(count)s") % {"count": len(group)}
        else:
            subject = _("Services are ready for you: %(count)s") % {"count": len(group)}
        lines = [f"— {offer.service.name}: {offer.explanation}" for offer in group]
        about = group[0].consent if consent_id is not None else group[0].life_event or group[0]
        notify_person(
            person,
            subject,
            "\n".join(lines) + f"\n\n{link}",
            about=about,
        )


def make_offers(client, services, *, on: date, event=None, parameters=None, names=None) -> dict:
    """Check eligibility for each service and offer what fits — but only where a consent covers it.

    Without consent nothing is evaluated; where the law allows (the rule's flag) the client is only informed.
    """
    counts = {"offers": 0, "information": 0, "not_eligible": 0, "no_consent": 0}
    profile = profile_of(client)
    if profile.deceased_on is not None:
        return counts
    rules = rule_selectors.rules_in_force(on, services)
    if not rules:
        return counts
    consents = list(active_consents(client))
    situations = situations_by_service(rule.service_id for rule in rules)
    facts = profile_facts(profile, on)
    if parameters is None or names is None:
        parameters, names = rule_selectors.cached_parameters()
    busy = set(
        Offer.objects.filter(client=client, status=Offer.Status.OPEN).values_list("service_id", flat=True)
    )
    busy |= set(
        ServiceRequest.objects.filter(client=client)
        .exclude(status=ServiceRequest.Status.REFUSED)
        .values_list("service_id", flat=True)
    )
    offers = []
    for rule in rules:
        if rule.service_id in busy:
            continue
        busy.add(rule.service_id)
        consent = consent_for(rule.service_id, consents, situations)
        if consent is None:
            counts["no_consent"] += 1
            if rule.inform_without_consent:
                offers.append(
                    Offer(
                        client=client,
                        service=rule.service,
                        kind=Offer.Kind.INFORMATION,
                        rule=rule,
                        life_event=event,
                        explanation=_(
                            "You may be entitled to this service. Give consent and we will check it for you."
                        ),
                    )
                )
                counts["information"] += 1
            continue
        verdict = eligibility.evaluate(rule, facts, on, parameters, names)
        if verdict.outcome.value == "not_eligible":
            counts["not_eligible"] += 1
            continue
        offers.append(
            Offer(
                client=client,
                service=rule.service,
                kind=Offer.Kind.OFFER,
                rule=rule,
                consent=consent,
                life_event=event,
                outcome=verdict.outcome.value,
                missing=list(verdict.missing),
                explanation=eligibility.explain(rule, verdict),
            )
        )
        counts["offers"] += 1
    if offers:
        created = Offer.objects.bulk_create(offers)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    action="delivery.offer_made",
                    object_type="delivery.offer",
                    object_id=str(offer.pk),
                    summary=str(offer),
                    data={"kind": offer.kind, "outcome": offer.outcome, "service": offer.service.code},
                )
                for offer in created
            ]
        )
        notify_offers(client, created)
    return counts


# --- one-click request (DEL-4) -------------------------------------------------------------------------------


def prefill(profile: ClientProfile) -> dict:
    """What the request carries without the client typing anything: from the profile and the registries."""
    user = profile.user
    return {
        "full_name": user.full_name,
        "snils": profile.snils_display,
        "birth_date": to_json(profile.birth_date),
        "citizenship": profile.get_citizenship_display(),
        "household": [
            {"name": m.name, "relation": m.get_relation_display(), "birth_date": to_json(m.birth_date)}
            for m in profile.household.all()
        ],
        "email": user.email,
    }


@transaction.atomic
def accept_offer(offer: Offer, answers: dict, *, seconds: float = 0.0, actor=None) -> ServiceRequest:
    """The one-click request: prefilled from the profile; only the facts the rule lacked are asked for."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("service", "rule").get(pk=offer.pk)
    if offer.kind != Offer.Kind.OFFER or offer.status != Offer.Status.OPEN:
        raise ValidationError(_("This offer is no longer open."))
    errors, stated = {}, {}
    for name in offer.missing:
        raw = (answers.get(name) or "").strip() if isinstance(answers.get(name), str) else answers.get(name)
        if raw in (None, ""):
            errors[name] = _("Please answer this question.")
            continue
        try:
            value = parse_fact(name, raw)
        except FactValueError:
            errors[name] = _("This answer is not understood; enter a number, a date or yes/no as asked.")
            continue
        stated[name] = to_json(value)
    if errors:
        raise ValidationError(errors)
    profile = profile_of(offer.client)
    if stated:
        profile.stated_facts = {**profile.stated_facts, **stated}
        profile.save(update_fields=["stated_facts", "updated_at"])
    today = timezone.localdate()
    data = prefill(profile)
    if offer.rule_id:
        facts = profile_facts(profile, today)
        verdict = eligibility.evaluate(
            offer.rule, facts, today, rule_selectors.load_parameters(), rule_selectors.parameter_names()
        )
        data["eligibility"] = {
            "outcome": verdict.outcome.value,
            "facts": {
                k: to_json(facts.get(k))
                for k in sorted(
                    eligibility.compiled(offer.rule.text, rule_selectors.parameter_names()).facts_used
                )
            },
        }
    request = ServiceRequest.objects.create(
        client=offer.client,
        service=offer.service,
        offer=offer,
        data={**data, "answers": stated},
        prefilled=sorted(k for k, v in data.items() if v not in (None, "", [])),
        fields_typed=len(stated),
        steps=1 + (1 if offer.missing else 0),
        seconds=max(0.0, float(seconds)),
        submitted_at=timezone.now(),
    )
    offer.closed_at = request.submitted_at
    status.transition(offer, workflow.OFFER, Offer.Status.ACCEPTED, actor=actor, update_fields=("closed_at",))
    audit.record(actor or offer.client, "delivery.request_submitted", request, fields_typed=len(stated))
    return request
