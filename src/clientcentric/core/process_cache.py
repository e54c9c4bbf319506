"""Small tables that every request reads (policies, routing rules, tokens), kept in this process for a moment.

Intake reads the same few rows for every appeal; at hundreds of appeals a second those reads cost more than the
appeal's own INSERTs, so each process keeps them in memory. Several processes (web nodes, Celery workers) must
still agree: a revoked token may not keep working on another node.

The protocol (docs/scaling.md): every model a cache depends on has a version token in Django's shared cache
(Redis, or the file/database cache of the embedded default). Saving or deleting such a model replaces the token
when the transaction commits; every process compares the tokens it loaded with at most every
``CLIENTCENTRIC_CACHE_CHECK_SECONDS`` (0.25 s) — one ``get_many`` for all caches — and reloads what changed.
The token is random, not a counter: an evicted or flushed key simply reads as a new token, i.e. "reload".
If the shared cache cannot be reached, a value is still reloaded after ``ttl`` seconds.

Writes that send no signal (``QuerySet.update``, ``bulk_create``) call ``changed(Model, ...)`` themselves.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
DEFAULT_TTL_SECONDS = 5.0
KEY_PREFIX = "clientcentric:process-cache:"

logger = logging.getLogger(__name__)

_every_cache: weakref.WeakSet = weakref.WeakSet()
# Model label -> the caches that depend on it, to forget their values in this process at once.
_dependents: dict[str, weakref.WeakSet] = {}
_connected: set[str] = set()
_connect_lock = threading.Lock()


def _label(model) -> str:
    return model._meta.label_lower


def _shared():
    return caches[getattr(settings, "CLIENTCENTRIC_PROCESS_CACHE_ALIAS", "default")]


class _Versions:
    """The tokens of every watched model as last read from the shared cache, re-read at most every interval."""

    def __init__(self):
        self._tokens: dict[str, str] = {}
        self._next_check = 0.0
        self._lock = threading.Lock()
        self._failing = False

    def current(self, labels: tuple[str, ...]) -> tuple:
        if time.monotonic() >= self._next_check:
            self.refresh()
        tokens = self._tokens
        return tuple(tokens.get(label) for label in labels)

    def refresh(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._next_check:
                return
            labels = sorted(_dependents)
            try:
                self._tokens = self._read(labels)
                self._failing = False
            except Exception:  # the shared cache is down: fall back to the ttl, and say so once
                if not self._failing:
                    logger.warning(
                        "shared cache unreachable: process caches fall back to their ttl", exc_info=True
                    )
                self._failing = True
            self._next_check = time.monotonic() + getattr(settings, "CLIENTCENTRIC_CACHE_CHECK_SECONDS", 0.25)

    @staticmethod
    def _read(labels: list[str]) -> dict[str, str]:
        if not labels:
            return {}
        cache = _shared()
        keys = {KEY_PREFIX + label: label for label in labels}
        found = cache.get_many(list(keys))
        missing = [key for key in keys if key not in found]
        if missing:
            # First start, eviction or a flush: whoever adds first sets the token everybody then reads.
            for key in missing:
                cache.add(key, uuid.uuid4().hex, timeout=None)
            found.update(cache.get_many(missing))
        return {label: found.get(key) for key, label in keys.items()}

    def expire(self) -> None:
        self._next_check = 0.0


_versions = _Versions()


def publish(*labels: str) -> None:
    """Tell every process that rows of these models changed (a new token each)."""
    if not labels:
        return
    try:
        _shared().set_many({KEY_PREFIX + label: uuid.uuid4().hex for label in labels}, timeout=None)
    except Exception:
        logger.warning(
            "shared cache unreachable: other processes see %s within their ttl", labels, exc_info=True
        )
    _versions.expire()


_pending = threading.local()


def _publish_on_commit(label: str, using: str | None) -> None:
    # One token per model and transaction, however many rows it saves; the set is per thread because a
    # transaction is (Django's connections are per thread).
    pending = getattr(_pending, "labels", None)
    if pending is None:
        pending = _pending.labels = set()
    pending.add(label)

    def publish_once():
        if label in pending:
            pending.discard(label)
            publish(label)

    # Registered for every save: a rolled-back transaction drops its callbacks but leaves the label pending.
    transaction.on_commit(publish_once, using=using, robust=True)


def _forget_here(label: str) -> None:
    for cache in list(_dependents.get(label, ())):
        cache.clear()


def _on_change(sender, using=None, **kwargs) -> None:
    label = _label(sender)
    _forget_here(label)
    _publish_on_commit(label, using)


def changed(*models, using: str | None = None) -> None:
    """For writes that send no signal: forget here now, tell the other processes on commit."""
    for model in models:
        _on_change(model, using=using)


class _Cache:
    _labels: tuple[str, ...] = ()

    def clear(self, *args, **kwargs) -> None:
        raise NotImplementedError

    def invalidate_on(self, *models):
        """Reload whenever one of `models` is saved or deleted, in this process at once and in every other
        process within CLIENTCENTRIC_CACHE_CHECK_SECONDS of the commit."""
        labels = [_label(model) for model in models]
        self._labels = tuple(sorted({*self._labels, *labels}))
        with _connect_lock:
            for model, label in zip(models, labels, strict=True):
                _dependents.setdefault(label, weakref.WeakSet()).add(self)
                if label not in _connected:
                    post_save.connect(_on_change, sender=model, weak=False, dispatch_uid=f"pc-save-{label}")
                    post_delete.connect(
                        _on_change, sender=model, weak=False, dispatch_uid=f"pc-delete-{label}"
                    )
                    _connected.add(label)
        _versions.expire()
        return self

    def _version(self) -> tuple:
        return _versions.current(self._labels) if self._labels else ()


_STALE = object()


class ProcessCache(_Cache, Generic[T]):
    """One value loaded by `load()`, reused for `ttl` seconds unless a model it depends on changes."""

    def __init__(self, load: Callable[[], T], ttl: float = DEFAULT_TTL_SECONDS):
        self._load = load
        self._ttl = ttl
        self._value: T | None = None
        self._expires = 0.0
        self._loaded_version: object = _STALE
        self._lock = threading.Lock()
        _every_cache.add(self)

    def get(self) -> T:
        version = self._version()
        if version != self._loaded_version or time.monotonic() >= self._expires:
            with self._lock:
                if version != self._loaded_version or time.monotonic() >= self._expires:
                    # The version is read before the rows: a change committed meanwhile shows as a new token.
                    self._value = self._load()
                    self._loaded_version = version
                    self._expires = time.monotonic() + self._ttl
        return self._value

    def clear(self, *args, **kwargs) -> None:
        self._expires = 0.0
        self._loaded_version = _STALE


class KeyedProcessCache(_Cache, Generic[T]):
    """Values by key (e.g. a token's hash), each reused for `ttl` seconds; misses are not kept."""

    def __init__(
        self, load: Callable[[str], T | None], ttl: float = DEFAULT_TTL_SECONDS, max_keys: int = 1024
    ):
        self._load = load
        self._ttl = ttl
        self._max_keys = max_keys
        self._values: dict[str, tuple[float, T]] = {}
        self._loaded_version: object = _STALE
        _every_cache.add(self)

    def get(self, key: str) -> T | None:
        version = self._version()
        if version != self._loaded_version:
            self._values = {}
            self._loaded_version = version
        values = self._values
        hit = values.get(key)
        if hit is not None and time.monotonic() < hit[0]:
            return hit[1]
        value = self._load(key)
        if value is None:
            # Unknown keys are asked of the database every time, so guessing cannot fill this process's memory.
            values.pop(key, None)
            return None
        if len(values) >= self._max_keys:
            values.clear()
        values[key] = (time.monotonic() + self._ttl, value)
        return value

    def clear(self, *args, **kwargs) -> None:
        self._values = {}
        self._loaded_version = _STALE


def watched_labels() -> list[str]:
    """The models whose changes the process caches watch (docs/scaling.md lists them)."""
    return sorted(_dependents)


def clear_all() -> None:
    """Forget every cached value (tests call this between cases: their rows do not outlive a test)."""
    for cache in list(_every_cache):
        cache.clear()
    _versions.expire()
