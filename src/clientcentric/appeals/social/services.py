"""Two-way social channels: where an appeal from VK or Telegram is answered, replies that leave the platform
through the networks' APIs, and the messages that arrive in reply joining the same appeal (docs/channels.md).

An operator's short public reply goes under the post or comment (VK wall.createComment, or a Telegram reply in
the discussion group); the private conversation goes to the author's chat (VK messages.send, Telegram
sendMessage). Each outgoing message is a `SocialMessage` row written with the answer and sent after commit; its
status (sent with the network's id, or failed with the network's error) is what the operator's page shows.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from clientcentric.core import messenger_api, transports
from clientcentric.core.logging import get_logger
from clientcentric.core.services import audit

from ..models import Appeal, SocialAccount, SocialMessage, SocialThread
from ..workflow import OPEN_STATUSES, SOCIAL_MESSAGE

log = get_logger("clientcentric.appeals.social")
Network = SocialAccount.Network


# Where an incoming event sits on the network -----------------------------------------------------------------


def coordinates(network: str, payload: dict) -> dict | None:
    """The ids an answer to this event needs, or None for an event that carries no message."""
    if network == Network.VK:
        return _vk_coordinates(payload)
    return _telegram_coordinates(payload)


def _vk_coordinates(payload: dict) -> dict | None:
    item = payload.get("object") or {}
    event_type = payload.get("type")
    event_id = str(payload.get("event_id") or "")
    if event_type == "message_new":
        message = item.get("message", item)
        author = str(message.get("from_id", ""))
        return {
            "peer_id": str(message.get("peer_id") or author),
            "author_id": author,
            "message_id": str(message.get("id", "")),
            "is_public": False,
            "reply_to": "",
            "text": (message.get("text") or "").strip(),
            "event_id": event_id or f"message_new:{message.get('id')}",
        }
    if event_type == "wall_reply_new":
        return {
            "peer_id": str(item.get("from_id", "")),
            "author_id": str(item.get("from_id", "")),
            "post_owner_id": str(item.get("owner_id", "")),
            "post_id": str(item.get("post_id", "")),
            "message_id": str(item.get("id", "")),
            "is_public": True,
            "reply_to": str(item.get("reply_to_comment") or ""),
            "text": (item.get("text") or "").strip(),
            "event_id": event_id or f"wall_reply_new:{item.get('id')}:{item.get('owner_id', '')}",
        }
    if event_type == "wall_post_new":
        return {
            "peer_id": str(item.get("from_id", "")),
            "author_id": str(item.get("from_id", "")),
            "post_owner_id": str(item.get("owner_id", "")),
            "post_id": str(item.get("id", "")),
            "message_id": "",
            "is_public": True,
            "reply_to": "",
            "text": (item.get("text") or "").strip(),
            "event_id": event_id or f"wall_post_new:{item.get('id')}:{item.get('owner_id', '')}",
        }
    return None


def _telegram_coordinates(update: dict) -> dict | None:
    message = update.get("message") or {}
    if not message:
        return None
    chat = message.get("chat") or {}
    reply_to = message.get("reply_to_message") or {}
    return {
        "peer_id": str(chat.get("id", "")),
        "author_id": str((message.get("from") or {}).get("id", "")),
        "message_id": str(message.get("message_id", "")),
        "is_public": chat.get("type") != "private",
        "reply_to": str(reply_to.get("message_id") or ""),
        "text": (message.get("text") or message.get("caption") or "").strip(),
        "event_id": f"update:{update.get('update_id')}",
    }


# Incoming --------------------------------------------------------------------------------------------------


def thread_replied_to(account: SocialAccount, where: dict) -> SocialThread | None:
    """The open appeal this event answers: a reply to one of our messages, or a new message in a private chat
    where we already wrote to the author about an appeal that is not closed yet."""
    ours = SocialMessage.objects.filter(
        thread__account=account, direction=SocialMessage.Direction.OUT, status=SocialMessage.Status.SENT
    ).select_related("thread", "thread__appeal")
    if where.get("reply_to"):
        sent = ours.filter(provider_id=where["reply_to"]).order_by("-id")
        if account.network == Network.VK:
            sent = sent.filter(thread__post_id=where.get("post_id", ""))
        else:
            sent = sent.filter(thread__peer_id=where["peer_id"]) | sent.filter(
                thread__author_id=where["author_id"]
            )
        hit = sent.first()
        if hit is not None:
            return hit.thread
    if not where.get("is_public") and where.get("peer_id"):
        hit = (
            ours.filter(thread__appeal__status__in=OPEN_STATUSES | {"answered"})
            .filter(is_public=False)
            .filter(thread__peer_id=where["peer_id"])
            .order_by("-id")
            .first()
        ) or (
            ours.filter(thread__appeal__status__in=OPEN_STATUSES | {"answered"}, is_public=False)
            .filter(thread__author_id=where["peer_id"])
            .order_by("-id")
            .first()
        )
        if hit is not None:
            return hit.thread
    return None


@transaction.atomic
def join(thread: SocialThread, where: dict) -> SocialMessage:
    """The client's reply joins the appeal (a replayed event is stored once)."""
    try:
        with transaction.atomic():
            message = SocialMessage.objects.create(
                thread=thread,
                direction=SocialMessage.Direction.IN,
                is_public=bool(where.get("is_public")),
                text=where["text"],
                status=SocialMessage.Status.RECEIVED,
                provider_id=where.get("message_id", ""),
                external_id=where["event_id"][:200],
            )
    except IntegrityError:
        return SocialMessage.objects.get(thread=thread, external_id=where["event_id"][:200])
    audit.record(None, "appeals.social_reply_received", thread.appeal, network=thread.account.network)
    return message


