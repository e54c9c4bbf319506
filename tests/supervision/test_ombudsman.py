"""The business ombudsman's office: a role, a queue with answer deadlines on the production calendar, statuses
received → in work → answered, the answer on the business's page and by e-mail; nobody else opens the queue."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.accounts.roles import SECOND_FACTOR_ROLES, STAFF_ROLES, Role
from clientcentric.core.models import AuditEvent, Notification
from clientcentric.core.services import status as status_service
from clientcentric.supervision import deadlines
from clientcentric.supervision.models import EventKind, OmbudsmanRequest
from clientcentric.supervision.services import events, ombudsman


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


def test_the_office_is_a_role_outside_the_bodys_staff_that_signs_in_with_a_second_factor():
    assert Role.BUSINESS_OMBUDSMAN not in STAFF_ROLES
    assert Role.BUSINESS_OMBUDSMAN in SECOND_FACTOR_ROLES


def test_a_request_gets_its_deadline_and_walks_received_in_work_answered(event, people):
    request = events.involve_ombudsman(
        event, text="Проверка назначена повторно.", actor=people["business_representative"]
    )
    assert request.status == "received"
    assert request.due_on == deadlines.add_working_days(
        timezone.localdate(), OmbudsmanRequest.ANSWER_WORKING_DAYS
    )
    office = people["business_ombudsman"]
    ombudsman.take(request, actor=office)
    with pytest.raises(ValidationError):
        ombudsman.take(request, actor=office)
    with pytest.raises(ValidationError) as error:
        ombudsman.answer(request, text=" ", actor=office)
    assert "answer" in error.value.message_dict
    ombudsman.answer(request, text="Направили запрос в надзорный орган.", actor=office)
    request.refresh_from_db()
    assert request.status == "answered" and request.answered_by == office
    moves = list(status_service.history(request).order_by("pk").values_list("from_status", "to_status"))
    assert moves == [("", "received"), ("received", "in_work"), ("in_work", "answered")]
    notice = Notification.objects.filter(address="owner@bakery.example").latest("pk")
    assert event.number in notice.subject and notice.body == "Направили запрос в надзорный орган."
    with pytest.raises(ValidationError):
        ombudsman.answer(request, text="Ещё раз", actor=office)


def test_the_queue_marks_overdue_requests_and_only_the_office_and_admin_open_it(event, people, client):
    request = events.involve_ombudsman(event, text="Просим проверить законность.", actor=None)
    OmbudsmanRequest.objects.filter(pk=request.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    for role in ("inspector", "methodologist", "business_representative", "client", "analyst", "operator"):
        client.force_login(people[role])
        assert client.get("/supervision/ombudsman/").status_code == 403, role
    client.force_login(people["admin"])
    assert client.get("/supervision/ombudsman/").status_code == 200
    client.force_login(people["business_ombudsman"])
    page = client.get("/supervision/ombudsman/").content.decode()
    assert "Просим проверить законность." in page and "просрочен" in page
    assert AuditEvent.objects.filter(action="supervision.ombudsman_queue_read").exists()
    client.post(f"/supervision/ombudsman/{request.pk}/take/")
    client.post(f"/supervision/ombudsman/{request.pk}/answer/", {"answer": "Ответ уполномоченного."})
    request.refresh_from_db()
    assert request.status == "answered"


def test_the_business_sees_the_answer_on_its_event_page(event, people, client):
    client.force_login(people["business_representative"])
    response = client.post(
        f"/supervision/events/{event.pk}/ombudsman/", {"text": "Нарушены сроки."}, follow=True
    )
    request = OmbudsmanRequest.objects.get()
    html = response.content.decode()
    assert (
        "уполномоченного" in html
        and f'Обращение №\u00a0<span class="nowrap">{request.reference}</span>' in html
    )
    assert f"№ {request.reference}, " in html, "the request on the event page carries the number too"
    ombudsman.answer(request, text="Срок проверки соблюдён.", actor=people["business_ombudsman"])
    page = client.get(f"/supervision/events/{event.pk}/").content.decode()
    assert "Срок проверки соблюдён." in page and "дан ответ" in page
