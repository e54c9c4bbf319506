"""Small tables that every request reads (policies, routing rules, tokens), kept in this process for a moment.

Intake reads the same few rows for every appeal; at hundreds of appeals a second those reads cost more than the
appeal's own INSERTs. A value here is reloaded after `ttl` seconds, and at once in this process when a model it
depends on is saved or deleted (`invalidate_on`). Other processes see a change within `ttl` seconds — the price,
stated in docs/appeals.md, of not asking the database each time.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
DEFAULT_TTL_SECONDS = 5.0

_every_cache: weakref.WeakSet = weakref.WeakSet()


class _Cache:
    def clear(self, *args, **kwargs) -> None:
        raise NotImplementedError

    def invalidate_on(self, *models):
        """Forget the cached value in this process whenever one of `models` is saved or deleted."""
        for model in models:
            post_save.connect(self.clear, sender=model, weak=False)
            post_delete.connect(self.clear, sender=model, weak=False)
        return self


class ProcessCache(_Cache, Generic[T]):
    """One value loaded by `load()`, reused for `ttl` seconds."""

    def __init__(self, load: Callable[[], T], ttl: float = DEFAULT_TTL_SECONDS):
        self._load = load
        self._ttl = ttl
        self._value: T | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        _every_cache.add(self)

    def get(self) -> T:
        if time.monotonic() >= self._expires:
            with self._lock:
                if time.monotonic() >= self._expires:
                    self._value = self._load()
                    self._expires = time.monotonic() + self._ttl
        return self._value

    def clear(self, *args, **kwargs) -> None:
        self._expires = 0.0


class KeyedProcessCache(_Cache, Generic[T]):
    """Values by key (e.g. a token's hash), each reused for `ttl` seconds; misses are not kept."""

    def __init__(
        self, load: Callable[[str], T | None], ttl: float = DEFAULT_TTL_SECONDS, max_keys: int = 1024
    ):
        self._load = load
        self._ttl = ttl
        self._max_keys = max_keys
        self._values: dict[str, tuple[float, T]] = {}
        _every_cache.add(self)

    def get(self, key: str) -> T | None:
        hit = self._values.get(key)
        if hit is not None and time.monotonic() < hit[0]:
            return hit[1]
        value = self._load(key)
        if value is None:
            # Unknown keys are asked of the database every time, so guessing cannot fill this process's memory.
            self._values.pop(key, None)
            return None
        if len(self._values) >= self._max_keys:
            self._values.clear()
        self._values[key] = (time.monotonic() + self._ttl, value)
        return value

    def clear(self, *args, **kwargs) -> None:
        self._values = {}


def clear_all() -> None:
    """Forget every cached value (tests call this between cases: their rows do not outlive a test)."""
    for cache in list(_every_cache):
        cache.clear()
