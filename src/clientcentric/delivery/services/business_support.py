"""Support measures for business (BIZ-7, repeating DEL-1 for businesses): the business's consent given by its
representative, eligibility over the business facts (rules/facts/business.py), proactive offers on the
representatives' channels, accepted as a request or declined.

The same machinery as for persons: rules are `EligibilityRule` rows about a business, the consent text is the
published `ConsentText`, an accepted offer is a `ServiceRequest`, messages go through the notification chains."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from clientcentric.accounts import selectors as representation
from clientcentric.business.models import BusinessProfile, ControlObject, SizeCategory
from clientcentric.core.models import AuditEvent, Notification
from clientcentric.core.services import audit, status
from clientcentric.core.services.chains import notify_person
from clientcentric.engines.rules import Outcome
from clientcentric.rules import business as business_rules
from clientcentric.rules.facts import business as business_facts
from clientcentric.rules.facts.person import to_json

from .. import workflow
from ..models import BusinessConsent, BusinessOffer, ServiceRequest, ServiceTerms
from ..selectors.rules import business_rules_in_force
from .consents import current_consent_text, receipt_html, receipt_pdf, withdraw_uncovered

SUPPORT_PAGE = "/business/support/"


def representation_for(person, business, on: date | None = None):
    """The person's representation of the business in force on `on` (today), or None."""
    return representation.in_force(person, on).filter(business=business).order_by("valid_from", "pk").first()


def _require_representative(person, business):
    rep = representation_for(person, business)
    if rep is None:
        raise ValidationError(
            _("Only a representative of «%(business)s» in force today can do this for it.")
            % {"business": business.name},
            code="not_a_representative",
        )
    return rep


def active_consents(business):
    return BusinessConsent.objects.filter(business=business, revoked_at__isnull=True)


def _covering(consents, service_id: int):
    """The consent that covers a measure: to this measure itself first, else to every measure."""
    for consent in consents:
        if consent.service_id == service_id:
            return consent
    return next((c for c in consents if c.service_id is None), None)


@transaction.atomic
def give_consent(business, *, person, service=None, on: date | None = None) -> BusinessConsent:
    """The business's consent given by `person`, who must represent it today; then the measures are checked."""
    rep = _require_representative(person, business)
    if service is not None and service.kind != "support_measure":
        raise ValidationError({"service": _("This is not a support measure.")})
    existing = active_consents(business).filter(service=service).first()
    if existing is not None:
        return existing
    consent = BusinessConsent.objects.create(
        business=business,
        service=service,
        given_by=person,
        representation=rep,
        text=current_consent_text(),
        given_at=timezone.now(),
    )
    audit.record(
        person,
        "delivery.business_consent_given",
        consent,
        business=business.pk,
        scope=service.code if service else "all",
    )
    make_offers(business, on=on or timezone.localdate())
    return consent


@transaction.atomic
def revoke_consent(consent: BusinessConsent, *, person) -> int:
    """Revoke at once (any representative in force may): open offers it covered are withdrawn and their unsent
    messages cancelled, unless another active consent covers them. Returns how many offers were stopped."""
    consent = BusinessConsent.objects.select_for_update().select_related("business").get(pk=consent.pk)
    _require_representative(person, consent.business)
    if consent.revoked_at is not None:
        return 0
    consent.revoked_at, consent.revoked_by = timezone.now(), person
    consent.save(update_fields=["revoked_at", "revoked_by"])
    remaining = list(active_consents(consent.business))
    stopped = withdraw_uncovered(
        BusinessOffer.objects.select_for_update().filter(consent=consent, status=BusinessOffer.Status.OPEN),
        cover=lambda offer: _covering(remaining, offer.service_id),
        flow=workflow.BUSINESS_OFFER,
        withdrawn=BusinessOffer.Status.WITHDRAWN,
        closed_at=consent.revoked_at,
        actor=person,
    )
    Notification.objects.filter(
        object_type="delivery.businessoffer",
        object_id__in=[str(pk) for pk in stopped],
        state__in=[Notification.State.PENDING, Notification.State.STANDBY],
    ).update(state=Notification.State.FAILED, last_error="consent revoked")
    audit.record(person, "delivery.business_consent_revoked", consent, offers_stopped=len(stopped))
    return len(stopped)


