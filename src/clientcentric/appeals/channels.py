"""Channel adapters: a social network's or mail server's payload → AppealInput. Pure parsing, no writes.

Each adapter returns None for payloads that carry no appeal (service events, edits, the community's own posts).
"""

import re
from email.message import EmailMessage
from email.utils import parseaddr

from django.utils.html import strip_tags

from .models import Channel, Kind
from .services import AppealInput

# VK Callback API event types → kind of appeal (a private message is an appeal; a comment under the
# community's post is a comment; a post on the community wall by someone else mentions the body).
VK_KINDS = {"message_new": Kind.SOCIAL_APPEAL, "wall_reply_new": Kind.COMMENT, "wall_post_new": Kind.MENTION}


class PayloadError(ValueError):
    """A payload that claims to be from the channel but cannot be read."""


def parse_vk(payload: dict, *, community_id: str) -> AppealInput | None:
    event_type = payload.get("type")
    if event_type not in VK_KINDS:
        return None
    if str(payload.get("group_id")) != str(community_id):
        raise PayloadError("group_id does not match the account")
    item = payload.get("object") or {}
    message = item.get("message", item)  # message_new wraps the message since API 5.103
    text = (message.get("text") or "").strip()
    author_id = message.get("from_id")
    if not text or author_id is None:
        return None
    if event_type == "wall_post_new" and str(author_id) == f"-{community_id}":
        return None  # the community's own post
    event_id = payload.get("event_id") or f"{event_type}:{message.get('id')}:{message.get('owner_id', '')}"
    return AppealInput(
        channel=Channel.SOCIAL,
        kind=VK_KINDS[event_type],
        text=text,
        external_id=f"vk:{community_id}:{event_id}",
        contact_name=f"vk.com/id{author_id}" if int(author_id) > 0 else "",
    )


def parse_telegram(update: dict, *, bot_username: str) -> AppealInput | None:
    """A private message to the bot is an appeal; a reply under the channel's post in its discussion group
    is a comment; a group message that names the bot is a mention."""
    if "update_id" not in update:
        raise PayloadError("not a Telegram update")
    message = update.get("message")
    if not message:
        return None
    text = (message.get("text") or message.get("caption") or "").strip()
    chat = message.get("chat") or {}
    if not text:
        return None
    reply_to = message.get("reply_to_message") or {}
    if chat.get("type") == "private":
        kind = Kind.SOCIAL_APPEAL
    elif reply_to.get("is_automatic_forward") or (reply_to.get("sender_chat") or {}).get("type") == "channel":
        kind = Kind.COMMENT
    elif f"@{bot_username.lstrip('@').lower()}" in text.lower():
        kind = Kind.MENTION
    else:
        return None
    sender = message.get("from") or {}
    name = " ".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p)
    return AppealInput(
        channel=Channel.SOCIAL,
        kind=kind,
        text=text,
        contact_name=name or sender.get("username", ""),
        external_id=f"telegram:{bot_username.lstrip('@')}:{update['update_id']}",
    )


def parse_email(message: EmailMessage) -> tuple[AppealInput, list[tuple[str, str, bytes]]]:
    """The appeal in an RFC 822 message and its attachments as (file name, content type, bytes)."""
    name, address = parseaddr(str(message.get("From", "")))
    if not address or "@" not in address:
        raise PayloadError("the message has no sender address")
    message_id = str(message.get("Message-ID", "")).strip()
    subject = str(message.get("Subject", "")).strip()
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = body.get_content()
        if body.get_content_type() == "text/html":
            text = strip_tags(text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if subject:
        text = f"{subject}\n\n{text}".strip()
    if not text:
        raise PayloadError("the message has neither subject nor text")
    attachments = [
        (part.get_filename() or "attachment", part.get_content_type(), part.get_payload(decode=True) or b"")
        for part in message.iter_attachments()
    ]
    return (
        AppealInput(
            channel=Channel.EMAIL,
            text=text,
            contact_name=name,
            contact_email=address,
            external_id=message_id[:200],
        ),
        attachments,
    )
