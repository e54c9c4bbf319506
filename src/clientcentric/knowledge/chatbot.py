"""The chat-bot: answers from the knowledge base, tells appeal statuses, starts appeals, hands over to a person.

Each client message is stored, its intent told by `engines.text.intents`, and the bot's reply stored with a
payload the widget renders (articles offered, appeals listed, actions). The bot answers alone only when the
top article covers enough of the question (CLIENTCENTRIC_CHATBOT_CONFIDENCE); otherwise it offers the top
three and a person. A problem report («на дороге яма») is not a question for the knowledge base: the bot offers
the appeal form with the topic (the appeal classifier's, when a model is trained) and the text filled in from
the client's relevant messages only. A hand-over to a person is a conversation an operator picks up in the
operators' chat queue within its own short deadline (services.handover_due), not a written appeal: while it
is with an operator, the bot stays silent. Every dialogue ends with the feedback question: a rating from 1 to 5
stored on the conversation.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clientcentric.appeals import services as appeal_services
from clientcentric.appeals.models import Appeal, Status
from clientcentric.delivery.models import Offer, ServiceRequest
from clientcentric.engines.text import intents
from clientcentric.registry import selectors as registry_selectors

from . import selectors, services
from .models import Conversation, Message

MAX_MESSAGE = 2000
FEEDBACK = "feedback"


def confidence_threshold() -> float:
    return getattr(settings, "CLIENTCENTRIC_CHATBOT_CONFIDENCE", 0.6)


def start(*, client=None) -> Conversation:
    client = client if client is not None and client.is_authenticated else None
    conversation = services.open_conversation(client)
    _bot(
        conversation,
        _(
            "Hello! I am the virtual assistant. Ask a question, type an appeal number to see its status, "
            "or write “operator” to talk to a person."
        ),
        "greeting",
    )
    return conversation


def _bot(conversation: Conversation, text: str, intent: str, **payload) -> Message:
    return services.post_message(conversation, Message.Sender.BOT, text, intent, payload)


@transaction.atomic
def receive(conversation: Conversation, text: str, *, user=None) -> list[Message]:
    """Store the client's message and the bot's replies; returns the replies."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Type a message.")})
    if len(text) > MAX_MESSAGE:
        raise ValidationError(
            {"text": _("The message is longer than %(max)s characters.") % {"max": MAX_MESSAGE}}
        )
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.ended_at is not None:
        raise ValidationError(_("This conversation has ended; start a new one."))
    intent = intents.detect(text)
    if conversation.with_operator:
        # The operator reads and answers; the bot does not talk over a person.
        services.post_message(conversation, Message.Sender.CLIENT, text, "to_operator")
        return []
    services.post_message(conversation, Message.Sender.CLIENT, text, intent.name)
    if intent.name == intents.HANDOVER:
        return [_offer_handover(conversation, user)]
    if intent.name == intents.APPEAL_STATUS:
        return [_appeal_status(conversation, intent.appeal_number, user)]
    if intent.name == intents.START_APPEAL:
        return [_start_appeal(conversation)]
    if intent.name == intents.PROBLEM_REPORT:
        return [_problem_report(conversation, text)]
    if intent.name == intents.GOODBYE:
        return [_ask_feedback(conversation)]
    if intent.name == intents.GREETING:
        return [_bot(conversation, _("Hello! What is your question?"), intent.name)]
    return [_answer(conversation, text)]


def _article_ref(hit) -> dict:
    return {"id": hit.article.pk, "question": hit.article.question, "coverage": round(hit.coverage, 3)}


