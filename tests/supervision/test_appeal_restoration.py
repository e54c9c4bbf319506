"""A late pre-trial appeal is a request to restore the deadline, decided explicitly by a named official before
any review: granted, the appeal is reviewed; refused, it ends and the business reads why."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.core.models import AuditEvent, Notification
from clientcentric.core.workflow import REGISTRY
from clientcentric.supervision import deadlines
from clientcentric.supervision.models import EventKind, PretrialAppeal, SupervisionTask
from clientcentric.supervision.services import events, pretrial_appeals


@pytest.fixture
def event(bakery, fire_type):
    today = timezone.localdate()
    return events.create_event(
        fire_type,
        bakery,
        kind=EventKind.DOCUMENTARY,
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=20),
        basis="Решение о проведении документарной проверки",
    )


def _late(event, actor, reason="Руководитель был в больнице, справка приложена."):
    return pretrial_appeals.file_appeal(
        event,
        subject="decision",
        text="Не согласны с решением о проверке.",
        learned_on=timezone.localdate() - timedelta(days=45),
        restoration_reason=reason,
        actor=actor,
    )


def test_a_late_appeal_without_a_reason_is_refused_naming_the_field(event, people):
    with pytest.raises(ValidationError) as error:
        _late(event, people["business_representative"], reason="  ")
    assert "restoration_reason" in error.value.message_dict
    assert "пропущен" in error.value.message_dict["restoration_reason"][0]
    assert not PretrialAppeal.objects.exists()


def test_the_review_is_refused_until_the_deadline_is_restored(event, people):
    appeal = _late(event, people["business_representative"])
    inspector = people["inspector"]
    with pytest.raises(ValidationError, match="восстановить ли срок"):
        pretrial_appeals.decide_appeal(appeal, status="upheld", decision="Отменить.", actor=inspector)
    with pytest.raises(ValidationError, match="восстановить ли срок"):
        pretrial_appeals.extend_review(appeal, actor=inspector)
    table = REGISTRY["supervision.pretrial_appeal"]
    assert not table.can("restoration", "upheld") and not table.can("restoration", "extended")
    appeal.refresh_from_db()
    assert appeal.status == "restoration"


def test_a_granted_restoration_opens_the_review_with_its_term_from_the_grant(event, people):
    appeal = _late(event, people["business_representative"])
    inspector = people["inspector"]
    inspector.last_name, inspector.first_name = "Петров", "Иван"
    inspector.save(update_fields=["last_name", "first_name"])
    with pytest.raises(ValidationError) as error:
        pretrial_appeals.decide_restoration(appeal, grant=True, reason=" ", actor=inspector)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        pretrial_appeals.decide_restoration(appeal, grant=True, reason="Уважительная причина.", actor=None)

    pretrial_appeals.decide_restoration(
        appeal, grant=True, reason="Болезнь подтверждена справкой.", actor=inspector
    )
    appeal.refresh_from_db()
    assert appeal.status == "registered" and appeal.restoration_granted
    assert appeal.restoration_decided_by == inspector
    assert appeal.review_due == deadlines.add_working_days(timezone.localdate(), 20)
    assert SupervisionTask.objects.filter(kind="appeal", is_open=True).count() == 1
    notice = Notification.objects.filter(address="owner@bakery.example").latest("pk")
    assert "восстановлен" in notice.subject and "Петров Иван" in notice.body
    assert AuditEvent.objects.filter(action="supervision.appeal_restoration_decided").exists()
    with pytest.raises(ValidationError):  # decided once
        pretrial_appeals.decide_restoration(appeal, grant=False, reason="Передумали.", actor=inspector)

    pretrial_appeals.decide_appeal(appeal, status="partly", decision="Частично обоснована.", actor=inspector)
    appeal.refresh_from_db()
    assert appeal.status == "partly"


def test_a_refused_restoration_ends_the_appeal_and_the_business_reads_why(event, people, client):
    appeal = _late(event, people["business_representative"])
    inspector = people["inspector"]
    pretrial_appeals.decide_restoration(
        appeal, grant=False, reason="Причина пропуска срока не подтверждена.", actor=inspector
    )
    appeal.refresh_from_db()
    assert appeal.status == "refused" and appeal.decided and appeal.restoration_granted is False
    assert not SupervisionTask.objects.filter(kind="appeal", is_open=True).exists()
    with pytest.raises(ValidationError):
        pretrial_appeals.decide_appeal(appeal, status="upheld", decision="x", actor=inspector)
    client.force_login(people["business_representative"])
    page = client.get(f"/supervision/events/{event.pk}/").content.decode()
    assert "Причина пропуска срока не подтверждена." in page
    assert "срок не восстановлен" in page.lower()


def test_the_inspector_decides_the_restoration_from_the_desk(event, people, client):
    appeal = _late(event, people["business_representative"])
    client.force_login(people["inspector"])
    desk = client.get("/supervision/desk/").content.decode()
    assert "Восстановить срок" in desk and "Руководитель был в больнице" in desk
    client.post(f"/supervision/desk/appeal/{appeal.pk}/decide/", {"status": "upheld", "note": "Отменить"})
    appeal.refresh_from_db()
    assert appeal.status == "restoration"
    client.post(
        f"/supervision/desk/restoration/{appeal.pk}/decide/", {"accept": "1", "note": "Уважительная причина"}
    )
    appeal.refresh_from_db()
    assert appeal.status == "registered" and appeal.restoration_decision == "Уважительная причина"