def consent_receipt(consent: BusinessConsent, site_url: str, controller: str) -> dict:
    """The business's consent as a receipt (the Kantara Consent Receipt v1.1 fields, like a person's), naming the
    business as the principal and the representative who gave it."""
    rep = consent.representation
    services = (
        [consent.service]
        if consent.service_id
        else [rule.service for rule in business_rules_in_force(consent.given_at.date())]
    )
    return {
        "version": "KI-CR-v1.1.0",
        "jurisdiction": "RU",
        "consentTimestamp": int(consent.given_at.timestamp()),
        "collectionMethod": _("web portal, business cabinet"),
        "consentReceiptID": str(consent.receipt_id),
        "publicKey": "",
        "language": "ru",
        "piiPrincipalId": consent.business.inn,
        "piiPrincipalName": consent.business.name,
        "givenBy": {
            "name": consent.given_by.full_name,
            "basis": rep.basis,
            "validFrom": rep.valid_from.isoformat(),
        },
        "piiControllers": [{"piiController": controller, "piiControllerUrl": site_url}],
        "policyUrl": f"{site_url}{SUPPORT_PAGE}",
        "services": [
            {
                "service": service.name,
                "purposes": [
                    {
                        "purpose": _("Proactive offer of a support measure for business"),
                        "purposeCategory": ["support measures"],
                        "consentType": "EXPLICIT",
                        "piiCategory": ["business register data", "objects"],
                        "primaryPurpose": True,
                        "termination": _("until revoked by a representative of the business"),
                        "thirdPartyDisclosure": False,
                    }
                ],
            }
            for service in services
        ],
        "consentText": {"version": consent.text.version, "text": consent.text.text},
        "revokedAt": consent.revoked_at.isoformat() if consent.revoked_at else None,
    }


# The business data a support-measure consent covers: Kantara codes in the JSON receipt, Russian on the printed one.
PII_CATEGORY_LABELS = {
    "business register data": _lazy(
        "business register data (OGRN, INN, OKVED, size, region, registration date)"
    ),
    "objects": _lazy("the business's objects (premises, equipment)"),
}


def _russian_receipt(consent: BusinessConsent, site_url: str, controller: str) -> dict:
    with translation.override("ru"):
        return consent_receipt(consent, site_url, controller)


def consent_receipt_html(consent: BusinessConsent, site_url: str, controller: str) -> str:
    """The printable receipt of the business's consent: the person's receipt template, the business as principal."""
    receipt = _russian_receipt(consent, site_url, controller)
    with translation.override("ru"):
        rep = consent.representation
        return receipt_html(
            receipt,
            consent=consent,
            principal_label=_("Business that consents"),
            principal=f"{consent.business.name}, {_('INN')} {consent.business.inn}",
            given_by=_("%(name)s, on the basis of: %(basis)s (from %(date)s)")
            % {
                "name": consent.given_by.full_name,
                "basis": rep.basis,
                "date": rep.valid_from.strftime("%d.%m.%Y"),
            },
            scope=consent.service.name if consent.service_id else _("every support measure for business"),
            pii_labels=list(PII_CATEGORY_LABELS.values()),
        )


def consent_receipt_pdf(consent: BusinessConsent, site_url: str, controller: str) -> bytes:
    """The receipt of the business's consent as a PDF in Russian, its JSON receipt inside."""
    receipt = _russian_receipt(consent, site_url, controller)
    return receipt_pdf(receipt, consent_receipt_html(consent, site_url, controller), site_url)


# --- eligibility over the business facts --------------------------------------------------------------------


def facts_of(profile: BusinessProfile) -> dict:
    return business_facts.derive(profile, list(profile.control_objects.all()))


def _value_words(name: str, value, on: date) -> str:
    if name == "premises_purposes":
        labels = dict(ControlObject.Purpose.choices)
        return ", ".join(sorted(str(labels.get(v, v)) for v in value)) or _("none")
    if isinstance(value, frozenset | set | list | tuple):
        return ", ".join(sorted(str(v) for v in value)) or _("none")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if name == "size":
        return str(dict(SizeCategory.choices).get(value, value))
    if isinstance(value, date):
        years = on.year - value.year - ((on.month, on.day) < (value.month, value.day))
        return _("%(date)s (%(years)s full years ago)") % {"date": value.strftime("%d.%m.%Y"), "years": years}
    return str(value)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def reasons_in_words(text: str, facts: dict, on: date) -> list[str]:
    """The facts the rule read, as «label: value» lines a business owner can check (never rule syntax)."""
    used = business_rules.compiled(text.strip()).facts_used
    return [
        f"{_capitalised(business_facts.label(name))}: {_value_words(name, facts[name], on)}"
        for name in sorted(used)
        if facts.get(name) is not None
    ]


