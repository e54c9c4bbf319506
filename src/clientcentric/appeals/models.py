"""Appeals from every touchpoint, their deadlines, routing and history (standard §4.6, 59-ФЗ)."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import Agency, ApiToken
from clientcentric.core import formats
from clientcentric.core.models import AppendOnlyError


class Channel(models.TextChoices):
    PORTAL = "portal", _("portal")
    API = "api", _("integrated system (API)")
    EMAIL = "email", _("e-mail")
    SOCIAL = "social", _("social network")
    CHATBOT = "chatbot", _("chat-bot")
    PHONE = "phone", _("phone call")
    IN_PERSON = "in_person", _("in person")


class Kind(models.TextChoices):
    WRITTEN = "written", _("written appeal")
    MENTION = "mention", _("mention")
    SOCIAL_APPEAL = "social_appeal", _("appeal on a social network")
    COMMENT = "comment", _("comment under an official post")


class PublicationBasis(models.TextChoices):
    """Why an appeal is, or is not, on the public tracker."""

    PUBLIC_CHANNEL = "public_channel", _("filed in a public channel")
    PRIVATE_CHANNEL = "private_channel", _("came through a private channel")
    AUTHOR_CONSENT = "author_consent", _("the author agreed to publish it")
    AUTHOR_REFUSAL = "author_refusal", _("the author asked not to publish it")
    OPERATOR = "operator", _("an operator's decision")


# A private message, a call, a visit, an e-mail and a chat-bot hand-over are not published by default.
PRIVATE_CHANNELS = frozenset({"email", "phone", "in_person", "chatbot"})


def is_private(channel: str, kind: str) -> bool:
    return channel in PRIVATE_CHANNELS or (channel == "social" and kind == "social_appeal")


class Status(models.TextChoices):
    NEEDS_ROUTING = "needs_routing", _("waiting for routing")
    REGISTERED = "registered", _("registered")
    IN_PROGRESS = "in_progress", _("in progress")
    AWAITING_DETAILS = "awaiting_details", _("waiting for details from the author")
    ANSWERED = "answered", _("answered")
    REOPENED = "reopened", _("reopened")
    CLOSED = "closed", _("closed")


class Clock(models.TextChoices):
    CALENDAR_TIME = "calendar_time", _("calendar hours (24/7)")
    WORKING_TIME = "working_time", _("working hours (production calendar)")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class DeadlinePolicy(models.Model):
    """A response-time promise for channel × kind × category. Rows are never edited: a new row supersedes."""

    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, blank=True, help_text=_("Empty: any channel.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(
        _("category"), max_length=300, blank=True, help_text=_("Empty: any category.")
    )
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    answer_within_hours = models.PositiveIntegerField(_("answer within, hours"), null=True, blank=True)
    answer_within_days = models.PositiveIntegerField(_("answer within, days"), null=True, blank=True)
    register_within_days = models.PositiveIntegerField(_("register within, days"), null=True, blank=True)
    pause_allowed = models.BooleanField(_("clock pauses while waiting for the author"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("created by"),
    )
    note = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["kind", "channel", "category", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(clock="calendar_days", answer_within_days__gt=0, answer_within_hours__isnull=True)
                    | (
                        ~Q(clock="calendar_days")
                        & Q(answer_within_hours__gt=0, answer_within_days__isnull=True)
                    )
                ),
                name="deadline_policy_unit_matches_clock",
            ),
        ]

    def __str__(self):
        size = (
            formats.days(self.answer_within_days)
            if self.clock == Clock.CALENDAR_DAYS
            else formats.count_of(self.answer_within_hours, "hours")
        )
        channel = self.get_channel_display() if self.channel else gettext("any channel")
        category = self.category or gettext("any category")
        return f"{self.get_kind_display()} / {channel} / {category}: {size}"


class RoutingRule(models.Model):
    """Ordered rules: the first active rule whose conditions all hold picks the executor."""

    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    conditions = models.JSONField(
        _("conditions"),
        default=dict,
        help_text=_(
            'Fields and values that must all match, e.g. {"topic": ["Неисправный лифт"], "district": "Невский"}.'
        ),
    )
    executor = models.ForeignKey(Agency, verbose_name=_("executor"), on_delete=models.PROTECT)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.position}. {self.name}"


class SocialAccount(models.Model):
    """An official community or bot whose webhook delivers mentions, appeals and comments."""

    class Network(models.TextChoices):
        VK = "vk", "VK"
        TELEGRAM = "telegram", "Telegram"

    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    name = models.CharField(_("name"), max_length=200)
    community_id = models.CharField(
        _("community or bot id"), max_length=100, help_text=_("VK group_id, or the Telegram bot's @username.")
    )
    secret_hash = models.CharField(max_length=64, editable=False)
    confirmation_code = models.CharField(_("VK confirmation code"), max_length=100, blank=True)
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("social network account")
        verbose_name_plural = _("social network accounts")
        constraints = [
            models.UniqueConstraint(fields=["network", "community_id"], name="social_account_unique")
        ]

    def __str__(self):
        return f"{self.get_network_display()}: {self.name}"


_NUMBER = re.compile(r"\s*№?\s*(\d{4})-(\d{6,})\s*")


class AppealQuerySet(models.QuerySet):
    def with_number(self, number: str):
        """The appeal a public number names (``with_number("2026-000123")``); none for anything else."""
        match = _NUMBER.fullmatch(number or "")
        if match is None:
            return self.none()
        year, key = match.groups()
        return self.filter(pk=int(key), registered_at__year=int(year))


class ObjectKind(models.TextChoices):
    """What an appeal is about, as a city portal asks before the topic («Наш Санкт-Петербург»'s list).

    The values are the portal's own words, so imported appeals and the trained models use the same ones; an
    appeal from another system may carry any other kind (the field is free text), a form offers these.
    """

    HOUSE = "Дом", _("A house: entrance, stairs, lift, roof, facade")
    FLAT = "Квартира", _("A flat")
    YARD = "Двор", _("A yard")
    STREET = "Улица", _("A street or a road")
    PARK = "Парк, сад, бульвар, сквер", _("A park, garden, boulevard or square")
    STRUCTURE = "Сооружение", _("A structure: fence, kiosk, transformer box")
    BRIDGE = "Мост", _("A bridge")
    ADVERTISING = "Рекламные или информационные конструкции", _("An advertising or information sign")
    CONSTRUCTION = "Строительная площадка", _("A construction site")
    CEMETERY = "Кладбище", _("A cemetery")
    CITY = "Территория Санкт-Петербурга", _("Elsewhere in the city: poles, manholes, street lights")


class Appeal(models.Model):
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WRITTEN)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        related_name="appeals",
        on_delete=models.PROTECT,
    )
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    # The municipality (муниципальный округ) within the district, as the integrating portal derives it from the
    # place; the executor router reads it, mostly for appeals about a yard or a street that name no house.
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    # What the appeal is about as the citizen chose it before writing («Дом», «Двор», «Улица», «Сооружение»…;
    # ObjectKind lists the portal's): each topic belongs to one kind, so the topic model and the router read it.
    object_kind = models.CharField(_("kind of object"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    need = models.ForeignKey(
        "registry.Need",
        verbose_name=_("need"),
        null=True,
        blank=True,
        related_name="appeals",
        on_delete=models.SET_NULL,
    )
    life_situation = models.ForeignKey(
        "registry.LifeSituation",
        verbose_name=_("life situation"),
        null=True,
        blank=True,
        related_name="appeals",
        on_delete=models.SET_NULL,
    )
    executor = models.ForeignKey(
        Agency,
        verbose_name=_("executor"),
        null=True,
        blank=True,
        related_name="appeals",
        on_delete=models.PROTECT,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(_("registered at"), db_index=True)
    deadline_at = models.DateTimeField(_("answer due"), db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    policy = models.ForeignKey(DeadlinePolicy, verbose_name=_("deadline policy"), on_delete=models.PROTECT)
    routing_rule = models.ForeignKey(
        RoutingRule, verbose_name=_("routing rule"), null=True, blank=True, on_delete=models.SET_NULL
    )
    routing_confidence = models.FloatField(_("classifier confidence"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        related_name="assigned_appeals",
        on_delete=models.SET_NULL,
    )
    source = models.ForeignKey(
        ApiToken,
        verbose_name=_("integrating system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    idempotency_key = models.CharField(max_length=200, blank=True)
    # SHA-256 of what the author sent: a key reused with another body is refused, not answered with this appeal.
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # HMAC of the confirmation code sent to the author's contact: with the number it opens the status page
    # without an account. Only the hash is kept, so the stored rows cannot be read back into codes.
    tracking_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    external_id = models.CharField(
        _("id in the source channel"),
        max_length=200,
        blank=True,
        help_text=_("Message-ID of an e-mail, event id of a social network: a replay is recognised by it."),
    )
    supporters_count = models.PositiveIntegerField(_("supporters"), default=0)
    is_published = models.BooleanField(
        _("on the public tracker"),
        default=True,
        help_text=_("Shown to everyone with personal data masked; the author always sees the original."),
    )
    publication_basis = models.CharField(
        _("why published or not"), max_length=20, choices=PublicationBasis.choices, blank=True
    )
    # A parent, guardian or holder of a power of attorney who filed the appeal for the author (DEF-2).
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by the representative"),
        null=True,
        blank=True,
        related_name="appeals_filed_for_others",
        on_delete=models.PROTECT,
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["deadline_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appeal_idempotency_per_source",
            ),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="appeal_external_id_per_channel",
            ),
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(source__isnull=True),
                name="appeal_idempotency_per_author",
            ),
        ]
        indexes = [models.Index(fields=["executor", "status", "deadline_at"])]
        permissions = [("route_appeal", _("Can route appeals that wait for a human router"))]

    def __str__(self):
        return f"№ {self.number}"

    def get_absolute_url(self):
        return reverse("appeals:public_detail", args=[self.number])

    @property
    def number(self) -> str:
        """The public number: the registration year (in the platform's time zone) and the key.

        Derived, not stored, so registering an appeal is one INSERT and two concurrent intakes can never draw the
        same number.
        """
        if self.pk is None or self.registered_at is None:
            return ""
        return f"{timezone.localtime(self.registered_at):%Y}-{self.pk:06d}"

    @property
    def due_shown(self):
        """The deadline as people read it: a calendar-day deadline is the last minute of its last day."""
        if self.policy.clock == Clock.CALENDAR_DAYS:
            return self.deadline_at - timedelta(minutes=1)
        return self.deadline_at


class AppealEvent(models.Model):
    """Append-only history of an appeal: every status change, with who and why."""

    appeal = models.ForeignKey(Appeal, related_name="events", on_delete=models.CASCADE)
    occurred_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.appeal_id}: {self.from_status or '—'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("appeal history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("appeal history is append-only")


class Answer(models.Model):
    appeal = models.ForeignKey(
        Appeal, related_name="answers", on_delete=models.CASCADE, verbose_name=_("appeal")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("author"))
    text = models.TextField(_("answer"))
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The plain-Russian check as it stood when the answer was sent, and why the operator sent it anyway.
    reading_ease = models.FloatField(_("Flesch reading ease"), null=True, blank=True)
    reading_grade = models.FloatField(_("Flesch–Kincaid grade"), null=True, blank=True)
    plain_override_reason = models.TextField(_("why the answer is not simpler"), blank=True)
    template_version = models.ForeignKey(
        "knowledge.AnswerTemplateVersion",
        verbose_name=_("answer template version"),
        null=True,
        blank=True,
        related_name="answers",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.appeal_id}: {self.text[:40]}"


class Attachment(models.Model):
    """A photo from the portal, a file from an e-mail, a voice or video message, a call centre's recorded call.

    Served only through the operator's protected view (appeals.views.attachment), never from a public URL."""

    class Origin(models.TextChoices):
        AUTHOR = "author", _("from the author")
        CALL_CENTRE = "call_centre", _("call centre recording")

    appeal = models.ForeignKey(Appeal, related_name="attachments", on_delete=models.CASCADE)
    file = models.FileField(upload_to="appeals/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    origin = models.CharField(_("came from"), max_length=20, choices=Origin.choices, default=Origin.AUTHOR)
    duration_seconds = models.PositiveIntegerField(_("duration, seconds"), null=True, blank=True)

    def __str__(self):
        return self.name

    @property
    def media(self) -> str:
        """Which player the operator's page shows: audio, video or none ("")."""
        kind = self.content_type.split("/", 1)[0]
        return kind if kind in ("audio", "video") else ""

    @property
    def duration_shown(self) -> str:
        """A recording's length as a player shows it: 0:07, 12:30, 1:02:03."""
        if self.duration_seconds is None:
            return ""
        hours, rest = divmod(self.duration_seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class CallRecording(models.Model):
    """A call centre's recorded call attached to an appeal (docs/channels.md). The caller's number is personal
    data: masked in lists, shown in full only on request, each such read audited, never logged."""

    attachment = models.OneToOneField(
        Attachment, verbose_name=_("recording"), related_name="call", on_delete=models.CASCADE
    )
    source = models.ForeignKey(ApiToken, verbose_name=_("telephony system"), on_delete=models.PROTECT)
    call_id = models.CharField(_("call id"), max_length=100)
    caller_number = models.CharField(_("caller's number"), max_length=20)
    started_at = models.DateTimeField(_("call started"))
    ended_at = models.DateTimeField(_("call ended"))
    operator = models.CharField(_("call centre operator"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200)
    request_fingerprint = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recorded call")
        verbose_name_plural = _("recorded calls")
        constraints = [
            models.UniqueConstraint(fields=["source", "idempotency_key"], name="call_idempotency_per_source"),
            models.UniqueConstraint(fields=["source", "call_id"], name="call_once_per_source"),
            models.CheckConstraint(condition=Q(ended_at__gt=F("started_at")), name="call_ends_after_start"),
        ]

    def __str__(self):
        return self.call_id

    @property
    def masked_number(self) -> str:
        return mask_phone(self.caller_number)


def mask_phone(number: str) -> str:
    """The number as lists show it (+79161234567 → +7•••••••67): tells two callers apart, cannot call back."""
    if len(number) <= 4:
        return "•" * len(number)
    head = 2 if number.startswith("+") else 1
    return number[:head] + "•" * (len(number) - head - 2) + number[-2:]


class Support(models.Model):
    """A +1: a person joins an appeal instead of filing a duplicate, and follows it."""

    appeal = models.ForeignKey(Appeal, related_name="supports", on_delete=models.CASCADE)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="supports", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "person"], name="support_once")]

    def __str__(self):
        return f"+1 {self.appeal_id} {self.person_id}"


class TrainingExample(models.Model):
    """A labelled appeal text the classifier learns from: imported history and every human correction."""

    text = models.TextField()
    category = models.CharField(max_length=300, blank=True)
    executor = models.CharField(max_length=300, blank=True)
    district = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=300, blank=True)  # its words are features of the topic model
    municipality = models.CharField(max_length=100, blank=True)  # a feature of the executor router
    object_kind = models.CharField(
        max_length=100, blank=True
    )  # a prior of both models, the table's kind of place
    created_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=40, default="import")
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self):
        return f"{self.category or self.executor}: {self.text[:40]}"


