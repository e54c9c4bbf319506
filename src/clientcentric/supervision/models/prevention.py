"""Prevention (248-ФЗ art. 45–52): informing, algorithms, consultations, self-examination and declarations,
warnings and objections."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clientcentric.business.models import BusinessProfile, Requirement
from clientcentric.core.references import Referenced

from .control_types import USER, ControlType
from .risk import Decision


class Material(models.Model):
    """Informing (248-ФЗ art. 46): a guide, explanation or video about a requirement."""

    control_type = models.ForeignKey(
        ControlType, verbose_name=_("type of control"), related_name="materials", on_delete=models.CASCADE
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), null=True, blank=True, on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    url = models.URLField(_("link"), blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("informing material")
        verbose_name_plural = _("informing materials")
        ordering = ["-published_at"]

    def __str__(self):
        return self.title


class ComplianceAlgorithm(models.Model):
    """A standard algorithm of action: the steps that bring a business into compliance with a requirement."""

    requirement = models.OneToOneField(
        Requirement, verbose_name=_("requirement"), related_name="algorithm", on_delete=models.CASCADE
    )
    steps = models.TextField(_("steps"), help_text=_("One step a line, in the order to take them."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("standard algorithm of action")
        verbose_name_plural = _("standard algorithms of action")

    def __str__(self):
        return str(self.requirement)

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class Consultation(Referenced):
    """Consulting (art. 50) by requirement: booked by the business, answered in writing by the body."""

    profile = models.ForeignKey(
        BusinessProfile,
        verbose_name=_("business"),
        related_name="supervision_consultations",
        on_delete=models.CASCADE,
    )
    control_type = models.ForeignKey(ControlType, verbose_name=_("type of control"), on_delete=models.CASCADE)
    requirement = models.ForeignKey(Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE)
    event = models.ForeignKey(
        "ControlEvent", verbose_name=_("control event"), null=True, blank=True, on_delete=models.CASCADE
    )
    question = models.TextField(_("question"))
    slot = models.DateTimeField(_("booked time"))
    mode = models.CharField(
        _("how"),
        max_length=10,
        choices=[("video", _("video call")), ("phone", _("phone")), ("visit", _("in person"))],
        default="video",
    )
    video_link = models.URLField(_("video link"), blank=True)
    answer = models.TextField(_("written answer"), blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-slot"]
        constraints = [
            models.UniqueConstraint(fields=["control_type", "slot"], name="consultation_slot_once"),
        ]

    def __str__(self):
        return f"{self.profile}: {self.requirement}"


class SelfExamination(models.Model):
    """Self-examination (art. 51): the business answers a checklist over its own requirements."""

    profile = models.ForeignKey(
        BusinessProfile,
        verbose_name=_("business"),
        related_name="self_examinations",
        on_delete=models.CASCADE,
    )
    control_type = models.ForeignKey(ControlType, verbose_name=_("type of control"), on_delete=models.CASCADE)
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score, %"))
    created_at = models.DateTimeField(_("done at"), auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("self-examination")
        verbose_name_plural = _("self-examinations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.profile}: {self.score}%"


class ComplianceDeclaration(models.Model):
    """A declaration of compliance, valid one calendar year unless annulled by a later finding."""

    number = models.CharField(_("registry number"), max_length=40, unique=True)
    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="declarations", on_delete=models.CASCADE
    )
    control_type = models.ForeignKey(ControlType, verbose_name=_("type of control"), on_delete=models.CASCADE)
    self_examination = models.OneToOneField(SelfExamination, on_delete=models.PROTECT)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annulled_reason = models.TextField(_("why annulled"), blank=True)

    class Meta:
        verbose_name = _("compliance declaration")
        verbose_name_plural = _("compliance declarations")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="declaration_period"
            ),
            models.CheckConstraint(
                condition=Q(annulled_at__isnull=True) | ~Q(annulled_reason=""),
                name="declaration_annulled_why",
            ),
        ]

    def __str__(self):
        return self.number

    def in_force(self, on) -> bool:
        return self.annulled_at is None and self.valid_from <= on <= self.valid_to


class PreventiveWarning(models.Model):
    """A warning, «предостережение» (art. 49): the requirement, the act, the risky actions and a proposal to comply.

    It never demands documents: the model has no field for it, and the service refuses a text that asks.
    """

    number = models.CharField(_("registry number"), max_length=40, unique=True)
    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="warnings", on_delete=models.CASCADE
    )
    control_type = models.ForeignKey(ControlType, verbose_name=_("type of control"), on_delete=models.CASCADE)
    requirement = models.ForeignKey(Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT)
    information = models.TextField(_("information the warning is based on"))
    information_received_on = models.DateField(_("information received on"))
    risky_actions = models.TextField(_("actions that may violate the requirement"))
    proposal = models.TextField(_("proposal to take measures"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(USER, null=True, related_name="+", on_delete=models.SET_NULL)
    objection_due = models.DateField(_("objection may be filed until"))

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


class Objection(Referenced):
    warning = models.OneToOneField(
        PreventiveWarning, verbose_name=_("warning"), related_name="objection", on_delete=models.CASCADE
    )
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(USER, null=True, related_name="+", on_delete=models.SET_NULL)
    status = models.CharField(_("status"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection to a warning")
        verbose_name_plural = _("objections to warnings")

    def __str__(self):
        return f"{self.warning}: {self.get_status_display()}"
