"""Evidence, segment hypotheses, studies and journey maps (standard §4.3, NEED-1…NEED-4)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientcentric.registry.models import LifeSituation, Need, NeedStatus, Segment


class EvidenceKind(models.TextChoices):
    STATISTICS = "statistics", _("statistics")
    COMPLAINTS = "complaints", _("complaints")
    ANONYMISED = "anonymised", _("anonymised data set")


class EvidenceUpload(models.Model):
    """A file waiting for its column mapping; nothing from it is evidence until the import succeeds."""

    name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField()
    headers = models.JSONField(default=list)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    dataset = models.OneToOneField(
        "EvidenceDataset", null=True, blank=True, related_name="upload", on_delete=models.SET_NULL
    )

    def __str__(self):
        return self.name


class EvidenceDataset(models.Model):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence data set")
        verbose_name_plural = _("evidence data sets")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return self.title


class EvidenceRecord(models.Model):
    """One row of an imported data set, in the platform's terms. `count` lets a statistics row stand for many."""

    dataset = models.ForeignKey(EvidenceDataset, related_name="records", on_delete=models.CASCADE)
    occurred_on = models.DateField(null=True, blank=True, db_index=True)
    topic = models.CharField(max_length=300, blank=True, db_index=True)
    district = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=40, blank=True)
    need = models.ForeignKey(Need, null=True, blank=True, related_name="evidence", on_delete=models.SET_NULL)
    count = models.PositiveIntegerField(default=1)
    response_hours = models.FloatField(null=True, blank=True)
    satisfied = models.BooleanField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dataset", "id"]

    def __str__(self):
        return f"{self.dataset_id}: {self.topic}"


