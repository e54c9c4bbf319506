from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clientcentric.core import formats


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(models.Model):
    """One thing a person or the system did. Written by services; never changed or deleted."""

    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=80, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return (
            f"{formats.numeric_datetime(self.occurred_at)} {self.action} {self.object_type}:{self.object_id}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("push")
    MESSENGER = "messenger", _("messenger")
    # The client's own inbox on the portal: always reachable for a person with an account.
    CABINET = "cabinet", _("personal cabinet")


class NotificationTemplate(models.Model):
    """Subject and body for one event on one channel. Versioned: a change is a new row, the newest applies."""

    event = models.CharField(_("event"), max_length=60)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    version = models.PositiveIntegerField(_("version"))
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "channel", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "version"], name="notification_template_version"
            )
        ]

    def __str__(self):
        return f"{self.event} · {self.channel} · v{self.version}"


class Notification(models.Model):
    """One message to one address on one channel: written first, delivered after commit, retried, recorded."""

    class State(models.TextChoices):
        HELD = "held", _("held for a digest")
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        DIGESTED = "digested", _("sent in a digest")
        FAILED = "failed", _("failed")
        # A later channel in the client's order of preference: sent only if every earlier one fails.
        STANDBY = "standby", _("waiting as a fallback")
        SKIPPED = "skipped", _("not needed: delivered on an earlier channel")

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    event = models.CharField(_("event"), max_length=60, blank=True, db_index=True)
    topic = models.CharField(_("topic"), max_length=60, blank=True)
    topic_key = models.CharField(_("topic key"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    unsubscribe_url = models.CharField(_("unsubscribe link"), max_length=500, blank=True)
    template = models.ForeignKey(
        NotificationTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    template_version = models.PositiveIntegerField(_("template version"), null=True, blank=True)
    # Core knows nothing of the subscriptions app: the id is kept to group digests and scope unsubscribes.
    subscription_id = models.BigIntegerField(_("subscription"), null=True, blank=True, db_index=True)
    digest = models.ForeignKey(
        "self",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # A worker's lease on the row: who claimed it and when (renewed as the worker goes); an expired lease is
    # recovered by the periodic scan.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    # Set just before the transport is called: a lease that expires with it set was interrupted mid-send.
    attempt_started_at = models.DateTimeField(_("attempt started at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    transport = models.CharField(_("transport"), max_length=40, blank=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    redacted_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)
    # One message to one person tried on their channels in order: rows of a chain share `chain`, by `position`.
    chain = models.CharField(_("delivery chain"), max_length=32, blank=True, db_index=True)
    position = models.PositiveSmallIntegerField(_("place in the order of preference"), default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notification_due")]

    def __str__(self):
        return f"{self.channel} {self.event or self.subject} #{self.pk}"


class DeliveryAttempt(models.Model):
    """Every outgoing send, successful or not: which transport, when, how long, what went wrong."""

    notification = models.ForeignKey(Notification, related_name="delivery_attempts", on_delete=models.CASCADE)
    transport = models.CharField(_("transport"), max_length=40)
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration, ms"))
    ok = models.BooleanField(_("delivered"))
    error = models.TextField(_("error"), blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.transport} #{self.notification_id} {'ok' if self.ok else 'error'}"


class StatusChange(models.Model):
    """One status change of any object whose workflow is declared in ``core.workflow``. Append-only.

    Domains whose history says more than a status (an appeal's public notes, a design project's gate) keep their own
    history table as well; this one is the history every workflow has.
    """

    workflow = models.CharField(_("workflow"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=80)
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.TextField(_("note"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.object_type}:{self.object_id} {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("status changes are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("status changes are append-only")


class RateCounter(models.Model):
    """One fixed window of one rate limit for one caller, when no Redis is configured (core.services.rate_limit).

    A table rather than the cache: the embedded default's cache is per process, and a limit that each worker
    counts on its own lets a script through N times over.
    """

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")

    def __str__(self):
        return f"{self.key}: {self.count}"


class InboxMessage(models.Model):
    """A notification delivered to the client's personal cabinet (the `cabinet` channel): their own copy."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), related_name="inbox", on_delete=models.CASCADE
    )
    notification_id = models.BigIntegerField(_("notification"), unique=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    event = models.CharField(_("event"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message in the personal cabinet")
        verbose_name_plural = _("messages in the personal cabinet")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.person_id}: {self.subject[:40]}"
