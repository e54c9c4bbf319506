"""Mandatory requirements (247-ФЗ), the business profile they are applied to, and the business's assessments."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import Agency, BusinessClient
from clientcentric.core.references import Referenced

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class DateException(models.TextChoices):
    NONE = "", _("none: 1 March / 1 September, 90 days after publication")
    TERRORISM = "terrorism", _("counter-terrorism, threat to life and health")
    DEFENCE = "defence", _("defence and state security")
    EMERGENCY = "emergency", _("emergency prevention and response")
    FORCE_MAJEURE = "force_majeure", _("force majeure")
    FEDERAL_LAW = "federal_law", _("a federal law sets another date")


class Act(models.Model):
    """A legal act that sets mandatory requirements (нормативный правовой акт).

    An act the developer drafts here is adopted only once it states every element article 10 of 247-ФЗ asks for
    (business/procedures/validity.py); an act imported as already in force is adopted as it stands and the desk
    marks the elements it lacks."""

    class Stage(models.TextChoices):
        DRAFT = "draft", _("draft act")
        ADOPTED = "adopted", _("adopted")

    code = models.CharField(_("code"), max_length=80, unique=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.ADOPTED)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    developer = models.ForeignKey(
        Agency,
        verbose_name=_("developer (agency)"),
        null=True,
        blank=True,
        related_name="requirement_acts",
        on_delete=models.PROTECT,
    )
    supervisory_body = models.CharField(_("supervisory body"), max_length=300, blank=True)
    control_type = models.CharField(_("type of control"), max_length=300, blank=True)
    assessment_forms = models.CharField(_("how compliance is assessed"), max_length=500, blank=True)
    scope_rule = models.TextField(
        _("applicability of the whole act (rule)"),
        blank=True,
        help_text=_("A rule over the business profile; empty means the act applies to every business."),
    )
    scope_explanation = models.CharField(_("applicability in plain words"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    date_exception = models.CharField(
        _("247-FZ date exception"), max_length=20, choices=DateException.choices, blank=True
    )
    date_exception_reason = models.CharField(_("reason for the exception"), max_length=500, blank=True)
    official_url = models.URLField(_("official text (link)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("act with mandatory requirements")
        verbose_name_plural = _("acts with mandatory requirements")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_exception="") | ~Q(date_exception_reason=""),
                name="act_exception_has_reason",
            ),
        ]

    def __str__(self):
        return self.title if self.title != self.code else self.code

    @property
    def short_title(self) -> str:
        """The act's name without its bracketed reference («Правила противопожарного режима в Российской
        Федерации»): what people read where the act is named next to an item; the internal code never is."""
        return self.title.split(" (")[0][:90] if self.title else self.code


def item_label(chapter: str, item_no: str) -> str:
    """«п. 5», or «Статья 2, п. 1» where the act numbers items anew in each article or appendix."""
    head = (chapter or "").split(".")[0].strip()
    if head.startswith(("Статья", "Приложение")):
        return f"{head}, п. {item_no}"
    return f"п. {item_no}"


class Requirement(models.Model):
    """One numbered item of an act: a mandatory requirement with its applicability and cost parameters."""

    act = models.ForeignKey(Act, verbose_name=_("act"), related_name="requirements", on_delete=models.CASCADE)
    item_no = models.CharField(_("item"), max_length=30)
    position = models.PositiveIntegerField(_("position in the act"), default=0)
    chapter = models.CharField(_("chapter"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    applicability_rule = models.TextField(
        _("applicability rule"), blank=True, help_text=_("Empty means: wherever the act applies.")
    )
    rule_explanation = models.CharField(_("applicability in plain words"), max_length=500, blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    cost_activity = models.CharField(_("activity to comply"), max_length=300, blank=True)
    cost_hours = models.DecimalField(
        _("hours per occurrence"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    cost_out_of_pocket = models.DecimalField(
        _("out-of-pocket per occurrence, ₽"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    cost_frequency = models.DecimalField(
        _("occurrences per year"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    # A recommendation («рекомендуется», «допускается» …) is listed and marked, never costed: cost engines skip it.
    is_recommendation = models.BooleanField(_("a recommendation, not an obligation"), default=False)
    # A repealed item («24. Утратил силу …») keeps its place in the act's text but obliges nobody: no personal
    # list, cost figure or duplicate search ever reads it.
    is_repealed = models.BooleanField(_("repealed"), default=False)
    subject = models.CharField(_("object or activity it governs"), max_length=200, blank=True)
    subject_kind = models.CharField(
        _("governs"),
        max_length=10,
        blank=True,
        choices=[
            ("object", _("an object")),
            ("activity", _("an activity")),
            ("general", _("every business")),
        ],
    )

    class Meta:
        verbose_name = _("mandatory requirement")
        verbose_name_plural = _("mandatory requirements")
        ordering = ["act__code", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["act", "chapter", "item_no"], name="requirement_item_unique_in_act"
            ),
            models.CheckConstraint(
                condition=Q(cost_hours__gte=0) & Q(cost_out_of_pocket__gte=0) & Q(cost_frequency__gte=0),
                name="requirement_cost_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.act.short_title}, {self.label}"

    @property
    def label(self) -> str:
        return item_label(self.chapter, self.item_no)

    @property
    def in_force_from(self):
        return self.effective_from or self.act.effective_from


class SizeCategory(models.TextChoices):
    MICRO = "micro", _("micro enterprise")
    SMALL = "small", _("small enterprise")
    MEDIUM = "medium", _("medium enterprise")
    LARGE = "large", _("large enterprise")


class BusinessProfile(models.Model):
    """What the applicability rules read about a business."""

    business = models.OneToOneField(
        BusinessClient, verbose_name=_("business"), related_name="profile", on_delete=models.CASCADE
    )
    ogrn = models.CharField(_("OGRN / OGRNIP"), max_length=15, unique=True)
    okved = models.JSONField(_("OKVED codes"), default=list)
    size = models.CharField(_("size category"), max_length=10, choices=SizeCategory.choices)
    region = models.CharField(_("region code"), max_length=2)
    # The state registration date (ЕГРЮЛ / ЕГРИП): how old the business is, which support measures read.
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    works_at_height = models.BooleanField(_("work at height (1.8 m and more)"), null=True, blank=True)
    # Fire rules for glazing that spans floors (smoke diaphragms) read it; no register says it, so only the
    # business can — until it does, those items «may apply».
    multistorey_glazing = models.BooleanField(_("glazed walls higher than one storey"), null=True, blank=True)
    objects_complete = models.BooleanField(
        _("the list of objects is complete"),
        default=False,
        help_text=_("Until it is, a requirement for an object the business has not listed is «unknown»."),
    )
    hourly_rate = models.DecimalField(
        _("hourly rate of staff time, ₽"), max_digits=10, decimal_places=2, default=Decimal("500")
    )

    class Meta:
        verbose_name = _("business profile")
        verbose_name_plural = _("business profiles")

    def __str__(self):
        return str(self.business)


class ControlObject(models.Model):
    """An object of control the business owns or uses: premises, electrical installation, hazardous facility."""

    class Kind(models.TextChoices):
        PREMISES = "premises", _("premises")
        ELECTRICAL = "electrical", _("electrical installation")
        HAZARDOUS = "hazardous", _("hazardous production facility")
        TERRITORY = "territory", _("land plot (territory)")

    class Purpose(models.TextChoices):
        NONE = "", _("—")
        PRODUCTION = "production", _("production")
        WAREHOUSE = "warehouse", _("warehouse")
        RETAIL = "retail", _("retail")
        CATERING = "catering", _("catering")
        OFFICE = "office", _("office")
        PUBLIC = "public", _("public assembly")

    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="control_objects", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    area = models.DecimalField(_("area, m²"), max_digits=10, decimal_places=1, null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    voltage_kv = models.DecimalField(_("voltage, kV"), max_digits=7, decimal_places=3, null=True, blank=True)
    hazard_class = models.PositiveSmallIntegerField(
        _("hazard class (I–IV)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )

    class Meta:
        verbose_name = _("object of control")
        verbose_name_plural = _("objects of control")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="hazardous") | Q(hazard_class__gte=1, hazard_class__lte=4),
                name="hazardous_object_has_class",
            ),
        ]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """A business's own view of one requirement: does it apply, how clear and feasible, what it costs them."""

    class Applies(models.TextChoices):
        CONFIRMED = "confirmed", _("applies to us")
        DISPUTED = "disputed", _("does not apply to us")

    class Flag(models.TextChoices):
        NONE = "", _("—")
        DUPLICATE = "duplicate", _("duplicates another requirement")
        CONTRADICTION = "contradiction", _("contradicts another requirement")

    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="assessments", on_delete=models.CASCADE
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), related_name="assessments", on_delete=models.CASCADE
    )
    applies = models.CharField(_("applicability"), max_length=10, choices=Applies.choices, blank=True)
    clarity = models.PositiveSmallIntegerField(_("clarity (1–5)"), null=True, blank=True, validators=RATING)
    feasibility = models.PositiveSmallIntegerField(
        _("feasibility (1–5)"), null=True, blank=True, validators=RATING
    )
    comment = models.TextField(_("comment"), blank=True)
    flag = models.CharField(_("flag"), max_length=15, choices=Flag.choices, blank=True)
    flagged_with = models.ForeignKey(
        Requirement,
        verbose_name=_("the other requirement"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    cost_hours = models.DecimalField(
        _("our hours per occurrence"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    cost_out_of_pocket = models.DecimalField(
        _("our out-of-pocket per occurrence, ₽"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_frequency = models.DecimalField(
        _("our occurrences per year"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("assessment of a requirement")
        verbose_name_plural = _("assessments of requirements")
        constraints = [
            models.UniqueConstraint(fields=["profile", "requirement"], name="assessment_once_per_business"),
            models.CheckConstraint(
                condition=Q(clarity__isnull=True) | Q(clarity__gte=1, clarity__lte=5),
                name="assessment_clarity_1_5",
            ),
            models.CheckConstraint(
                condition=Q(feasibility__isnull=True) | Q(feasibility__gte=1, feasibility__lte=5),
                name="assessment_feasibility_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.profile} — {self.requirement}"


class CandidateLink(models.Model):
    """A suggested duplicate or contradiction between two requirements of different acts (computed)."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("possible duplicate")
        CONTRADICTION = "contradiction", _("possible contradiction")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    first = models.ForeignKey(Requirement, related_name="links_as_first", on_delete=models.CASCADE)
    second = models.ForeignKey(Requirement, related_name="links_as_second", on_delete=models.CASCADE)
    score = models.FloatField(_("similarity"))
    reason = models.JSONField(_("reason"), default=dict)

    class Meta:
        verbose_name = _("duplicate or contradiction candidate")
        verbose_name_plural = _("duplicate and contradiction candidates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "first", "second"], name="candidate_link_unique"),
        ]

    def __str__(self):
        return f"{self.first} ↔ {self.second}"


class Draft(models.Model):
    """A draft act under public consultation: regulatory impact assessment (ОРВ) or anti-corruption expertise."""

    class Procedure(models.TextChoices):
        RIA = "ria", _("regulatory impact assessment")
        ANTI_CORRUPTION = "anti_corruption", _("independent anti-corruption expertise")

    class Degree(models.TextChoices):
        NONE = "", _("—")
        HIGH = "high", _("high: new obligations or liability")
        MEDIUM = "medium", _("medium: changes to existing obligations")
        LOW = "low", _("low")

    title = models.CharField(_("title"), max_length=500)
    developer = models.ForeignKey(
        Agency, verbose_name=_("developer (agency)"), related_name="drafts", on_delete=models.PROTECT
    )
    procedure = models.CharField(_("procedure"), max_length=20, choices=Procedure.choices)
    degree = models.CharField(_("degree of impact"), max_length=10, choices=Degree.choices, blank=True)
    summary = models.TextField(_("what changes"))
    scope_rule = models.TextField(_("whom it touches (rule)"), blank=True)
    scope_explanation = models.CharField(_("whom it touches, in plain words"), max_length=500, blank=True)
    opens_on = models.DateField(_("consultation opens"))
    closes_on = models.DateField(_("consultation closes"))

    class Meta:
        verbose_name = _("draft under consultation")
        verbose_name_plural = _("drafts under consultation")
        ordering = ["-closes_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="draft_window_ordered"
            ),
        ]

    def __str__(self):
        return self.title


class DraftComment(Referenced):
    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), related_name="comments", on_delete=models.CASCADE
    )
    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="draft_comments", on_delete=models.CASCADE
    )
    rating = models.PositiveSmallIntegerField(_("support (1–5)"), validators=RATING)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now=True)

    class Meta:
        verbose_name = _("comment on a draft")
        verbose_name_plural = _("comments on drafts")
        constraints = [
            models.UniqueConstraint(fields=["draft", "profile"], name="draft_comment_once_per_business"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="draft_rating_1_5"),
        ]

    def __str__(self):
        return f"{self.profile} — {self.draft}"


# The assessment procedures' models live in their own module; imported here so Django registers them.
from .models_procedures import (  # noqa: E402, F401
    CommentAnswer,
    CorruptionFactor,
    Expert,
    ExpertConclusion,
    ExPostEvaluation,
    Position,
)
