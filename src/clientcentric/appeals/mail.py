"""E-mail intake: RFC 822 messages from a Maildir folder or an IMAP mailbox become appeals.

A message is marked as read only after its appeal is committed; one that cannot be read stays unread and
is reported, so nothing is lost and a re-run picks it up again.
"""

import email
import imaplib
import mailbox
from dataclasses import dataclass, field
from email import policy

from django.core.exceptions import ValidationError

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
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in list(box.iterkeys()):
        message = box[key]
        if "S" in message.get_flags():
            continue
        if _receive(message.as_bytes(), key, run):
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
    return run


def ingest_imap(
    *,
    host: str,
    user: str,
    password: str,
    folder: str = "INBOX",
    port: int | None = None,
    ssl: bool = True,
    connection_factory=None,
) -> MailRun:
    run = MailRun()
    factory = connection_factory or (imaplib.IMAP4_SSL if ssl else imaplib.IMAP4)
    connection = factory(host, port) if port else factory(host)
    try:
        connection.login(user, password)
        connection.select(folder)
        _status, found = connection.uid("SEARCH", None, "UNSEEN")
        for uid in (found[0] or b"").split():
            _status, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), None)
            if raw is None:
                run.failed.append((uid.decode(), "empty fetch"))
                continue
            if _receive(raw, uid.decode(), run):
                connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return run