def explain(rule, outcome: Outcome, missing) -> str:
    if outcome == Outcome.UNKNOWN:
        asked = "; ".join(business_facts.label(name) for name in missing)
        return _("The measure may suit you. To decide we need one more fact: %(facts)s.") % {"facts": asked}
    return rule.explain_yes or _("Your business fits the conditions of this measure.")


def evaluate(rule, facts: dict, on: date):
    return business_rules.evaluate(rule.text, facts, on)


def _busy_services(business) -> set[int]:
    """Measures already offered (open, accepted or declined): a business is not asked twice."""
    return set(
        BusinessOffer.objects.filter(business=business)
        .exclude(status=BusinessOffer.Status.WITHDRAWN)
        .values_list("service_id", flat=True)
    )


def make_offers(business, *, on: date, rules=None) -> dict:
    """Check every support measure in force for the business — only within its consent — and offer what fits
    (or may fit: then the offer says which fact is missing). Returns counts."""
    counts = {"offers": 0, "unknown": 0, "not_eligible": 0, "no_consent": 0}
    profile = BusinessProfile.objects.filter(business=business).first()
    if profile is None:
        return counts
    rules = business_rules_in_force(on) if rules is None else rules
    consents = list(active_consents(business))
    busy = _busy_services(business)
    facts = None
    offers = []
    for rule in rules:
        if rule.service_id in busy:
            continue
        consent = _covering(consents, rule.service_id)
        if consent is None:
            counts["no_consent"] += 1
            continue
        if facts is None:
            facts = facts_of(profile)
        result = evaluate(rule, facts, on)
        if result is None or result.outcome == Outcome.NOT_ELIGIBLE:
            counts["not_eligible"] += 1
            continue
        busy.add(rule.service_id)
        offers.append(
            BusinessOffer(
                business=business,
                service=rule.service,
                rule=rule,
                consent=consent,
                outcome=result.outcome.value,
                missing=sorted(result.missing),
                explanation=explain(rule, result.outcome, result.missing),
                reasons=reasons_in_words(rule.text, facts, on),
            )
        )
        counts["offers"] += 1
        counts["unknown"] += result.outcome == Outcome.UNKNOWN
    if offers:
        created = BusinessOffer.objects.bulk_create(offers)
        for offer in created:
            status.record_creation(offer, workflow.BUSINESS_OFFER, note="eligibility")
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    action="delivery.business_offer_made",
                    object_type="delivery.businessoffer",
                    object_id=str(offer.pk),
                    summary=str(offer),
                    data={"outcome": offer.outcome, "service": offer.service.code},
                )
                for offer in created
            ]
        )
        notify_representatives(business, created, on=on)
    return counts


