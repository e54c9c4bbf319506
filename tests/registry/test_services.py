import pytest
from django.core.exceptions import ValidationError

from clientcentric.core.models import AuditEvent
from clientcentric.registry import services
from clientcentric.registry.models import Need, NeedStatus


def test_cannot_meet_without_reason_is_refused_by_the_service(registry):
    need = Need(code="no-reason", name="Без причины", status=NeedStatus.CANNOT_MEET, faq=registry["faq"])
    with pytest.raises(ValidationError) as error:
        services.save_need(need, life_situations=[registry["pension"]])
    assert "status_reason" in error.value.message_dict
    assert not Need.objects.filter(code="no-reason").exists()


def test_cannot_meet_without_faq_is_refused_by_the_service(registry):
    need = Need(
        code="no-faq", name="Без ЧЗВ", status=NeedStatus.CANNOT_MEET, status_reason="Запрещено законом"
    )
    with pytest.raises(ValidationError) as error:
        services.save_need(need, life_situations=[registry["pension"]])
    assert "faq" in error.value.message_dict


def test_changing_a_met_need_to_cannot_meet_without_faq_keeps_the_old_status(registry):
    need = registry["met"]
    need.status = NeedStatus.CANNOT_MEET
    need.status_reason = "Больше не предоставляется"
    with pytest.raises(ValidationError):
        services.save_need(need, life_situations=[registry["pension"]], services=[registry["service"]])
    assert Need.objects.get(pk=need.pk).status == NeedStatus.MET


def test_met_need_must_list_a_service(registry):
    with pytest.raises(ValidationError) as error:
        services.save_need(
            Need(code="lonely", name="Нет услуг", status=NeedStatus.MET),
            life_situations=[registry["pension"]],
        )
    assert "services" in error.value.message_dict


def test_database_refuses_unexplained_cannot_meet_even_past_the_services(registry):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=registry["cannot"].pk).update(faq=None)


def test_status_change_is_audited_and_versioned(registry, people):
    need = registry["in_progress"]
    methodologist = people["methodologist"]
    need.status = NeedStatus.MET
    services.save_need(
        need, life_situations=[registry["pension"]], services=[registry["service"]], actor=methodologist
    )
    event = AuditEvent.objects.get(action="registry.need_status_changed", object_id=str(need.pk))
    assert event.actor == methodologist
    assert event.data["before"] == "in_progress" and event.data["after"] == "met"
    latest = need.history.first()
    assert latest.status == "met" and latest.history_user == methodologist
    assert set(need.history.values_list("status", flat=True)) == {"in_progress", "met"}


def test_search_document_holds_lemmas(registry):
    assert " пенсия " in registry["met"].search_document
    assert " вовремя " in registry["met"].search_document


def test_expectations_are_replaced_in_order(registry):
    services.set_expectations(registry["met"], ["Без заявления", "В срок"])
    services.set_expectations(registry["met"], ["Только одно"])
    assert [e.text for e in registry["met"].expectations.all()] == ["Только одно"]


def test_an_unknown_status_is_refused_by_field_not_by_the_workflow(registry):
    need = registry["met"]
    need.status = "forgotten"
    with pytest.raises(ValidationError) as error:
        services.save_need(need, life_situations=[registry["pension"]], services=[registry["service"]])
    assert "status" in error.value.message_dict
