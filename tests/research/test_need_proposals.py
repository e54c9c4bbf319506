"""Need-status proposals from evidence: appeals on a met need, low or high satisfaction, refusals recorded by
delivery as unmet-need evidence; a methodologist accepts (the registry's save_need) or rejects."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from clientcentric.appeals import services as appeals
from clientcentric.appeals.models import NeedTopic
from clientcentric.core.models import AuditEvent
from clientcentric.delivery.models import RefusalReason, ServiceRequest
from clientcentric.delivery.services import requests as request_services
from clientcentric.feedback import services as feedback
from clientcentric.feedback.services import Rating
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import Need, NeedStatus
from clientcentric.research import services
from clientcentric.research.models import NeedStatusProposal


@pytest.fixture(autouse=True)
def _low_thresholds(settings):
    settings.CLIENTCENTRIC_NEED_PROPOSAL_THRESHOLDS = {"appeals": 4, "unmet": 2, "min_ratings": 30}


def write_appeals(n, topic="Пенсия не пришла"):
    for index in range(n):
        appeals.receive_appeal(
            appeals.AppealInput(
                channel="portal",
                text=f"Пенсия не пришла в этом месяце, случай {index + 1}",
                topic=topic,
                contact_email=f"p{index}@example.ru",
            )
        )


def office_ratings(agency, service, levels):
    for level in levels:
        feedback.answer_at_office(agency, Rating(satisfaction=level), service=service)


def refuse(people, service, times):
    reason = RefusalReason.objects.create(
        code="no-right",
        title="Нет права на услугу",
        explanation="По закону услуга положена только при стаже от 15 лет.",
        next_steps="Проверьте стаж в личном кабинете СФР.",
        need_cannot_be_met=True,
    )
    for _ in range(times):
        request = ServiceRequest.objects.create(
            client=people["client"], service=service, submitted_at=timezone.now()
        )
        request_services.decide(request, approve=False, actor=people["operator"], reason=reason)


def test_many_appeals_on_a_met_need_propose_being_worked_on(registry):
    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    run = services.propose_need_statuses()
    assert run.created == 1
    proposal = NeedStatusProposal.objects.get()
    assert (proposal.need, proposal.from_status, proposal.to_status) == (
        registry["met"],
        NeedStatus.MET,
        NeedStatus.IN_PROGRESS,
    )
    assert proposal.evidence["signals"] == ["appeals"] and proposal.evidence["appeals"] == 4
    assert (
        "обращений по этой потребности — 4" in proposal.reason and "90 дней" in proposal.reason
    )  # drafted in Russian
    # A second run refreshes the same proposal instead of adding another.
    write_appeals(1)
    run = services.propose_need_statuses()
    assert (run.created, run.refreshed) == (0, 1)
    assert NeedStatusProposal.objects.get().evidence["appeals"] == 5


def test_clearly_low_satisfaction_proposes_a_change(registry, agency):
    office_ratings(agency, registry["service"], [5] * 6 + [2] * 24)  # 20 % of 30
    services.propose_need_statuses()
    proposal = NeedStatusProposal.objects.get(need=registry["met"])
    assert proposal.evidence["signals"] == ["low_satisfaction"]
    assert proposal.evidence["high"] < 0.6
    assert "20 %" in proposal.reason


def test_a_few_unhappy_ratings_are_not_enough(registry, agency):
    office_ratings(agency, registry["service"], [1] * 29)  # one short of min_ratings
    services.propose_need_statuses()
    assert not NeedStatusProposal.objects.exists()


def test_refusals_recorded_by_delivery_as_unmet_need_propose_a_change(registry, people):
    refuse(people, registry["service"], 2)
    services.propose_need_statuses()
    proposal = NeedStatusProposal.objects.get(need=registry["met"])
    assert proposal.evidence["unmet"] == 2 and proposal.evidence["signals"] == ["unmet"]
    assert "отказ" in proposal.reason


def test_high_satisfaction_proposes_met_for_a_need_with_services(registry, agency):
    need = registry["in_progress"]
    registry_services.save_need(need, life_situations=[registry["pension"]], services=[registry["service"]])
    office_ratings(agency, registry["service"], [5] * 58 + [3] * 2)
    services.propose_need_statuses()
    proposal = NeedStatusProposal.objects.get(need=need)
    assert proposal.to_status == NeedStatus.MET and proposal.evidence["low"] >= 0.8
    # The same ratings are about the met need too; they are no reason to change it.
    assert not NeedStatusProposal.objects.filter(need=registry["met"]).exists()


def test_methodologist_accepts_with_an_edited_reason_through_the_registry(client, registry, people):
    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    services.propose_need_statuses()
    proposal = NeedStatusProposal.objects.get()
    history_before = registry["met"].history.count()
    client.force_login(people["methodologist"])
    page = client.get("/research/need-proposals/").content.decode()
    assert "Принять изменение" in page and "Получать пенсии вовремя" in page
    reason = "Пенсии задерживаются: выясняем причину вместе с Социальным фондом."
    response = client.post(f"/research/need-proposals/{proposal.pk}/", {"action": "accept", "reason": reason})
    assert response.status_code == 302
    need = Need.objects.get(pk=registry["met"].pk)
    assert (need.status, need.status_reason) == (NeedStatus.IN_PROGRESS, reason)
    assert need.history.count() == history_before + 1  # the registry's history keeps the old status
    assert need.history.first().prev_record.status == NeedStatus.MET
    proposal.refresh_from_db()
    assert proposal.state == "accepted" and proposal.decided_by == people["methodologist"]
    assert AuditEvent.objects.filter(action="research.need_proposal_accepted").exists()
    assert AuditEvent.objects.filter(action="registry.need_status_changed").exists()
    assert AuditEvent.objects.filter(action="research.need_status_from_evidence").exists()


def test_accepting_without_a_reason_is_refused_in_russian(client, registry, people):
    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    services.propose_need_statuses()
    proposal = NeedStatusProposal.objects.get()
    client.force_login(people["methodologist"])
    response = client.post(f"/research/need-proposals/{proposal.pk}/", {"action": "accept", "reason": " "})
    assert response.status_code == 422
    assert "Для каждой смены статуса нужна публичная причина" in response.content.decode()
    assert Need.objects.get(pk=registry["met"].pk).status == NeedStatus.MET


def test_only_a_methodologist_decides(client, registry, people):
    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    services.propose_need_statuses()
    proposal = NeedStatusProposal.objects.get()
    client.force_login(people["analyst"])
    assert "Принять изменение" not in client.get("/research/need-proposals/").content.decode()
    response = client.post(f"/research/need-proposals/{proposal.pk}/", {"action": "accept", "reason": "x"})
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        services.accept_need_proposal(proposal, reason="Причина", actor=people["analyst"])
    assert NeedStatusProposal.objects.get().state == "pending"


def test_rejection_needs_a_note_and_is_not_proposed_again_soon(registry, people):
    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    services.propose_need_statuses()
    proposal = NeedStatusProposal.objects.get()
    with pytest.raises(ValidationError):
        services.reject_need_proposal(proposal, note="", actor=people["methodologist"])
    services.reject_need_proposal(
        proposal, note="Задержка из-за банка, разовая.", actor=people["methodologist"]
    )
    assert services.propose_need_statuses().created == 0
    assert NeedStatusProposal.objects.filter(state="pending").count() == 0
    with pytest.raises(ValidationError):
        services.reject_need_proposal(
            proposal, note="ещё раз", actor=people["methodologist"]
        )  # already decided


def test_a_proposal_the_evidence_no_longer_supports_is_withdrawn(registry, settings):
    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    services.propose_need_statuses()
    settings.CLIENTCENTRIC_NEED_PROPOSAL_THRESHOLDS = {"appeals": 50}
    assert services.propose_need_statuses().withdrawn == 1
    assert NeedStatusProposal.objects.get().state == "withdrawn"


def test_a_rejection_appends_the_proposals_history(registry, people):
    from clientcentric.core.services.status import history

    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    services.propose_need_statuses()
    rejected = NeedStatusProposal.objects.get()
    services.reject_need_proposal(
        rejected, note="Задержка из-за банка, разовая.", actor=people["methodologist"]
    )
    assert list(history(rejected).values_list("workflow", "from_status", "to_status", "actor", "note")) == [
        ("research.need_status_proposal", "", "pending", None, ""),
        (
            "research.need_status_proposal",
            "pending",
            "rejected",
            people["methodologist"].pk,
            "Задержка из-за банка, разовая.",
        ),
    ]


def test_a_withdrawal_appends_the_proposals_history(registry, settings):
    from clientcentric.core.services.status import history

    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    services.propose_need_statuses()
    settings.CLIENTCENTRIC_NEED_PROPOSAL_THRESHOLDS = {"appeals": 50}
    services.propose_need_statuses()
    withdrawn = NeedStatusProposal.objects.get()
    assert list(history(withdrawn).values_list("from_status", "to_status")) == [
        ("", "pending"),
        ("pending", "withdrawn"),
    ]


def test_a_status_changed_meanwhile_blocks_acceptance(registry, people):
    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    services.propose_need_statuses()
    proposal = NeedStatusProposal.objects.get()
    need = registry["met"]
    need.status, need.status_reason = NeedStatus.IN_PROGRESS, "Изучаем задержки"
    registry_services.save_need(need, life_situations=[registry["pension"]], services=[registry["service"]])
    with pytest.raises(ValidationError):
        services.accept_need_proposal(proposal, reason="Причина", actor=people["methodologist"])


def test_old_evidence_outside_the_window_does_not_count(registry):
    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    for index in range(4):
        appeals.receive_appeal(
            appeals.AppealInput(
                channel="portal",
                text=f"Пенсия не пришла, давний случай {index}",
                topic="Пенсия не пришла",
                contact_email="old@example.ru",
            ),
            registered_at=datetime(2020, 1, 10, 9, tzinfo=UTC),
        )
    assert services.propose_need_statuses().created == 0


def test_cli_and_beat_task(registry, capsys, settings):
    from clientcentric.research import tasks

    NeedTopic.objects.create(topic="Пенсия не пришла", need=registry["met"])
    write_appeals(4)
    call_command("research", "propose-need-statuses")
    assert "1 new" in capsys.readouterr().out
    # The beat task's body, run in-process (no worker beside the tests).
    assert tasks.propose_need_statuses() == {"created": 0, "refreshed": 1, "withdrawn": 0}
    assert "research-propose-need-statuses" in settings.CELERY_BEAT_SCHEDULE


def test_satisfaction_by_need_equals_each_need_alone_in_two_queries(
    registry, agency, django_assert_num_queries
):
    from clientcentric.feedback import selectors
    from clientcentric.feedback.models import Source

    met, in_progress = registry["met"], registry["in_progress"]
    # The service meets both needs: its office ratings count once for each.
    registry_services.save_need(
        in_progress, life_situations=[registry["pension"]], services=[registry["service"]]
    )
    office_ratings(agency, registry["service"], [5, 5, 4, 2, 1])
    NeedTopic.objects.create(topic="Пенсия не пришла", need=met)
    write_appeals(2)
    for appeal, level in zip(appeals.Appeal.objects.order_by("pk"), (5, 1), strict=True):
        feedback._store(Rating(satisfaction=level), source=Source.INVITATION, appeal=appeal)
    codes = [met.code, in_progress.code, "no-such-need"]
    with django_assert_num_queries(3):  # the instrument, then one grouped query per path
        together = selectors.satisfaction_by_need(codes)
    alone = {code: selectors.satisfaction_for_needs([code]) for code in codes}
    assert together == alone
    assert together[met.code] == {"satisfied": 4, "rated": 7}
    assert together[in_progress.code] == {"satisfied": 3, "rated": 5}
