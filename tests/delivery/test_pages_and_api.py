"""The personal cabinet, consents and their receipts, decisions, appointments and the life-event API."""

import json
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope
from clientcentric.core.models import Notification
from clientcentric.delivery import selectors
from clientcentric.delivery.models import (
    Appointment,
    LifeEvent,
    Offer,
    Office,
    RefusalReason,
    ServiceRequest,
    Slot,
    UnmetNeedEvidence,
)
from clientcentric.delivery.services import appointments
from clientcentric.delivery.services import consents as consent_services
from clientcentric.delivery.services import life_events as life_event_services
from clientcentric.delivery.services import offers as offer_services
from clientcentric.delivery.services import profiles as profile_services
from clientcentric.delivery.services import requests as request_services
from clientcentric.delivery.validators import is_valid_snils, normalise_snils

from .conftest import event_input, make_snils


def test_snils_checksum():
    assert is_valid_snils("112-233-445 95")
    assert not is_valid_snils("112-233-445 96")
    assert not is_valid_snils("112-233-44")
    assert normalise_snils(" 112-233-445 95 ") == "11223344595"


def test_profile_page_refuses_a_bad_snils_and_keeps_the_rest(client, people):
    client.force_login(people["client"])
    response = client.post(
        "/me/profile/", {"citizenship": "stateless", "snils": "112-233-445 96", "birth_date": "1980-01-02"}
    )
    assert response.status_code == 200
    assert "контрольн" in response.content.decode()  # the checksum error, in Russian
    response = client.post(
        "/me/profile/",
        {
            "citizenship": "stateless",
            "snils": "112-233-445 95",
            "birth_date": "1980-01-02",
            "languages": "русский, english",
            "accessibility_needs": ["wheelchair"],
        },
    )
    assert response.status_code == 302
    profile = profile_services.profile_of(people["client"])
    assert (profile.snils, profile.citizenship, profile.languages) == (
        "11223344595",
        "stateless",
        ["русский", "english"],
    )


def test_household_is_counted_in_the_facts(people):
    from clientcentric.delivery.models import HouseholdMember
    from clientcentric.rules.facts.person import profile_facts

    profile = profile_services.profile_of(people["client"])
    profile.birth_date, profile.income_monthly = date(1990, 2, 28), 30000
    profile_services.save_profile(profile)
    profile_services.save_household_member(
        HouseholdMember(profile=profile, name="Сын", relation="child", birth_date=date(2024, 6, 1))
    )
    facts = profile_facts(profile, date(2026, 1, 1))
    assert (facts["age"], facts["n_persons"], facts["n_under_3"], facts["n_adults"]) == (35, 2, 1, 1)
    assert facts["household_income"] == 30000 and facts["income_pc"] == 15000
    profile_services.save_household_member(
        HouseholdMember(profile=profile, name="Муж", relation="spouse", birth_date=date(1989, 1, 1))
    )
    assert profile_facts(profile, date(2026, 1, 1))["household_income"] is None  # his income is unknown


def test_consent_receipt_has_the_kantara_fields(client, people, registry, consent_text):
    consent = consent_services.give_consent(people["client"], life_situation=registry["pension"])
    client.force_login(people["client"])
    response = client.get(f"/me/consents/{consent.pk}/receipt.json")
    receipt = json.loads(response.content)
    for field in (
        "version",
        "jurisdiction",
        "consentTimestamp",
        "collectionMethod",
        "consentReceiptID",
        "language",
        "piiPrincipalId",
        "piiControllers",
        "policyUrl",
        "services",
        "sensitive",
        "spiCat",
    ):
        assert field in receipt
    assert receipt["consentReceiptID"] == str(consent.receipt_id)
    assert receipt["services"][0]["service"] == registry["service"].name
    client.force_login(people["operator"])
    assert client.get(f"/me/consents/{consent.pk}/receipt.json").status_code == 404


def _pdf_streams(pdf: bytes) -> list[bytes]:
    """Every stream of the PDF, inflated where it is compressed (the attached JSON among them)."""
    import re
    import zlib

    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return out


