"""The annual documents (KND-3): the prevention programme and the summary of law-enforcement practice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .control_types import USER, ControlType


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")


class PreventionProgramme(models.Model):
    """The annual programme of prevention of risks of harm (KND-3), per type of control and year."""

    control_type = models.ForeignKey(
        ControlType, verbose_name=_("type of control"), related_name="programmes", on_delete=models.CASCADE
    )
    year = models.PositiveSmallIntegerField(_("year"))
    measures = models.JSONField(_("planned preventive measures"), default=list)
    targets = models.TextField(
        _("target indicators"), help_text=_("One indicator a line: «indicator — target».")
    )
    text = models.TextField(_("analysis of the current state and the goals"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    drafted_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    approval_deadline = models.DateField(_("to be approved by"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_late = models.BooleanField(_("approved after the deadline"), default=False)
    approved_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("prevention programme")
        verbose_name_plural = _("prevention programmes")
        ordering = ["-year", "control_type__title"]
        constraints = [
            models.UniqueConstraint(fields=["control_type", "year"], name="programme_once_a_year"),
        ]

    def __str__(self):
        return f"{self.control_type} — {self.year}"

    @property
    def target_list(self) -> list[str]:
        return [line.strip() for line in self.targets.splitlines() if line.strip()]


class PracticeSummary(models.Model):
    """The annual summary of law-enforcement practice (обобщение правоприменительной практики, KND-3 (2))."""

    control_type = models.ForeignKey(
        ControlType,
        verbose_name=_("type of control"),
        related_name="practice_summaries",
        on_delete=models.CASCADE,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    figures = models.JSONField(_("figures from the platform's data"), default=dict)
    text = models.TextField(_("the body's conclusions"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    generated_at = models.DateTimeField(_("figures computed at"))
    generated_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("law-enforcement practice summary")
        verbose_name_plural = _("law-enforcement practice summaries")
        ordering = ["-year", "control_type__title"]
        constraints = [
            models.UniqueConstraint(fields=["control_type", "year"], name="practice_summary_once_a_year"),
        ]

    def __str__(self):
        return f"{self.control_type} — {self.year}"
