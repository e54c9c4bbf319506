"""A rate limit for the anonymous office form (QR code): a script must not flood an office's figures.

Fixed windows counted in the shared cache (Redis in production, so every worker sees the same counts): per
browser session a few ratings per window (a client rates once; a kiosk tablet is still served), per IP
address more (an office's Wi-Fi or a mobile operator puts many phones behind one address). A refused
submission loses nothing: the view shows the form again with the client's answers in it.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

NAMESPACE = "feedback:office-limit"
DEFAULT_LIMITS = {"session": (3, 600), "ip": (30, 600)}  # (submissions, window in seconds)


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "CLIENTCENTRIC_FEEDBACK_OFFICE_LIMITS", {})}


def _identities(request) -> dict[str, str]:
    if not request.session.session_key:
        request.session.save()  # an anonymous visitor gets a session on the first rating
    return {"session": request.session.session_key, "ip": request.META.get("REMOTE_ADDR", "")}


def _key(kind: str, value: str, window: int, now: float) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no raw IP address in the cache
    return f"{NAMESPACE}:{kind}:{digest}:{int(now // window)}"


def wait_minutes(request, now: float | None = None) -> int:
    """0 when one more rating is allowed, else the minutes until the fullest window ends."""
    now = time.time() if now is None else now
    wait = 0.0
    for kind, value in _identities(request).items():
        allowed, window = limits()[kind]
        if value and (cache.get(_key(kind, value, window, now)) or 0) >= allowed:
            wait = max(wait, window - now % window)
    return math.ceil(wait / 60) if wait else 0


def count(request, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for kind, value in _identities(request).items():
        if not value:
            continue
        _allowed, window = limits()[kind]
        key = _key(kind, value, window, now)
        cache.add(key, 0, timeout=window + 5)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
