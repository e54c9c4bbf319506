from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.roles import Role
from clientcentric.appeals import services
from clientcentric.appeals.models import AppealEvent, DeadlinePolicy, NeedTopic, Status, TrainingExample
from clientcentric.core.models import AppendOnlyError
from clientcentric.core.workflow import TransitionNotAllowed
from clientcentric.registry.models import Need

from .conftest import written


@pytest.fixture
def citizen(db):
    return accounts_services.create_person(username="citizen", password="x" * 12, role=Role.CLIENT)


@pytest.fixture
def appeal(lift_rule, citizen):
    return services.receive_appeal(written(district="Невский"), author=citizen).appeal


def test_take_answer_and_history(appeal, housing_operator):
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Фонарь заменён 12 ноября.")
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED and appeal.answered_at and appeal.assignee == housing_operator
    assert list(appeal.events.values_list("to_status", flat=True)) == [
        "registered",
        "in_progress",
        "answered",
    ]


def test_a_skipped_step_is_refused(appeal, housing_operator):
    with pytest.raises(TransitionNotAllowed):
        services.change_status(appeal, Status.ANSWERED, actor=housing_operator)


def test_history_is_append_only(appeal):
    event = AppealEvent.objects.get(appeal=appeal)
    event.note = "переписано"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_clock_pauses_only_where_the_policy_allows(lift_rule, citizen, housing_operator):
    services.create_deadline_policy(
        DeadlinePolicy(kind="written", clock="calendar_time", answer_within_hours=48, pause_allowed=True)
    )
    appeal = services.receive_appeal(written(district="Невский"), author=citizen).appeal
    services.take(appeal, operator=housing_operator)
    services.change_status(
        appeal, Status.AWAITING_DETAILS, actor=housing_operator, note="Уточните номер дома"
    )
    appeal.refresh_from_db()
    due = appeal.deadline_at
    type(appeal).objects.filter(pk=appeal.pk).update(paused_at=timezone.now() - timedelta(hours=5))
    services.change_status(appeal, Status.IN_PROGRESS, actor=housing_operator)
    appeal.refresh_from_db()
    assert appeal.deadline_at - due >= timedelta(hours=5)


def test_clock_does_not_pause_under_59_fz(appeal, housing_operator):
    services.take(appeal, operator=housing_operator)
    due = appeal.deadline_at
    services.change_status(appeal, Status.AWAITING_DETAILS, actor=housing_operator)
    services.change_status(appeal, Status.IN_PROGRESS, actor=housing_operator)
    appeal.refresh_from_db()
    assert appeal.deadline_at == due


def test_author_reopens_within_the_window_with_a_reason(appeal, citizen, housing_operator):
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Сделано.")
    with pytest.raises(ValidationError):
        services.reopen(appeal, person=citizen, reason=" ")
    services.reopen(appeal, person=citizen, reason="Фонарь так и не горит")
    appeal.refresh_from_db()
    assert appeal.status == Status.REOPENED


def test_reopening_after_the_window_is_refused(appeal, citizen, housing_operator, settings):
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Сделано.")
    type(appeal).objects.filter(pk=appeal.pk).update(answered_at=timezone.now() - timedelta(days=31))
    appeal.refresh_from_db()
    with pytest.raises(ValidationError):
        services.reopen(appeal, person=citizen, reason="Не помогло")


def test_someone_else_cannot_reopen(appeal, housing_operator, people):
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Сделано.")
    with pytest.raises(ValidationError):
        services.reopen(appeal, person=people["client"], reason="Не помогло")


def test_support_counts_once_and_not_for_the_author(appeal, citizen, people):
    assert services.support(appeal, person=people["client"]) is True
    assert services.support(appeal, person=people["client"]) is False
    with pytest.raises(ValidationError):
        services.support(appeal, person=citizen)
    appeal.refresh_from_db()
    assert appeal.supporters_count == 1


def test_manual_routing_becomes_training_data(db, housing, people):
    appeal = services.receive_appeal(written(contact_email="a@example.ru")).appeal
    services.route_manually(
        appeal, executor=housing, topic="Неисправное освещение", router=people["operator"]
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED and appeal.executor == housing
    example = TrainingExample.objects.get(appeal=appeal)
    assert example.category == "Неисправное освещение" and example.source == "correction"


def test_social_answer_is_a_short_public_reply_then_private(lift_rule, housing_operator):
    appeal = services.receive_appeal(written(channel="social", kind="comment", district="Невский")).appeal
    services.take(appeal, operator=housing_operator)
    with pytest.raises(ValidationError):
        services.public_reply(appeal, operator=housing_operator, text="я" * 501)
    services.public_reply(
        appeal, operator=housing_operator, text="Спасибо! Ответили вам в личных сообщениях."
    )
    services.answer(appeal, operator=housing_operator, text="Подробный ответ с номером заявки и сроками.")
    assert list(appeal.answers.values_list("is_public", flat=True)) == [True, False]


def test_public_reply_is_only_for_social_networks(appeal, housing_operator):
    services.take(appeal, operator=housing_operator)
    with pytest.raises(ValidationError):
        services.public_reply(appeal, operator=housing_operator, text="Коротко")


def test_manual_routing_sets_the_need_of_the_corrected_topic(db, housing, people, registry):
    need = Need.objects.get(code="early-pension")
    services.save_need_topic(NeedTopic(topic="Неисправное освещение", need=need))
    appeal = services.receive_appeal(written(contact_email="a@example.ru")).appeal
    assert appeal.need is None
    services.route_manually(
        appeal, executor=housing, topic="Неисправное освещение", router=people["operator"]
    )
    appeal.refresh_from_db()
    assert appeal.need == need and appeal.life_situation is not None


def test_a_reopened_appeal_can_be_handed_over(appeal, citizen, housing_operator, agency):
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Сделано.")
    services.reopen(appeal, person=citizen, reason="Фонарь так и не горит")
    services.reassign(appeal, executor=agency, operator=housing_operator)
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED and appeal.executor == agency
    assert appeal.events.last().from_status == Status.REOPENED


def test_an_answered_appeal_cannot_be_handed_over(appeal, housing_operator, agency):
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Сделано.")
    with pytest.raises(ValidationError):
        services.reassign(appeal, executor=agency, operator=housing_operator)
