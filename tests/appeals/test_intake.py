import dataclasses
import hashlib
import json
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from clientcentric.appeals import services
from clientcentric.appeals.models import Appeal, AppealEvent, DeadlinePolicy, NeedTopic, Status
from clientcentric.core.models import AuditEvent
from clientcentric.registry.models import Need

from .conftest import written


def test_routing_rule_picks_the_executor_and_is_recorded(lift_rule, housing):
    intake = services.receive_appeal(written(district="Невский", contact_email="a@example.ru"))
    appeal = intake.appeal
    assert intake.created and appeal.executor == housing and appeal.routing_rule == lift_rule
    assert appeal.status == Status.REGISTERED
    assert AppealEvent.objects.get(appeal=appeal).to_status == Status.REGISTERED
    assert AuditEvent.objects.filter(action="appeals.appeal_received", object_id=str(appeal.pk)).exists()


def test_the_municipality_and_the_kind_of_object_are_stored_and_a_retry_without_them_keeps_its_fingerprint(
    integration,
):
    client, _token = integration
    first = services.receive_appeal(
        written(channel="api", municipality="МО Смольнинское", object_kind="Двор"),
        source=client,
        idempotency_key="k-m",
    )
    assert first.appeal.municipality == "МО Смольнинское" and first.appeal.object_kind == "Двор"
    # A request without the fields is fingerprinted as before the fields existed, so its retry still matches.
    data = written(channel="api")
    before = {
        k: v
        for k, v in dataclasses.asdict(data).items()
        if k not in ("external_id", "municipality", "object_kind")
    }
    canonical = json.dumps(before, sort_keys=True, ensure_ascii=False, default=str).encode()
    assert services.fingerprint(data) == hashlib.sha256(canonical).hexdigest()
    assert services.fingerprint(data) != services.fingerprint(
        written(channel="api", municipality="МО Смольнинское")
    )
    assert services.fingerprint(data) != services.fingerprint(written(channel="api", object_kind="Двор"))


def test_without_a_rule_or_model_the_appeal_waits_for_a_human_router(db):
    appeal = services.receive_appeal(written(contact_email="a@example.ru")).appeal
    assert appeal.executor is None and appeal.status == Status.NEEDS_ROUTING


def test_written_appeal_is_due_in_30_calendar_days_from_the_next_day(lift_rule):
    registered = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    appeal = services.receive_appeal(
        written(district="Невский", contact_email="a@example.ru"), registered_at=registered
    ).appeal
    assert appeal.deadline_at.astimezone(UTC) == datetime(2026, 4, 1, 21, 0, tzinfo=UTC)  # 2 April 00:00 MSK
    assert appeal.policy.answer_within_days == 30


@pytest.mark.parametrize("kind,hours", [("mention", 4), ("social_appeal", 2), ("comment", 2)])
def test_social_deadlines_are_hours_around_the_clock(lift_rule, kind, hours):
    registered = datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
    appeal = services.receive_appeal(
        written(channel="social", kind=kind, district="Невский"), registered_at=registered
    ).appeal
    assert (appeal.deadline_at - registered).total_seconds() == hours * 3600


def test_newest_policy_applies_and_older_appeals_keep_theirs(lift_rule):
    first = services.receive_appeal(written(channel="social", kind="mention", district="Невский")).appeal
    services.create_deadline_policy(
        DeadlinePolicy(channel="social", kind="mention", clock="calendar_time", answer_within_hours=1)
    )
    second = services.receive_appeal(written(channel="social", kind="mention", district="Невский")).appeal
    assert second.policy.answer_within_hours == 1
    first.refresh_from_db()
    assert first.policy.answer_within_hours == 4


def test_a_category_policy_beats_the_general_one(lift_rule):
    services.create_deadline_policy(
        DeadlinePolicy(
            kind="written", category="Неисправный лифт", clock="working_time", answer_within_hours=8
        )
    )
    appeal = services.receive_appeal(
        written(district="Невский", topic="Неисправный лифт", contact_email="a@example.ru")
    ).appeal
    assert appeal.policy.clock == "working_time"


