"""Ratings at every touchpoint: the instrument as rows, invitations, responses, follow-ups, counts, quarters."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import Agency


class EndPoint(models.TextChoices):
    """Where a client's transaction ended and the question was asked (GOV.UK: ask at every end point)."""

    APPEAL_ANSWERED = "appeal_answered", _("appeal answered")
    SERVICE_COMPLETED = "service_completed", _("service request completed")
    SERVICE_REFUSED = "service_refused", _("service request refused")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    APPOINTMENT_HELD = "appointment_held", _("appointment held")
    CHAT_ENDED = "chat_ended", _("chat-bot dialogue ended")
    CALL_ENDED = "call_ended", _("call ended")
    OFFICE_VISIT = "office_visit", _("office visit")
    PAGE = "page", _("a page of the site")


class Source(models.TextChoices):
    INVITATION = "invitation", _("invitation link")
    QR = "qr", _("QR code at the office")
    IVR = "ivr", _("voice menu after a call")
    WIDGET = "widget", _("unprompted widget")


SOLICITED_SOURCES = (Source.INVITATION, Source.QR, Source.IVR)


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("scale")
    YES_NO = "yes_no", _("yes / no")
    DRIVERS = "drivers", _("driver list")
    TEXT = "text", _("free text")


class Instrument(models.Model):
    """One version of the questionnaire. Versions are never pooled: every count carries its version."""

    version = models.SlugField(_("version"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_instrument"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"


class Question(models.Model):
    """A question of one instrument version; its text and scale never change once answered."""

    instrument = models.ForeignKey(Instrument, related_name="questions", on_delete=models.PROTECT)
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("text"), max_length=300)
    scale_min = models.SmallIntegerField(_("scale from"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("scale to"), null=True, blank=True)
    positive_from = models.SmallIntegerField(_("positive from"), null=True, blank=True)
    low_label = models.CharField(_("label of the lowest level"), max_length=100, blank=True)
    high_label = models.CharField(_("label of the highest level"), max_length=100, blank=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="question_code_per_instrument")
        ]

    def __str__(self):
        # The question's words, not its code: this names the answer's question in the back office.
        return f"{self.instrument.version}: {self.text}"


class Invitation(models.Model):
    """An offer to rate one finished transaction; the link is signed, expires and works once."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT)
    end_point = models.CharField(_("end point"), max_length=30, choices=EndPoint.choices)
    touchpoint = models.CharField(_("touchpoint"), max_length=40)
    transaction_kind = models.CharField(_("transaction kind"), max_length=40)
    transaction_ref = models.CharField(_("transaction reference"), max_length=100)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, related_name="+", on_delete=models.PROTECT)
    service = models.ForeignKey(
        "registry.Service", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    segment = models.ForeignKey(
        "registry.Segment", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    life_situation = models.ForeignKey(
        "registry.LifeSituation", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, related_name="feedback_invitations", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("offered at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["end_point", "transaction_kind", "transaction_ref"],
                name="one_invitation_per_transaction_end",
            )
        ]

    def __str__(self):
        return f"{self.get_end_point_display()} {self.transaction_ref}"


class Response(models.Model):
    """One filled questionnaire. Its answers are rows of `Answer`; personal links stay out of aggregates."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, related_name="response", on_delete=models.PROTECT
    )
    end_point = models.CharField(_("end point"), max_length=30, choices=EndPoint.choices)
    touchpoint = models.CharField(_("touchpoint"), max_length=40)
    agency = models.ForeignKey(Agency, null=True, blank=True, related_name="+", on_delete=models.PROTECT)
    service = models.ForeignKey(
        "registry.Service", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    segment = models.ForeignKey(
        "registry.Segment", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    life_situation = models.ForeignKey(
        "registry.LifeSituation", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, related_name="feedback_responses", on_delete=models.SET_NULL
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    page = models.CharField(_("page"), max_length=300, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"#{self.pk} {self.get_source_display()}"


class Answer(models.Model):
    """One answer to one question: questions are rows, not columns."""

    response = models.ForeignKey(Response, related_name="answers", on_delete=models.CASCADE)
    question = models.ForeignKey(Question, on_delete=models.PROTECT)
    value = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"{self.question_id}: {self.value if self.value is not None else self.choices}"


class FollowUp(models.Model):
    """An unhappy answer with a comment: the responsible agency calls back or explains."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    response = models.OneToOneField(Response, related_name="follow_up", on_delete=models.CASCADE)
    agency = models.ForeignKey(
        Agency, related_name="feedback_follow_ups", on_delete=models.PROTECT, verbose_name=_("agency")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    outcome = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["state", "-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.get_state_display()}"


class Count(models.Model):
    """A pre-aggregated count (Zulip analytics `BaseCount` style): property × subgroup × cell × month.

    Dimensions are plain ids with 0 for "none" (not nullable foreign keys) so that the unique key works on
    every database and a public page never joins raw rows.
    """

    property = models.CharField(max_length=40)
    subgroup = models.CharField(max_length=20, blank=True)
    instrument_id = models.IntegerField()
    month = models.DateField()
    sample = models.CharField(max_length=12)  # "solicited" or "widget": never pooled either
    end_point = models.CharField(max_length=30)
    touchpoint = models.CharField(max_length=40)
    agency_id = models.IntegerField(default=0)
    service_id = models.IntegerField(default=0)
    segment_id = models.IntegerField(default=0)
    life_situation_id = models.IntegerField(default=0)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "property",
                    "subgroup",
                    "instrument_id",
                    "month",
                    "sample",
                    "end_point",
                    "touchpoint",
                    "agency_id",
                    "service_id",
                    "segment_id",
                    "life_situation_id",
                ],
                name="one_count_per_cell",
            )
        ]
        indexes = [models.Index(fields=["month", "property"], name="feedback_count_month")]

    def __str__(self):
        return f"{self.property}[{self.subgroup}] {self.month:%Y-%m} = {self.value}"


class AggregationState(models.Model):
    """How far the incremental aggregation has read: the last response and invitation ids counted."""

    last_response_id = models.BigIntegerField(default=0)
    last_invitation_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"responses ≤ {self.last_response_id}, invitations ≤ {self.last_invitation_id}"


class QuarterReport(models.Model):
    """A quarter's public figures: a draft is recomputed; a published one is frozen with its SHA-256."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    quarter = models.CharField(_("quarter"), max_length=7, unique=True)  # "2026Q3"
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    payload = models.JSONField(_("figures"), default=dict)
    integrity_hash = models.CharField(_("SHA-256 of the figures"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("quarter report")
        verbose_name_plural = _("quarter reports")
        ordering = ["-quarter"]

    def __str__(self):
        return f"{self.quarter} ({self.get_state_display()})"