def recheck_waiting_offers(business, *, on: date) -> dict:
    """The business's open offers that wait for a fact, evaluated again on its current facts (after it completed
    its profile or objects): one that now fits becomes a real offer; one that does not is closed with the reason;
    the representatives hear of either. Then any measure the new facts open is offered. Returns counts."""
    counts = {"confirmed": 0, "closed": 0, "still_waiting": 0}
    profile = BusinessProfile.objects.filter(business=business).first()
    if profile is None:
        return counts
    waiting = list(
        BusinessOffer.objects.select_for_update(of=("self",))
        .select_related("rule", "service")
        .filter(business=business, status=BusinessOffer.Status.OPEN, outcome=Outcome.UNKNOWN.value)
    )
    facts = facts_of(profile) if waiting else None
    confirmed, closed = [], []
    for offer in waiting:
        result = evaluate(offer.rule, facts, on)
        if result is None or result.outcome == Outcome.NOT_ELIGIBLE:
            offer.closed_at = timezone.now()
            offer.explanation = _("By the data of the business this measure does not fit: %(reason)s") % {
                "reason": offer.rule.explain_no or _("the conditions are not met.")
            }
            offer.reasons = reasons_in_words(offer.rule.text, facts, on)
            status.transition(
                offer,
                workflow.BUSINESS_OFFER,
                BusinessOffer.Status.WITHDRAWN,
                note="rechecked: not eligible",
                update_fields=("closed_at", "explanation", "reasons"),
                audit_action="delivery.business_offer_closed",
                service=offer.service.code,
            )
            closed.append(offer)
            continue
        missing = sorted(result.missing)
        if result.outcome == Outcome.UNKNOWN and missing == sorted(offer.missing):
            counts["still_waiting"] += 1
            continue
        offer.outcome, offer.missing = result.outcome.value, missing
        offer.explanation = explain(offer.rule, result.outcome, result.missing)
        offer.reasons = reasons_in_words(offer.rule.text, facts, on)
        offer.save(update_fields=["outcome", "missing", "explanation", "reasons"])
        if result.outcome == Outcome.ELIGIBLE:
            audit.record(None, "delivery.business_offer_confirmed", offer, service=offer.service.code)
            confirmed.append(offer)
        else:
            counts["still_waiting"] += 1
    counts["confirmed"], counts["closed"] = len(confirmed), len(closed)
    if confirmed:
        notify_representatives(business, confirmed, on=on)
    if closed:
        _notify_closed(business, closed, on=on)
    return counts


@transaction.atomic
def reevaluate_business(business_id: int, on: date | None = None) -> dict:
    """After the business's facts changed (its profile or objects saved): the waiting offers are checked again
    and new measures offered, all within its consent (delivery.subscribers, on commit)."""
    from clientcentric.accounts.models import BusinessClient

    business = BusinessClient.objects.filter(pk=business_id).first()
    if business is None or not active_consents(business).exists():
        return {}
    on = on or timezone.localdate()
    counts = recheck_waiting_offers(business, on=on)
    counts.update(make_offers(business, on=on))
    return counts


def _notify_closed(business, offers: list[BusinessOffer], *, on: date) -> None:
    people = [rep.person for rep in representation.representatives_of(business, on)]
    for offer in offers:
        for person in people:
            notify_person(
                person,
                _("A support measure does not fit your business: %(measure)s")
                % {"measure": offer.service.name},
                "\n".join([offer.explanation, *[f"— {reason}" for reason in offer.reasons]]),
                event="delivery.business_offer",
                about=offer,
            )


def notify_representatives(business, offers: list[BusinessOffer], *, on: date) -> None:
    """One message per offer to every representative in force, on their own channels in their order."""
    link = _("Open the support measures of your business: %(url)s") % {
        "url": f"{settings.CLIENTCENTRIC_SITE_URL}{SUPPORT_PAGE}"
    }
    people = [rep.person for rep in representation.representatives_of(business, on)]
    for offer in offers:
        lines = [offer.explanation, *[f"— {reason}" for reason in offer.reasons]]
        for person in people:
            notify_person(
                person,
                _("A support measure may suit you: %(measure)s") % {"measure": offer.service.name},
                "\n".join(lines) + f"\n\n{link}",
                event="delivery.business_offer",
                about=offer,
            )


def _json(value):
    if isinstance(value, frozenset | set):
        return sorted(value)
    return to_json(value)


# --- the representative answers ----------------------------------------------------------------------------


def _open_offer(offer: BusinessOffer, person) -> BusinessOffer:
    offer = (
        BusinessOffer.objects.select_for_update(of=("self",))
        .select_related("service", "rule", "business")
        .get(pk=offer.pk)
    )
    _require_representative(person, offer.business)
    if offer.status != BusinessOffer.Status.OPEN:
        raise ValidationError(_("This offer is no longer open."))
    return offer


@transaction.atomic
def decline_offer(offer: BusinessOffer, *, person) -> BusinessOffer:
    offer = _open_offer(offer, person)
    offer.closed_at, offer.closed_by = timezone.now(), person
    return status.transition(
        offer,
        workflow.BUSINESS_OFFER,
        BusinessOffer.Status.DECLINED,
        actor=person,
        update_fields=("closed_at", "closed_by"),
        audit_action="delivery.business_offer_declined",
    )


