"""Unread RFC 822 messages from a Maildir folder or an IMAP mailbox, each handed to a handler.

A message is marked as read only when its handler says it was taken (its work committed); one the handler refuses
stays unread, so nothing is lost and a later run sees it again. Appeals by e-mail and unsubscribe requests by
e-mail both read their mailboxes this way.
"""

from __future__ import annotations

import imaplib
import mailbox
import os
from collections.abc import Callable

# (raw message, its key in the mailbox) -> True when taken (mark it read), False to leave it unread.
Handler = Callable[[bytes, str], bool]


def read_maildir(path: str, handle: Handler) -> None:
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in list(box.iterkeys()):
        message = box[key]
        if "S" in message.get_flags():
            continue
        if handle(message.as_bytes(), key):
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message


def read_imap(
    handle: Handler,
    *,
    host: str,
    user: str,
    password: str,
    folder: str = "INBOX",
    port: int | None = None,
    ssl: bool = True,
    connection_factory=None,
) -> None:
    factory = connection_factory or (imaplib.IMAP4_SSL if ssl else imaplib.IMAP4)
    connection = factory(host, port) if port else factory(host)
    try:
        connection.login(user, password)
        connection.select(folder)
        _status, found = connection.uid("SEARCH", None, "UNSEEN")
        for uid in (found[0] or b"").split():
            _status, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            # An empty fetch goes to the handler as an empty message: it refuses it, and it stays unread.
            raw = next((part[1] for part in parts if isinstance(part, tuple)), b"")
            if handle(raw, uid.decode()):
                connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def add_arguments(parser) -> None:
    """The mailbox options a command that reads mail takes: --maildir, or --imap-host and the rest."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--maildir")
    source.add_argument("--imap-host")
    parser.add_argument("--imap-user", default="")
    parser.add_argument(
        "--imap-password-env",
        default="CLIENTCENTRIC_IMAP_PASSWORD",
        help="Environment variable holding the password (never on the command line).",
    )
    parser.add_argument("--imap-folder", default="INBOX")
    parser.add_argument("--imap-port", type=int)
    parser.add_argument("--no-ssl", action="store_true")


def read_from_options(options: dict, handle: Handler) -> None:
    """Read the mailbox `add_arguments` described on the command line."""
    if options["maildir"]:
        read_maildir(options["maildir"], handle)
        return
    read_imap(
        handle,
        host=options["imap_host"],
        user=options["imap_user"],
        password=os.environ.get(options["imap_password_env"], ""),
        folder=options["imap_folder"],
        port=options["imap_port"],
        ssl=not options["no_ssl"],
    )
