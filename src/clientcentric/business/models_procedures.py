"""Assessment procedures around acts and drafts: the developer's answers in a public consultation (ОРВ), the
ex-post evaluation of an act in force (оценка фактического воздействия), accredited independent experts and
their anti-corruption conclusions (АКЭ, 172-ФЗ)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientcentric.core.references import Referenced

from .models import Act, Draft, DraftComment


class Position(models.TextChoices):
    """What the developer did with a proposal (the summary report's table of proposals)."""

    ACCEPTED = "accepted", _("taken into account")
    PARTLY = "partly", _("partly taken into account")
    REJECTED = "rejected", _("not taken into account")


def position_field(**options) -> models.CharField:
    return models.CharField(
        _("position of the developer"), max_length=10, choices=Position.choices, **options
    )


class DeveloperAnswer(models.Model):
    """What every answer of the developer to a proposal keeps: who answered and when (the position and its
    reason are named by each model: a comment's answer is the row itself, a conclusion's is a part of it).

    Until answered, `answered_at` is empty; a model whose rows are only ever created answered overrides it."""

    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        abstract = True

    def stamp_answer(self, actor) -> None:
        """Mark the answer given now by `actor` (an anonymous or system actor is kept as nobody)."""
        self.answered_by = actor if getattr(actor, "is_authenticated", False) else None
        self.answered_at = timezone.now()


class CommentAnswer(DeveloperAnswer):
    """The developer's answer to one business comment on a draft: its position and the reason."""

    comment = models.OneToOneField(
        DraftComment, verbose_name=_("comment"), related_name="answer", on_delete=models.CASCADE
    )
    position = position_field()
    text = models.TextField(_("reason"))
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("answer to a comment")
        verbose_name_plural = _("answers to comments")

    def __str__(self):
        return f"{self.comment_id}: {self.position}"


class Expert(models.Model):
    """An independent anti-corruption expert accredited by the Ministry of Justice, as staff verified it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for verification")
        VERIFIED = "verified", _("accreditation verified")
        REJECTED = "rejected", _("accreditation not confirmed")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        related_name="anticorruption_expert",
        on_delete=models.CASCADE,
    )
    full_name = models.CharField(_("full name or organisation"), max_length=300)
    accreditation_number = models.CharField(_("accreditation order number"), max_length=60)
    accredited_on = models.DateField(_("accredited on"))
    valid_until = models.DateField(_("accreditation valid until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("verified"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("independent anti-corruption expert")
        verbose_name_plural = _("independent anti-corruption experts")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("accredited_on")), name="expert_validity_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""), name="expert_rejection_has_reason"
            ),
        ]

    def __str__(self):
        return self.full_name


class CorruptionFactor(models.TextChoices):
    """The corruption factors of the methodology of anti-corruption expertise (Government resolution 96)."""

    DISCRETION = "discretion", _("broad discretionary powers")
    MAY_FORMULA = "may_formula", _("competence defined by the formula «may»")
    SELECTIVE_RIGHTS = "selective_rights", _("selective change of the scope of rights")
    SUBORDINATE_FREEDOM = "subordinate_freedom", _("excessive freedom of subordinate rule-making")
    BEYOND_COMPETENCE = "beyond_competence", _("an act adopted beyond the body's competence")
    GAP_FILLING = "gap_filling", _("legislative gaps filled by a subordinate act without delegation")
    NO_PROCEDURES = "no_procedures", _("missing or incomplete administrative procedures")
    NO_TENDERS = "no_tenders", _("waiver of competitive procedures")
    EXCESSIVE_REQUIREMENTS = (
        "excessive_requirements",
        _("excessive requirements on a person exercising a right"),
    )
    APPLICANT_ABUSE = "applicant_abuse", _("abuse of the applicant's rights by the body")
    LINGUISTIC = "linguistic", _("legal and linguistic uncertainty")
    COLLISIONS = "collisions", _("conflicts of legal norms")


class ExpertConclusion(Referenced, DeveloperAnswer):
    """An accredited expert's conclusion on a draft, and the developer's answer to it."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), related_name="expert_conclusions", on_delete=models.CASCADE
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), related_name="conclusions", on_delete=models.PROTECT
    )
    factors = models.JSONField(_("corruption factors found"), default=list, blank=True)
    text = models.TextField(_("conclusion"))
    proposals = models.TextField(_("how to remove the factors"), blank=True)
    filed_at = models.DateTimeField(_("filed"))
    answer_position = position_field(blank=True)
    answer_text = models.TextField(_("answer of the developer"), blank=True)

    class Meta:
        verbose_name = _("conclusion of an independent expert")
        verbose_name_plural = _("conclusions of independent experts")
        ordering = ["filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "expert"], name="conclusion_once_per_expert"),
        ]

    def __str__(self):
        return f"{self.expert} — {self.draft}"

    @property
    def factor_labels(self) -> list[str]:
        labels = dict(CorruptionFactor.choices)
        return [str(labels.get(code, code)) for code in self.factors]


class ExPostEvaluation(models.Model):
    """An evaluation of an act in force (оценка фактического воздействия), closed with a conclusion that keeps
    the evidence it was drawn from, so a later assessment does not rewrite an old conclusion."""

    class Conclusion(models.TextChoices):
        KEEP = "keep", _("achieves its goals: keep as it is")
        AMEND = "amend", _("needs amendment")
        REPEAL = "repeal", _("should be repealed")

    act = models.ForeignKey(
        Act, verbose_name=_("act"), related_name="ex_post_evaluations", on_delete=models.CASCADE
    )
    goals = models.TextField(_("goals of the regulation"))
    period_from = models.DateField(_("evaluated period from"))
    period_to = models.DateField(_("evaluated period to"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    started_at = models.DateTimeField(_("started"))
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    evidence = models.JSONField(_("evidence at the conclusion"), default=dict, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)

    class Meta:
        verbose_name = _("ex-post evaluation of an act")
        verbose_name_plural = _("ex-post evaluations of acts")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="evaluation_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(conclusion="") | ~Q(findings=""), name="evaluation_conclusion_has_findings"
            ),
        ]

    def __str__(self):
        return f"{self.act} ({self.period_from:%Y}–{self.period_to:%Y})"
