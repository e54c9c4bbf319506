"""Domain events: subscribers run on commit (or inside the transaction when they ask), and a failing one is logged
without breaking the publisher."""

import pytest
from django.db import transaction

from clientcentric.core import events


@pytest.fixture
def heard(monkeypatch):
    """A clean subscriber table for one test, with a list of what the subscribers heard."""
    monkeypatch.setattr(events, "_SUBSCRIPTIONS", {})
    return []


def test_a_subscriber_hears_the_payload_only_after_commit(db, heard, django_capture_on_commit_callbacks):
    @events.subscriber("thing.done")
    def listen(*, thing_id):
        heard.append(thing_id)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.publish("thing.done", thing_id=7)
        assert heard == []
    assert len(callbacks) == 1
    assert heard == [7]


def test_a_rolled_back_fact_is_never_heard(transactional_db, heard):
    @events.subscriber("thing.done")
    def listen(*, thing_id):
        heard.append(thing_id)

    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("thing.done", thing_id=1)
        raise RuntimeError("the fact did not happen")
    assert heard == []


def test_an_in_transaction_subscriber_runs_at_once(db, heard):
    @events.subscriber("thing.done", in_transaction=True)
    def listen(*, thing_id):
        heard.append(thing_id)

    events.publish("thing.done", thing_id=3)
    assert heard == [3]


def test_a_failing_subscriber_is_logged_and_the_others_still_run(
    db, heard, django_capture_on_commit_callbacks, caplog
):
    @events.subscriber("thing.done")
    def broken(*, thing_id):
        raise RuntimeError("mail server on fire")

    @events.subscriber("thing.done", in_transaction=True)
    def broken_too(*, thing_id):
        raise RuntimeError("outbox full")

    @events.subscriber("thing.done")
    def listen(*, thing_id):
        heard.append(thing_id)

    with django_capture_on_commit_callbacks(execute=True):
        events.publish("thing.done", thing_id=5)
    assert heard == [5]
    failures = [r for r in caplog.records if "event_subscriber_failed" in r.getMessage()]
    assert len(failures) == 2


def test_subscribers_run_in_the_order_they_registered_and_once(db, heard):
    def first(*, thing_id):
        heard.append(("first", thing_id))

    def second(*, thing_id):
        heard.append(("second", thing_id))

    for handler in (first, second, first):
        events.subscriber("thing.done", in_transaction=True)(handler)
    events.publish("thing.done", thing_id=1)
    assert heard == [("first", 1), ("second", 1)]


def test_nobody_listening_is_fine(db, heard):
    events.publish("thing.nobody_cares", thing_id=1)


def test_the_apps_register_their_reactions_at_startup():
    names = {
        event: [f"{s.handler.__module__}.{s.handler.__name__}" for s in events.subscribers(event)]
        for event in ("appeal.answered", "appeal.status_changed", "registry.need_status_changed")
    }
    assert names == {
        "appeal.answered": ["clientcentric.feedback.subscribers.invite_to_rate_the_answer"],
        "appeal.status_changed": ["clientcentric.subscriptions.subscribers.tell_appeal_followers"],
        "registry.need_status_changed": [
            "clientcentric.subscriptions.subscribers.tell_followers_of_registry_news"
        ],
    }