@transaction.atomic
def remember_thread(appeal: Appeal, account: SocialAccount, where: dict) -> SocialThread:
    """Keep where the appeal came from, so that its answers can go back there (once per appeal)."""
    thread, created = SocialThread.objects.get_or_create(
        appeal=appeal,
        defaults={
            "account": account,
            "peer_id": where["peer_id"],
            "author_id": where.get("author_id", ""),
            "post_owner_id": where.get("post_owner_id", ""),
            "post_id": where.get("post_id", ""),
            "message_id": where.get("message_id", ""),
            "is_public": bool(where.get("is_public")),
        },
    )
    if created:
        SocialMessage.objects.create(
            thread=thread,
            direction=SocialMessage.Direction.IN,
            is_public=thread.is_public,
            text=where["text"],
            status=SocialMessage.Status.RECEIVED,
            provider_id=where.get("message_id", ""),
            external_id=where["event_id"][:200],
        )
    return thread


# Outgoing --------------------------------------------------------------------------------------------------


def queue_answer(answer) -> SocialMessage | None:
    """Called in the answer's transaction: an answer to a social appeal leaves through the network's API after
    commit. A public answer goes where the appeal was posted; a private one to the author's chat."""
    thread = SocialThread.objects.filter(appeal_id=answer.appeal_id).select_related("account").first()
    if thread is None:
        return None
    message = SocialMessage.objects.create(
        thread=thread,
        direction=SocialMessage.Direction.OUT,
        is_public=bool(answer.is_public and thread.is_public),
        text=answer.text,
        answer=answer,
        status=SocialMessage.Status.PENDING,
    )
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    from ..tasks import send_social_message

    try:
        send_social_message.delay(message_id)
    except Exception as exc:  # the broker is down: the operator's page offers to send it again
        log.warning("social_message_enqueue_failed", message=message_id, error=exc.__class__.__name__)


def send(message_id: int) -> str:
    """Send one pending outgoing message; returns its new status. Never raises for the network's refusal."""
    message = (
        SocialMessage.objects.select_related("thread", "thread__account")
        .filter(pk=message_id, direction=SocialMessage.Direction.OUT, status=SocialMessage.Status.PENDING)
        .first()
    )
    if message is None:
        return "skipped"
    # The claim: one conditional update moves the attempt counter, so a second worker given the same id finds
    # the count moved and leaves it; no row lock is held while the network answers.
    claimed = SocialMessage.objects.filter(
        pk=message.pk, status=SocialMessage.Status.PENDING, attempts=message.attempts
    ).update(attempts=message.attempts + 1)
    if not claimed:
        return "skipped"
    thread = message.thread
    provider_id, error = "", ""
    try:
        transport = transports.registered()[thread.account.network](thread.account.network)
        provider_id = transport.reply(
            peer_id=thread.peer_id,
            post_owner_id=thread.post_owner_id,
            post_id=thread.post_id,
            message_id=thread.message_id,
            text=message.text,
            public=message.is_public,
            random_id=message.pk,
        )
    except (messenger_api.ApiError, messenger_api.ApiNotConfigured, OSError, ValueError, KeyError) as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
    outcome = SocialMessage.Status.FAILED if error else SocialMessage.Status.SENT
    SOCIAL_MESSAGE.check(SocialMessage.Status.PENDING, outcome, message)
    with transaction.atomic():
        SocialMessage.objects.filter(pk=message.pk).update(
            status=outcome,
            error=error,
            provider_id=str(provider_id)[:80],
            sent_at=None if error else timezone.now(),
        )
        audit.record(
            None,
            "appeals.social_message_failed" if error else "appeals.social_message_sent",
            thread.appeal,
            network=thread.account.network,
            public=message.is_public,
        )
    log.info("social_message", message=message.pk, network=thread.account.network, ok=not error)
    return SocialMessage.Status.FAILED if error else SocialMessage.Status.SENT


@transaction.atomic
def retry(message: SocialMessage, *, operator) -> SocialMessage:
    """The operator sends a failed message again."""
    SOCIAL_MESSAGE.check(SocialMessage.Status.FAILED, SocialMessage.Status.PENDING, message)
    updated = SocialMessage.objects.filter(pk=message.pk, status=SocialMessage.Status.FAILED).update(
        status=SocialMessage.Status.PENDING, error=""
    )
    if updated:
        audit.record(operator, "appeals.social_message_retried", message.thread.appeal)
        transaction.on_commit(lambda: _enqueue(message.pk))
    message.refresh_from_db()
    return message
