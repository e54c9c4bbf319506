"""Rate limits that hold across workers and processes: fixed windows counted in Redis when the cache is Redis
(and in the table while Redis is unreachable), else in a table (`core.RateCounter`) — the embedded default's cache lives in each process, and a limit counted
per process lets a script through once per worker.

A limit is a name with (requests, window in seconds); settings.CLIENTCENTRIC_RATE_LIMITS overrides the
defaults (a limit set to None is off). The caller's identity (an IP address, a session, a token) is stored only
as a hash. See docs/rate-limits.md.
"""

import hashlib
import math
import random
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from clientcentric.core import shared_cache
from clientcentric.core.models import RateCounter

DEFAULT_LIMITS: dict[str, tuple[int, int] | None] = {
    # anonymous appeals (form and API without a token), per IP address
    "appeal": (10, 3600),
    # the public status page (number + confirmation code), per IP address and per appeal number: the code's
    # eight digits stay out of reach of guessing from many addresses at one number
    "appeal_status": (30, 600),
    "appeal_status_number": (10, 3600),
    # the rating widget on pages and a link's rating form, per IP address
    "rating": (30, 600),
    # chat-bot messages, per IP address
    "chatbot": (30, 60),
    # sign-in attempts, per IP address (django-axes locks an account; this slows a sweep over many accounts)
    "sign_in": (20, 600),
    # API requests per token
    "api_token": (600, 60),
}

# One expired row in a hundred calls is enough housekeeping for the table; Redis expires its own keys.
_SWEEP_CHANCE = 0.01


class RateLimited(Exception):
    """Over the limit: answer 429 with Retry-After (the API in its error shape, pages with a Russian page)."""

    def __init__(self, name: str, retry_after: int):
        super().__init__(f"rate limit {name!r} exceeded; retry after {retry_after} s")
        self.name = name
        self.retry_after = retry_after


def limit_of(name: str) -> tuple[int, int] | None:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "CLIENTCENTRIC_RATE_LIMITS", {})}
    return limits[name]


def _uses_cache() -> bool:
    # While Redis is unreachable the table counts: a limit is never a reason to refuse an appeal with a 500.
    store = getattr(settings, "CLIENTCENTRIC_RATE_LIMIT_STORE", "database")
    return store == "cache" and shared_cache.available()


def _key(name: str, identity: str, window: int, now: float) -> str:
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    prefix = getattr(settings, "CLIENTCENTRIC_RATE_LIMIT_PREFIX", "rl")
    return f"{prefix}:{name}:{digest}:{int(now // window)}"


def _window_left(window: int, now: float) -> int:
    return max(1, math.ceil(window - now % window))


def _cache_increment(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


# One statement per count, atomic in both databases (SQLite ≥ 3.35 and PostgreSQL): the ORM would need an
# insert, an update and a read in a transaction — three round trips and, on SQLite, the commit dominates.
_UPSERT = (
    "INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (key) DO UPDATE SET count = core_ratecounter.count + 1 RETURNING count"
)


def _database_increment(key: str, expires_at: float) -> int:
    expires = connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(expires_at, tz=UTC))
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, expires])
        count = cursor.fetchone()[0]
    if random.random() < _SWEEP_CHANCE:
        RateCounter.objects.filter(expires_at__lt=datetime.now(tz=UTC)).delete()
    return count


def _cache_count(key: str) -> int:
    return cache.get(key) or 0


def _database_count(key: str) -> int:
    return RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0


def count(name: str, identity: str, *, now: float | None = None, limit: tuple[int, int] | None = None) -> int:
    """Count one request of `identity` under the limit `name`; returns the window's count so far.

    `limit` overrides the named limit's (requests, window) for callers that keep their own settings."""
    found = limit or limit_of(name)
    if found is None or not identity:
        return 0
    _allowed, window = found
    now = time.time() if now is None else now
    key = _key(name, identity, window, now)
    if _uses_cache():
        try:
            return _cache_increment(key, window + 5)
        except shared_cache.UNREACHABLE as error:
            shared_cache.mark_unreachable(error)
    return _database_increment(key, (now // window + 1) * window + 5)


def wait_seconds(
    name: str, identity: str, *, now: float | None = None, limit: tuple[int, int] | None = None
) -> int:
    """0 while `identity` may make one more request under `name`, else the seconds until its window ends."""
    found = limit or limit_of(name)
    if found is None or not identity:
        return 0
    allowed, window = found
    now = time.time() if now is None else now
    key = _key(name, identity, window, now)
    used = None
    if _uses_cache():
        try:
            used = _cache_count(key)
        except shared_cache.UNREACHABLE as error:
            shared_cache.mark_unreachable(error)
    if used is None:
        used = _database_count(key)
    return _window_left(window, now) if used >= allowed else 0


def enforce(name: str, identity: str, *, now: float | None = None) -> None:
    """Count the request and raise RateLimited when it is over the limit (the refused ones count too)."""
    found = limit_of(name)
    if found is None or not identity:
        return
    allowed, window = found
    now = time.time() if now is None else now
    if count(name, identity, now=now) > allowed:
        raise RateLimited(name, _window_left(window, now))


def client_address(request) -> str:
    """The caller's IP address: from the first of CLIENTCENTRIC_CLIENT_IP_HEADERS that is present (REMOTE_ADDR by
    default; behind a reverse proxy, the header it sets, e.g. HTTP_X_FORWARDED_FOR)."""
    for header in settings.CLIENTCENTRIC_CLIENT_IP_HEADERS:
        value = request.META.get(header, "")
        if value:
            # X-Forwarded-For lists every hop; the last is the one our own proxy saw, which a client cannot forge.
            return value.split(",")[-1].strip() or "unknown"
    return "unknown"
