"""Every write of proactive delivery: profiles, consents, offers, requests and decisions (audit in each)."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.services import audit
from clientcentric.core.models import AuditEvent, Notification
from clientcentric.core.services.notifications import notify_email
from clientcentric.registry.models import LifeSituation, Need, Service

from . import eligibility
from .facts import SCHEMA, FactValueError, parse_fact, profile_facts, to_json
from .models import (
    ClientLifeSituation,
    ClientProfile,
    Consent,
    ConsentText,
    EligibilityRule,
    HouseholdMember,
    Offer,
    RefusalReason,
    ServiceRequest,
    UnmetNeedEvidence,
)
from .validators import normalise_snils

# --- profile -----------------------------------------------------------------------------------------------


def profile_of(user) -> ClientProfile:
    profile, _created = ClientProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def save_profile(profile: ClientProfile, *, actor=None, touchpoints=None) -> ClientProfile:
    profile.snils = normalise_snils(profile.snils) or None
    profile.full_clean()
    profile.save()
    if touchpoints is not None:
        profile.preferred_touchpoints.set(touchpoints)
    audit.record(actor, "delivery.profile_saved", profile)
    return profile


@transaction.atomic
def save_household_member(member: HouseholdMember, *, actor=None) -> HouseholdMember:
    member.full_clean()
    member.save()
    audit.record(actor, "delivery.household_member_saved", member.profile, member=member.name)
    return member


@transaction.atomic
def remove_household_member(member: HouseholdMember, *, actor=None) -> None:
    audit.record(actor, "delivery.household_member_removed", member.profile, member=member.name)
    member.delete()


@transaction.atomic
def open_life_situation(client, situation: LifeSituation, *, event=None, actor=None) -> ClientLifeSituation:
    opened, created = ClientLifeSituation.objects.get_or_create(
        client=client, life_situation=situation, defaults={"opened_at": timezone.now(), "event": event}
    )
    if not created and opened.closed_at is not None:
        opened.closed_at, opened.event = None, event
        opened.save(update_fields=["closed_at", "event"])
    if created:
        audit.record(actor, "delivery.life_situation_opened", opened, situation=situation.code)
    return opened


# --- consents (DEL-1) --------------------------------------------------------------------------------------


def current_consent_text(on: date | None = None) -> ConsentText:
    text = ConsentText.objects.filter(valid_from__lte=on or timezone.localdate()).order_by("-version").first()
    if text is None:
        raise ValidationError(_("No consent text is published yet."))
    return text


@transaction.atomic
def give_consent(client, *, life_situation=None, service=None, actor=None) -> Consent:
    if (life_situation is None) == (service is None):
        raise ValidationError(_("A consent covers either a life situation or a single service."))
    existing = active_consents(client).filter(life_situation=life_situation, service=service).first()
    if existing is not None:
        return existing
    consent = Consent.objects.create(
        client=client,
        life_situation=life_situation,
        service=service,
        text=current_consent_text(),
        given_at=timezone.now(),
    )
    audit.record(actor or client, "delivery.consent_given", consent, scope=str(consent.scope))
    return consent


def active_consents(client):
    return Consent.objects.filter(client=client, revoked_at__isnull=True)


def covering_consent(client, service: Service, consents=None) -> Consent | None:
    """An active consent that covers `service`: to the service itself or to a life situation it serves."""
    consents = list(active_consents(client).select_related("text")) if consents is None else consents
    situation_ids = None
    for consent in consents:
        if consent.service_id == service.pk:
            return consent
    for consent in consents:
        if consent.life_situation_id is not None:
            if situation_ids is None:
                situation_ids = set(
                    LifeSituation.objects.filter(needs__services=service).values_list("pk", flat=True)
                )
            if consent.life_situation_id in situation_ids:
                return consent
    return None


@transaction.atomic
def revoke_consent(consent: Consent, *, actor=None) -> int:
    """Revoke at once: every open offer in its scope is withdrawn and its unsent notices are cancelled.

    Returns how many offers were stopped. An offer still covered by another active consent is kept.
    """
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is not None:
        return 0
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    remaining = list(active_consents(consent.client))
    if consent.service_id:
        in_scope = Q(service_id=consent.service_id)
    else:
        in_scope = Q(service__needs__life_situations=consent.life_situation_id)
    in_scope_ids = (
        Offer.objects.filter(client=consent.client, kind=Offer.Kind.OFFER, status=Offer.Status.OPEN)
        .filter(Q(consent=consent) | in_scope)
        .values_list("pk", flat=True)
        .distinct()
    )
    pending = Offer.objects.select_for_update(of=("self",)).filter(pk__in=list(in_scope_ids))
    stopped = []
    for offer in pending.select_related("service"):
        other = covering_consent(consent.client, offer.service, remaining)
        if other is not None:
            offer.consent = other
            offer.save(update_fields=["consent"])
            continue
        offer.status, offer.closed_at = Offer.Status.WITHDRAWN, consent.revoked_at
        offer.save(update_fields=["status", "closed_at"])
        stopped.append(offer.pk)
    Notification.objects.filter(
        Q(object_type="delivery.offer", object_id__in=[str(pk) for pk in stopped])
        | Q(object_type="delivery.consent", object_id=str(consent.pk)),
        state=Notification.State.PENDING,
    ).update(state=Notification.State.FAILED, last_error="consent revoked")
    audit.record(actor or consent.client, "delivery.consent_revoked", consent, offers_stopped=len(stopped))
    return len(stopped)


def consent_receipt(consent: Consent, site_url: str, controller: str) -> dict:
    """The consent as a receipt with the Kantara Consent Receipt v1.1 fields."""
    client = consent.client
    profile = ClientProfile.objects.filter(user=client).first()
    if consent.service_id:
        services = [consent.service]
    else:
        services = list(Service.objects.filter(needs__life_situations=consent.life_situation).distinct())
    return {
        "version": "KI-CR-v1.1.0",
        "jurisdiction": "RU",
        "consentTimestamp": int(consent.given_at.timestamp()),
        "collectionMethod": _("web portal, personal cabinet"),
        "consentReceiptID": str(consent.receipt_id),
        "publicKey": "",
        "language": "ru",
        "piiPrincipalId": (profile.snils if profile and profile.snils else client.username),
        "piiControllers": [
            {
                "piiController": controller,
                "contact": "",
                "address": "",
                "email": "",
                "phone": "",
                "piiControllerUrl": site_url,
            }
        ],
        "policyUrl": f"{site_url}/me/consents/",
        "services": [
            {
                "service": service.name,
                "purposes": [
                    {
                        "purpose": _("Check eligibility and offer the service before the client applies"),
                        "purposeCategory": ["proactive public service"],
                        "consentType": "EXPLICIT",
                        "piiCategory": ["identity", "household", "income"],
                        "primaryPurpose": True,
                        "termination": _("until revoked by the client"),
                        "thirdPartyDisclosure": False,
                    }
                ],
            }
            for service in services
        ],
        "sensitive": False,
        "spiCat": [],
        "consentText": {"version": consent.text.version, "text": consent.text.text},
        "scope": {
            "lifeSituation": consent.life_situation.code if consent.life_situation_id else None,
            "service": consent.service.code if consent.service_id else None,
        },
        "revokedTimestamp": int(consent.revoked_at.timestamp()) if consent.revoked_at else None,
    }


def consent_receipt_pdf(consent: Consent, site_url: str, controller: str) -> bytes:
    """The same receipt as a printable PDF in Russian, with the JSON receipt attached inside the file, so the
    paper copy and the machine-readable one are one document."""
    import json

    import weasyprint
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("ru"):
        receipt = consent_receipt(consent, site_url, controller)
        html = render_to_string(
            "delivery/consent_receipt_pdf.html",
            {
                "consent": consent,
                "receipt": receipt,
                "controller": receipt["piiControllers"][0],
            },
        )
    attachment = weasyprint.Attachment(
        string=json.dumps(receipt, ensure_ascii=False, indent=2),
        name=f"consent-{consent.receipt_id}.json",
        description="Kantara Consent Receipt v1.1",
    )
    return weasyprint.HTML(string=html, base_url=site_url).write_pdf(attachments=[attachment])


# --- offers (DEL-2, DEL-3) -----------------------------------------------------------------------------------


def situations_by_service(service_ids) -> dict[int, set[int]]:
    """Which life situations each service serves (through the registry's needs), in one query."""
    mapping: dict[int, set[int]] = {}
    rows = Need.services.through.objects.filter(service_id__in=list(service_ids)).values_list(
        "service_id", "need__life_situations"
    )
    for service_id, situation_id in rows:
        if situation_id is not None:
            mapping.setdefault(service_id, set()).add(situation_id)
    return mapping


def consent_for(service_id: int, consents, situations: dict[int, set[int]]) -> Consent | None:
    for consent in consents:
        if consent.service_id == service_id:
            return consent
    served = situations.get(service_id, ())
    for consent in consents:
        if consent.life_situation_id in served:
            return consent
    return None


# An offer still open this long after it was made gets one reminder (the client may have missed the first message).
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
            notify_email(
                group[0].client.email,
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
    for consent_id, group in groups.items():
        if consent_id is None:
            subject = _("Services you may need: %(count)s") % {"count": len(group)}
        else:
            subject = _("Services are ready for you: %(count)s") % {"count": len(group)}
        lines = [f"— {offer.service.name}: {offer.explanation}" for offer in group]
        about = group[0].consent if consent_id is not None else group[0].life_event or group[0]
        notify_email(
            email if email is not None else client.email,
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
    rules = eligibility.rules_in_force(on, services)
    if not rules:
        return counts
    consents = list(active_consents(client))
    situations = situations_by_service(rule.service_id for rule in rules)
    facts = profile_facts(profile, on)
    if parameters is None or names is None:
        parameters, names = eligibility.cached_parameters()
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
        verdict = eligibility.evaluate(offer.rule, facts, today, eligibility.load_parameters())
        data["eligibility"] = {
            "outcome": verdict.outcome.value,
            "facts": {
                k: to_json(facts.get(k))
                for k in sorted(
                    eligibility.compiled(offer.rule.text, eligibility.parameter_names()).facts_used
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
    offer.status, offer.closed_at = Offer.Status.ACCEPTED, request.submitted_at
    offer.save(update_fields=["status", "closed_at"])
    audit.record(actor or offer.client, "delivery.request_submitted", request, fields_typed=len(stated))
    return request


@transaction.atomic
def decide(
    request: ServiceRequest,
    *,
    approve: bool,
    actor,
    reason: RefusalReason | None = None,
    explanation: str = "",
    next_steps: str = "",
    override_reason: str = "",
) -> ServiceRequest:
    """Approve, or refuse with a catalogue reason; the text the client gets passes the plain-Russian check
    under the agency's limits, as an operator's answer to an appeal does — past a limit it needs a reason."""
    request = (
        ServiceRequest.objects.select_for_update().select_related("service", "client").get(pk=request.pk)
    )
    if request.status != ServiceRequest.Status.SUBMITTED:
        raise ValidationError(_("This request is already decided."))
    if approve:
        request.status = ServiceRequest.Status.APPROVED
        request.explanation = explanation.strip()
    else:
        if reason is None:
            raise ValidationError({"reason": _("Choose the reason for the refusal from the catalogue.")})
        request.status = ServiceRequest.Status.REFUSED
        request.refusal_reason = reason
        request.explanation = explanation.strip() or reason.explanation
        request.next_steps = next_steps.strip() or reason.next_steps
        if reason.need_cannot_be_met:
            for need in Need.objects.filter(services=request.service):
                UnmetNeedEvidence.objects.create(need=need, request=request, reason=reason)
    sent = "\n\n".join(text for text in (request.explanation, request.next_steps) if text)
    over = False
    if sent.strip():
        from clientcentric.appeals import plain_russian

        override_reason = override_reason.strip()
        result = plain_russian.require_plain(sent, request.service.agency, override_reason)
        over = plain_russian.is_over_limit(result)
        request.reading_ease = round(result.flesch_reading_ease, 2)
        request.reading_grade = round(result.fk_grade, 2)
        request.plain_override_reason = override_reason if over else ""
    request.decided_at, request.decided_by = timezone.now(), actor
    request.save()
    if over:
        audit.record(
            actor,
            "delivery.plain_check_overridden",
            request,
            reading_ease=request.reading_ease,
            reading_grade=request.reading_grade,
            reason=request.plain_override_reason,
        )
    audit.record(
        actor,
        "delivery.request_decided",
        request,
        status=request.status,
        reason=reason.code if reason else "",
    )
    if request.status == ServiceRequest.Status.APPROVED:
        subject = _("Approved: %(service)s") % {"service": request.service.name}
        body = request.explanation or _("Your request is approved.")
    else:
        subject = _("Refused: %(service)s") % {"service": request.service.name}
        body = f"{request.explanation}\n\n{_('What you can do next:')} {request.next_steps}"
    notify_email(request.client.email, subject, body, about=request)
    return request


def note_staff_read(actor, request: ServiceRequest) -> None:
    """A member of staff opened a client's personal data (DESIGN.md §6: every such read is audited)."""
    audit.record(actor, "delivery.request_read", request, client=request.client_id)


def unmet_counts() -> dict[str, int]:
    from django.db.models import Count

    return dict(UnmetNeedEvidence.objects.values_list("need__code").annotate(n=Count("id")))


def stated_fact_names() -> list[str]:
    return sorted(SCHEMA)


def as_decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@transaction.atomic
def save_rule(rule: EligibilityRule, *, actor=None) -> EligibilityRule:
    """Checked on save: the text compiles against the declared facts and parameters, or nothing is stored."""
    if rule.pk is not None and EligibilityRule.objects.filter(pk=rule.pk, status="published").exists():
        raise ValidationError(_("A published rule is never edited; add a new version instead."))
    eligibility.check_text(rule.text)
    rule.full_clean()
    rule.save()
    audit.record(actor, "delivery.rule_saved", rule)
    return rule


@transaction.atomic
def publish_rule(rule: EligibilityRule, *, actor=None) -> EligibilityRule:
    if not rule.examples:
        raise ValidationError(_("Add at least one example before publishing."))
    problems = eligibility.check_examples(rule.text, rule.examples)
    if problems:
        raise ValidationError(problems)
    rule.status, rule.published_at = EligibilityRule.Status.PUBLISHED, timezone.now()
    rule.save(update_fields=["status", "published_at"])
    # An older version of the same rule stops where the new one starts.
    EligibilityRule.objects.filter(rule_id=rule.rule_id, status="published", version__lt=rule.version).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=rule.valid_from)
    ).exclude(valid_from__gte=rule.valid_from).update(valid_to=rule.valid_from)
    audit.record(actor, "delivery.rule_published", rule)
    return rule
