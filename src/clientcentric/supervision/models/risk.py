"""Risk profiles, the data a business submits to correct them, and the body's tasks."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clientcentric.business.models import BusinessProfile

from .control_types import USER, ControlType


class RiskProfile(models.Model):
    """The current risk category of a business under one type of control, with the reasons."""

    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="risk_profiles", on_delete=models.CASCADE
    )
    control_type = models.ForeignKey(
        ControlType, verbose_name=_("type of control"), related_name="risk_profiles", on_delete=models.CASCADE
    )
    category = models.CharField(_("risk category"), max_length=40)
    category_title = models.CharField(_("risk category"), max_length=120)
    criteria_met = models.JSONField(_("criteria met"), default=list)
    needs_data = models.JSONField(_("criteria that need data"), default=list)
    indicators_fired = models.JSONField(_("risk indicators fired"), default=list)
    how_to_lower = models.JSONField(_("what would lower it"), default=list)
    facts = models.JSONField(_("facts used"), default=dict)
    incentive = models.JSONField(
        _("good-faith incentive applied"),
        default=dict,
        blank=True,
        help_text=_("The incentive that placed the business one category lower, and the category before it."),
    )
    assessed_at = models.DateTimeField(_("assessed at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk profile")
        verbose_name_plural = _("risk profiles")
        constraints = [
            models.UniqueConstraint(fields=["profile", "control_type"], name="risk_profile_once"),
        ]

    def __str__(self):
        return f"{self.profile} — {self.control_type}: {self.category_title}"


class Decision(models.TextChoices):
    PENDING = "pending", _("under review")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class FactCorrection(models.Model):
    """Data the business submits to correct its risk profile; once accepted it is a fact of the model."""

    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="fact_corrections", on_delete=models.CASCADE
    )
    control_type = models.ForeignKey(ControlType, verbose_name=_("type of control"), on_delete=models.CASCADE)
    fact = models.CharField(_("fact"), max_length=80)
    value = models.CharField(_("value"), max_length=300)
    explanation = models.TextField(_("explanation and supporting data"))
    status = models.CharField(_("status"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    submitted_by = models.ForeignKey(USER, null=True, related_name="+", on_delete=models.SET_NULL)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("risk data correction")
        verbose_name_plural = _("risk data corrections")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.profile}: {self.fact} = {self.value}"


class TaskKind(models.TextChoices):
    INDICATOR = "indicator", _("risk indicator fired")
    CORRECTION = "correction", _("risk data correction to review")
    CONSULTATION = "consultation", _("consultation to give")
    OBJECTION = "objection", _("objection to a warning")
    RESCHEDULE = "reschedule", _("request to reschedule")
    APPEAL = "appeal", _("pre-trial appeal")


class SupervisionTask(models.Model):
    """Work for the supervisory body: an indicator fired, a request from a business to answer."""

    control_type = models.ForeignKey(ControlType, verbose_name=_("type of control"), on_delete=models.CASCADE)
    profile = models.ForeignKey(BusinessProfile, verbose_name=_("business"), on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    key = models.CharField(
        _("key"), max_length=120, help_text=_("What the task is about, e.g. the indicator.")
    )
    title = models.CharField(_("title"), max_length=500)
    detail = models.TextField(_("detail"), blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("supervision task")
        verbose_name_plural = _("supervision tasks")
        ordering = ["-created_at"]
        constraints = [
            # An indicator that keeps firing on every re-assessment gives one open task, not one a night.
            models.UniqueConstraint(
                fields=["control_type", "profile", "kind", "key"],
                condition=Q(is_open=True),
                name="one_open_task_per_subject",
            ),
        ]

    def __str__(self):
        return self.title


class AppealLink(models.Model):
    """An appeal on the portal (clientcentric.appeals) about a business, linked by a person who read it.

    The link feeds the risk models' `complaints_12m`. It is explicit: appeals carry neither the business's INN
    nor an address the objects of control could be matched with, so the platform only suggests candidates
    (an appeal whose text names the business's INN or OGRN) and an inspector confirms them.
    """

    appeal = models.ForeignKey(
        "appeals.Appeal", verbose_name=_("appeal"), related_name="business_links", on_delete=models.CASCADE
    )
    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="appeal_links", on_delete=models.CASCADE
    )
    note = models.CharField(_("why it is about this business"), max_length=500)
    linked_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal about a business")
        verbose_name_plural = _("appeals about businesses")
        ordering = ["-linked_at"]
        constraints = [models.UniqueConstraint(fields=["appeal", "profile"], name="appeal_link_once")]

    def __str__(self):
        return f"{self.appeal} → {self.profile}"
