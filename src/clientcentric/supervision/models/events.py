"""Control events and preventive visits, their history, checklists, documents, orders and pre-trial appeals."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientcentric.business.models import BusinessProfile, Requirement
from clientcentric.core.references import Referenced

from .control_types import USER, ControlType
from .risk import Decision


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
            from ..workflow import CONTROL_EVENT

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
    "ombudsman_answered": _("business ombudsman answered"),
    "appeal_restoration": _("decision on restoring the appeal deadline"),
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
        REFUSED = "refused", _("filed late: the missed deadline is not restored")
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
    # The body's explicit decision on a late appeal's request to restore the deadline, before any review.
    restoration_granted = models.BooleanField(_("missed deadline restored"), null=True, blank=True)
    restoration_decision = models.TextField(
        _("reasons for the decision on restoring the deadline"), blank=True
    )
    restoration_decided_at = models.DateTimeField(_("restoration decided at"), null=True, blank=True)
    restoration_decided_by = models.ForeignKey(
        USER,
        verbose_name=_("official who decided on restoring the deadline"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
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
        return self.status in (
            self.Status.UPHELD,
            self.Status.PARTLY,
            self.Status.DISMISSED,
            self.Status.REFUSED,
        )

    @property
    def awaits_restoration(self) -> bool:
        return self.status == self.Status.RESTORATION


class OmbudsmanRequest(Referenced):
    """The business asks the business ombudsman (уполномоченный по защите прав предпринимателей) to take part.

    The request reaches the ombudsman's office queue; the office answers within ANSWER_WORKING_DAYS working days
    on the production calendar (docs/supervision.md says why). Its status changes only through
    `workflow.OMBUDSMAN_REQUEST`."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received by the office")
        IN_WORK = "in_work", _("in work")
        ANSWERED = "answered", _("answered")

    # 20 working days: about the 30 calendar days of 59-ФЗ art. 12 for written requests, counted on the
    # production calendar so that the holidays do not eat the office's time.
    ANSWER_WORKING_DAYS = 20

    event = models.ForeignKey(ControlEvent, related_name="ombudsman_requests", on_delete=models.CASCADE)
    text = models.TextField(_("what to look at"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, related_name="+", on_delete=models.SET_NULL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    due_on = models.DateField(_("answer due by"), null=True, blank=True)
    taken_by = models.ForeignKey(
        USER, verbose_name=_("taken by"), null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    answer = models.TextField(_("answer of the ombudsman"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("request to the business ombudsman")
        verbose_name_plural = _("requests to the business ombudsman")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.event_id}: {self.text[:60]}"

    def overdue_on(self, today) -> bool:
        return self.status != self.Status.ANSWERED and self.due_on is not None and today > self.due_on
