from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientcentric.core.models import Channel


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately")
    DAILY = "daily", _("daily digest")
    WEEKLY = "weekly", _("weekly digest")


class Subscription(models.Model):
    """What a person wants to hear about, where and how often.

    A guest subscription (no person) belongs to an author who filed an appeal with only an e-mail address;
    it lets them unsubscribe like anyone else.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        related_name="subscription",
        on_delete=models.CASCADE,
    )
    guest_email = models.EmailField(_("guest e-mail"), blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(guest_email=""), name="subscription_has_owner"
            ),
            models.UniqueConstraint(
                fields=["guest_email"], condition=Q(person__isnull=True), name="guest_subscription_once"
            ),
        ]

    def __str__(self):
        return str(self.person) if self.person_id else self.guest_email


class SubscriptionChannel(models.Model):
    subscription = models.ForeignKey(Subscription, related_name="channels", on_delete=models.CASCADE)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    # The client's order of preference: a message goes to the first channel that works, then the next.
    position = models.PositiveSmallIntegerField(_("order of preference"), default=0)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["subscription", "position", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "channel"], name="subscription_channel_once")
        ]

    def __str__(self):
        return f"{self.channel}: {self.address}"


class SubscriptionTopic(models.Model):
    """A topic the person follows; `key` narrows it (a knowledge-base topic), empty means all of it."""

    subscription = models.ForeignKey(Subscription, related_name="topics", on_delete=models.CASCADE)
    topic = models.CharField(_("topic"), max_length=60)
    key = models.CharField(_("key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["subscription", "topic", "key"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "topic", "key"], name="subscription_topic_once")
        ]

    def __str__(self):
        return f"{self.topic}:{self.key}" if self.key else self.topic