def _answer(conversation: Conversation, text: str) -> Message:
    hits = selectors.search(text, 3)
    if hits and hits[0].coverage >= confidence_threshold():
        best = hits[0].article
        # "Why not now, and when" for the needs the answer is about that the agency does not meet today.
        not_now = [
            why for need in best.needs.order_by("name") if (why := registry_selectors.why_not_now(need))
        ]
        return _bot(
            conversation,
            best.answer,
            "answer",
            article=_article_ref(hits[0]),
            others=[_article_ref(h) for h in hits[1:]],
            actions=["helped", "handover"],
            **({"not_now": not_now} if not_now else {}),
        )
    if hits:
        return _bot(
            conversation,
            _(
                "I am not sure I understood. Perhaps one of these answers helps, or I can pass you to a person:"
            ),
            "suggest",
            articles=[_article_ref(h) for h in hits],
            actions=["handover", "start_appeal"],
        )
    return _bot(
        conversation,
        _(
            "I found nothing on this in the knowledge base. I can pass your question to a person or help you file an appeal."
        ),
        "not_found",
        actions=["handover", "start_appeal"],
    )


def _status_line(appeal: Appeal) -> dict:
    return {
        "number": appeal.number,
        "status": appeal.get_status_display(),
        "due": timezone.localtime(appeal.due_shown).strftime("%d.%m.%Y"),
        "url": appeal.get_absolute_url(),
    }


def _appeal_status(conversation: Conversation, number: str, user) -> Message:
    signed_in = user is not None and user.is_authenticated
    if number:
        appeal = (
            Appeal.objects.select_related("policy")
            .with_number(number)
            .exclude(status=Status.NEEDS_ROUTING)
            .first()
        )
        if appeal is None:
            return _bot(
                conversation, _("I cannot find an appeal numbered %(number)s.") % {"number": number}, "status"
            )
        return _bot(
            conversation,
            _("Appeal %(number)s: %(status)s.")
            % {"number": appeal.number, "status": appeal.get_status_display()},
            "status",
            appeals=[_status_line(appeal)],
        )
    if not signed_in:
        return _bot(
            conversation,
            _("Type the appeal number (for example 2026-000123), or sign in to see all your appeals."),
            "status",
            actions=["sign_in"],
        )
    own = list(Appeal.objects.select_related("policy").filter(author=user).order_by("-registered_at")[:5])
    requests, offers = _requests_and_offers(user)
    if not (own or requests or offers):
        return _bot(
            conversation, _("You have no appeals or requests yet."), "status", actions=["start_appeal"]
        )
    return _bot(
        conversation,
        _("Your latest appeals and requests:"),
        "status",
        appeals=[_status_line(a) for a in own],
        requests=requests,
        offers=offers,
    )


def _requests_and_offers(user) -> tuple[list[dict], list[dict]]:
    """The client's latest service requests with their status, and open offers to apply for in one click."""
    requests = [
        {
            "service": request.service.name,
            "status": request.get_status_display(),
            "url": reverse("delivery:request", args=[request.pk]),
        }
        for request in ServiceRequest.objects.select_related("service")
        .filter(client=user)
        .order_by("-submitted_at")[:5]
    ]
    offers = [
        {"service": offer.service.name, "url": reverse("delivery:offer", args=[offer.pk])}
        for offer in Offer.objects.select_related("service")
        .filter(client=user, status=Offer.Status.OPEN, kind=Offer.Kind.OFFER)
        .order_by("-created_at")[:5]
    ]
    return requests, offers


# What the appeal form takes from the chat: the problem and what the client said after it (the address, the
# details), never greetings, requests for a person, status questions or the bot's own words.
_RELEVANT = (intents.PROBLEM_REPORT, intents.QUESTION)


def client_text(conversation: Conversation) -> str:
    """What the client wrote about their matter, for prefilling an appeal form."""
    messages = list(
        conversation.messages.filter(sender=Message.Sender.CLIENT, intent__in=_RELEVANT).order_by(
            "created_at", "pk"
        )
    )
    first_problem = next((n for n, m in enumerate(messages) if m.intent == intents.PROBLEM_REPORT), None)
    if first_problem is not None:
        messages = messages[first_problem:]
    return "\n".join(m.text for m in messages)