@transaction.atomic
def accept_offer(offer: BusinessOffer, *, person) -> ServiceRequest:
    """The one-click request of the business, prefilled from its profile; the eligibility is checked again on
    today's facts: a measure that no longer fits is refused with the reason, a missing fact goes to an official."""
    offer = _open_offer(offer, person)
    today = timezone.localdate()
    profile = BusinessProfile.objects.get(business=offer.business)
    facts = facts_of(profile)
    result = evaluate(offer.rule, facts, today)
    if result is not None and result.outcome == Outcome.NOT_ELIGIBLE:
        raise ValidationError(
            _("By the business's current data this measure no longer fits: %(reason)s")
            % {"reason": offer.rule.explain_no or _("the conditions are not met.")}
        )
    business = offer.business
    data = {
        "business": business.name,
        "inn": business.inn,
        "ogrn": profile.ogrn,
        "okved": list(profile.okved or ()),
        "size": profile.size,
        "region": profile.region,
        "registered_on": to_json(profile.registered_on),
        "representative": person.full_name,
    }
    prefilled = sorted(k for k, v in data.items() if v not in (None, "", []))
    data["eligibility"] = {
        "outcome": result.outcome.value if result else Outcome.ELIGIBLE.value,
        "missing": sorted(result.missing) if result else [],
        "facts": {
            k: _json(facts.get(k)) for k in sorted(business_rules.compiled(offer.rule.text).facts_used)
        },
    }
    terms = ServiceTerms.objects.filter(service=offer.service).first()
    request = ServiceRequest.objects.create(
        client=person,
        service=offer.service,
        data=data,
        prefilled=prefilled,
        fields_typed=0,
        steps=1,
        decision_due=today + timedelta(days=terms.decision_days if terms else 10),
        submitted_at=timezone.now(),
    )
    status.record_creation(request, workflow.SERVICE_REQUEST, actor=person, note="support measure offer")
    offer.request, offer.closed_at, offer.closed_by = request, request.submitted_at, person
    status.transition(
        offer,
        workflow.BUSINESS_OFFER,
        BusinessOffer.Status.ACCEPTED,
        actor=person,
        update_fields=("request", "closed_at", "closed_by"),
    )
    audit.record(person, "delivery.business_request_submitted", request, business=business.pk)
    return request


# --- the rules of support measures (back office, demo) -----------------------------------------------------


@transaction.atomic
def publish_rule(
    rule_id: str,
    service,
    text: str,
    *,
    valid_from: date,
    legal_reference: str = "",
    explain_yes: str = "",
    explain_no: str = "",
    examples=(),
    actor=None,
):
    """Publish a rule about a business (checked over the business facts, errors in Russian with the place); an
    unchanged text keeps the version in force, a changed one becomes the next version and retires the old."""
    from ..models import EligibilityRule
    from ..selectors.rules import latest_version

    business_rules.check(text, "text")
    if service.kind != "support_measure":
        raise ValidationError({"service": _("This is not a support measure.")})
    latest = latest_version(rule_id)
    if latest is not None and latest.subject != EligibilityRule.Subject.BUSINESS:
        raise ValidationError({"rule_id": _("This rule id belongs to a rule about a person.")})
    fields = {
        "service": service,
        "text": text.strip(),
        "valid_from": valid_from,
        "legal_reference": legal_reference[:300],
        "explain_yes": explain_yes,
        "explain_no": explain_no,
        "examples": list(examples),
    }
    if (
        latest is not None
        and latest.status == "published"
        and all(getattr(latest, k) == v for k, v in fields.items())
    ):
        return latest
    rule = EligibilityRule.objects.create(
        rule_id=rule_id,
        subject=EligibilityRule.Subject.BUSINESS,
        version=(latest.version + 1) if latest else 1,
        status=EligibilityRule.Status.PUBLISHED,
        published_at=timezone.now(),
        **fields,
    )
    if latest is not None and latest.status == EligibilityRule.Status.PUBLISHED:
        status.transition(latest, workflow.ELIGIBILITY_RULE, EligibilityRule.Status.RETIRED, actor=actor)
    audit.record(actor, "delivery.business_rule_published", rule, rule_id=rule_id, version=rule.version)
    return rule
