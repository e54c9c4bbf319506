"""The acknowledgement of a new appeal, and the confirmation code that lets its author follow it without an account.

At intake the contact the author left (the e-mail; the phone by SMS where a transport is configured) gets the appeal's number, its deadline, a link to the public «Проверить статус» page and an
eight-digit code. Number and code together open the appeal's status (views.status). The code is kept only as an
HMAC under the site's secret key, so a copy of the database cannot be read back into codes; eight digits behind
the status page's rate limits leave nothing worth guessing.
"""

import re
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from clientcentric.core import message_templates, transports
from clientcentric.core.services import message_templates as template_services
from clientcentric.core.services import notifications

CODE_DIGITS = 8
_SALT = "clientcentric.appeals.tracking_code"

RECEIVED_EVENT = message_templates.register_event(
    "appeal.received",
    _("Appeal registered: number and confirmation code"),
    {"number", "code", "url", "due", "executor"},
    {
        "email": (
            _("Appeal {{ number }} is registered"),
            _(
                "Hello{% if recipient_name %}, {{ recipient_name }}{% endif %}!\n\n"
                "Your appeal is registered under number {{ number }}.\n"
                "{% if executor %}It is handled by: {{ executor }}.{% else %}We are choosing the agency that "
                "will handle it; you will hear when it is handed over.{% endif %}\n"
                "The answer is due by {{ due }}.\n\n"
                "Follow its status: {{ url }}\n"
                "Number: {{ number }}\nConfirmation code: {{ code }}\n\n"
                "Keep the code: with the number it shows the status and the answer without an account. "
                "If you did not send this appeal, ignore this message."
            ),
        ),
        "*": (
            _("Appeal {{ number }} is registered"),
            _("Appeal {{ number }} is registered, answer by {{ due }}. Status: {{ url }} code {{ code }}"),
        ),
    },
)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def shown_code(code: str) -> str:
    """Two groups of four digits: easier to read off a phone and type in."""
    return f"{code[:4]} {code[4:]}" if len(code) == CODE_DIGITS else code


def normalise_code(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def code_hash(code: str) -> str:
    return salted_hmac(_SALT, normalise_code(code)).hexdigest()


def code_matches(appeal, code: str) -> bool:
    normalised = normalise_code(code)
    return (
        bool(appeal.tracking_code_hash)
        and len(normalised) == CODE_DIGITS
        and constant_time_compare(appeal.tracking_code_hash, code_hash(normalised))
    )


def _phone(value: str) -> str:
    digits = re.sub(r"[\s()\-]", "", value or "")
    if re.fullmatch(r"8\d{10}", digits):
        digits = "+7" + digits[1:]
    return digits if re.fullmatch(r"\+?\d{10,15}", digits) else ""


def addresses(appeal) -> list[tuple[str, str]]:
    """(channel, address) the acknowledgement goes to: the contact the author left with the appeal.

    A signed-in author who left none is not written to: they chose their channels in their subscription settings
    (the status changes reach them there), and the confirmation page and «My appeals» hold the number.
    """
    found = []
    email = appeal.contact_email
    if email:
        found.append(("email", email))
    phone = _phone(appeal.contact_phone)
    if phone and transports.is_available("sms"):
        found.append(("sms", phone))
    return found


def status_url(appeal) -> str:
    return f"{settings.CLIENTCENTRIC_SITE_URL.rstrip('/')}{reverse('appeals:status')}?number={appeal.number}"


def due_text(appeal) -> str:
    return formats.date_format(timezone.localtime(appeal.due_shown), "j E Y, H:i")


def send(appeal, code: str) -> int:
    """Enqueue the acknowledgement in the caller's transaction (the outbox sends it after commit)."""
    author = appeal.author if appeal.author_id else None
    # The name people are greeted by: the one they gave, else their first name and patronymic.
    recipient = appeal.contact_name or (
        " ".join(p for p in (author.first_name, author.patronymic) if p) if author else ""
    )
    context = {
        "number": appeal.number,
        "code": shown_code(code),
        "url": status_url(appeal),
        "due": due_text(appeal),
        "executor": appeal.executor.name if appeal.executor_id else "",
        "recipient_name": recipient,
        "site_url": settings.CLIENTCENTRIC_SITE_URL,
    }
    sent = 0
    for channel, address in addresses(appeal):
        subject, body, template = template_services.render(RECEIVED_EVENT.code, channel, context)
        notifications.enqueue(
            channel=channel,
            address=address,
            subject=subject,
            body=body,
            event=RECEIVED_EVENT.code,
            template=template,
            about=appeal,
        )
        sent += 1
    return sent