def suggested_topic(conversation: Conversation) -> str:
    """The appeal topic the last problem report's bot reply suggested ("" when none)."""
    reply = (
        conversation.messages.filter(sender=Message.Sender.BOT, intent=intents.PROBLEM_REPORT)
        .order_by("-created_at", "-pk")
        .first()
    )
    return (reply.payload or {}).get("topic", "") if reply else ""


def appeal_form_url(conversation: Conversation, topic: str | None = None) -> str:
    text = client_text(conversation)
    url = reverse("appeals:new")
    params = {"text": text[: appeal_services.MAX_TEXT_LENGTH]} if text else {}
    topic = suggested_topic(conversation) if topic is None else topic
    if text and topic:
        params["topic"] = topic
    return f"{url}?{urlencode(params)}" if params else url


def _start_appeal(conversation: Conversation) -> Message:
    return _bot(
        conversation,
        _("You can file an appeal on the portal: the form is already filled with what you wrote here."),
        "start_appeal",
        link=appeal_form_url(conversation),
    )


# A topic the classifier gives less than this probability is not shown as the appeal's topic.
TOPIC_CONFIDENCE = 0.3


def _topic_for(text: str) -> str:
    from clientcentric.appeals.classification import classify

    prediction = classify(text, k=1)
    top = prediction.category_top[0] if prediction.category_top else None
    return top[0] if top and top[1] >= TOPIC_CONFIDENCE else ""


def _problem_report(conversation: Conversation, text: str) -> Message:
    topic = _topic_for(client_text(conversation) or text)
    return _bot(
        conversation,
        (
            _(
                "It looks like a problem to fix (“%(topic)s”). I have filled in the report form with what you wrote: check it, add the address and send it."
            )
            % {"topic": topic}
            if topic
            else _(
                "It looks like a problem to fix. I have filled in the report form with what you wrote: check it, add the address and send it."
            )
        ),
        intents.PROBLEM_REPORT,
        topic=topic,
        link=appeal_form_url(conversation, topic),
        actions=["handover"],
    )


def _offer_handover(conversation: Conversation, user) -> Message:
    """Put the conversation in the operators' queue and tell the client when a person will answer."""
    conversation = services.request_handover(
        conversation, actor=user if user and user.is_authenticated else None
    )
    due = timezone.localtime(conversation.handover_due_at)
    return _bot(
        conversation,
        _(
            "I am passing our conversation to an operator. An operator will answer here, in this chat, by "
            "%(time)s (we answer within %(minutes)s minutes in working hours). You can keep writing: the "
            "operator will see everything."
        )
        % {"time": date_format(due, "j E, H:i"), "minutes": services.handover_minutes()},
        "handover",
        due=due.isoformat(),
    )


@transaction.atomic
def hand_over(conversation: Conversation, *, user=None) -> Message:
    """The client pressed “Talk to a person”: the conversation goes to the operators' chat queue."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.ended_at is not None:
        raise ValidationError(_("This conversation has ended; start a new one."))
    if conversation.with_operator:
        return conversation.messages.order_by("-created_at", "-pk").first()
    return _offer_handover(conversation, user)


def _ask_feedback(conversation: Conversation) -> Message:
    return _bot(
        conversation, _("Did I help you? Rate the conversation from 1 to 5."), FEEDBACK, actions=["rate"]
    )


@transaction.atomic
def rate(conversation: Conversation, rating) -> Conversation:
    """The answer to the feedback question; it ends the dialogue. Rating again changes nothing."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.rating is not None:
        return conversation
    if not conversation.messages.filter(intent=FEEDBACK).exists():
        _ask_feedback(conversation)
    services.record_rating(conversation, rating, timezone.now())
    _bot(conversation, _("Thank you for the rating! Good luck."), "closing")
    return conversation


def end(conversation: Conversation) -> Message:
    """The client pressed “End”: the bot asks the feedback question."""
    return _ask_feedback(conversation)