class SegmentHypothesis(models.Model):
    """A segment written as conditions over appeal features and client attributes; its size comes from data."""

    class Origin(models.TextChoices):
        ANALYST = "analyst", _("written by an analyst")
        CLUSTERING = "clustering", _("suggested by clustering")
        NON_USERS = "non_users", _("potential clients (non-users)")

    name = models.CharField(_("name"), max_length=300)
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("registry segment"),
        null=True,
        blank=True,
        related_name="hypotheses",
        on_delete=models.SET_NULL,
    )
    conditions = models.JSONField(_("conditions"), default=list)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.ANALYST)
    rationale = models.TextField(_("rationale"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("segment hypothesis")
        verbose_name_plural = _("segment hypotheses")
        ordering = ["name"]

    def __str__(self):
        return self.name


class StudyMethod(models.TextChoices):
    INTERVIEW = "interview", _("interview")
    SURVEY = "survey", _("survey")
    ANALYTICS = "analytics", _("data analysis")
    OBSERVATION = "observation", _("observation")
    USABILITY_TEST = "usability_test", _("usability test")


class Verdict(models.TextChoices):
    PENDING = "pending", _("in progress")
    CONFIRMED = "confirmed", _("hypothesis confirmed")
    REJECTED = "rejected", _("hypothesis rejected")
    INCONCLUSIVE = "inconclusive", _("inconclusive")


class Study(models.Model):
    slug = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    method = models.CharField(_("method"), max_length=20, choices=StudyMethod.choices)
    hypothesis = models.TextField(_("hypothesis tested"))
    segment_hypothesis = models.ForeignKey(
        SegmentHypothesis,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("segment hypothesis"),
    )
    life_situation = models.ForeignKey(
        LifeSituation, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("life situation")
    )
    needs = models.ManyToManyField(Need, blank=True, related_name="studies", verbose_name=_("needs"))
    participants_count = models.PositiveIntegerField(_("participants"), default=0)
    participants_description = models.TextField(_("who took part"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, default=Verdict.PENDING)
    public_summary = models.TextField(_("what we learned (for clients)"), blank=True)
    what_changes = models.TextField(_("what will change (for clients)"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-started_on", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("research:study", args=[self.slug])


class JourneyMap(models.Model):
    class Version(models.TextChoices):
        AS_IS = "as_is", _("AS IS")
        TO_BE = "to_be", _("TO BE")

    title = models.CharField(_("title"), max_length=300)
    segment = models.ForeignKey(Segment, verbose_name=_("client segment"), on_delete=models.PROTECT)
    life_situation = models.ForeignKey(
        LifeSituation, verbose_name=_("life situation"), on_delete=models.PROTECT
    )
    version = models.CharField(_("version"), max_length=10, choices=Version.choices, default=Version.AS_IS)
    as_is = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        related_name="to_be",
        on_delete=models.SET_NULL,
        verbose_name=_("AS IS map this one improves"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("journey map")
        verbose_name_plural = _("journey maps")
        ordering = ["life_situation", "segment", "version"]

    def __str__(self):
        return f"{self.title} ({self.get_version_display()})"

    def get_absolute_url(self):
        return reverse("research:journey_map", args=[self.pk])


class EvidenceSignal(models.TextChoices):
    NONE = "", _("none")
    TOPICS = "topics", _("frequent appeal topics")
    OVERDUE = "overdue", _("overdue answers")
    REPEATED = "repeated", _("repeated contacts")
    SATISFACTION = "satisfaction", _("low satisfaction")


class JourneyStage(models.Model):
    journey_map = models.ForeignKey(JourneyMap, related_name="stages", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("stage"), max_length=200)
    needs = models.TextField(_("needs"), blank=True)
    actions = models.TextField(_("actions"), blank=True)
    touchpoints = models.TextField(_("touchpoints"), blank=True)
    emotion = models.SmallIntegerField(
        _("emotion"), default=0, validators=[MinValueValidator(-2), MaxValueValidator(2)]
    )
    positives = models.TextField(_("positive observations"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    opportunities = models.TextField(_("opportunities"), blank=True)
    evidence_signal = models.CharField(
        _("live evidence for this stage"),
        max_length=20,
        choices=EvidenceSignal.choices,
        blank=True,
        default="",
        help_text=_("Which evidence suggests pain points at this stage."),
    )

    class Meta:
        verbose_name = _("journey stage")
        verbose_name_plural = _("journey stages")
        ordering = ["journey_map", "position"]
        constraints = [
            models.UniqueConstraint(fields=["journey_map", "position"], name="journey_stage_position_unique"),
            models.CheckConstraint(condition=models.Q(emotion__gte=-2, emotion__lte=2), name="emotion_range"),
        ]

    def __str__(self):
        return self.name


class NeedRecommendation(models.Model):
    """What the research recommends for a need; a design project takes it up."""

    need = models.ForeignKey(
        Need, related_name="recommendations", on_delete=models.CASCADE, verbose_name=_("need")
    )
    text = models.TextField(_("recommendation"))
    study = models.ForeignKey(
        Study, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("study")
    )
    design_project = models.ForeignKey(
        "design.DesignProject",
        null=True,
        blank=True,
        related_name="recommendations",
        on_delete=models.SET_NULL,
        verbose_name=_("design project"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]


class NeedStatusProposal(models.Model):
    """A status change the evidence suggests (research.proposals); a methodologist accepts or rejects it.

    Accepting goes through the registry's `save_need` (its status rule, history and audit); the proposal keeps the
    figures it rested on, so the reason for a change can be traced back to the evidence of that day.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn: the evidence no longer supports it")

    need = models.ForeignKey(
        Need, related_name="status_proposals", on_delete=models.CASCADE, verbose_name=_("need")
    )
    from_status = models.CharField(_("status when proposed"), max_length=20)
    to_status = models.CharField(_("proposed status"), max_length=20)
    reason = models.TextField(_("drafted public reason"))
    evidence = models.JSONField(_("evidence"), default=dict)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    refreshed_at = models.DateTimeField(_("evidence refreshed at"), auto_now=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("need status proposal")
        verbose_name_plural = _("need status proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need"], condition=models.Q(state="pending"), name="one_pending_proposal_per_need"
            )
        ]

    def __str__(self):
        return f"{self.need}: {self.from_status} → {self.to_status} ({self.state})"

    @property
    def from_label(self) -> str:
        return (
            NeedStatus(self.from_status).label if self.from_status in NeedStatus.values else self.from_status
        )

    @property
    def to_label(self) -> str:
        return NeedStatus(self.to_status).label if self.to_status in NeedStatus.values else self.to_status
