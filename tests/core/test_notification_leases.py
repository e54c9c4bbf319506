"""The outbox's leases, in one process: a worker that dies mid-chunk loses nothing and fails nothing it never tried.

A worker's death is simulated by a transport raising a BaseException (the way SIGTERM or a hard time limit
unwinds a Celery task): the exception leaves `send_due` with the claims in place, exactly as a killed process
leaves them. tests/core/test_notification_worker_kill.py kills a real process on PostgreSQL.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from clientcentric.core import transports
from clientcentric.core.models import DeliveryAttempt, Notification
from clientcentric.core.services import notifications

State = Notification.State


class WorkerKilled(BaseException):
    """Not an Exception: the outbox's `except Exception` must not swallow it, as it cannot swallow SIGKILL."""


class Recorder:
    def __init__(self):
        self.sent: list[int] = []
        self.die_at: int | None = None  # die on this call number (0-based)


RECORDER = Recorder()


@transports.register("test-recorder")
class RecordingTransport(transports.Transport):
    channels = ("sms",)
    repeat_safe = True

    def send(self, message):
        if RECORDER.die_at is not None and len(RECORDER.sent) == RECORDER.die_at:
            RECORDER.die_at = None
            raise WorkerKilled()
        RECORDER.sent.append(message.notification_id)
        return ""


@pytest.fixture(autouse=True)
def outbox(monkeypatch, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CLIENTCENTRIC_NOTIFICATION_MAX_ATTEMPTS = 3
    settings.CLIENTCENTRIC_NOTIFICATION_CHUNK = 5
    settings.CLIENTCENTRIC_NOTIFICATION_LEASE_SECONDS = 60
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {**settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS}
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS["sms"] = "test-recorder"
    # The after-commit hand-over is lost (the broker is down): the scan is the only worker here.
    monkeypatch.setattr(notifications, "_enqueue", lambda notification_id: None)
    RECORDER.sent.clear()
    RECORDER.die_at = None


def _write(count: int, channel: str = "sms") -> list[int]:
    with transaction.atomic():
        return [
            notifications.enqueue(
                channel=channel, address=f"+7900000{i:04d}", subject="", body=f"Текст {i}"
            ).pk
            for i in range(count)
        ]


def _after_lease():
    return timezone.now() + timedelta(seconds=61)


@pytest.mark.django_db(transaction=True)
def test_a_scan_claims_and_sends_in_chunks_each_message_once():
    ids = _write(12)
    assert notifications.send_due() == {"sent": 12, "retry": 0, "failed": 0}
    assert sorted(RECORDER.sent) == ids
    assert set(Notification.objects.values_list("state", "attempts", "claimed_by")) == {(State.SENT, 1, "")}


@pytest.mark.django_db(transaction=True)
def test_the_scan_stops_at_its_limit_in_whole_chunks():
    _write(12)
    assert notifications.send_due(limit=7)["sent"] == 7  # a chunk of 5, then one of 2
    assert Notification.objects.filter(state=State.PENDING).count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_chunk_returns_its_untried_claims_and_each_message_goes_out_once():
    ids = _write(12)
    RECORDER.die_at = 7  # the third message of the second chunk
    with pytest.raises(WorkerKilled):
        notifications.send_due()
    assert RECORDER.sent == ids[:7]
    claimed = Notification.objects.filter(state=State.SENDING)
    assert list(claimed.order_by("pk").values_list("pk", flat=True)) == ids[7:10]
    assert list(claimed.exclude(attempt_started_at=None).values_list("pk", flat=True)) == [ids[7]]
    # Before the lease runs out nobody touches the claims: the worker may only be slow.
    assert notifications.recover_expired_claims() == {"returned": 0, "resent": 0, "failed": 0}

    later = _after_lease()
    assert notifications.recover_expired_claims(later) == {"returned": 2, "resent": 1, "failed": 0}
    untried = Notification.objects.filter(pk__in=ids[8:10])
    assert set(untried.values_list("state", "attempts", "last_error")) == {(State.PENDING, 0, "")}
    in_doubt = Notification.objects.get(pk=ids[7])
    assert (
        in_doubt.state == State.PENDING and in_doubt.attempts == 1 and "drops a repeat" in in_doubt.last_error
    )

    assert notifications.send_due(now=later) == {"sent": 5, "retry": 0, "failed": 0}
    assert sorted(RECORDER.sent) == ids and not Notification.objects.exclude(state=State.SENT).exists()
    assert DeliveryAttempt.objects.filter(ok=False).count() == 1  # the interrupted send, and nothing else


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_e_mail_is_failed_for_a_person_not_sent_twice(monkeypatch):
    ids = _write(3, channel="email")
    sent = []

    def send(self, fail_silently=False):
        if len(sent) == 1:
            raise WorkerKilled()
        sent.append(self.to)
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", send)
    with pytest.raises(WorkerKilled):
        notifications.send_due()
    monkeypatch.undo()
    assert notifications.recover_expired_claims(_after_lease()) == {"returned": 1, "resent": 0, "failed": 1}
    states = dict(Notification.objects.values_list("pk", "state"))
    assert states == {ids[0]: State.SENT, ids[1]: State.FAILED, ids[2]: State.PENDING}
    assert "duplicate" in Notification.objects.get(pk=ids[1]).last_error
    assert Notification.objects.get(pk=ids[2]).attempts == 0  # never tried, never failed


@pytest.mark.django_db(transaction=True)
def test_a_slow_worker_whose_lease_was_taken_back_sends_nothing_twice(settings):
    ids = _write(4)

    class Slow(RecordingTransport):
        def send(self, message):
            # While the first message is on its way the lease runs out and the scan takes the chunk back.
            if not RECORDER.sent:
                notifications.recover_expired_claims(_after_lease())
            return super().send(message)

    transports.register("test-slow")(Slow)
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS["sms"] = "test-slow"
    settings.CLIENTCENTRIC_NOTIFICATION_CHUNK = 4
    notifications.send_due()
    # The worker gave up the chunk it had lost and claimed the returned rows afresh: each went out once.
    assert RECORDER.sent == ids
    assert set(Notification.objects.filter(pk__in=ids[1:]).values_list("state", "attempts")) == {
        (State.SENT, 1)
    }
    # The one in flight when the lease ran out is in doubt: due again, and the far end drops the repeat.
    in_doubt = Notification.objects.get(pk=ids[0])
    assert in_doubt.state == State.PENDING and in_doubt.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_lost_broker_hand_over_is_delivered_by_the_scan(monkeypatch):
    from clientcentric.core import tasks

    monkeypatch.undo()  # the real hand-over, to a broker that refuses

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_notification, "delay", refuse)
    note = notifications.notify_email("a@example.ru", "Тема", "Текст")  # commits: no exception reaches here
    assert Notification.objects.get(pk=note.pk).state == State.PENDING and mail.outbox == []
    assert notifications.send_due()["sent"] == 1 and len(mail.outbox) == 1
