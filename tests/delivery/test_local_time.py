"""One local time: a slot chosen at 08:20 is stored as that instant and reads 08:20 on every page, in the booking
form, the notice, the reminder and the back office — in the office's agency's time zone, whatever the site's."""

import datetime as dt
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, Role
from clientcentric.core.models import Notification
from clientcentric.delivery.models import Appointment, Office, Slot
from clientcentric.delivery.services import appointments


def _office(agency) -> Office:
    return Office.objects.create(name="МФЦ Центральный", agency=agency, address="Невский пр., 1")


def _slot_at_0820(office) -> Slot:
    """08:20 by the office's clock, two days ahead (so the reminder falls due a day before)."""
    zone = ZoneInfo(office.agency.time_zone)
    day = timezone.localdate() + timedelta(days=2)
    moment = dt.datetime.combine(day, dt.time(8, 20), tzinfo=zone)
    # A neighbouring slot at another hour, so the form has something to choose between.
    Slot.objects.create(office=office, starts_at=moment + timedelta(hours=3))
    return Slot.objects.create(office=office, starts_at=moment)


def _client(email="citizen@example.org"):
    return accounts_services.create_person(
        username="citizen-0820", password="x-Password-123", role=Role.CLIENT, email=email
    )


def _book_0820_on_the_page(client, person) -> Appointment:
    """Choose, on the booking page, the option that reads 08:20, as a person does."""
    client.force_login(person)
    page = client.get("/me/appointments/").content.decode()
    options = dict(
        (label, value) for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', page)
    )
    chosen = [value for label, value in options.items() if "08:20" in label]
    assert len(chosen) == 1, options
    response = client.post("/me/appointments/", {"slot": chosen[0], "interpreter_language": ""})
    assert response.status_code == 302
    return Appointment.objects.get(client=person, status="booked")


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok"])
def test_a_slot_booked_at_0820_reads_0820_everywhere(client, db, settings, zone):
    settings.TIME_ZONE = "Europe/Moscow"  # the site's zone; the office's agency may keep another
    agency = accounts_services.save_agency(
        Agency(code="mfc", name="МФЦ", level="regional", kind="executive", time_zone=zone)
    )
    slot = _slot_at_0820(_office(agency))
    person = _client()

    appointment = _book_0820_on_the_page(client, person)

    # The instant stored is the one the person chose: 08:20 by the office's clock.
    assert appointment.slot_id == slot.pk
    assert timezone.localtime(appointment.slot.starts_at, ZoneInfo(zone)).time() == dt.time(8, 20)

    for url in ("/me/appointments/", "/me/"):
        text = client.get(url).content.decode()
        listed = re.findall(r"<li>([^<]*МФЦ Центральный, Невский пр\., 1)", text)
        assert listed and all("08:20" in item for item in listed), (url, listed)

    notice = Notification.objects.get(address=person.email, subject__contains="МФЦ Центральный")
    assert "08:20" in notice.subject

    sent = appointments.send_due_reminders(now=appointment.slot.starts_at - timedelta(hours=3))
    assert sent == 1
    reminder = Notification.objects.filter(address=person.email).exclude(pk=notice.pk).get()
    assert "08:20" in reminder.subject

    assert "08:20" in str(appointment.slot)


def test_the_notice_is_in_russian_with_the_month_in_words(client, db):
    agency = accounts_services.save_agency(Agency(code="mfc", name="МФЦ", level="regional", kind="executive"))
    slot = _slot_at_0820(_office(agency))
    person = _client()
    appointments.book(person, slot)
    notice = Notification.objects.get(address=person.email)
    local_day = timezone.localtime(slot.starts_at, ZoneInfo(agency.time_zone)).date()
    months = (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    )
    assert f"{local_day.day} {months[local_day.month - 1]} {local_day.year}, 08:20" in notice.subject


def test_the_back_office_takes_slot_times_in_the_offices_zone(client, db, settings):
    """A slot typed as 08:20 in the office's page of the back office is 08:20 by the office's clock."""
    settings.TIME_ZONE = "Europe/Moscow"
    agency = accounts_services.save_agency(
        Agency(code="mfc", name="МФЦ", level="regional", kind="executive", time_zone="Asia/Yekaterinburg")
    )
    office = _office(agency)
    admin = accounts_services.create_person(username="root-0820", password="x-Password-123", role=Role.ADMIN)
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    day = timezone.localdate() + timedelta(days=3)
    form = {
        "name": office.name,
        "agency": agency.pk,
        "address": office.address,
        "accessibility": "[]",
        "interpreter_languages": "[]",
        "is_active": "on",
        "slots-TOTAL_FORMS": "1",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        "slots-0-starts_at_0": day.strftime("%d.%m.%Y"),
        "slots-0-starts_at_1": "08:20",
        "slots-0-minutes": "20",
    }
    response = client.post(f"/admin/delivery/office/{office.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    slot = office.slots.get()
    assert timezone.localtime(slot.starts_at, ZoneInfo("Asia/Yekaterinburg")).time() == dt.time(8, 20)
