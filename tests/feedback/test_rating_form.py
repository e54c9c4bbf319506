"""The rating form asks each question the way it is answered (issue 18)."""

import re

import pytest

from clientcentric.appeals import services as appeal_services
from clientcentric.appeals.models import RoutingRule
from clientcentric.feedback import services
from clientcentric.feedback.instrument import BARRIERS, DRIVERS, current_instrument
from clientcentric.feedback.models import Invitation


def _link(appeal):
    return f"/feedback/r/{services.token_for(Invitation.objects.get(appeal=appeal))}/"


def _fieldset(page: str, legend: str) -> str:
    start = page.index(f"<legend>{legend}</legend>")
    return page[page.rindex("<fieldset", 0, start) : page.index("</fieldset>", start)]


def test_what_got_in_the_way_offers_what_went_wrong(client, answered_appeal):
    page = client.get(_link(answered_appeal)).content.decode()
    in_the_way = _fieldset(page, "Что мешало?")
    assert "Долго" in in_the_way and "Результат не получен" in in_the_way
    assert ">Быстро<" not in in_the_way and "Результат получен" not in in_the_way
    went_well = _fieldset(page, "Что было хорошо?")
    assert "Быстро" in went_well


def test_barriers_share_the_driver_codes_and_the_instrument_stores_their_wording(db):
    assert [code for code, _ in BARRIERS] == [code for code, _ in DRIVERS]
    question = current_instrument().questions.get(code="got_in_way")
    assert ["fast", "Долго"] in question.options


def test_follow_up_questions_say_when_they_apply(client, answered_appeal):
    page = client.get(_link(answered_appeal)).content.decode()
    assert 'data-show-when="satisfaction=1,2,3;need_met=no"' in _fieldset(page, "Что мешало?")
    assert 'data-show-when="satisfaction=4,5;need_met=yes"' in _fieldset(page, "Что было хорошо?")
    # Without JavaScript both stay, each with its hint.
    assert "Ответьте, если что-то мешало." in page


def test_yes_no_question_is_two_radio_buttons(client, answered_appeal):
    page = client.get(_link(answered_appeal)).content.decode()
    assert len(re.findall(r'type="radio" name="need_met"', page)) == 2


def test_an_error_is_summarised_at_the_top_and_linked_to_its_field(client, answered_appeal):
    page = client.post(_link(answered_appeal), {"effort": "3"}).content.decode()
    assert page.index('class="error-summary"') < page.index('name="satisfaction"')
    assert 'href="#id_satisfaction_0"' in page


@pytest.fixture
def anonymous_answered_appeal(registry, agency, people, django_capture_on_commit_callbacks):
    appeal_services.save_routing_rule(
        RoutingRule(position=1, name="all", conditions={"channel": "portal"}, executor=agency)
    )
    data = appeal_services.AppealInput(
        channel="portal", text="Не работает лифт в подъезде дома 7", contact_email="lift@example.ru"
    )
    appeal = appeal_services.receive_appeal(data).appeal
    appeal_services.take(appeal, operator=people["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.answer(appeal, operator=people["operator"], text="Лифт отремонтирован.")
    appeal.refresh_from_db()
    return appeal


def test_not_helped_without_an_account_offers_to_write_again_naming_the_appeal(
    client, anonymous_answered_appeal
):
    body = client.post(
        _link(anonymous_answered_appeal), {"satisfaction": "4", "need_met": "no"}
    ).content.decode()
    assert "Написать ещё раз об этой проблеме" in body
    assert (
        f"/appeals/new/?text=%D0%9E%D0%B1%D1%80%D0%B0%D1%89%D0%B5%D0%BD%D0%B8%D0%B5%20{anonymous_answered_appeal.number}"
        in body
    )


def test_not_helped_offers_the_signed_in_author_to_reopen(client, answered_appeal, people):
    client.force_login(people["client"])
    body = client.post(_link(answered_appeal), {"satisfaction": "4", "need_met": "no"}).content.decode()
    assert "Переоткрыть обращение" in body
