"""Every write to the knowledge base: articles and answer templates with their versions, registry FAQ sync,
the chat-bot's conversations and their hand-over to an operator."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientcentric.accounts.models import Agency
from clientcentric.core.services import audit
from clientcentric.engines.text.kb_ranking import stored_lemmas
from clientcentric.registry.models import FaqEntry, NeedStatus, Service

from . import selectors, workflow
from .models import (
    AnswerTemplate,
    AnswerTemplateVersion,
    Article,
    ArticleSource,
    ArticleStatus,
    ArticleVersion,
    Conversation,
    Message,
    next_review_date,
)

# What a template may say about the appeal it answers; anything else is refused at save.
TEMPLATE_VARIABLES = {
    "author_name": gettext_lazy("the author's name"),
    "appeal_number": gettext_lazy("the appeal number"),
    "appeal_date": gettext_lazy("the date the appeal was registered"),
    "appeal_topic": gettext_lazy("the appeal topic"),
    "answer_due": gettext_lazy("the answer deadline"),
    "operator_name": gettext_lazy("the operator's name"),
    "agency_name": gettext_lazy("the executor agency"),
}
_VARIABLE = re.compile(r"{{\s*([^{}]*?)\s*}}")
_BRACES = re.compile(r"{{|}}")


def default_review_by() -> date:
    return next_review_date()


def _refresh_search_vector(article: Article) -> None:
    # PostgreSQL's own Russian stemming, weighted A for the question and B for the answer (the GIN-indexed column).
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    Article.objects.filter(pk=article.pk).update(
        search_vector=SearchVector("question", weight="A", config="russian")
        + SearchVector("answer", weight="B", config="russian")
    )


@dataclass(frozen=True)
class ArticleInput:
    question: str
    answer: str
    topic: str = ""
    status: str = ArticleStatus.PUBLISHED
    review_by: date | None = None


def check_article(data: ArticleInput) -> dict[str, str]:
    """What is wrong with an article, by field; empty when it can be saved."""
    problems = {}
    if not data.question.strip():
        problems["question"] = _("The question is empty.")
    elif len(data.question) > 500:
        problems["question"] = _("The question is longer than 500 characters.")
    if not data.answer.strip():
        problems["answer"] = _("The answer is empty.")
    if len(data.topic) > 200:
        problems["topic"] = _("The topic is longer than 200 characters.")
    if data.status not in ArticleStatus.values:
        problems["status"] = _("Unknown status “%(value)s”.") % {"value": data.status}
    return problems


def _differs(article: Article, data: ArticleInput) -> bool:
    return (article.question, article.answer, article.topic, article.status) != (
        data.question,
        data.answer,
        data.topic,
        data.status,
    ) or (data.review_by is not None and data.review_by != article.review_by)


@transaction.atomic
def save_article(
    data: ArticleInput,
    *,
    article: Article | None = None,
    actor=None,
    source: str = ArticleSource.MANUAL,
    note: str = "",
    faq_entry=None,
) -> tuple[Article, bool]:
    """Create an article or edit one; each real change adds a version. Returns (article, changed)."""
    data = ArticleInput(
        question=data.question.strip(),
        answer=data.answer.strip(),
        topic=data.topic.strip(),
        status=data.status,
        review_by=data.review_by,
    )
    problems = check_article(data)
    if problems:
        raise ValidationError(problems)
    if article is not None and article.pk is not None:
        article = Article.objects.select_for_update().get(pk=article.pk)
        if not _differs(article, data):
            return article, False
    else:
        # A new article, or the unsaved one the back-office form built.
        article = article if article is not None else Article()
        article.source, article.faq_entry = source, faq_entry
    created = article.pk is None
    if not created and article.status != data.status:
        workflow.ARTICLE.check(article.status, data.status, article)
    article.question, article.answer, article.topic, article.status = (
        data.question,
        data.answer,
        data.topic,
        data.status,
    )
    article.review_by = data.review_by or (
        default_review_by() if created or article.review_by is None else article.review_by
    )
    article.updated_at = timezone.now()
    article.search_document = stored_lemmas(data.question, data.answer)
    article.save()
    number = (article.current_version.number + 1) if article.current_version_id else 1
    version = ArticleVersion.objects.create(
        article=article,
        number=number,
        question=article.question,
        answer=article.answer,
        topic=article.topic,
        status=article.status,
        review_by=article.review_by,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )
    article.current_version = version
    article.save(update_fields=["current_version"])
    _refresh_search_vector(article)
    audit.record(actor, "knowledge.article_" + ("created" if created else "changed"), article, version=number)
    return article, True


@transaction.atomic
def mark_reviewed(article: Article, *, actor=None) -> Article:
    """The methodologist checked the article and it still holds: the next review is a period away."""
    article, _changed = save_article(
        ArticleInput(article.question, article.answer, article.topic, article.status, default_review_by()),
        article=article,
        actor=actor,
        note=_("Reviewed."),
    )
    return article


@transaction.atomic
def link_article(article: Article, *, needs=(), life_situations=(), actor=None) -> Article:
    article.needs.set(list(needs))
    article.life_situations.set(list(life_situations))
    audit.record(actor, "knowledge.article_linked", article)
    return article


# Answer templates.


def template_problems(body: str) -> list[str]:
    """Unknown variables and stray braces in a template, each as a message naming it."""
    problems = []
    for match in _VARIABLE.finditer(body):
        name = match.group(1)
        if name not in TEMPLATE_VARIABLES:
            problems.append(
                _("Unknown variable “{{ %(name)s }}”. Known variables: %(known)s.")
                % {"name": name, "known": ", ".join(sorted(TEMPLATE_VARIABLES))}
            )
    if _BRACES.search(_VARIABLE.sub("", body)):
        problems.append(_("Unpaired braces “{{” or “}}”: write a variable as {{ appeal_number }}."))
    return problems


@transaction.atomic
def save_template(
    *,
    name: str,
    body: str,
    topic: str = "",
    appeal_status: str = "",
    is_active: bool = True,
    review_by: date | None = None,
    template: AnswerTemplate | None = None,
    actor=None,
) -> tuple[AnswerTemplate, bool]:
    """Create or edit an answer template; a changed name or text adds a version. Returns (template, changed)."""
    problems = {}
    if not name.strip():
        problems["name"] = _("The name is empty.")
    if not body.strip():
        problems["body"] = _("The text is empty.")
    elif found := template_problems(body):
        problems["body"] = " ".join(found)
    if problems:
        raise ValidationError(problems)
    if template is None:
        template = AnswerTemplate(review_by=review_by or default_review_by())
    elif template.pk is not None:
        template = AnswerTemplate.objects.select_for_update().get(pk=template.pk)
    text_changed = template.current_version_id is None or (template.name, template.body) != (
        name.strip(),
        body,
    )
    settings_changed = (template.topic, template.appeal_status, template.is_active) != (
        topic.strip(),
        appeal_status,
        is_active,
    ) or (review_by is not None and review_by != template.review_by)
    if not (text_changed or settings_changed):
        return template, False
    template.name, template.body = name.strip(), body
    template.topic, template.appeal_status, template.is_active = topic.strip(), appeal_status, is_active
    if review_by is not None:
        template.review_by = review_by
    template.full_clean(exclude=["current_version"])
    template.save()
    if text_changed:
        number = (template.current_version.number + 1) if template.current_version_id else 1
        template.current_version = AnswerTemplateVersion.objects.create(
            template=template,
            number=number,
            name=template.name,
            body=template.body,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        template.save(update_fields=["current_version"])
    audit.record(actor, "knowledge.template_saved", template, version=template.current_version.number)
    return template, True


def template_context(appeal, operator=None) -> dict[str, str]:
    author = appeal.author.full_name if appeal.author_id else ""
    due = getattr(appeal, "due_shown", appeal.deadline_at)
    return {
        "author_name": author or appeal.contact_name or _("citizen"),
        "appeal_number": appeal.number,
        "appeal_date": timezone.localtime(appeal.registered_at).strftime("%d.%m.%Y"),
        "appeal_topic": appeal.topic,
        "answer_due": timezone.localtime(due).strftime("%d.%m.%Y"),
        "operator_name": getattr(operator, "full_name", "") or "",
        "agency_name": appeal.executor.name if appeal.executor_id else "",
    }


def render_template(body: str, context: dict[str, str]) -> str:
    """Plain text with the variables filled in; it is HTML-escaped wherever it is shown, never marked safe."""
    return _VARIABLE.sub(lambda match: str(context.get(match.group(1), "")), body)


# Registry FAQ: entries of needs that cannot be met become articles, kept in step with the registry.


@transaction.atomic
def sync_registry_faq(*, actor=None) -> dict[str, int]:
    """Publish an article for each FAQ entry of a need that cannot be met; unpublish those no longer so."""
    counts = {"created": 0, "changed": 0, "unpublished": 0}
    wanted = FaqEntry.objects.filter(needs__status=NeedStatus.CANNOT_MEET).distinct()
    wanted_ids = set()
    for entry in wanted.prefetch_related("needs"):
        wanted_ids.add(entry.pk)
        existing = Article.objects.filter(faq_entry=entry).first()
        data = ArticleInput(entry.question, entry.answer, entry.topic, ArticleStatus.PUBLISHED)
        article, changed = save_article(
            data,
            article=existing,
            actor=actor,
            source=ArticleSource.REGISTRY,
            faq_entry=entry,
            note=_("From the registry FAQ."),
        )
        if changed:
            counts["created" if existing is None else "changed"] += 1
        needs = [n for n in entry.needs.all() if n.status == NeedStatus.CANNOT_MEET]
        if set(article.needs.all()) != set(needs):
            article.needs.set(needs)
    stale = Article.objects.filter(source=ArticleSource.REGISTRY, status=ArticleStatus.PUBLISHED).exclude(
        faq_entry_id__in=wanted_ids
    )
    for article in stale:
        save_article(
            ArticleInput(article.question, article.answer, article.topic, ArticleStatus.DRAFT),
            article=article,
            actor=actor,
            note=_("The need is no longer marked as impossible to meet."),
        )
        counts["unpublished"] += 1
    return counts


# Chat-bot conversations: the dialogue logic is in `chatbot`, its rows are written here.


def open_conversation(client) -> Conversation:
    return Conversation.objects.create(client=client)


def post_message(conversation: Conversation, sender: str, text: str, intent: str, payload=None) -> Message:
    return Message.objects.create(
        conversation=conversation, sender=sender, text=text, intent=intent, payload=payload or {}
    )


def attach_appeal(conversation: Conversation, appeal) -> None:
    conversation.appeal = appeal
    conversation.save(update_fields=["appeal"])


def record_rating(conversation: Conversation, rating: int, ended_at) -> None:
    conversation.rating, conversation.ended_at = rating, ended_at
    conversation.save(update_fields=["rating", "ended_at"])


# A hand-over to a person: a conversation an operator picks up, with its own short deadline.


def handover_minutes() -> int:
    return getattr(settings, "CLIENTCENTRIC_CHAT_HANDOVER_MINUTES", 15)


def handover_due(requested_at):
    """When an operator must pick the conversation up: N minutes of working time (outside working hours the
    clock starts at the next working moment)."""
    from clientcentric.appeals.policies import production_calendar
    from clientcentric.engines.worktime.clock import add_working_time
    from clientcentric.engines.worktime.schedule import WorkSchedule

    schedule = WorkSchedule(timezone=settings.TIME_ZONE)
    return add_working_time(
        requested_at, timedelta(minutes=handover_minutes()), schedule, production_calendar()
    )


# How many of the bot's latest replies are read for what the client asked about.
ROUTING_REPLIES = 20


def _agency_of_reply(payload: dict) -> tuple[bool, Agency | None]:
    """(whether the reply names something to route by, the one agency it leads to or None when several)."""
    from clientcentric.appeals import routing

    if payload.get("topic"):
        _rule, executor = routing.route({"topic": payload["topic"], "channel": "chat"})
        if executor is not None:
            return True, executor
    refs = [payload["article"]] if payload.get("article") else payload.get("articles") or []
    ids = [ref["id"] for ref in refs if isinstance(ref, dict) and ref.get("id")]
    if not ids:
        return False, None
    agencies = set(
        Service.objects.filter(needs__articles__pk__in=ids).values_list("agency_id", flat=True).distinct()
    )
    if not agencies:
        return False, None
    return True, Agency.objects.get(pk=agencies.pop()) if len(agencies) == 1 else None


def chat_agency(conversation: Conversation) -> Agency | None:
    """The agency the client was asking about: the executor the routing rules give the problem topic the bot
    suggested, or the one agency whose services meet the needs of the articles the bot offered, latest reply
    first. None (the region's coordinators) when nothing names an agency or the answer names several."""
    replies = conversation.messages.filter(sender=Message.Sender.BOT).order_by("-created_at", "-pk")
    for reply in replies[:ROUTING_REPLIES]:
        named, agency = _agency_of_reply(reply.payload or {})
        if named:
            return agency
    return None


@transaction.atomic
def request_handover(conversation: Conversation, *, actor=None) -> Conversation:
    """Put the conversation in the operators' chat queue; asking again while waiting changes nothing."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.with_operator:
        return conversation
    now = timezone.now()
    conversation.handover_requested_at = now
    conversation.handover_due_at = handover_due(now)
    conversation.operator = None
    conversation.picked_up_at = None
    conversation.handover_closed_at = None
    conversation.agency = chat_agency(conversation)
    conversation.save(
        update_fields=[
            "agency",
            "handover_requested_at",
            "handover_due_at",
            "operator",
            "picked_up_at",
            "handover_closed_at",
        ]
    )
    audit.record(actor, "knowledge.chat_handover_requested", conversation, conversation=str(conversation.pk))
    return conversation


def _check_may_handle(operator, conversation: Conversation) -> None:
    if not selectors.may_handle_chat(operator, conversation):
        raise PermissionDenied(_("This conversation is for the operators of another agency."))


@transaction.atomic
def pass_conversation(conversation: Conversation, agency: Agency, *, actor) -> Conversation:
    """A coordinator passes a waiting hand-over to an agency's operators (one routed to none, or misrouted)."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if not selectors.coordinates_chats(actor):
        raise PermissionDenied(_("Only the region's coordinators pass conversations to an agency."))
    if not conversation.with_operator or conversation.operator_id:
        raise ValidationError(_("Only a conversation nobody has picked up yet can be passed on."))
    conversation.agency = agency
    conversation.save(update_fields=["agency"])
    audit.record(
        actor, "knowledge.chat_passed", conversation, conversation=str(conversation.pk), agency=agency.pk
    )
    return conversation


@transaction.atomic
def take_conversation(conversation: Conversation, *, operator) -> Conversation:
    """An operator picks the conversation up; a second operator cannot take it from the first."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _check_may_handle(operator, conversation)
    if not conversation.with_operator:
        raise ValidationError(_("This conversation is not waiting for an operator."))
    if conversation.operator_id and conversation.operator_id != operator.pk:
        raise ValidationError(_("Another operator has already taken this conversation."))
    if conversation.operator_id is None:
        conversation.operator = operator
        conversation.picked_up_at = timezone.now()
        conversation.save(update_fields=["operator", "picked_up_at"])
        post_message(
            conversation,
            Message.Sender.OPERATOR,
            _("Hello! I am %(name)s, an operator. I have read our conversation and will help you here.")
            % {"name": operator.get_short_name() or operator.get_username()},
            "operator_joined",
        )
        audit.record(operator, "knowledge.chat_taken", conversation, conversation=str(conversation.pk))
    return conversation


@transaction.atomic
def operator_reply(conversation: Conversation, text: str, *, operator) -> Message:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Type a message.")})
    conversation = take_conversation(conversation, operator=operator)
    return post_message(conversation, Message.Sender.OPERATOR, text, "operator")


@transaction.atomic
def finish_handover(conversation: Conversation, *, operator) -> Conversation:
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _check_may_handle(operator, conversation)
    if not conversation.with_operator:
        return conversation
    if conversation.operator_id and conversation.operator_id != operator.pk:
        raise ValidationError(_("Another operator has already taken this conversation."))
    conversation.handover_closed_at = timezone.now()
    conversation.save(update_fields=["handover_closed_at"])
    post_message(
        conversation,
        Message.Sender.OPERATOR,
        _("The operator has finished the conversation. The chat-bot will answer your next questions."),
        "operator_finished",
    )
    audit.record(operator, "knowledge.chat_finished", conversation, conversation=str(conversation.pk))
    return conversation


# The learned re-ranker: trained on real questions mapped to published articles, written as one JSON file.


@dataclass(frozen=True)
class RankerTraining:
    questions: int
    articles: int
    path: str


def train_ranker(pairs, path: str | None = None) -> RankerTraining:
    """Train the KB re-ranker on (real question, the mapped article's question) pairs and write the model file.

    Each mapped question must name a published article (by its question, word forms aside); a row that names
    none is refused with its number, and no file is written.
    """
    from clientcentric.engines.text.kb_learned import title_key, train
    from clientcentric.engines.text.kb_ranking import query_terms, question_kinds
    from clientcentric.engines.text.lemmas import lemmas

    from .selectors import published_documents, synonym_table

    documents = published_documents()
    by_title: dict[str, object] = {}
    for doc in documents:
        by_title.setdefault(title_key(doc.title), doc.key)
    training, errors = [], []
    for number, (question, mapped) in enumerate(pairs, start=1):
        key = by_title.get(title_key(lemmas(mapped or "")))
        if key is None:
            errors.append(
                _("Row %(row)s: no published article with the question «%(question)s».")
                % {"row": number, "question": (mapped or "")[:120]}
            )
            continue
        terms = query_terms(question or "")
        if terms:
            training.append((terms, key, question_kinds(question or "")))
    if errors:
        raise ValidationError(errors)
    if not training:
        raise ValidationError(_("No question to learn from."))
    model = train(documents, training, synonym_table.get())
    target = path or settings.CLIENTCENTRIC_KB_MODEL
    model.save(target)
    return RankerTraining(len(training), len(model.asked), str(target))
