"""Segments of clients (DEL-2): the rule that assigns a registry segment and each client's place in it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class SegmentRule(models.Model):
    """The rule that puts a client into a registry segment (DEL-2): the rule language over facts and history.

    A methodologist keeps it in the back office; `delivery.services.segments` evaluates it for a client whenever
    the client's facts change. Unknown never assigns.
    """

    segment = models.OneToOneField(
        "registry.Segment", verbose_name=_("client segment"), related_name="rule", on_delete=models.CASCADE
    )
    text = models.TextField(
        _("rule"),
        help_text=_(
            "In the rule language over the client's facts and history, e.g. n_under_18 >= 3 or n_appeals >= 2."
        ),
    )
    explanation = models.CharField(
        _("why, in plain words"),
        max_length=300,
        help_text=_("Shown to the client next to the segment: “you are here because …”."),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("segment rule")
        verbose_name_plural = _("segment rules")
        ordering = ["segment__code"]

    def __str__(self):
        return str(self.segment)

    def clean(self):
        from django.core.exceptions import ValidationError

        from .segment_facts import check_segment_rule

        self.text = (self.text or "").strip()
        try:
            check_segment_rule(self.text)
        except ValidationError as error:
            raise ValidationError({"text": error.messages}) from error


class ClientSegment(models.Model):
    """A client's place in a segment: assigned by a rule, or corrected by the client (which later runs respect)."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("assigned by a rule")
        ADDED = "added", _("added by the client")
        REJECTED = "rejected", _("the client said it is not them")
        LAPSED = "lapsed", _("the rule no longer holds")

    client = models.ForeignKey(USER, related_name="segments", on_delete=models.CASCADE)
    segment = models.ForeignKey(
        "registry.Segment", verbose_name=_("client segment"), related_name="+", on_delete=models.CASCADE
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"))
    updated_at = models.DateTimeField(_("updated at"))
    # Who made the last change: None for the rules, the client or their representative for a correction.
    changed_by = models.ForeignKey(
        USER, verbose_name=_("changed by"), null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("client's segment")
        verbose_name_plural = _("clients' segments")
        ordering = ["segment__name"]
        constraints = [models.UniqueConstraint(fields=["client", "segment"], name="client_segment_once")]

    def __str__(self):
        return f"{self.client} — {self.segment}"

    @property
    def holds(self) -> bool:
        return self.state in (self.State.ASSIGNED, self.State.ADDED)
