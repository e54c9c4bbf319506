"""Consultations are booked in slots inside the body's office hours on working days, on the channels it offers —
never at a typed-in time (a Sunday 03:00 booking was once accepted)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from clientcentric.appeals.policies import production_calendar
from clientcentric.engines.worktime.schedule import WorkSchedule
from clientcentric.engines.worktime.slots import slots
from clientcentric.supervision.models import Consultation
from clientcentric.supervision.selectors.consultations import free_slots, offered_channels
from clientcentric.supervision.services import prevention

from .test_prevention import _my

MSK = ZoneInfo("Europe/Moscow")
OFFICE = WorkSchedule(day_start=time(10), day_end=time(17), lunch=(time(13), time(14)))


def _local(moments):
    return [m.astimezone(MSK) for m in moments]


def test_slots_fill_the_office_hours_of_working_days_around_lunch():
    friday_evening = datetime(2026, 3, 13, 18, tzinfo=MSK)  # next working day: Monday 16 March
    free = _local(slots(friday_evening, OFFICE, production_calendar(), minutes=60, days=3))
    assert {m.date().isoformat() for m in free} == {"2026-03-16"}
    assert [m.hour for m in free] == [10, 11, 12, 14, 15, 16]


def test_a_sunday_night_and_a_public_holiday_have_no_slots():
    new_year = datetime(2026, 1, 1, 0, tzinfo=MSK)
    free = _local(slots(new_year, OFFICE, production_calendar(), minutes=30, days=14))
    assert free and free[0].date().isoformat() == "2026-01-12"  # the New Year holidays run to 11 January
    assert all(m.weekday() < 5 and time(10) <= m.time() < time(17) for m in free)


def test_a_pre_holiday_day_is_an_hour_shorter():
    eve = datetime(2026, 11, 3, 7, tzinfo=MSK)  # 3 November, the eve of National Unity Day
    free = _local(slots(eve, OFFICE, production_calendar(), minutes=60, days=0))
    assert [m.hour for m in free] == [10, 11, 12, 14, 15]


def test_taken_slots_and_those_too_soon_are_left_out():
    monday = datetime(2026, 3, 16, 9, 30, tzinfo=MSK)
    taken = {datetime(2026, 3, 16, 14, tzinfo=MSK).astimezone(UTC)}
    free = _local(slots(monday, OFFICE, production_calendar(), minutes=60, days=0, taken=taken))
    assert [m.hour for m in free] == [12, 15, 16]  # 10 and 11 are within the two-hour lead


def test_the_model_refuses_a_naive_moment_and_an_empty_slot():
    with pytest.raises(ValueError):
        slots(datetime(2026, 3, 16, 9), OFFICE, production_calendar(), minutes=60, days=1)
    with pytest.raises(ValueError):
        slots(datetime(2026, 3, 16, 9, tzinfo=UTC), OFFICE, production_calendar(), minutes=0, days=1)


def test_a_time_outside_the_slots_is_refused_in_russian(bakery, fire_type):
    requirement = _my(bakery, fire_type)[0]
    sunday_3am = free_slots(fire_type)[0].astimezone(MSK)
    sunday_3am = (sunday_3am + timedelta(days=(6 - sunday_3am.weekday()) or 7)).replace(hour=3, minute=0)
    with pytest.raises(ValidationError) as error:
        prevention.book_consultation(bakery, fire_type, requirement, question="?", slot=sunday_3am)
    assert error.value.message_dict["slot"] == ["Выберите одно из свободных времён в часы приёма."]


def test_video_is_offered_only_with_a_video_room_and_the_booking_gets_its_link(bakery, fire_type):
    requirement = _my(bakery, fire_type)[0]
    assert "video" not in offered_channels(fire_type)
    with pytest.raises(ValidationError) as error:
        prevention.book_consultation(
            bakery, fire_type, requirement, question="?", slot=free_slots(fire_type)[0], mode="video"
        )
    assert "mode" in error.value.message_dict
    fire_type.consultation_video_url = "https://vks.example.gov.ru/room"
    fire_type.save()
    booked = prevention.book_consultation(
        bakery,
        fire_type,
        requirement,
        question="Кого назначить?",
        slot=free_slots(fire_type)[0],
        mode="video",
    )
    assert booked.video_link.startswith("https://vks.example.gov.ru/room/")
    assert booked.slot not in free_slots(fire_type)


def test_the_page_offers_the_free_slots_and_books_one(client, people, bakery, fire_type):
    client.force_login(people["business_representative"])
    html = client.get(f"/supervision/types/{fire_type.code}/").content.decode()
    first = free_slots(fire_type)[0]
    assert f'value="{first.isoformat()}"' in html
    assert 'type="datetime-local"' not in html
    requirement = _my(bakery, fire_type)[0]
    response = client.post(
        f"/supervision/types/{fire_type.code}/consult/",
        {
            "requirement": requirement.pk,
            "question": "Кого назначить?",
            "slot": first.isoformat(),
            "mode": "phone",
        },
    )
    assert response.status_code == 302
    booked = Consultation.objects.get()
    assert booked.mode == "phone"
    told = client.get(response["Location"]).content.decode()
    assert f'консультацию №\u00a0<span class="nowrap">{booked.reference}</span>' in told
    assert f"№ {booked.reference}," in client.get("/supervision/").content.decode()
    again = client.post(
        f"/supervision/types/{fire_type.code}/consult/",
        {"requirement": requirement.pk, "question": "Ещё", "slot": first.isoformat(), "mode": "phone"},
    )
    assert again.status_code == 422
    assert "Выберите корректный вариант" in again.content.decode()
