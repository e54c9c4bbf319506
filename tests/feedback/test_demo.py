"""`make demo` fills a believable, deterministic set of ratings and publishes the finished quarters."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from clientcentric.feedback import demo
from clientcentric.feedback.models import Count, FollowUp, QuarterReport, Response


@pytest.mark.django_db
def test_demo_ratings_cover_every_publication_rule_and_load_once():
    call_command("load_demo", verbosity=0)
    result = demo.load(now=datetime(2026, 11, 20, 12, tzinfo=UTC))
    assert result["created"] > 1500
    sources = set(Response.objects.values_list("source", flat=True))
    assert sources == {"invitation", "qr", "ivr", "widget"}
    assert FollowUp.objects.exists()
    assert Count.objects.exists()
    published = {r.quarter: r for r in QuarterReport.objects.filter(state="published")}
    assert set(published) == {"2026Q2", "2026Q3"}
    statuses = {row["status"] for row in published["2026Q3"].payload["services"]}
    assert statuses == {"published", "insufficient", "suppressed"}
    first = Response.objects.count()
    assert demo.load(now=datetime(2026, 11, 20, 12, tzinfo=UTC))["created"] == 0
    assert Response.objects.count() == first
