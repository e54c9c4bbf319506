"""Time to submit, measured by the server: the form's first render signs its own start time into the page.

The client's clock is not trusted: the token carries the server's time, the client and the service it was
issued for, and is signed, so a request cannot claim to have taken less (or more) than it did."""

import time

from django.core import signing

SALT = "delivery.time-to-submit"
# A form left open overnight is not "time to submit"; the figure is capped, never negative.
MAX_SECONDS = 86_400.0


def start_token(client_id: int, service_id: int, *, now: float | None = None) -> str:
    return signing.dumps(
        {"c": client_id, "s": service_id, "t": time.time() if now is None else now}, salt=SALT
    )


def seconds_since(token: str, client_id: int, service_id: int, *, now: float | None = None) -> float | None:
    """Seconds from the token's issue to now; None when the token is missing, forged or someone else's."""
    try:
        data = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        return None
    if data.get("c") != client_id or data.get("s") != service_id:
        return None
    elapsed = (time.time() if now is None else now) - float(data["t"])
    return min(max(elapsed, 0.0), MAX_SECONDS)
