"""Risk-based supervision (248-ФЗ): types of control as data, risk profiles, prevention, control events.

The numbers the law leaves to each type of control (deadlines, validity, categories) are fields of
`ControlType` with the defaults the specification gives (KND-6, KND-7, KND-10); the risk categories and
criteria come from the type's risk-model YAML, read by `clientcentric.engines.risk`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clientcentric.accounts.models import Agency
from clientcentric.business.models import BusinessProfile, Requirement

USER = settings.AUTH_USER_MODEL


class ControlType(models.Model):
    """A type of state control (вид контроля) with its configuration and risk model."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    agency = models.ForeignKey(
        Agency, verbose_name=_("supervisory body"), related_name="control_types", on_delete=models.PROTECT
    )
    act_control_type = models.CharField(
        _("type of control as the acts name it"),
        max_length=300,
        help_text=_("Acts whose «type of control» equals this text give the requirements checked."),
    )
    risk_model_file = models.CharField(_("risk model file"), max_length=200, blank=True)
    risk_model_text = models.TextField(_("risk model (YAML)"), blank=True)
    warning_objection_working_days = models.PositiveSmallIntegerField(
        _("objection to a warning, working days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    appeal_filing_days = models.PositiveSmallIntegerField(
        _("pre-trial appeal filing window, calendar days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    order_appeal_working_days = models.PositiveSmallIntegerField(
        _("appeal against a compliance order, working days"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    appeal_review_working_days = models.PositiveSmallIntegerField(
        _("pre-trial appeal review, working days"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    appeal_extension_working_days = models.PositiveSmallIntegerField(
        _("extension of the review, working days"),
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    declaration_valid_years = models.PositiveSmallIntegerField(
        _("validity of a compliance declaration, years"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    declaration_min_score = models.PositiveSmallIntegerField(
        _("self-examination score that gives a declaration, %"),
        default=100,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
    )
    event_hours = models.DecimalField(
        _("business staff hours a control event takes"), max_digits=6, decimal_places=1, default=16
    )
    event_out_of_pocket = models.DecimalField(
        _("business out-of-pocket cost of a control event, ₽"), max_digits=12, decimal_places=2, default=0
    )
    incentives = models.JSONField(
        _("good-faith incentives this type uses"),
        default=list,
        blank=True,
        help_text=_("Codes of the incentives (248-ФЗ art. 48) the положение of this type provides."),
    )
    programme_deadline_month = models.PositiveSmallIntegerField(
        _("prevention programme approved by: month"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    programme_deadline_day = models.PositiveSmallIntegerField(
        _("prevention programme approved by: day"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("type of control")
        verbose_name_plural = _("types of control")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        from .services.incentives import validate_config

        self.incentives = validate_config(self.incentives)


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


class Consultation(models.Model):
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


class Objection(models.Model):
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


class EventKind(models.TextChoices):
    """Control events of 248-ФЗ art. 56 and the preventive visit of art. 52."""

    CONTROL_PURCHASE = "control_purchase", _("control purchase")
    MONITORING_PURCHASE = "monitoring_purchase", _("monitoring purchase")
    SAMPLING = "sampling", _("selective control")
    INSPECTION_VISIT = "inspection_visit", _("inspection visit")
    RAID = "raid", _("raid inspection")
    DOCUMENTARY = "documentary", _("documentary inspection")
    ON_SITE = "on_site", _("on-site inspection")
    OBSERVATION = "observation", _("observation of compliance")
    SURVEY = "survey", _("on-site survey")
    PREVENTIVE_VISIT = "preventive_visit", _("preventive visit")


WITHOUT_INTERACTION = frozenset({EventKind.OBSERVATION, EventKind.SURVEY})
PREVENTIVE_KINDS = frozenset({EventKind.PREVENTIVE_VISIT})


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    NOTIFIED = "notified", _("the business is notified")
    IN_PROGRESS = "in_progress", _("in progress")
    ACT_ISSUED = "act_issued", _("act issued")
    ORDER_ISSUED = "order_issued", _("compliance order issued")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class ControlEvent(models.Model):
    """A control event or a preventive visit. Its status changes only through `workflow.CONTROL_EVENT`."""

    number = models.CharField(_("registration number"), max_length=40, unique=True)
    control_type = models.ForeignKey(
        ControlType, verbose_name=_("type of control"), related_name="events", on_delete=models.PROTECT
    )
    profile = models.ForeignKey(
        BusinessProfile, verbose_name=_("business"), related_name="control_events", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    planned = models.BooleanField(_("planned (from the yearly plan)"), default=False)
    basis = models.CharField(_("basis"), max_length=500)
    risk_category = models.CharField(_("risk category when planned"), max_length=120, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    inspector = models.ForeignKey(
        USER, verbose_name=_("inspector"), null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    requirements = models.ManyToManyField(Requirement, verbose_name=_("requirements checked"), blank=True)
    status = models.CharField(
        _("status"), max_length=50, default=EventStatus.PLANNED, choices=EventStatus.choices
    )
    representative_name = models.CharField(_("representative"), max_length=300, blank=True)
    representative_basis = models.CharField(_("representative's authority"), max_length=300, blank=True)
    act_text = models.TextField(_("act"), blank=True)
    act_issued_at = models.DateTimeField(_("act issued at"), null=True, blank=True)
    violations_found = models.BooleanField(_("violations found"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("control event")
        verbose_name_plural = _("control events")
        ordering = ["-starts_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="event_period"),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    # The status as stored, so that a save can refuse a status written around the workflow's table.
    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored_status", None)
        update_fields = kwargs.get("update_fields")
        if (
            stored is not None
            and stored != self.status
            and (update_fields is None or "status" in update_fields)
        ):
            from .workflow import CONTROL_EVENT

            CONTROL_EVENT.check(stored, self.status, self)
        super().save(*args, **kwargs)
        self._stored_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        event = super().from_db(db, field_names, values)
        event._stored_status = event.__dict__.get("status")
        return event

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._stored_status = self.__dict__.get("status")

    @property
    def is_preventive(self) -> bool:
        return self.kind in PREVENTIVE_KINDS

    @property
    def with_interaction(self) -> bool:
        return self.kind not in WITHOUT_INTERACTION


HISTORY_ACTIONS = {
    "created": _("created"),
    "notify": _("the business is notified"),
    "start": _("started"),
    "checklist": _("checklist filled"),
    "issue_act": _("act issued"),
    "issue_order": _("compliance order issued"),
    "close": _("closed"),
    "cancel": _("cancelled"),
    "representative": _("representative appointed"),
    "reschedule_requested": _("asked to reschedule"),
    "reschedule_accepted": _("rescheduled"),
    "reschedule_rejected": _("rescheduling refused"),
    "document": _("document sent"),
    "appeal_filed": _("pre-trial appeal filed"),
    "appeal_decided": _("pre-trial appeal decided"),
    "ombudsman": _("business ombudsman asked"),
}


class EventHistory(models.Model):
    """Append-only: every status change and every step of the business or the body on an event."""

    event = models.ForeignKey(ControlEvent, related_name="history", on_delete=models.CASCADE)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("event history entry")
        verbose_name_plural = _("event history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.event}: {self.action}"

    @property
    def action_label(self) -> str:
        return str(HISTORY_ACTIONS.get(self.action, self.action))

    @property
    def to_status_label(self) -> str:
        return (
            str(EventStatus(self.to_status).label) if self.to_status in EventStatus.values else self.to_status
        )

    @property
    def from_status_label(self) -> str:
        return (
            str(EventStatus(self.from_status).label)
            if self.from_status in EventStatus.values
            else self.from_status
        )


class EventCheck(models.Model):
    """One line of the checklist (проверочный лист) of an event: a requirement and what was found."""

    class Outcome(models.TextChoices):
        COMPLIES = "complies", _("complies")
        VIOLATED = "violated", _("violated")
        NOT_APPLICABLE = "not_applicable", _("not applicable")

    event = models.ForeignKey(ControlEvent, related_name="checks", on_delete=models.CASCADE)
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist line")
        verbose_name_plural = _("checklist lines")
        constraints = [models.UniqueConstraint(fields=["event", "requirement"], name="check_once")]

    def __str__(self):
        return f"{self.event_id}: {self.requirement_id} {self.outcome}"


class EventDocument(models.Model):
    class Direction(models.TextChoices):
        FROM_BUSINESS = "from_business", _("from the business")
        FROM_BODY = "from_body", _("from the supervisory body")

    event = models.ForeignKey(ControlEvent, related_name="documents", on_delete=models.CASCADE)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    file = models.FileField(upload_to="supervision/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, null=True, related_name="+", on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event document")
        verbose_name_plural = _("event documents")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.name


class RescheduleRequest(models.Model):
    event = models.ForeignKey(ControlEvent, related_name="reschedule_requests", on_delete=models.CASCADE)
    reason = models.TextField(_("reason"))
    proposed_on = models.DateField(_("proposed start"))
    status = models.CharField(_("status"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.TextField(_("decision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request to reschedule")
        verbose_name_plural = _("requests to reschedule")

    def __str__(self):
        return f"{self.event_id} → {self.proposed_on}"


class ComplianceOrder(models.Model):
    """A compliance order (предписание) issued after an act that found violations."""

    event = models.OneToOneField(ControlEvent, related_name="order", on_delete=models.CASCADE)
    text = models.TextField(_("what to do"))
    due_on = models.DateField(_("comply by"))
    issued_at = models.DateTimeField(_("issued at"))
    complied_at = models.DateTimeField(_("complied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("compliance order")
        verbose_name_plural = _("compliance orders")

    def __str__(self):
        return f"{self.event.number}: {self.due_on}"


class PretrialAppeal(models.Model):
    """A pre-trial appeal (arts. 39–43). One filed late is kept as a request to restore the deadline."""

    class Subject(models.TextChoices):
        DECISION = "decision", _("the decision to hold the event")
        ACT = "act", _("the act of the event")
        ORDER = "order", _("the compliance order")
        ACTIONS = "actions", _("actions or inaction of officials")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered, under review")
        RESTORATION = "restoration", _("filed late: request to restore the deadline")
        EXTENDED = "extended", _("review extended")
        UPHELD = "upheld", _("upheld")
        PARTLY = "partly", _("partly upheld")
        DISMISSED = "dismissed", _("dismissed")

    number = models.CharField(_("registration number"), max_length=40, unique=True)
    event = models.ForeignKey(ControlEvent, related_name="appeals", on_delete=models.CASCADE)
    subject = models.CharField(_("what is appealed"), max_length=10, choices=Subject.choices)
    text = models.TextField(_("appeal"))
    learned_on = models.DateField(_("learned of the violation of rights on"))
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(USER, null=True, related_name="+", on_delete=models.SET_NULL)
    filing_deadline = models.DateField(_("last day to file"))
    late = models.BooleanField(_("filed after the window"), default=False)
    restoration_reason = models.TextField(_("why the deadline was missed"), blank=True)
    review_due = models.DateField(_("review due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    ombudsman_involved = models.BooleanField(_("business ombudsman involved"), default=False)

    class Meta:
        verbose_name = _("pre-trial appeal")
        verbose_name_plural = _("pre-trial appeals")
        ordering = ["-filed_at"]

    def __str__(self):
        return self.number

    @property
    def decided(self) -> bool:
        return self.status in (self.Status.UPHELD, self.Status.PARTLY, self.Status.DISMISSED)


class OmbudsmanRequest(models.Model):
    """The business asks the business ombudsman (уполномоченный по защите прав предпринимателей) to take part."""

    event = models.ForeignKey(ControlEvent, related_name="ombudsman_requests", on_delete=models.CASCADE)
    text = models.TextField(_("what to look at"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("request to the business ombudsman")
        verbose_name_plural = _("requests to the business ombudsman")

    def __str__(self):
        return f"{self.event_id}: {self.text[:60]}"


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
