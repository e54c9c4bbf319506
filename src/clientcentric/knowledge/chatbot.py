"""The chat-bot: answers from the knowledge base, tells appeal statuses, starts appeals, hands over to a person.

Each client message is stored, its intent told by `engines.text.intents`, and the bot's reply stored with a
payload the widget renders (articles offered, appeals listed, actions). The bot answers alone only when the
top article covers enough of the question (CLIENTCENTRIC_CHATBOT_CONFIDENCE); otherwise it offers the top
three and a person. A hand-over registers an appeal on the chat-bot channel with the whole conversation as
its text. Every dialogue ends with the feedback question: a rating from 1 to 5 stored on the conversation.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clientcentric.appeals import services as appeal_services
from clientcentric.appeals.models import Appeal, Channel, Status
from clientcentric.core.services import audit
from clientcentric.delivery.models import Offer, ServiceRequest
from clientcentric.engines.text import intents

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
    services.post_message(conversation, Message.Sender.CLIENT, text, intent.name)
    if intent.name == intents.HANDOVER:
        return [_offer_handover(conversation, user)]
    if intent.name == intents.APPEAL_STATUS:
        return [_appeal_status(conversation, intent.appeal_number, user)]
    if intent.name == intents.START_APPEAL:
        return [_start_appeal(conversation)]
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
        return _bot(
            conversation,
            best.answer,
            "answer",
            article=_article_ref(hits[0]),
            others=[_article_ref(h) for h in hits[1:]],
            actions=["helped", "handover"],
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


def transcript(conversation: Conversation) -> str:
    lines = []
    for message in conversation.messages.all():
        who = (
            pgettext("chat-bot transcript", "Client")
            if message.sender == Message.Sender.CLIENT
            else _("Chat-bot")
        )
        lines.append(f"[{timezone.localtime(message.created_at):%d.%m.%Y %H:%M}] {who}: {message.text}")
    return "\n".join(lines)


def client_text(conversation: Conversation) -> str:
    """What the client wrote, for prefilling an appeal form."""
    return "\n".join(
        m.text for m in conversation.messages.filter(sender=Message.Sender.CLIENT, intent=intents.QUESTION)
    )


def appeal_form_url(conversation: Conversation) -> str:
    text = client_text(conversation)
    url = reverse("appeals:new")
    return f"{url}?{urlencode({'text': text[: appeal_services.MAX_TEXT_LENGTH]})}" if text else url


def _start_appeal(conversation: Conversation) -> Message:
    return _bot(
        conversation,
        _("You can file an appeal on the portal: the form is already filled with what you wrote here."),
        "start_appeal",
        link=appeal_form_url(conversation),
    )


def _offer_handover(conversation: Conversation, user) -> Message:
    if conversation.appeal_id:
        return _bot(
            conversation,
            _("Your conversation is already with an operator as appeal %(number)s.")
            % {"number": conversation.appeal.number},
            "handover",
            appeals=[_status_line(conversation.appeal)],
        )
    signed_in = user is not None and user.is_authenticated
    return _bot(
        conversation,
        _("I will pass the whole conversation to an operator as an appeal.")
        if signed_in
        else _(
            "I will pass the whole conversation to an operator. Leave an e-mail or a phone number for the answer."
        ),
        "handover",
        actions=["confirm_handover"],
    )


@transaction.atomic
def hand_over(
    conversation: Conversation, *, user=None, contact_email: str = "", contact_phone: str = ""
) -> Appeal:
    """Register an appeal on the chat-bot channel with the whole conversation; a second call returns the first."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.appeal_id:
        return conversation.appeal
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not (contact_email.strip() or contact_phone.strip()):
        raise ValidationError(
            {"contact_email": _("Leave an e-mail or a phone number so that we can answer.")}
        )
    text = transcript(conversation)
    intake = appeal_services.receive_appeal(
        appeal_services.AppealInput(
            channel=Channel.CHATBOT,
            text=text[-appeal_services.MAX_TEXT_LENGTH :],
            contact_email=contact_email.strip(),
            contact_phone=contact_phone.strip(),
            contact_name=user.full_name if signed_in else "",
            external_id=f"chat-{conversation.pk}",
        ),
        author=user,
    )
    services.attach_appeal(conversation, intake.appeal)
    _bot(
        conversation,
        _("Done: your appeal is registered under number %(number)s. An operator will answer by %(due)s.")
        % {"number": intake.appeal.number, "due": _status_line(intake.appeal)["due"]},
        "handover_done",
        appeals=[_status_line(intake.appeal)],
    )
    audit.record(user, "knowledge.chat_handed_over", intake.appeal, conversation=str(conversation.pk))
    _ask_feedback(conversation)
    return intake.appeal


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
