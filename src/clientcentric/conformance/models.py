"""The agency's self-assessment against the standard (issue 21): requirements, assessments with their evidence
and append-only history, frozen quarterly snapshots, deviation requests and the cost of meeting a need."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientcentric.accounts.models import Agency


class Standard(models.TextChoices):
    PEOPLE = "people", _("State for people")
    BUSINESS = "business", _("State for business")


class Requirement(models.Model):
    """One requirement of the standard, loaded from data/standard/requirements.csv (id like DEL-4)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    standard = models.CharField(_("standard"), max_length=10, choices=Standard.choices)
    chapter = models.CharField(_("chapter"), max_length=10)
    chapter_title = models.CharField(_("chapter title"), max_length=200)
    text = models.TextField(_("text"))
    source_text = models.TextField(_("wording in the domain specification"), blank=True)
    # The default an agency starts from when it measures the requirement by an indicator.
    indicator = models.CharField(_("suggested indicator"), max_length=60, blank=True)
    conforms_at = models.FloatField(_("suggested threshold: conforms"), null=True, blank=True)
    partly_at = models.FloatField(_("suggested threshold: partly"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("requirement of the standard")
        verbose_name_plural = _("requirements of the standard")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.code


class Result(models.TextChoices):
    CONFORMS = "conforms", _("conforms")
    PARTLY = "partly", _("partly conforms")
    DOES_NOT = "does_not", _("does not conform")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    NOT_ASSESSED = "not_assessed", _("not assessed")


class Method(models.TextChoices):
    INDICATOR = "indicator", _("from an indicator")
    ATTESTATION = "attestation", _("methodologist's attestation")


class Review(models.TextChoices):
    NONE = "none", _("no review needed")
    AWAITING = "awaiting", _("awaiting review")
    REVIEWED = "reviewed", _("reviewed")
    RETURNED = "returned", _("returned for rework")


class Assessment(models.Model):
    """How one agency conforms to one requirement now; every change appends an ``AssessmentEntry``."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), related_name="conformance_assessments", on_delete=models.PROTECT
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), related_name="assessments", on_delete=models.PROTECT
    )
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, default=Method.ATTESTATION)
    indicator = models.CharField(_("indicator"), max_length=60, blank=True)
    conforms_at = models.FloatField(_("threshold: conforms"), null=True, blank=True)
    partly_at = models.FloatField(_("threshold: partly"), null=True, blank=True)
    measured_value = models.FloatField(_("measured value"), null=True, blank=True)
    measured_quarter = models.CharField(_("measured quarter"), max_length=7, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.NOT_ASSESSED)
    statement = models.TextField(_("how the agency conforms"), blank=True)
    gap = models.TextField(_("gap"), blank=True)
    # A position, never a person's name: the plan is published.
    owner_role = models.CharField(_("responsible (position)"), max_length=200, blank=True)
    due_date = models.DateField(_("date to close the gap"), null=True, blank=True)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, default=Review.NONE)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conformance assessment")
        verbose_name_plural = _("conformance assessments")
        ordering = ["requirement__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "requirement"], name="one_assessment_per_requirement"),
            models.CheckConstraint(
                condition=~Q(method="indicator") | ~Q(indicator=""), name="indicator_method_names_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.requirement} — {self.get_result_display()}"

    @property
    def has_gap(self) -> bool:
        return self.result in (Result.PARTLY, Result.DOES_NOT)


class Evidence(models.Model):
    """A link that backs an attestation: a registry entry, a study, a design project, a policy, a document."""

    class Kind(models.TextChoices):
        REGISTRY = "registry", _("registry entry")
        STUDY = "study", _("study")
        DESIGN = "design", _("design project")
        POLICY = "policy", _("policy")
        DOCUMENT = "document", _("document")

    assessment = models.ForeignKey(Assessment, related_name="evidence", on_delete=models.CASCADE)
    kind = models.CharField(_("kind of evidence"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.title


# What an ``AssessmentEntry`` records, as shown in the history.
ENTRY_ACTIONS = {
    "measured": _("measured by the indicator"),
    "attested": _("attested"),
    "reviewed": _("review accepted"),
    "returned": _("returned for rework"),
}


class AssessmentEntry(models.Model):
    """Append-only history of an assessment: what was set, by whom, when."""

    assessment = models.ForeignKey(Assessment, related_name="entries", on_delete=models.CASCADE)
    action = models.CharField(_("action"), max_length=20)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    data = models.JSONField(_("state"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment history entry")
        verbose_name_plural = _("assessment history")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.assessment_id} {self.action} {self.result}"

    def get_action_display(self) -> str:
        return str(ENTRY_ACTIONS.get(self.action, self.action))


class Snapshot(models.Model):
    """An agency's self-assessment for a quarter, frozen and signed with the SHA-256 of its figures."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), related_name="conformance_snapshots", on_delete=models.PROTECT
    )
    quarter = models.CharField(_("quarter"), max_length=7)  # "2026-Q3"
    payload = models.JSONField(_("figures"), default=dict)
    integrity_hash = models.CharField(_("SHA-256 of the figures"), max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("conformance snapshot")
        verbose_name_plural = _("conformance snapshots")
        ordering = ["agency", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["agency", "quarter"], name="one_snapshot_per_quarter")]

    def __str__(self):
        return f"{self.agency} {self.quarter}"


class DeviationStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("deviation request", "proposed")
    APPROVED = "approved", pgettext_lazy("deviation request", "approved")
    REFUSED = "refused", pgettext_lazy("deviation request", "refused")
    COMPLETED = "completed", pgettext_lazy("deviation request", "completed")


class RuleProposal(models.TextChoices):
    NONE = "none", _("no proposal")
    OPEN = "open", _("awaiting the methodologist")
    ACCEPTED = "accepted", _("accepted as a rule")
    DECLINED = "declined", _("declined")


class DeviationRequest(models.Model):
    """An official's proposal to depart from a regulation's procedure to meet a client's need (weak spot 4)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), related_name="deviation_requests", on_delete=models.PROTECT
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    service_request = models.ForeignKey(
        "delivery.ServiceRequest",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    need = models.ForeignKey(
        "registry.Need",
        verbose_name=_("need"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    case = models.TextField(_("the case"))
    client_need = models.TextField(_("the client's need"))
    rule = models.TextField(_("rule departed from"))
    justification = models.TextField(_("justification"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeviationStatus.choices, default=DeviationStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), related_name="+", on_delete=models.PROTECT
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    decided_role = models.CharField(_("role of the decider"), max_length=20, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    should_become_rule = models.BooleanField(_("should become the rule"), default=False)
    rule_proposal = models.CharField(
        _("proposal to change the rule"),
        max_length=10,
        choices=RuleProposal.choices,
        default=RuleProposal.NONE,
    )

    class Meta:
        verbose_name = _("deviation request")
        verbose_name_plural = _("deviation requests")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_by__isnull=False),
                name="decided_deviation_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("proposed_by")), name="deviation_not_decided_by_proposer"
            ),
        ]

    def __str__(self):
        return _("Deviation request No. %(number)s") % {"number": self.pk}


class NeedCost(models.Model):
    """The agency's estimate of what it would cost to meet a need, so that resources follow needs."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), related_name="+", on_delete=models.PROTECT)
    need = models.ForeignKey(
        "registry.Need", verbose_name=_("need"), related_name="+", on_delete=models.CASCADE
    )
    cost = models.DecimalField(_("cost estimate, roubles"), max_digits=14, decimal_places=0)
    note = models.TextField(_("how the estimate was made"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cost of meeting a need")
        verbose_name_plural = _("costs of meeting needs")
        constraints = [models.UniqueConstraint(fields=["agency", "need"], name="one_cost_per_need")]

    def __str__(self):
        return f"{self.need}: {self.cost}"
