"""Satisfaction evidence from real feedback rows: pain points on journey maps and the design monitoring."""

from datetime import UTC, date, datetime, timedelta

import pytest

from clientcentric.design import selectors as design_selectors
from clientcentric.design import services as design
from clientcentric.design.models import DesignProject
from clientcentric.feedback import selectors as feedback
from clientcentric.feedback import services as feedback_services
from clientcentric.feedback.services import Rating
from clientcentric.research import selectors
from clientcentric.research.models import EvidenceSignal

WHEN = datetime(2026, 4, 10, 9, tzinfo=UTC)


def rate(levels, *, touchpoint, appeal=None, life_situation=None, when=WHEN, prefix="r"):
    """One invited rating per level given, at `when` (the invitation is offered the same day)."""
    responses = []
    for index, level in enumerate(levels):
        invitation = feedback_services.invite(
            end_point="appeal_answered",
            transaction_kind="appeal",
            transaction_ref=f"{prefix}-{touchpoint}-{when:%Y%m%d}-{index}",
            touchpoint=touchpoint,
            appeal=appeal,
            life_situation=life_situation,
            now=when,
        )
        token = feedback_services.token_for(invitation)
        responses.append(feedback_services.answer_invitation(token, Rating(satisfaction=level), now=when))
    return responses


@pytest.fixture
def rated_yard(yard):
    """Call centre: 3 of 12 satisfied; portal: 11 of 12; 10 widget fives that must not count."""
    appeal = yard["appeals"][0]
    rate([5, 4, 4] + [1, 2, 3] * 3, touchpoint="call_centre", appeal=appeal)
    rate([5] * 6 + [4] * 5 + [2], touchpoint="portal", life_situation=yard["situation"])
    for _ in range(10):
        feedback_services.answer_unprompted(Rating(satisfaction=5), page="/appeals/", user=yard["author"])
    return yard


def test_selectors_count_top_two_box_of_solicited_answers_only(rated_yard):
    assert feedback.satisfaction_for_life_situation("home-and-yard") == {"satisfied": 14, "rated": 24}
    by_touchpoint = feedback.satisfaction_by_touchpoint_for_life_situation("home-and-yard")
    assert by_touchpoint == {
        "call_centre": {"satisfied": 3, "rated": 12},
        "portal": {"satisfied": 11, "rated": 12},
    }
    # Ratings reach a need through the rated appeal's need (the call-centre ones were about a lift).
    assert feedback.satisfaction_for_needs(["hy-lift"]) == {"satisfied": 3, "rated": 12}
    assert feedback.satisfaction_for_needs(["no-such-need"]) == {"satisfied": 0, "rated": 0}
    assert feedback.satisfaction_for_life_situation("moving") == {"satisfied": 0, "rated": 0}


def test_period_bounds_are_half_open_and_accept_dates(rated_yard):
    later = WHEN + timedelta(days=30)
    rate([5, 5], touchpoint="portal", life_situation=rated_yard["situation"], when=later, prefix="later")
    assert feedback.satisfaction_for_life_situation("home-and-yard", since=later.date()) == {
        "satisfied": 2,
        "rated": 2,
    }
    assert feedback.satisfaction_for_life_situation("home-and-yard", until=later.date())["rated"] == 24
    assert feedback.satisfaction_for_life_situation("home-and-yard", since=later)["rated"] == 2


def test_touchpoint_with_low_satisfaction_is_a_pain_point_on_the_map(rated_yard, yard_map):
    evidence, points = selectors.journey_map_evidence(yard_map)
    assert (evidence.satisfaction.satisfied, evidence.satisfaction.rated) == (14, 24)
    assert evidence.satisfaction.source == "feedback"
    texts = [p.text for p in points if p.signal == EvidenceSignal.SATISFACTION]
    assert any("Контакт-центр" in text and "25 %" in text for text in texts), texts
    assert not any("Портал" in text for text in texts)  # 92 % satisfied is no pain point
    assert all(p.stage_position == 6 for p in points if p.signal == EvidenceSignal.SATISFACTION)
    assert all(
        p.link.startswith("/analytics/satisfaction/")
        for p in points
        if p.signal == EvidenceSignal.SATISFACTION
    )


def test_a_touchpoint_with_few_ratings_is_not_a_pain_point(yard, yard_map):
    rate([1, 1, 2], touchpoint="call_centre", appeal=yard["appeals"][0])
    rate([5] * 10, touchpoint="portal", life_situation=yard["situation"])
    _evidence, points = selectors.journey_map_evidence(yard_map)
    assert not [p for p in points if "Контакт-центр" in p.text]


def test_platform_ratings_and_imported_satisfaction_are_kept_apart(rated_yard, yard_map):
    from clientcentric.research import services as research_services
    from clientcentric.research.models import EvidenceRecord

    research_services.import_evidence_records(
        "Опрос", "anonymised", [EvidenceRecord(need=rated_yard["need"], satisfied=True) for _ in range(5)]
    )
    evidence, points = selectors.journey_map_evidence(yard_map)
    assert evidence.satisfaction.rated == 24 and evidence.satisfaction.source == "feedback"
    assert (evidence.imported_satisfaction.satisfied, evidence.imported_satisfaction.rated) == (5, 5)
    texts = [p.text for p in points if p.signal == EvidenceSignal.SATISFACTION]
    assert any("оценок: 24" in t for t in texts)  # 58 % on the platform is a pain point …
    assert not any(
        "оценок: 5," in t for t in texts
    )  # … 100 % in the imported survey is not, and never pooled


def test_journey_map_page_shows_the_touchpoint_pain_point(client, people, rated_yard, yard_map):
    client.force_login(people["analyst"])
    page = client.get(f"/research/maps/{yard_map.pk}/").content.decode()
    assert "Контакт-центр" in page and "/analytics/satisfaction/" in page


def test_monitoring_compares_real_feedback_before_and_after_launch(client, people, registry, agency):
    project = design.save_project(
        DesignProject(name="Пенсия без заявления", kind="new", segment=registry["segment"]),
        needs=[registry["met"]],
    )
    DesignProject.objects.filter(pk=project.pk).update(launched_on=date(2026, 6, 1))
    project.refresh_from_db()
    service = registry["service"]
    before = datetime(2026, 5, 20, 9, tzinfo=UTC)
    after = datetime(2026, 6, 15, 9, tzinfo=UTC)
    for index in range(60):
        level = 5 if index < 30 else 2  # 50 % before
        feedback_services.answer_at_office(agency, Rating(satisfaction=level), service=service, now=before)
    for index in range(50):
        level = 4 if index < 40 else 1  # 80 % after
        feedback_services.answer_at_office(agency, Rating(satisfaction=level), service=service, now=after)
    feedback_services.answer_at_office(agency, Rating(satisfaction=1), now=after)  # no service: not this need

    result = design_selectors.monitoring(project)
    assert (result.before.satisfied, result.before.rated) == (30, 60)
    assert (result.after.satisfied, result.after.rated) == (40, 50)
    assert result.source == "feedback"
    assert result.difference.estimate == pytest.approx(0.3)
    assert 0 < result.difference.low < 0.3 < result.difference.high
    client.force_login(people["analyst"])
    page = client.get(f"/design/projects/{project.pk}/").content.decode()
    assert 'id="monitoring"' in page and "0.300" in page.replace(",", ".")
