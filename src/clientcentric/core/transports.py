"""Notification transports as registered plug-ins, one configured per channel.

A transport turns one outbox row into one outgoing message and raises on failure; the outbox records the
attempt and retries. Configure in settings (env): CLIENTCENTRIC_<CHANNEL>_TRANSPORT = smtp | webhook | log.
The `log` transports write JSON lines to a file and exist for the demo and tests only.
"""

import html
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.translation import gettext as _

_REGISTRY: dict[str, type["Transport"]] = {}


class TransportNotConfigured(RuntimeError):
    pass


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: int
    channel: str
    address: str
    subject: str
    body: str
    unsubscribe_url: str = ""

    def text_with_footer(self) -> str:
        if not self.unsubscribe_url:
            return self.body
        return f"{self.body.rstrip()}\n\n{_('Unsubscribe')}: {self.unsubscribe_url}"


class Transport:
    """One way out for one channel. `send` returns the provider's message id (or "") and raises on failure."""

    name = ""
    channels: tuple[str, ...] = ()
    # Whether the far end drops a repeat of the same notification: then a send interrupted before its outcome
    # was recorded is sent again; otherwise it is failed for a person to check, so nobody gets it twice.
    repeat_safe = False

    def __init__(self, channel: str):
        self.channel = channel

    def send(self, message: OutgoingMessage) -> str:
        raise NotImplementedError

    def close(self) -> None:
        """Called after a batch; a transport that keeps a connection open across messages closes it here."""


def register(name: str):
    def decorator(cls):
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorator


def registered() -> dict[str, type[Transport]]:
    return dict(_REGISTRY)


def configured_name(channel: str) -> str:
    return settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS.get(channel, "")


def repeat_is_safe(channel: str) -> bool:
    cls = _REGISTRY.get(configured_name(channel))
    return bool(cls is not None and cls.repeat_safe)


def is_available(channel: str) -> bool:
    return bool(configured_name(channel))


def for_channel(channel: str) -> Transport:
    name = configured_name(channel)
    if not name:
        raise TransportNotConfigured(f"no transport is configured for the {channel} channel")
    cls = _REGISTRY.get(name)
    if cls is None or channel not in cls.channels:
        raise TransportNotConfigured(f"transport {name!r} cannot carry the {channel} channel")
    return cls(channel)


def unsubscribe_mailto(url: str) -> str:
    return (
        f"mailto:{settings.CLIENTCENTRIC_UNSUBSCRIBE_MAILTO}?subject=unsubscribe&body={quote(url, safe='')}"
    )


@register("smtp")
class EmailTransport(Transport):
    """E-mail through Django's configured mail backend (SMTP in production), text plus an escaped HTML part."""

    channels = ("email",)

    def __init__(self, channel: str):
        super().__init__(channel)
        self.connection = None

    def send(self, message: OutgoingMessage) -> str:
        # A subject is one header line: a line break in it would let a value inject headers.
        subject = " ".join(message.subject.split())
        # Lets a bounce or a complaint be traced to its outbox row without keeping the address.
        headers = {"X-Clientcentric-Notification": str(message.notification_id)}
        if message.unsubscribe_url:
            # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs to the URL.
            headers["List-Unsubscribe"] = (
                f"<{message.unsubscribe_url}>, <{unsubscribe_mailto(message.unsubscribe_url)}>"
            )
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email = EmailMultiAlternatives(
            subject,
            message.text_with_footer(),
            settings.DEFAULT_FROM_EMAIL,
            [message.address],
            headers=headers,
        )
        email.attach_alternative(_html(message), "text/html")
        # One SMTP session serves a whole batch; after a failure the next message opens a fresh one.
        if self.connection is None:
            self.connection = get_connection()
            self.connection.open()
        try:
            email.connection = self.connection
            email.send()
        except Exception:
            self.close()
            raise
        return ""

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # a connection that already broke has nothing left to close
                pass
            self.connection = None


def _html(message: OutgoingMessage) -> str:
    # Everything rendered is text: HTML typed into a template or a value is shown, never interpreted.
    paragraphs = "".join(
        "<p>{}</p>".format(html.escape(part).replace("\n", "<br>"))
        for part in message.body.strip().split("\n\n")
        if part.strip()
    )
    footer = ""
    if message.unsubscribe_url:
        footer = '<p style="color:#555;font-size:small"><a href="{}">{}</a></p>'.format(
            html.escape(message.unsubscribe_url), html.escape(_("Unsubscribe"))
        )
    return f'<!doctype html><html><body style="font-family:sans-serif">{paragraphs}{footer}</body></html>'


