"""A rate limit for the anonymous office form (QR code): a script must not flood an office's figures.

Fixed windows counted by core.services.rate_limit (Redis, or a table without it, so every worker sees the
same counts): per browser session a few ratings per window (a client rates once; a kiosk tablet is still
served), per IP address more (an office's Wi-Fi or a mobile operator puts many phones behind one address). A refused
submission loses nothing: the view shows the form again with the client's answers in it.
"""

import math

from django.conf import settings

from clientcentric.core.services import rate_limit

DEFAULT_LIMITS = {"session": (3, 600), "ip": (30, 600)}  # (submissions, window in seconds)


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "CLIENTCENTRIC_FEEDBACK_OFFICE_LIMITS", {})}


def _identities(request) -> dict[str, str]:
    if not request.session.session_key:
        request.session.save()  # an anonymous visitor gets a session on the first rating
    return {"session": request.session.session_key, "ip": rate_limit.client_address(request)}


def wait_minutes(request, now: float | None = None) -> int:
    """0 when one more rating is allowed, else the minutes until the fullest window ends."""
    wait = max(
        rate_limit.wait_seconds(f"office_{kind}", value, now=now, limit=limits()[kind])
        for kind, value in _identities(request).items()
    )
    return math.ceil(wait / 60) if wait else 0


def count(request, now: float | None = None) -> None:
    for kind, value in _identities(request).items():
        rate_limit.count(f"office_{kind}", value, now=now, limit=limits()[kind])
