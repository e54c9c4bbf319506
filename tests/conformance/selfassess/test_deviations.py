from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.conformance import deviations, selectors, services
from clientcentric.conformance.indicators import INDICATORS, Quarter, compute
from clientcentric.conformance.models import DeviationRequest, DeviationStatus, RuleProposal
from clientcentric.core.services.status import history
from clientcentric.core.workflow import TransitionNotAllowed


def _propose(agency, actor, **extra):
    return services.propose_deviation(
        agency=agency,
        case="Заявительница не может прийти лично: лежачая больная",
        client_need="Получить справку без личного визита",
        rule="Пункт 12 регламента: справка выдаётся при личной явке",
        justification="Личность подтверждена через Госуслуги, риск подмены нет",
        actor=actor,
        **extra,
    )


def test_a_deviation_is_approved_by_a_methodologist_and_can_become_the_rule(agency, people):
    deviation = _propose(agency, people["operator"])
    approved = services.decide_deviation(
        deviation, approve=True, note="Согласовано: риск мал", actor=people["methodologist"]
    )
    assert approved.status == DeviationStatus.APPROVED and approved.decided_role == "methodologist"
    completed = services.complete_deviation(
        approved, outcome="Справка отправлена на Госуслуги", should_become_rule=True, actor=people["operator"]
    )
    assert completed.rule_proposal == RuleProposal.OPEN
    assert list(selectors.rule_proposals(agency)) == [completed]
    assert [h.to_status for h in history(completed).order_by("id")] == ["proposed", "approved", "completed"]
    services.settle_rule_proposal(
        completed, accept=True, note="Вносим в регламент", actor=people["methodologist"]
    )
    assert list(selectors.rule_proposals(agency)) == []


def test_the_proposer_does_not_decide(agency, people):
    deviation = _propose(agency, people["methodologist"])
    with pytest.raises(ValidationError):
        services.decide_deviation(deviation, approve=True, note="Сам себе", actor=people["methodologist"])


def test_an_operator_does_not_decide(agency, people):
    deviation = _propose(agency, people["analyst"])
    with pytest.raises(ValidationError):
        services.decide_deviation(deviation, approve=True, note="Да", actor=people["operator"])


def test_a_refused_deviation_cannot_be_completed(agency, people):
    deviation = services.decide_deviation(
        _propose(agency, people["operator"]), approve=False, note="Нет оснований", actor=people["admin"]
    )
    with pytest.raises(TransitionNotAllowed):
        services.complete_deviation(
            deviation, outcome="Всё равно", should_become_rule=False, actor=people["operator"]
        )


def test_a_deviation_names_its_case_need_rule_and_justification(agency, people):
    with pytest.raises(ValidationError) as error:
        services.propose_deviation(
            agency=agency, case="", client_need="", rule="", justification="", actor=people["operator"]
        )
    assert set(error.value.message_dict) == {"case", "client_need", "rule", "justification"}


def _decided(agency, people, approved: int, refused: int, open_: int = 0):
    for index in range(approved + refused + open_):
        deviation = _propose(agency, people["operator"])
        if index < approved:
            services.decide_deviation(deviation, approve=True, note="Да", actor=people["methodologist"])
        elif index < approved + refused:
            services.decide_deviation(deviation, approve=False, note="Нет", actor=people["methodologist"])


def test_the_indicator_counts_and_gives_the_share_approved_with_its_interval(agency, people):
    assert deviations.CODE in INDICATORS
    _decided(agency, people, approved=8, refused=2, open_=1)
    value = compute(deviations.CODE, agency=agency, quarter=Quarter.containing(timezone.localdate()))
    assert value.breakdown["proposed"].value == 11
    assert (value.numerator, value.denominator, value.value) == (8, 10, 0.8)
    # Wilson 95 % for 8 of 10, by hand: centre (0.8 + 1.96²/20)/(1 + 1.96²/10) = 0.7240,
    # half-width 1.96·√(0.016 + 1.96²/400)/(1 + 1.96²/10) = 0.2338.
    assert value.ci_low == pytest.approx(0.4902, abs=1e-3) and value.ci_high == pytest.approx(
        0.9433, abs=1e-3
    )


def test_the_indicator_hides_a_share_of_fewer_than_ten_decisions(agency, people):
    _decided(agency, people, approved=3, refused=1)
    value = compute(deviations.CODE, agency=agency, quarter=Quarter.containing(timezone.localdate()))
    assert value.suppressed and value.value is None and value.ci_low is None
    assert value.breakdown["proposed"].value == 4


def test_the_indicator_counts_the_quarter_the_request_was_proposed_in(agency, people):
    _decided(agency, people, approved=1, refused=0)
    DeviationRequest.objects.update(proposed_at=timezone.now() - timedelta(days=200))
    value = compute(deviations.CODE, agency=agency, quarter=Quarter.containing(timezone.localdate()))
    assert value.breakdown["proposed"].value == 0
