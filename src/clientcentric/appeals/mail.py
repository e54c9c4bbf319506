"""E-mail intake: RFC 822 messages from a Maildir folder or an IMAP mailbox become appeals.

A message is marked as read only after its appeal is committed; one that cannot be read stays unread and
is reported, so nothing is lost and a re-run picks it up again.
"""

import email
from dataclasses import dataclass, field
from email import policy

from django.core.exceptions import ValidationError

from clientcentric.core import mailboxes

from . import channels, services


@dataclass
class MailRun:
    created: int = 0
    replayed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (message key, why)


def _receive(raw: bytes, key: str, run: MailRun) -> bool:
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        data, attachments = channels.parse_email(message)
        intake = services.receive_with_attachments(data, attachments)
    except (channels.PayloadError, ValidationError, ValueError, LookupError) as error:
        why = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        run.failed.append((key, why))
        return False
    if intake.created:
        run.created += 1
    else:
        run.replayed += 1
    return True


def ingest_maildir(path: str) -> MailRun:
    run = MailRun()
    mailboxes.read_maildir(path, lambda raw, key: _receive(raw, key, run))
    return run


def ingest_imap(*, host: str, user: str, password: str, **options) -> MailRun:
    """`options`: folder, port, ssl, connection_factory (see core.mailboxes.read_imap)."""
    run = MailRun()
    mailboxes.read_imap(
        lambda raw, key: _receive(raw, key, run),
        host=host,
        user=user,
        password=password,
        **options,
    )
    return run


def ingest_from_options(options: dict) -> MailRun:
    """The mailbox named on the command line (core.mailboxes.add_arguments)."""
    run = MailRun()
    mailboxes.read_from_options(
        options,
        lambda raw, key: _receive(raw, key, run),
    )
    return run