class ClassifierModel(models.Model):
    """A trained classifier; the newest active one of each target is used."""

    class Target(models.TextChoices):
        CATEGORY = "category", _("topic")
        EXECUTOR = "executor", _("executor")

    target = models.CharField(max_length=20, choices=Target.choices)
    data = models.BinaryField()
    metrics = models.JSONField(default=dict)
    trained_at = models.DateTimeField(auto_now_add=True)
    examples = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self):
        return f"{self.target} {formats.numeric_datetime(self.trained_at)}"


class NeedTopic(models.Model):
    """An appeal topic and the typical need it is evidence of (the need's life situation follows from it)."""

    topic = models.CharField(_("appeal topic"), max_length=300, unique=True)
    need = models.ForeignKey(
        "registry.Need", verbose_name=_("need"), related_name="appeal_topics", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("appeal topic of a need")
        verbose_name_plural = _("appeal topics of needs")
        ordering = ["topic"]

    def __str__(self):
        return f"{self.topic} → {self.need_id}"


class PendingPhoto(models.Model):
    """A photo sent with an appeal form that came back with an error, kept so that the author need not
    attach it again (appeals.pending). Kept already cleaned (re-encoded without EXIF) and only for a day."""

    form_key = models.CharField(max_length=64, db_index=True)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class SocialThread(models.Model):
    """Where a social-network appeal is answered: the author's chat and the post or comment it sits under."""

    appeal = models.OneToOneField(
        Appeal, verbose_name=_("appeal"), related_name="social_thread", on_delete=models.CASCADE
    )
    account = models.ForeignKey(SocialAccount, verbose_name=_("account"), on_delete=models.PROTECT)
    # VK: the author's id (peer_id for messages.send); Telegram: the chat id of the message.
    peer_id = models.CharField(_("chat or author id"), max_length=40)
    # Where a public reply goes: VK owner_id and post_id of the wall post and the comment; Telegram message id.
    post_owner_id = models.CharField(_("post owner id"), max_length=40, blank=True)
    post_id = models.CharField(_("post id"), max_length=40, blank=True)
    message_id = models.CharField(_("message or comment id"), max_length=40, blank=True)
    author_id = models.CharField(_("author id on the network"), max_length=40, blank=True)
    is_public = models.BooleanField(_("started in public"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("social network thread")
        verbose_name_plural = _("social network threads")
        indexes = [models.Index(fields=["account", "peer_id"], name="social_thread_peer")]

    def __str__(self):
        return f"{self.account_id}:{self.peer_id} → {self.appeal_id}"


class SocialMessage(models.Model):
    """One message of the conversation on the network, in either direction, with its delivery status."""

    class Direction(models.TextChoices):
        OUT = "out", _("from the agency")
        IN = "in", _("from the client")

    class Status(models.TextChoices):
        PENDING = "pending", _("being sent")
        SENT = "sent", _("delivered to the network")
        FAILED = "failed", _("not delivered")
        RECEIVED = "received", _("received")

    thread = models.ForeignKey(
        SocialThread, verbose_name=_("thread"), related_name="messages", on_delete=models.CASCADE
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    is_public = models.BooleanField(_("public"), default=False)
    text = models.TextField(_("text"))
    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    provider_id = models.CharField(_("id on the network"), max_length=80, blank=True)
    external_id = models.CharField(_("event id on the network"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("social network message")
        verbose_name_plural = _("social network messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "external_id"], condition=~Q(external_id=""), name="social_message_once"
            )
        ]

    def __str__(self):
        return f"{self.direction} {self.status}: {self.text[:40]}"