def test_consent_receipt_as_pdf_carries_the_consent(client, people, registry, consent_text):
    consent = consent_services.give_consent(people["client"], life_situation=registry["pension"])
    client.force_login(people["client"])
    page = client.get("/me/consents/")
    assert f"/me/consents/{consent.pk}/receipt.pdf" in page.content.decode()
    response = client.get(f"/me/consents/{consent.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"consent-{consent.receipt_id}.pdf" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-32:]
    streams = _pdf_streams(pdf)
    # The receipt id is in the document's metadata (keywords) and the attachment's file name…
    assert sum(str(consent.receipt_id).encode() in s for s in streams) >= 2
    # …and the attached Kantara JSON holds the consent text and its id.
    attached = [json.loads(s) for s in streams if s.lstrip().startswith(b"{")]
    assert len(attached) == 1
    assert attached[0]["consentReceiptID"] == str(consent.receipt_id)
    assert attached[0]["consentText"]["text"] == consent.text.text
    assert attached[0]["collectionMethod"] and attached[0]["language"] == "ru"
    client.force_login(people["operator"])
    assert client.get(f"/me/consents/{consent.pk}/receipt.pdf").status_code == 404


def test_client_gives_and_revokes_consent_on_the_page(client, people, registry, consent_text):
    client.force_login(people["client"])
    assert client.post("/me/consents/", {"life_situation": registry["pension"].pk}).status_code == 302
    consent = people["client"].consents.get()
    assert client.post(f"/me/consents/{consent.pk}/revoke/").status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    both = client.post(
        "/me/consents/", {"life_situation": registry["pension"].pk, "service": registry["service"].pk}
    )
    assert both.status_code == 200 and people["client"].consents.count() == 1


def _offered(pensioner, registry):
    consent_services.give_consent(pensioner, life_situation=registry["pension"])
    life_event_services.receive_life_event(event_input(pensioner.client_profile.snils))
    return Offer.objects.get(client=pensioner)


def _start(client, offer) -> str:
    """The server's start token from the offer's page, as a browser carries it back (delivery.timing)."""
    return client.get(f"/me/offers/{offer.pk}/").context["form"]["started"].value()


def test_offer_page_refuses_a_forged_start_time(client, pensioner, registry, pension_rule):
    offer = _offered(pensioner, registry)
    client.force_login(pensioner)
    response = client.post(f"/me/offers/{offer.pk}/", {"started": "0"})
    assert response.status_code == 200 and "Форма устарела" in response.content.decode()
    assert not ServiceRequest.objects.filter(client=pensioner).exists()


def test_cabinet_shows_the_offer_and_one_click_submits_it(client, pensioner, registry, pension_rule):
    offer = _offered(pensioner, registry)
    client.force_login(pensioner)
    page = client.get("/me/").content.decode()
    assert registry["service"].name in page and registry["pension"].name in page
    response = client.post(f"/me/offers/{offer.pk}/", {"started": _start(client, offer)})
    assert response.status_code == 302
    request = ServiceRequest.objects.get(client=pensioner)
    assert client.get(f"/me/requests/{request.pk}/").status_code == 200


def test_refusal_carries_a_reason_explanation_and_next_steps_and_counts_the_unmet_need(
    client, people, pensioner, registry, pension_rule
):
    offer = _offered(pensioner, registry)
    request = offer_services.accept_offer(offer, {})
    reason = RefusalReason.objects.create(
        code="no-service-yet",
        title="Услуга пока не оказывается",
        explanation="Такой услуги пока нет.",
        next_steps="Обратитесь в МФЦ за консультацией.",
        need_cannot_be_met=True,
    )
    operator = people["operator"]
    client.force_login(operator)
    assert client.get("/operator/requests/").status_code == 200
    assert client.get(f"/operator/requests/{request.pk}/").status_code == 200
    from clientcentric.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="delivery.request_read", actor=operator).exists()
    missing_reason = client.post(f"/operator/requests/{request.pk}/", {"decision": "refuse"})
    assert missing_reason.status_code == 200
    assert (
        client.post(
            f"/operator/requests/{request.pk}/", {"decision": "refuse", "reason": reason.pk}
        ).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == "refused" and request.next_steps == reason.next_steps
    assert UnmetNeedEvidence.objects.filter(need=registry["met"], request=request).count() == 1
    assert Notification.objects.filter(object_type="delivery.servicerequest").exists()
    client.force_login(pensioner)
    assert "Обратитесь в МФЦ" in client.get(f"/me/requests/{request.pk}/").content.decode()


def test_operator_of_another_agency_does_not_see_the_request(
    client, people, pensioner, registry, pension_rule
):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency

    request = offer_services.accept_offer(_offered(pensioner, registry), {})
    other = accounts_services.save_agency(
        Agency(code="other", name="Другой", level="regional", kind="executive")
    )
    stranger = accounts_services.create_person(
        username="stranger", password="x-pass-2026", role="operator", agency=other
    )
    client.force_login(stranger)
    assert client.get(f"/operator/requests/{request.pk}/").status_code == 404


@pytest.fixture
def office(agency):
    office = Office.objects.create(
        name="МФЦ Центральный",
        agency=agency,
        address="Невский пр., 1",
        accessibility=["wheelchair", "hearing"],
        interpreter_languages=["tg"],
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=30)
    for hour in range(3):
        Slot.objects.create(office=office, starts_at=start + timedelta(hours=hour))
    return office


def test_booking_rescheduling_cancelling_and_a_single_reminder(people, office):
    person = people["client"]
    first, second, third = office.slots.all()
    appointment = appointments.book(person, first, interpreter_language="tg")
    with pytest.raises(ValidationError):
        appointments.book(people["business_representative"], first)
    moved = appointments.reschedule(appointment, second)
    assert Appointment.objects.get(pk=appointment.pk).status == "cancelled" and moved.slot == second
    assert moved.interpreter_language == "tg"
    assert appointments.send_due_reminders(now=second.starts_at - timedelta(hours=2)) == 1
    assert appointments.send_due_reminders(now=second.starts_at - timedelta(hours=1)) == 0
    appointments.cancel(moved)
    assert first in selectors.free_slots(needs=["wheelchair"]) and second in selectors.free_slots()


def test_offices_that_do_not_meet_the_needs_are_not_offered(people, office):
    assert not selectors.free_slots(needs=["vision"]).exists()
    assert not selectors.free_slots(language="uz").exists()


def test_appointments_page_books(client, people, office):
    client.force_login(people["client"])
    slot = office.slots.first()
    assert client.get("/me/appointments/").status_code == 200
    assert client.post("/me/appointments/", {"slot": slot.pk, "interpreter_language": ""}).status_code == 302
    assert Appointment.objects.filter(client=people["client"], slot=slot, status="booked").exists()


@pytest.fixture
def token(agency):
    _client, token = accounts_services.issue_token(
        name="ЗАГС", agency=agency, scopes=[ApiScope.LIFE_EVENTS_WRITE]
    )
    return token


def test_api_accepts_a_life_event_once(client, pensioner, registry, pension_rule, token):
    body = {
        "event_id": "zags-1",
        "kind": "pension_age_reached",
        "snils": pensioner.client_profile.snils_display,
        "occurred_at": "2026-03-02T10:00:00+03:00",
    }
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    first = client.post("/api/v1/life-events", body, content_type="application/json", **auth)
    assert first.status_code == 202 and LifeEvent.objects.get(event_id="zags-1").state == "applied"
    again = client.post("/api/v1/life-events", body, content_type="application/json", **auth)
    assert again.status_code == 202 and LifeEvent.objects.count() == 1


def test_the_answer_does_not_tell_whether_the_snils_is_a_client(client, pensioner, registry, token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    stranger = make_snils(987654321)
    answers = []
    for event_id, snils in (("e-client", pensioner.client_profile.snils_display), ("e-stranger", stranger)):
        body = {
            "event_id": event_id,
            "kind": "job_lost",
            "snils": snils,
            "occurred_at": "2026-03-02T10:00:00Z",
        }
        reply = client.post("/api/v1/life-events", body, content_type="application/json", **auth)
        answers.append((reply.status_code, sorted(reply.json())))
    assert answers[0] == answers[1] == (202, ["event_id", "kind", "occurred_at", "received_at"])


def test_api_refuses_without_a_token_and_names_the_bad_field(client, db, token):
    body = {
        "event_id": "x",
        "kind": "job_lost",
        "snils": "123-456-789 00",
        "occurred_at": "2026-03-02T10:00:00Z",
    }
    assert client.post("/api/v1/life-events", body, content_type="application/json").status_code == 401
    bad = client.post(
        "/api/v1/life-events", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "snils"
    short = client.post(
        "/api/v1/life-events",
        {**body, "snils": "123"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert short.status_code == 422 and short.json()["details"][0]["location"] == "body.payload.snils"
    wrong_kind = client.post(
        "/api/v1/life-events",
        {**body, "kind": "wedding"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert wrong_kind.status_code == 422 and wrong_kind.json()["error"] == "invalid_request"


def test_my_offers_api(client, pensioner, registry, pension_rule):
    _offered(pensioner, registry)
    client.force_login(pensioner)
    data = client.get("/api/v1/me/offers").json()
    assert data[0]["service"] == registry["service"].code and data[0]["outcome"] == "eligible"


def test_snils_in_events_is_normalised(db):
    assert make_snils(123456789).isdigit()


def test_delivery_remind_command_sends_due_reminders(people, office):
    from io import StringIO

    from django.core.management import call_command

    slot = office.slots.order_by("starts_at").first()
    appointments.book(people["client"], slot)
    out = StringIO()
    call_command("delivery", "remind", stdout=out)
    assert "0" in out.getvalue()  # 30 hours ahead: not due yet


def test_the_chat_bot_tells_a_client_their_open_offers_and_requests(pensioner, registry, pension_rule):
    from clientcentric.knowledge import chatbot

    offer = _offered(pensioner, registry)
    conversation = chatbot.start(client=pensioner)
    [reply] = chatbot.receive(conversation, "какой статус моего заявления?", user=pensioner)
    assert reply.payload["offers"] == [
        {"service": registry["service"].name, "url": f"/me/offers/{offer.pk}/"}
    ]
    request = offer_services.accept_offer(offer, {})
    [reply] = chatbot.receive(conversation, "статус заявления", user=pensioner)
    assert reply.payload["requests"] == [
        {
            "service": registry["service"].name,
            "status": request.get_status_display(),
            "url": f"/me/requests/{request.pk}/",
        }
    ]
    assert reply.payload["offers"] == []


def test_an_open_offer_is_reminded_of_once_a_week_after_and_not_after_revocation(
    pensioner, registry, pension_rule
):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from clientcentric.core.models import Notification

    offer = _offered(pensioner, registry)
    # Each message is tried on the client's channels in order: count the e-mail copies.
    email = Notification.objects.filter(channel="email")
    before = email.count()
    assert offer_services.send_offer_reminders(now=timezone.now() + timedelta(days=6)) == 0
    week_later = timezone.now() + timedelta(days=7, minutes=1)
    assert offer_services.send_offer_reminders(now=week_later) == 1
    assert offer_services.send_offer_reminders(now=week_later + timedelta(days=1)) == 0  # once only
    reminder = email.order_by("-id").first()
    assert email.count() == before + 1 and registry["service"].name in reminder.body
    offer.refresh_from_db()
    assert offer.reminded_at == week_later
    # A revoked consent stops the reminder that has not gone out yet.
    Offer.objects.filter(pk=offer.pk).update(reminded_at=None)
    offer_services.send_offer_reminders(now=week_later)
    assert email.order_by("-id").first().state == Notification.State.PENDING
    consent_services.revoke_consent(offer.consent)
    reminder = email.order_by("-id").first()
    assert reminder.state == Notification.State.FAILED
    out = StringIO()
    call_command("delivery", "remind", "--only", "offers", stdout=out)
    assert out.getvalue().strip() == "Offer reminders sent: 0"


def test_reminders_are_on_the_beat_schedule():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "clientcentric.delivery.tasks.send_appointment_reminders",
        "clientcentric.delivery.tasks.send_offer_reminders",
    } <= tasks
    from clientcentric.config.celery import app

    app.loader.import_default_modules()
    for name in tasks:
        if name.startswith("clientcentric.delivery."):
            assert name in app.tasks


HARD_TEXT = (
    "Вследствие неустановления правообладателем надлежащих документальных подтверждений "
    "соответствующего правоотношения, предусмотренного законодательством, "
    "предоставление государственной услуги является невозможным."
)


def test_a_refusal_over_the_agency_limits_needs_a_reason_at_send_time(
    client, people, pensioner, registry, pension_rule
):
    from clientcentric.core import plain_russian
    from clientcentric.core.models import AuditEvent
    from clientcentric.engines.text.plain_russian import is_over_limit

    assert is_over_limit(plain_russian.check(HARD_TEXT, registry["service"].agency))
    request = offer_services.accept_offer(_offered(pensioner, registry), {})
    reason = RefusalReason.objects.create(
        code="docs", title="Нет документов", explanation="Нет документов.", next_steps="Принесите документы."
    )
    client.force_login(people["operator"])
    url = f"/operator/requests/{request.pk}/"
    form = {
        "decision": "refuse",
        "reason": reason.pk,
        "explanation": HARD_TEXT,
        "next_steps": "Позвоните нам.",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "труднее" in refused.content.decode()
    request.refresh_from_db()
    assert (
        request.status == "submitted"
        and not Notification.objects.filter(object_type="delivery.servicerequest").exists()
    )
    assert client.post(url, {**form, "override_reason": "Точная формулировка закона."}).status_code == 302
    request.refresh_from_db()
    assert request.status == "refused" and request.plain_override_reason == "Точная формулировка закона."
    assert request.reading_ease is not None and request.reading_ease < 30
    assert AuditEvent.objects.filter(action="delivery.plain_check_overridden").exists()


def test_a_plain_refusal_goes_without_a_reason_and_keeps_its_readability(
    pensioner, registry, pension_rule, people
):
    request = offer_services.accept_offer(_offered(pensioner, registry), {})
    reason = RefusalReason.objects.create(
        code="age",
        title="Возраст",
        explanation="Вам ещё нет нужного возраста.",
        next_steps="Подайте заявление позже.",
    )
    request_services.decide(request, approve=False, actor=people["operator"], reason=reason)
    request.refresh_from_db()
    assert request.status == "refused" and request.plain_override_reason == ""
    assert request.reading_ease is not None and request.reading_grade is not None


def test_consent_request_and_booking_each_end_on_a_confirmation(
    client, pensioner, registry, pension_rule, office
):
    client.force_login(pensioner)
    offer = _offered(pensioner, registry)
    page = client.post(f"/me/offers/{offer.pk}/", {"started": _start(client, offer)}, follow=True)
    request = ServiceRequest.objects.get(client=pensioner)
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == "/done/"
    assert "Заявление отправлено" in html and f">{request.reference}<" in html
    assert re.fullmatch(r"\d{4}-\d{6}", request.reference) and f">{request.pk}<" not in html
    assert registry["service"].name in html and f"/me/requests/{request.pk}/" in html

    slot = office.slots.first()
    page = client.post("/me/appointments/", {"slot": slot.pk, "interpreter_language": ""}, follow=True)
    html = page.content.decode()
    booked = pensioner.appointments.get()
    assert "Вы записаны" in html and office.address in html and f">{booked.reference}<" in html

    client.post(f"/me/consents/{pensioner.consents.get().pk}/revoke/")
    page = client.post("/me/consents/", {"life_situation": registry["pension"].pk}, follow=True)
    html = page.content.decode()
    consent = pensioner.consents.filter(revoked_at__isnull=True).get()
    assert "Согласие дано" in html and str(consent.receipt_id) in html
    assert f"/me/consents/{consent.pk}/receipt.pdf" in html


def test_the_confirmation_page_without_a_submission_sends_home(client, db):
    response = client.get("/done/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_offer_shows_the_prefilled_birth_date_in_russian_form(client, pensioner, registry, pension_rule):
    offer = _offered(pensioner, registry)
    client.force_login(pensioner)
    page = client.get(f"/me/offers/{offer.pk}/").content.decode()
    assert "1 марта 1960" in page and "1960-03-01" not in page


def test_the_client_sees_their_request_number_and_the_operator_finds_the_request_by_it(
    client, pensioner, registry, pension_rule, people
):
    request = offer_services.accept_offer(_offered(pensioner, registry), {})
    client.force_login(pensioner)
    assert (
        f"Номер заявления {request.reference}" in client.get(f"/me/requests/{request.pk}/").content.decode()
    )
    client.force_login(people["operator"])
    found = client.get("/operator/requests/", {"number": f"№ {request.reference} "}).content.decode()
    assert f"/operator/requests/{request.pk}/" in found
    other = "2026-000000" if request.reference != "2026-000000" else "2026-000001"
    missed = client.get("/operator/requests/", {"number": other}).content.decode()
    assert f"/operator/requests/{request.pk}/" not in missed and f"нет заявления №\u00a0{other}" in missed
