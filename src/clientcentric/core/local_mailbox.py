"""Outgoing e-mail kept on this machine: a Maildir under var/ that staff open on the mailbox page.

Without CLIENTCENTRIC_EMAIL_URL nothing leaves the machine and nothing is printed: each message Django would send
is written as one file into the Maildir `CLIENTCENTRIC_MAILBOX_DIR`, readable by any mail client and by
`/staff/mailbox/` (operators and administrators). The demo region sends its mail here; production sets an SMTP URL.
"""

from __future__ import annotations

import email.policy
import mailbox
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.translation import gettext_lazy as _

BACKEND = "clientcentric.core.local_mailbox.MaildirBackend"
SHOWN_HEADERS = (
    ("From", _("From")),
    ("To", _("To")),
    ("Subject", _("Subject")),
    ("List-Unsubscribe", _("Unsubscribe link")),
)


def is_active() -> bool:
    return settings.EMAIL_BACKEND == BACKEND


def _box(create: bool) -> mailbox.Maildir | None:
    path = Path(settings.CLIENTCENTRIC_MAILBOX_DIR)
    if not create and not path.is_dir():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(path, factory=None, create=create)


class MaildirBackend(BaseEmailBackend):
    """Django e-mail backend: one Maildir file per message (written atomically: tmp/ then new/)."""

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        box = _box(create=True)
        sent = 0
        for message in email_messages:
            try:
                box.add(message.message().as_bytes())
                sent += 1
            except OSError:
                if not self.fail_silently:
                    raise
        return sent


@dataclass(frozen=True)
class StoredMessage:
    key: str
    to: str
    subject: str
    sent_at: datetime | None
    text: str = ""
    headers: tuple[tuple[str, str], ...] = ()


def _parse(key: str, raw: bytes, with_body: bool) -> StoredMessage:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        sent_at = parsedate_to_datetime(parsed["Date"]) if parsed["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    text, headers = "", ()
    if with_body:
        part = parsed.get_body(preferencelist=("plain", "html"))
        text = part.get_content() if part is not None else ""
        headers = tuple((label, _header(parsed, name)) for name, label in SHOWN_HEADERS if parsed[name])
    return StoredMessage(key, _header(parsed, "To"), _header(parsed, "Subject"), sent_at, text, headers)


def _header(parsed, name: str) -> str:
    # A long encoded header comes back folded: one line, single spaces, as a mail client shows it.
    return " ".join(str(parsed[name] or "").split())


def messages() -> list[StoredMessage]:
    """Every stored message, newest first (headers only)."""
    box = _box(create=False)
    if box is None:
        return []
    found = [_parse(key, box.get_bytes(key), with_body=False) for key in box.iterkeys()]
    return sorted(found, key=lambda m: (m.sent_at is not None, m.sent_at), reverse=True)


def message(key: str) -> StoredMessage | None:
    box = _box(create=False)
    if box is None:
        return None
    try:
        return _parse(key, box.get_bytes(key), with_body=True)
    except KeyError:
        return None
