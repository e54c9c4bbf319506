"""Unsubscribe requests by e-mail: the `mailto:` of the List-Unsubscribe header (RFC 2369) of every e-mail we send.

Such a message carries the signed unsubscribe link in its body (the mailto's `body=`); the link's token does what
opening the link and pressing the button does. A message without a valid link stays unread and is reported, for
a person to answer.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from urllib.parse import unquote

from django.core import signing

from clientcentric.core import mailboxes

from . import services

_LINK = re.compile(r"/unsubscribe/([A-Za-z0-9_\-:.]+)/")


@dataclass
class UnsubscribeRun:
    unsubscribed: int = 0
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (message key, why)


def _text_of(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=policy.default)
    parts = [str(message.get("Subject", ""))]
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            try:
                parts.append(part.get_content())
            except (LookupError, ValueError):  # an unknown charset: the other parts may still hold the link
                continue
    # Some mail programs keep the mailto body percent-encoded.
    return unquote("\n".join(parts))


def _handle(raw: bytes, key: str, run: UnsubscribeRun) -> bool:
    tokens = list(dict.fromkeys(_LINK.findall(_text_of(raw))))
    if not tokens:
        run.failed.append((key, "no unsubscribe link in the message"))
        return False
    for token in tokens:
        try:
            result = services.unsubscribe(token)
        except signing.BadSignature:
            run.failed.append((key, "the unsubscribe link is damaged or forged"))
            return False
        if result.changed:
            run.unsubscribed += 1
        else:
            run.already += 1
    return True


def read_from_options(options: dict) -> UnsubscribeRun:
    """The mailbox named on the command line (core.mailboxes.add_arguments)."""
    run = UnsubscribeRun()
    mailboxes.read_from_options(
        options,
        lambda raw, key: _handle(raw, key, run),
    )
    return run
