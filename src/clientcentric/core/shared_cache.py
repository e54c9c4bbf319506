"""The shared cache (Redis in production) as a help, never a dependency: while it is unreachable pages compute what
they would have read, rate limits count in the table, and nobody waits on it again for a few seconds.

The process caches' version tokens (core/process_cache.py) handle the outage themselves: they must know the cache
failed, to fall back to their ttl, so they do not go through here.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What Django's Redis cache raises when Redis refuses, times out or drops the connection.
UNREACHABLE = (RedisError, OSError)

_lock = threading.Lock()
_down_until = 0.0


def available() -> bool:
    """False for a few seconds after a failure: a frozen Redis costs one timeout per pause, not one per call."""
    return time.monotonic() >= _down_until


def mark_unreachable(error: BaseException) -> None:
    global _down_until
    pause = getattr(settings, "CLIENTCENTRIC_SHARED_CACHE_PAUSE_SECONDS", 5.0)
    with _lock:
        was_up = available()
        _down_until = time.monotonic() + pause
    if was_up:
        logger.warning(
            "shared cache unreachable (%s): not asked again for %.0f s", type(error).__name__, pause
        )


def get_or_compute(key: str, compute: Callable[[], Any], seconds: float) -> Any:
    """The cached value of `key`, else `compute()`, stored for `seconds` when the cache answers."""
    value = None
    if available():
        try:
            value = cache.get(key)
        except UNREACHABLE as error:
            mark_unreachable(error)
    if value is None:
        value = compute()
        if available():
            try:
                cache.set(key, value, seconds)
            except UNREACHABLE as error:
                mark_unreachable(error)
    return value


def reset() -> None:
    """Forget an outage (tests, and a process that was told Redis is back)."""
    global _down_until
    with _lock:
        _down_until = 0.0