@register("webhook")
class WebhookTransport(Transport):
    """A generic HTTP gateway for SMS, push or a messenger: JSON POSTed to a URL with a bearer token.

    Body: {"id", "channel", "to", "subject", "text", "unsubscribe_url"}; the `Idempotency-Key` header is
    the notification id, so a gateway can drop a repeat. Any 2xx is success; its JSON "id" is kept.
    """

    channels = ("sms", "push", "messenger")
    repeat_safe = True  # the Idempotency-Key header

    def send(self, message: OutgoingMessage) -> str:
        config = settings.CLIENTCENTRIC_NOTIFICATION_WEBHOOKS.get(self.channel) or {}
        if not config.get("url"):
            raise TransportNotConfigured(f"CLIENTCENTRIC_{self.channel.upper()}_WEBHOOK_URL is not set")
        payload = {
            "id": message.notification_id,
            "channel": message.channel,
            "to": message.address,
            "subject": message.subject,
            "text": message.text_with_footer(),
            "unsubscribe_url": message.unsubscribe_url,
        }
        request = urllib.request.Request(
            config["url"],
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": f"notification-{message.notification_id}",
                **({"Authorization": f"Bearer {config['token']}"} if config.get("token") else {}),
            },
        )
        timeout = settings.CLIENTCENTRIC_NOTIFICATION_WEBHOOK_TIMEOUT
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL from settings)
            raw = response.read(65536)
        try:
            return str(json.loads(raw or b"{}").get("id", ""))[:200]
        except (ValueError, AttributeError):
            return ""


@register("log")
class LogTransport(Transport):
    """Demo and tests only: appends each message as a JSON line to <log dir>/<channel>.jsonl."""

    channels = ("email", "sms", "push", "messenger")

    def send(self, message: OutgoingMessage) -> str:
        directory = Path(settings.CLIENTCENTRIC_NOTIFICATION_LOG_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        line = {
            "at": timezone.now().isoformat(),
            "id": message.notification_id,
            "to": message.address,
            "subject": message.subject,
            "text": message.text_with_footer(),
        }
        with open(directory / f"{self.channel}.jsonl", "a", encoding="utf-8") as sink:
            sink.write(json.dumps(line, ensure_ascii=False) + "\n")
        return f"log-{message.notification_id}"


@register("telegram")
class TelegramTransport(Transport):
    """The messenger channel through the Telegram Bot API: the address is the client's chat id with the bot."""

    channels = ("messenger",)

    def send(self, message: OutgoingMessage) -> str:
        from clientcentric.core import messenger_api

        try:
            bot = messenger_api.Telegram()
        except messenger_api.ApiNotConfigured as error:
            raise TransportNotConfigured(str(error)) from None
        text = f"{message.subject}\n\n{message.text_with_footer()}" if message.subject else message.body
        return bot.send_message(message.address, text).provider_id

    def reply(self, *, peer_id, post_owner_id, post_id, message_id, text, public, random_id) -> str:
        """An answer to an appeal: in public, a reply to the message in its group; otherwise to the chat."""
        from clientcentric.core import messenger_api

        bot = messenger_api.Telegram()
        return bot.send_message(peer_id, text, reply_to=message_id if public else "").provider_id


@register("vk")
class VkTransport(Transport):
    """VK, for answers to appeals only (the platform does not send notifications through VK)."""

    channels = ()

    def send(self, message: OutgoingMessage) -> str:
        raise TransportNotConfigured("VK carries answers to appeals, not notifications")

    def reply(self, *, peer_id, post_owner_id, post_id, message_id, text, public, random_id) -> str:
        """In public, a comment under the post (answering the client's comment); otherwise a private message."""
        from clientcentric.core import messenger_api

        vk = messenger_api.Vk()
        if public and post_id:
            return vk.create_comment(post_owner_id, post_id, text, reply_to_comment=message_id).provider_id
        return vk.send_message(peer_id, text, random_id=random_id).provider_id


@register("cabinet")
class CabinetTransport(Transport):
    """The personal cabinet on the portal: the message lands in the client's inbox (the address is their id)."""

    channels = ("cabinet",)
    repeat_safe = True  # one inbox row per notification

    def send(self, message: OutgoingMessage) -> str:
        from clientcentric.core.services import inbox

        row = inbox.deliver(
            notification_id=message.notification_id,
            person_id=message.address,
            subject=message.subject,
            body=message.body,
        )
        return f"inbox-{row.pk}"
