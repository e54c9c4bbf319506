"""Consents (DEL-1): given, revoked, and which consent covers a service."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from clientcentric.core import events
from clientcentric.core.models import Notification
from clientcentric.core.services import audit, status
from clientcentric.registry.models import LifeSituation, Need, Service

from .. import workflow
from ..models import (
    ClientProfile,
    Consent,
    ConsentText,
    Offer,
)

# The categories of personal data a proactive-service consent covers: Kantara codes in the JSON receipt, their
# Russian names on the printed one.
PII_CATEGORIES = ("identity", "household", "income")
PII_CATEGORY_LABELS = {
    "identity": _lazy("identity documents"),
    "household": _lazy("household members"),
    "income": _lazy("income"),
}


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
    # What the consent now allows is checked at once, after commit (delivery.subscribers).
    events.publish("delivery.consent_given", client_id=client.pk)
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


def withdraw_uncovered(offers, *, cover, flow, withdrawn, closed_at, actor=None) -> list[int]:
    """After a consent is revoked: each open offer it covered moves to the consent `cover(offer)` finds among those
    still active, or — when none covers it — is withdrawn. One loop for a person's offers and a business's
    (services/business_support.py). Returns the ids of the offers withdrawn."""
    stopped = []
    for offer in offers:
        other = cover(offer)
        if other is not None:
            offer.consent = other
            offer.save(update_fields=["consent"])
            continue
        offer.closed_at = closed_at
        status.transition(
            offer, flow, withdrawn, actor=actor, note="consent revoked", update_fields=("closed_at",)
        )
        stopped.append(offer.pk)
    return stopped


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
    stopped = withdraw_uncovered(
        pending.select_related("service"),
        cover=lambda offer: covering_consent(consent.client, offer.service, remaining),
        flow=workflow.OFFER,
        withdrawn=Offer.Status.WITHDRAWN,
        closed_at=consent.revoked_at,
        actor=actor,
    )
    Notification.objects.filter(
        Q(object_type="delivery.offer", object_id__in=[str(pk) for pk in stopped])
        | Q(object_type="delivery.consent", object_id=str(consent.pk)),
        state__in=[Notification.State.PENDING, Notification.State.STANDBY],
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
                        "piiCategory": list(PII_CATEGORIES),
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


def receipt_html(
    receipt: dict, *, consent, principal_label: str, principal: str, scope: str, pii_labels, given_by=""
):
    """A consent receipt's printable HTML, in Russian whatever the request's language (the PDF is a legal copy):
    one template for a person's consent and a business's; the caller names the principal, the scope and the data."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("ru"):
        return render_to_string(
            "delivery/consent_receipt_pdf.html",
            {
                "consent": consent,
                "receipt": receipt,
                "controller": receipt["piiControllers"][0],
                "principal_label": principal_label,
                "principal": principal,
                "given_by": given_by,
                "scope": scope,
                "pii_labels": [str(label) for label in pii_labels],
            },
        )


def receipt_pdf(receipt: dict, html: str, site_url: str) -> bytes:
    """A receipt as a printable PDF with the JSON receipt attached inside the file, so the paper copy and the
    machine-readable one are one document."""
    import json

    import weasyprint

    attachment = weasyprint.Attachment(
        string=json.dumps(receipt, ensure_ascii=False, indent=2),
        name=f"consent-{receipt['consentReceiptID']}.json",
        description="Kantara Consent Receipt v1.1",
    )
    return weasyprint.HTML(string=html, base_url=site_url).write_pdf(attachments=[attachment])


def _russian_receipt(consent: Consent, site_url: str, controller: str) -> dict:
    from django.utils import translation

    with translation.override("ru"):
        return consent_receipt(consent, site_url, controller)


def consent_receipt_html(consent: Consent, site_url: str, controller: str) -> str:
    """The printable receipt of a person's consent."""
    from django.utils import translation

    receipt = _russian_receipt(consent, site_url, controller)
    with translation.override("ru"):
        if consent.life_situation_id:
            scope = _("all services of «%(situation)s»") % {"situation": consent.life_situation.name}
        else:
            scope = consent.service.name
        return receipt_html(
            receipt,
            consent=consent,
            principal_label=_("Client"),
            principal=receipt["piiPrincipalId"],
            scope=scope,
            pii_labels=[PII_CATEGORY_LABELS.get(code, code) for code in PII_CATEGORIES],
        )


def consent_receipt_pdf(consent: Consent, site_url: str, controller: str) -> bytes:
    """The receipt of a person's consent as a PDF in Russian, its JSON inside."""
    receipt = _russian_receipt(consent, site_url, controller)
    return receipt_pdf(receipt, consent_receipt_html(consent, site_url, controller), site_url)


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
