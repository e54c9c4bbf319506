"""Good-faith incentives (меры стимулирования добросовестности, 248-ФЗ art. 48, KND-5)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientcentric.business.models import BusinessProfile

from .control_types import USER, ControlType


class IncentiveKind(models.TextChoices):
    """Good-faith incentives (меры стимулирования добросовестности, 248-ФЗ art. 48, KND-5)."""

    LOWER_FOR_DECLARATION = (
        "lower_for_declaration",
        _("a lower risk category while a declaration is in force"),
    )
    LOWER_FOR_CLEAN_RECORD = "lower_for_clean_record", _("a lower risk category for a clean record")
    GOOD_FAITH_MARK = "good_faith_mark", _("the public mark «good-faith controlled person»")
    PRIORITY_CONSULTATION = "priority_consultation", _("priority consultations")


# Incentives that place the business one risk category lower than its criteria would.
LOWERING_INCENTIVES = frozenset({IncentiveKind.LOWER_FOR_DECLARATION, IncentiveKind.LOWER_FOR_CLEAN_RECORD})


class Incentive(models.Model):
    """A good-faith incentive granted to a business under a type of control: why, until when, by whom."""

    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="incentives", on_delete=models.CASCADE
    )
    control_type = models.ForeignKey(
        ControlType,
        verbose_name=_("type of control"),
        related_name="granted_incentives",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("incentive"), max_length=30, choices=IncentiveKind.choices)
    reason = models.TextField(_("why it is granted"))
    declaration = models.ForeignKey(
        "ComplianceDeclaration",
        verbose_name=_("declaration it rests on"),
        null=True,
        blank=True,
        related_name="incentives",
        on_delete=models.SET_NULL,
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    granted_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("why withdrawn"), blank=True)
    withdrawn_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("good-faith incentive")
        verbose_name_plural = _("good-faith incentives")
        ordering = ["-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="incentive_period"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="incentive_withdrawn_why",
            ),
            models.UniqueConstraint(
                fields=["profile", "control_type", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_incentive_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.profile}: {self.get_kind_display()}"

    def in_force(self, on) -> bool:
        return self.withdrawn_at is None and self.valid_from <= on <= self.valid_to
