"""Domain events: one app reacts to a fact of another without importing it.

The app where something happened publishes a named fact (``publish("appeal.answered", appeal_id=…)``); apps that
care declare ``@subscriber("appeal.answered")`` functions in their ``subscribers.py``, which their
``AppConfig.ready()`` imports. The publisher therefore never depends on its listeners, and the app import graph
stays free of cycles (``tests/architecture/test_app_imports.py``).

Two moments to react:

- on commit (the default): the subscriber runs once the publisher's transaction has committed, so it never
  sees a fact that is later rolled back, and it never turns the publisher's success into an error;
- in the transaction (``in_transaction=True``): for reactions that must commit or roll back with the fact
  itself, such as notifications written to the outbox. They run at once, inside a savepoint.

Either way a failing subscriber is logged and does not break the publisher. Subscribers run in the order they
were registered, which is the order of ``INSTALLED_APPS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction

from .logging import get_logger

Handler = Callable[..., object]


@dataclass(frozen=True)
class Subscription:
    event: str
    handler: Handler
    in_transaction: bool


_SUBSCRIPTIONS: dict[str, list[Subscription]] = {}


def subscriber(event: str, *, in_transaction: bool = False) -> Callable[[Handler], Handler]:
    """Register the decorated function to run with the payload of each ``publish(event, …)``."""

    def register(handler: Handler) -> Handler:
        subscriptions = _SUBSCRIPTIONS.setdefault(event, [])
        subscription = Subscription(event, handler, in_transaction)
        # A subscribers module imported again (a test reloading it) replaces its functions, never doubles them.
        for position, existing in enumerate(subscriptions):
            if _same_function(existing.handler, handler):
                subscriptions[position] = subscription
                break
        else:
            subscriptions.append(subscription)
        return handler

    return register


def publish(event: str, **payload: Any) -> None:
    """Tell the subscribers of ``event``: on commit, or at once for those that join the transaction."""
    for subscription in tuple(_SUBSCRIPTIONS.get(event, ())):
        if subscription.in_transaction:
            _run_in_savepoint(subscription, payload)
        else:
            transaction.on_commit(partial(_run, subscription, payload))


def subscribers(event: str) -> list[Subscription]:
    """Who listens to ``event`` (for tests and the admin's curiosity)."""
    return list(_SUBSCRIPTIONS.get(event, ()))


def _run(subscription: Subscription, payload: dict[str, Any]) -> None:
    try:
        subscription.handler(**payload)
    except Exception:  # the fact is committed; only this reaction is lost, and the log says which
        _log_failure(subscription, payload)


def _run_in_savepoint(subscription: Subscription, payload: dict[str, Any]) -> None:
    try:
        with transaction.atomic():
            subscription.handler(**payload)
    except Exception:  # the savepoint undid the reaction's writes; the publisher's own writes stand
        _log_failure(subscription, payload)


def _log_failure(subscription: Subscription, payload: dict[str, Any]) -> None:
    get_logger(__name__).exception(
        "event_subscriber_failed",
        event_name=subscription.event,
        subscriber=f"{subscription.handler.__module__}.{subscription.handler.__qualname__}",
        payload={key: _loggable(value) for key, value in payload.items()},
    )


def _loggable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    pk = getattr(value, "pk", None)
    return f"{type(value).__name__}#{pk}" if pk is not None else type(value).__name__


def _same_function(a: Handler, b: Handler) -> bool:
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)
