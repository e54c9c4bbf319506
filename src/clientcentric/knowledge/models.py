"""The knowledge base: articles and answer templates, both versioned; the chat-bot's conversations.

An article or a template keeps its current text on itself (for search and display) and every edit as an
append-only version row; `current_version` points at the newest one. Standard §4.6 TP-2, TP-3, TP-4.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientcentric.appeals.models import Status as AppealStatus
from clientcentric.core import formats
from clientcentric.core.models import AppendOnlyError

# Context of the generic words below («version», «draft»…), which other apps translate in their own way.
KB = "knowledge base"


def next_review_date():
    """A year from today unless CLIENTCENTRIC_KB_REVIEW_DAYS says otherwise."""
    return timezone.localdate() + timedelta(days=getattr(settings, "CLIENTCENTRIC_KB_REVIEW_DAYS", 365))


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy(KB, "draft")
    PUBLISHED = "published", pgettext_lazy(KB, "published")


class ArticleSource(models.TextChoices):
    MANUAL = "manual", _("written here")
    IMPORT = "import", _("imported")
    REGISTRY = "registry", _("registry FAQ")


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("versions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("versions are append-only")


class Article(models.Model):
    question = models.CharField(_("question"), max_length=500)
    answer = models.TextField(_("answer"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    review_by = models.DateField(_("review by"), default=next_review_date)
    source = models.CharField(
        pgettext_lazy(KB, "source"),
        max_length=20,
        choices=ArticleSource.choices,
        default=ArticleSource.MANUAL,
    )
    faq_entry = models.OneToOneField(
        "registry.FaqEntry",
        verbose_name=_("registry FAQ entry"),
        null=True,
        blank=True,
        related_name="article",
        on_delete=models.CASCADE,
    )
    needs = models.ManyToManyField(
        "registry.Need", verbose_name=_("needs"), related_name="articles", blank=True
    )
    life_situations = models.ManyToManyField(
        "registry.LifeSituation", verbose_name=_("life situations"), related_name="articles", blank=True
    )
    current_version = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    updated_at = models.DateTimeField(pgettext_lazy(KB, "updated at"), default=timezone.now, db_index=True)
    # Lemmas of the question and of the answer, «question | answer»: the ranking engine's input.
    search_document = models.TextField(editable=False, blank=True, default="")
    # Filled on PostgreSQL only (to_tsvector('russian', …)); stays empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("knowledge-base article")
        verbose_name_plural = _("knowledge-base articles")
        ordering = ["topic", "question"]
        indexes = [models.Index(fields=["status", "review_by"])]

    def __str__(self):
        return self.question

    @property
    def is_overdue(self) -> bool:
        return self.review_by < timezone.localdate()


class OverdueArticle(Article):
    """The back office's list of articles whose review date has passed."""

    class Meta:
        proxy = True
        verbose_name = _("article due for review")
        verbose_name_plural = _("articles due for review")


class ArticleVersion(AppendOnly):
    article = models.ForeignKey(Article, related_name="versions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField(pgettext_lazy(KB, "version"))
    question = models.CharField(_("question"), max_length=500)
    answer = models.TextField(_("answer"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ArticleStatus.choices)
    review_by = models.DateField(_("review by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.CharField(pgettext_lazy(KB, "note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")]

    def __str__(self):
        return f"{self.article_id} v{self.number}"


class AnswerTemplate(models.Model):
    """A reply an operator starts from, for an appeal topic and status (empty: any)."""

    name = models.CharField(_("name"), max_length=200)
    topic = models.CharField(_("appeal topic"), max_length=300, blank=True, help_text=_("Empty: any topic."))
    appeal_status = models.CharField(
        _("appeal status"),
        max_length=20,
        choices=AppealStatus.choices,
        blank=True,
        help_text=_("Empty: any status."),
    )
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    review_by = models.DateField(_("review by"), default=next_review_date)
    current_version = models.ForeignKey(
        "AnswerTemplateVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["topic", "appeal_status", "name"]

    def __str__(self):
        return self.name


class AnswerTemplateVersion(AppendOnly):
    template = models.ForeignKey(AnswerTemplate, related_name="versions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField(pgettext_lazy(KB, "version"))
    name = models.CharField(_("name"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("answer template version")
        verbose_name_plural = _("answer template versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="answer_template_version_unique")
        ]

    def __str__(self):
        return f"{self.name} v{self.number}"


class Conversation(models.Model):
    """One dialogue with the chat-bot, from the first message to the client's rating."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        null=True,
        blank=True,
        related_name="conversations",
        on_delete=models.SET_NULL,
    )
    started_at = models.DateTimeField(pgettext_lazy(KB, "started at"), default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal handed over"),
        null=True,
        blank=True,
        related_name="conversations",
        on_delete=models.SET_NULL,
    )
    # The agency whose operators answer a hand-over, from what the client asked about (services.chat_agency);
    # none: the region's coordinators (administrators) pick it up or pass it to an agency.
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        related_name="chat_conversations",
        on_delete=models.SET_NULL,
    )
    # A hand-over to a person: the conversation waits in the operators' chat queue until one picks it up,
    # within its own short deadline (CLIENTCENTRIC_CHAT_HANDOVER_MINUTES of working time), not an appeal's.
    handover_requested_at = models.DateTimeField(_("operator requested at"), null=True, blank=True)
    handover_due_at = models.DateTimeField(_("operator due by"), null=True, blank=True, db_index=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        related_name="chats_taken",
        on_delete=models.SET_NULL,
    )
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    handover_closed_at = models.DateTimeField(_("operator finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat-bot conversation")
        verbose_name_plural = _("chat-bot conversations")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="conversation_rating_1_to_5",
            )
        ]

    def __str__(self):
        return f"{formats.numeric_datetime(self.started_at)} {self.id}"

    @property
    def with_operator(self) -> bool:
        """Handed over and not yet finished: the client's messages go to a person, not to the bot."""
        return self.handover_requested_at is not None and self.handover_closed_at is None


class Message(models.Model):
    class Sender(models.TextChoices):
        CLIENT = "client", _("client")
        BOT = "bot", _("chat-bot")
        OPERATOR = "operator", _("operator")

    conversation = models.ForeignKey(Conversation, related_name="messages", on_delete=models.CASCADE)
    sender = models.CharField(_("from"), max_length=10, choices=Sender.choices)
    text = models.TextField(_("text"))
    intent = models.CharField(_("intent"), max_length=30, blank=True)
    # What the bot offered with this message: articles, appeals, actions; rendered by the widget.
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("chat-bot message")
        verbose_name_plural = _("chat-bot messages")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.sender}: {self.text[:40]}"
