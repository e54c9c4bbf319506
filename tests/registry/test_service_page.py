"""A service page leads somewhere: who, what it takes, where and how, and the way in (issue 18)."""

import pytest

from clientcentric.registry import services
from clientcentric.registry.models import Service, Touchpoint


@pytest.fixture
def described(registry):
    service = registry["service"]
    service.eligibility = "Граждане, достигшие пенсионного возраста"
    service.documents = "Паспорт\n— СНИЛС\n\n"
    service.cost = "Бесплатно"
    service.duration = "До 10 рабочих дней"
    service.apply_url = "https://www.gosuslugi.ru/search?query=pension"
    service.address = "Санкт-Петербург, ул. Ефимова, 6"
    service.hours = "пн–чт 9:00–18:00"
    service.phone = "8 (800) 100-00-01"
    return services.save_service(
        service, touchpoints=Touchpoint.objects.filter(code__in=["portal", "in_person", "call_centre"])
    )


def test_service_page_says_who_what_it_takes_and_where(client, described):
    page = client.get("/services/pension-assign/").content.decode()
    assert "Граждане, достигшие пенсионного возраста" in page
    assert "<li>Паспорт</li>" in page and "<li>СНИЛС</li>" in page
    assert "Бесплатно" in page and "До 10 рабочих дней" in page
    assert "Санкт-Петербург, ул. Ефимова, 6" in page and "пн–чт 9:00–18:00" in page
    assert 'href="tel:88001000001"' in page


def test_service_page_links_to_apply_online(client, described):
    page = client.get("/services/pension-assign/").content.decode()
    assert 'href="https://www.gosuslugi.ru/search?query=pension"' in page
    assert "Подать заявление онлайн" in page


def test_service_without_details_still_tells_whom_to_ask(client, registry):
    page = client.get("/services/pension-assign/").content.decode()
    assert "Уточните в ведомстве" in page
    assert "Услуга не оформляется онлайн" in page


def test_service_whose_need_takes_appeals_offers_the_appeal_form(client, registry):
    from clientcentric.appeals.models import NeedTopic

    NeedTopic.objects.create(topic="Пенсии", need=registry["met"])
    page = client.get("/services/pension-assign/").content.decode()
    assert 'href="/appeals/new/"' in page


def test_service_is_not_listed_as_meeting_a_need_that_cannot_be_met(client, registry):
    services.save_need(
        registry["cannot"], life_situations=[registry["pension"]], services=[registry["service"]]
    )
    page = client.get("/services/pension-assign/").content.decode()
    needs_met = page.split("Какие потребности удовлетворяет")[1].split("</ul>")[0]
    assert "Выйти на пенсию раньше срока" not in needs_met
    assert "Получать пенсии вовремя" in needs_met
    assert "Предлагается взамен" in page

    need_page = client.get("/needs/early-pension/").content.decode()
    assert "Что можно сделать вместо этого" in need_page
    assert "Услуги, которые удовлетворяют эту потребность" not in need_page


def test_new_service_columns_round_trip_through_open_data(client, described):
    rows = client.get("/open-data/registry.json").json()["sheets"]["services"]
    row = next(r for r in rows if r["code"] == "pension-assign")
    assert row["cost"] == "Бесплатно" and row["hours"] == "пн–чт 9:00–18:00"
    assert Service.objects.get(code="pension-assign").document_list == ["Паспорт", "СНИЛС"]


def test_demo_registry_fills_the_new_fields_for_its_main_services(db):
    from clientcentric.registry.demo import load_registry

    assert load_registry().ok
    passport = Service.objects.get(code="passport-issue")
    assert passport.cost and passport.duration and passport.document_list and passport.apply_url
    assert passport.address and passport.hours
