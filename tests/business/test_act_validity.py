"""247-ФЗ checks of an act (article 10, the six-year term), the report on how requirements are applied and the
ex-post evaluation that rests on it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.business import services
from clientcentric.business.models import Act, Requirement
from clientcentric.business.procedures import selectors, validity
from clientcentric.business.procedures import services as procedures
from clientcentric.engines.requirements import validity as engine
from tests.supervision.conftest import FIRE, bakery, fire_act, fire_type, make_business  # noqa: F401
from tests.supervision.test_events import _event


def _facts(**overrides):
    values = {
        "is_law": False,
        "content_items": 3,
        "obligated": "организации со складами",
        "objects": "has_premises",
        "assessment_forms": "выездная проверка",
        "supervisory_body": "МЧС России",
        "effective_from": date(2021, 1, 1),
        "effective_to": date(2026, 12, 31),
    }
    return engine.ActFacts(**(values | overrides))


def test_the_term_says_where_an_act_stands():
    assert engine.term(_facts(), date(2026, 12, 7)).status == "ends_soon"
    assert engine.term(_facts(), date(2025, 1, 1)).status == "valid"
    assert engine.term(_facts(), date(2027, 1, 1)).status == "expired"
    assert engine.term(_facts(effective_to=None), date(2025, 1, 1)).status == "no_term"
    assert engine.term(_facts(effective_to=date(2027, 6, 1)), date(2025, 1, 1)).status == "too_long"
    assert engine.term(_facts(is_law=True, effective_to=None), date(2025, 1, 1)).status == "law"


def test_missing_elements_follow_article_10():
    assert engine.missing_elements(_facts()) == []
    bare = _facts(content_items=0, obligated="", objects=" ", assessment_forms="", supervisory_body="")
    assert engine.missing_elements(bare) == list(engine.ELEMENT_CODES)


def test_saving_a_subordinate_act_for_more_than_six_years_is_refused_in_russian(db):
    act = Act(
        code="ППР",
        title="Правила противопожарного режима",
        effective_from=date(2021, 1, 1),
        effective_to=date(2027, 6, 1),
        date_exception="federal_law",
        date_exception_reason="Дата установлена законом.",
    )
    with pytest.raises(ValidationError) as error:
        services.save_act(act)
    assert "не более 6 лет" in error.value.message_dict["effective_to"][0]
    law = Act(
        code="116-ФЗ",
        title="Федеральный закон от 21.07.1997 № 116-ФЗ",
        effective_from=date(1997, 8, 2),
        effective_to=date(2030, 1, 1),
        date_exception="federal_law",
        date_exception_reason="Закон принят до 247-ФЗ.",
    )
    assert services.save_act(law).pk


def test_the_desk_puts_an_act_ending_soon_and_one_lacking_elements_first(db, agency):
    ending = services.save_act(
        Act(
            code="A",
            title="Правила А",
            developer=agency,
            scope_rule="has_premises",
            scope_explanation="Помещения",
            assessment_forms="проверка",
            supervisory_body="МЧС России",
            effective_from=date(2021, 1, 1),
            effective_to=date(2026, 12, 31),
            date_exception="federal_law",
            date_exception_reason="Дата установлена законом.",
        )
    )
    services.save_requirement(Requirement(act=ending, item_no="1", text="Назначить ответственного."))
    bare = services.save_act(Act(code="B", title="Правила Б", developer=agency))
    rows = validity.desk_rows(Act.objects.filter(pk__in=[ending.pk, bare.pk]), date(2026, 12, 7))
    assert rows[0]["act"] == ending and rows[0]["term_label"] == "истекает в ближайшие полгода"
    assert rows[0]["missing"] == []
    assert len(rows[1]["missing"]) == 5 and rows[1]["term"].status == "no_term"


def test_the_developer_desk_shows_the_term_and_the_missing_elements(client, people, agency):
    services.save_act(Act(code="B", title="Правила Б", developer=agency))
    client.force_login(people["methodologist"])
    page = client.get("/business/developer/").content.decode()
    assert "Срок действия не установлен" in page and "не указан орган" in page


def test_violations_from_control_events_feed_the_application_report_and_the_evaluation(
    bakery,  # noqa: F811
    fire_act,  # noqa: F811
    fire_type,  # noqa: F811
    people,
):
    from clientcentric.supervision.services import events

    event = _event(bakery, fire_type, starts_on=timezone.localdate())
    events.notify(event)
    events.start(event)
    first = event.checks.order_by("requirement__position").first()
    outcomes = {c.requirement_id: ("complies", "") for c in event.checks.all()}
    outcomes[first.requirement_id] = ("violated", "Ответственный не назначен")
    events.record_checks(event, outcomes)
    report = selectors.application_report(fire_act)
    assert report[0]["requirement"].pk == first.requirement_id
    assert (report[0]["checked"], report[0]["violated"], report[0]["violation_share"]) == (1, 1, 1.0)
    assert sum(row["violated"] for row in report) == 1

    fire_act.effective_from = date(2021, 1, 1)
    fire_act.save(update_fields=["effective_from"])
    today = timezone.localdate()
    evaluation = procedures.start_evaluation(
        fire_act,
        goals="Снизить число пожаров на складах.",
        period_from=date(2021, 1, 1),
        period_to=today,
        actor=people["methodologist"],
    )
    with pytest.raises(ValidationError):
        procedures.start_evaluation(fire_act, goals="Ещё одна", period_from=date(2022, 1, 1), period_to=today)
    evidence = selectors.evaluation_evidence(fire_act, evaluation)
    assert (evidence["checks"], evidence["violations"]) == (event.checks.count(), 1)
    concluded = procedures.conclude_evaluation(
        evaluation,
        conclusion="amend",
        findings="Требование п. 1 нарушается чаще других: нужен понятный образец приказа.",
        evidence=selectors.evidence_snapshot(evidence),
    )
    assert concluded.evidence["violations"] == 1
    assert concluded.evidence["most_violated"][0]["violated"] == 1


def test_an_evaluation_needs_an_act_in_force_and_a_period_in_the_past(db):
    act = services.save_act(Act(code="C", title="Правила В"))
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        procedures.start_evaluation(act, goals="", period_from=today, period_to=today + timedelta(days=1))
    assert {"__all__", "goals", "period_to"} <= set(error.value.message_dict)
