"""Support measures for business (BIZ-7): the business's consent, given by its representative, and the proactive
offers made to the business. The rules, consent texts, requests, population runs and notification chains are the
same as for persons (delivery/models.py); only whose consent and whose offer differ."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import BusinessClient, Representative
from clientcentric.registry.models import Service

USER = settings.AUTH_USER_MODEL


class BusinessConsent(models.Model):
    """The business's consent to be checked for support measures: to all of them, or to one measure.

    Given by a person who represents the business on that day (`given_by`, under `representation`); any
    representative in force may revoke it. The business keeps the consent text version it was given under."""

    business = models.ForeignKey(
        BusinessClient, verbose_name=_("business"), related_name="support_consents", on_delete=models.CASCADE
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("support measure"),
        null=True,
        blank=True,
        help_text=_("Empty: every support measure for business."),
        on_delete=models.PROTECT,
    )
    given_by = models.ForeignKey(USER, verbose_name=_("given by"), related_name="+", on_delete=models.PROTECT)
    representation = models.ForeignKey(
        Representative, verbose_name=_("on the basis of"), related_name="+", on_delete=models.PROTECT
    )
    text = models.ForeignKey("delivery.ConsentText", verbose_name=_("consent text"), on_delete=models.PROTECT)
    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_at = models.DateTimeField(_("given at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER, verbose_name=_("revoked by"), null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("consent of a business")
        verbose_name_plural = _("consents of businesses")
        ordering = ["-given_at", "-id"]

    def __str__(self):
        return f"{self.business} → {self.service or _('every support measure')}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class BusinessOffer(models.Model):
    """«A support measure may suit you»: made to a business within its consent, accepted as a request or declined."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for the business")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    business = models.ForeignKey(
        BusinessClient, verbose_name=_("business"), related_name="support_offers", on_delete=models.CASCADE
    )
    service = models.ForeignKey(Service, verbose_name=_("support measure"), on_delete=models.PROTECT)
    rule = models.ForeignKey("delivery.EligibilityRule", on_delete=models.PROTECT)
    consent = models.ForeignKey(BusinessConsent, related_name="offers", on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("eligibility"), max_length=12)
    missing = models.JSONField(_("missing facts"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    # Why it applies, in plain words: the facts the rule read, as «label: value» lines.
    reasons = models.JSONField(_("why it applies"), default=list, blank=True)
    request = models.OneToOneField(
        "delivery.ServiceRequest",
        null=True,
        blank=True,
        related_name="business_offer",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("support measure offer")
        verbose_name_plural = _("support measure offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "service"], condition=Q(status="open"), name="business_offer_open_once"
            ),
        ]

    def __str__(self):
        return f"{self.service} → {self.business}"
