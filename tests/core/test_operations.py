import json
import logging

import pytest
from django.conf import settings

from clientcentric.core.models import AppendOnlyError, AuditEvent
from clientcentric.core.services import audit


def test_healthz_reports_the_database(client, db):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["checks"]["database"] == "ok"
    assert ("broker" in body["checks"]) == bool(settings.REDIS_URL)


def test_healthz_reports_an_unreachable_broker_without_failing(client, db, settings):
    # A load balancer must not take the instance out while only Redis is down (docs/operations.md, health checks).
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"].startswith("error")


def test_metrics_count_requests(client, db):
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert 'clientcentric_http_requests_total{method="GET",status="200"}' in text


def test_audit_events_cannot_be_changed_or_deleted(db):
    event = audit.record(None, "test.happened", summary="что-то случилось", detail=1)
    event.summary = "иначе"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get().summary == "что-то случилось"


def test_logs_are_json(capsys):
    handler = logging.getLogger().handlers[0]
    record = logging.LogRecord(
        "clientcentric.test", logging.INFO, __file__, 1, "проверка %s", ("журнала",), None
    )
    line = handler.format(record)
    payload = json.loads(line)
    assert payload["event"] == "проверка журнала" and payload["level"] == "info"


def test_pages_answer_in_russian_by_default_and_in_english_on_request(client, db):
    assert "Жизненные ситуации" in client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Life situations" in english


def test_celery_runs_in_process_without_redis(settings):
    from clientcentric.config.celery import app

    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL and not app.conf.task_always_eager
    else:
        assert app.conf.task_always_eager and app.conf.broker_url == "memory://"


@pytest.mark.django_db(transaction=True)
def test_search_rebuild_task_runs_on_the_configured_backend(registry, settings):
    from clientcentric.registry.models import LifeSituation
    from clientcentric.registry.tasks import rebuild_search_documents

    LifeSituation.objects.filter(code="retirement").update(search_document="")
    if settings.REDIS_URL:
        from celery.contrib.testing.worker import start_worker

        from clientcentric.config.celery import app

        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            # Tasks ignore their results by default (fire-and-forget); this caller asks for one.
            assert rebuild_search_documents.apply_async(ignore_result=False).get(timeout=30) == 1
    else:
        assert rebuild_search_documents.delay().get() == 1
    assert " пенсия " in LifeSituation.objects.get(code="retirement").search_document
