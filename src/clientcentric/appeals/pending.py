"""Photos of an appeal form kept between a refused submission and the next try.

A form that comes back with an error must not lose what the author attached: a browser cannot put files back
into a file input, so the server keeps them. Each form carries a random key; the key is also remembered in the
author's session, so a key seen elsewhere (a shared link, a log) opens nothing. Photos are cleaned on arrival
(type sniffed, EXIF dropped) and kept for a day at most. Keeping, dropping and discarding them are services
(`services.keep_pending_photos` …); this module issues the keys and reads.
"""

import secrets

from .models import PendingPhoto

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


def files(key: str) -> list[tuple[str, str, bytes]]:
    return [(p.name, p.content_type, bytes(p.data)) for p in PendingPhoto.objects.filter(form_key=key)]
