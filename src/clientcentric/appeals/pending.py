"""Photos of an appeal form kept between a refused submission and the next try.

A form that comes back with an error must not lose what the author attached: a browser cannot put files back
into a file input, so the server keeps them. Each form carries a random key; the key is also remembered in the
author's session, so a key seen elsewhere (a shared link, a log) opens nothing. Photos are cleaned on arrival
(type sniffed, EXIF dropped) and kept for a day at most.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import uploads
from .models import PendingPhoto
from .services import check_attachment

KEEP_FOR = timedelta(days=1)
SESSION_KEY = "appeal_form_keys"
# A session keeps the keys of its last few forms only: enough for several tabs, never a growing list.
KEYS_PER_SESSION = 5


def form_key(session, offered: str = "") -> str:
    """The key this form's photos are kept under: the one the form came back with if this session issued it,
    else a new one."""
    issued = list(session.get(SESSION_KEY, []))
    if offered and offered in issued:
        return offered
    key = secrets.token_urlsafe(24)
    session[SESSION_KEY] = [*issued, key][-KEYS_PER_SESSION:]
    return key


def held(key: str) -> list[PendingPhoto]:
    return list(PendingPhoto.objects.filter(form_key=key).defer("data"))


@transaction.atomic
def keep(key: str, files: list[tuple[str, str, bytes]]) -> list[str]:
    """Clean and keep the files; returns what was wrong with those refused (one message each)."""
    PendingPhoto.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    refused = []
    for name, content_type, data in files:
        try:
            check_attachment(name, content_type, len(data), photos_only=True)
            clean = uploads.clean(name, data, photos_only=True)
        except ValidationError as error:
            refused.extend(error.messages)
            continue
        PendingPhoto.objects.create(
            form_key=key, name=clean.name, content_type=clean.content_type, data=clean.data
        )
    return refused


def drop(key: str, ids: list[str]) -> None:
    PendingPhoto.objects.filter(form_key=key, pk__in=[i for i in ids if i.isdigit()]).delete()


def files(key: str) -> list[tuple[str, str, bytes]]:
    return [(p.name, p.content_type, bytes(p.data)) for p in PendingPhoto.objects.filter(form_key=key)]


def discard(key: str) -> None:
    PendingPhoto.objects.filter(form_key=key).delete()