def test_working_time_policy_refuses_a_year_the_calendar_does_not_know(lift_rule):
    services.create_deadline_policy(
        DeadlinePolicy(kind="written", clock="working_time", answer_within_hours=8)
    )
    with pytest.raises(ValidationError) as error:
        services.receive_appeal(
            written(district="Невский", contact_email="a@example.ru"),
            registered_at=datetime(2035, 1, 10, tzinfo=UTC),
        )
    assert "2035" in error.value.message_dict["registered_at"][0]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"text": "   "}, "text"),
        ({"text": "я" * 20_001}, "text"),
        ({"channel": "pigeon"}, "channel"),
        ({"channel": "portal", "kind": "mention"}, "kind"),
        ({}, "contact_email"),
        ({"latitude": 59.9}, "latitude"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(db, fields, field):
    data = {"contact_email": "", **fields}
    text = data.pop("text", "Во дворе не вывозят мусор уже неделю, контейнеры переполнены")
    with pytest.raises(ValidationError) as error:
        services.receive_appeal(written(text=text, **data))
    assert field in error.value.message_dict
    assert not Appeal.objects.exists()


def test_same_idempotency_key_from_the_same_source_gives_one_appeal(integration):
    client, _token = integration
    first = services.receive_appeal(written(channel="api"), source=client, idempotency_key="k-1")
    again = services.receive_appeal(written(channel="api"), source=client, idempotency_key="k-1")
    assert first.created and not again.created and first.appeal == again.appeal
    assert Appeal.objects.count() == 1
    assert first.appeal.executor == client.agency


def test_numbers_are_unique_increasing_and_carry_the_year(lift_rule):
    a = services.receive_appeal(written(district="Невский", contact_email="a@example.ru")).appeal
    b = services.receive_appeal(written(district="Невский", contact_email="a@example.ru")).appeal
    assert a.number.startswith(f"{a.registered_at.year}-")
    assert int(b.number.split("-")[1]) > int(a.number.split("-")[1])


def test_an_appeal_is_found_by_its_number_and_only_by_its_own(lift_rule):
    # New Year's Eve 22:30 UTC is already 1 January in Moscow: the number carries the platform's year.
    registered = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
    appeal = services.receive_appeal(
        written(district="Невский", contact_email="a@example.ru"), registered_at=registered
    ).appeal
    assert appeal.number == f"2027-{appeal.pk:06d}"
    assert list(Appeal.objects.with_number(appeal.number)) == [appeal]
    assert list(Appeal.objects.with_number(f"№ {appeal.number}")) == [appeal]
    assert not Appeal.objects.with_number(f"2026-{appeal.pk:06d}").exists()  # the right key, another year
    for wrong in ("", "2027-", f"2027-{appeal.pk}x", "abc", f"{appeal.pk}"):
        assert not Appeal.objects.with_number(wrong).exists()


def test_the_topic_gives_the_appeal_its_need_and_life_situation(lift_rule, housing, registry, client):
    need = Need.objects.get(code="early-pension")
    services.save_need_topic(NeedTopic(topic="  Неисправный   лифт ", need=need))
    appeal = services.receive_appeal(
        written(district="Невский", contact_email="a@example.ru", topic="Неисправный лифт")
    ).appeal
    assert appeal.need == need
    assert appeal.life_situation == need.life_situations.order_by("sort_order", "name").first()
    other = services.receive_appeal(
        written(district="Невский", contact_email="a@example.ru", topic="Снег")
    ).appeal
    assert other.need is None and other.life_situation is None
    shown = client.get(f"/api/v1/appeals/{appeal.number}").json()
    assert shown["need"] == need.code and shown["life_situation"] == appeal.life_situation.code


def test_a_topic_differing_only_in_case_spaces_and_yo_finds_the_same_need(lift_rule, registry):
    need = Need.objects.first()
    services.save_need_topic(NeedTopic(topic="Неубранный снег на тротуаре", need=need))
    appeal = services.receive_appeal(
        written(district="Невский", contact_email="a@example.ru", topic="неубранный  снег на тротуаре")
    ).appeal
    assert appeal.need == need
