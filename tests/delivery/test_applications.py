"""Applications the client starts (DEL-3, DEL-4): the short form, the live verdict, the measured time and fields."""

import io
from datetime import date

import pytest
from PIL import Image

from clientcentric.delivery import effort, timing
from clientcentric.delivery.models import EligibilityRule, Offer, ServiceRequest, ServiceTerms
from clientcentric.delivery.services import applications
from clientcentric.delivery.services import rules as rule_services

from .conftest import make_client


def _open_form(client, code="pension-assign"):
    response = client.get(f"/me/apply/{code}/")
    assert response.status_code == 200
    return response, response.context["form"]["token"].value()


def _form_values(response) -> dict:
    """What the browser sends back when the client changes nothing: every prefilled value as shown."""
    form = response.context["form"]
    values = {}
    for name in form.fields:
        if name == "documents":
            continue
        value = form[name].value()
        values[name] = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return values


@pytest.fixture
def young(db, consent_text):
    return make_client("young", snils_number=223456789, birth=date(1990, 4, 1))


@pytest.fixture
def family_rule(registry, low_income, moving_service):
    """A rule over a household fact the platform cannot derive for a client without a household."""
    rule = rule_services.save_rule(
        EligibilityRule(
            rule_id="moving_help",
            service=moving_service,
            text="n_under_18 >= 3",
            valid_from=date(2016, 1, 1),
            explain_yes="В семье трое детей и больше: помощь при переезде положена.",
            explain_no="Помощь положена семьям с тремя детьми и больше.",
            examples=[
                {"on": "2026-01-01", "facts": {"n_under_18": 3}, "expect": "eligible"},
                {"on": "2026-01-01", "facts": {"n_under_18": 1}, "expect": "not_eligible"},
            ],
        )
    )
    return rule_services.publish_rule(rule)


@pytest.fixture
def moving_service(registry, agency):
    from clientcentric.registry import services
    from clientcentric.registry.models import EffortClass, Service, Touchpoint

    service = services.save_service(
        Service(
            code="moving-help",
            name="Помощь многодетной семье при переезде",
            agency=agency,
            effort_class=EffortClass.FIVE_MINUTES,
            documents="Паспорт\nСвидетельства о рождении детей",
        ),
        touchpoints=Touchpoint.objects.filter(code="portal"),
    )
    registry["moving_service"] = service
    return service


def test_a_client_who_is_known_applies_in_one_click_and_gets_the_decision_at_once(
    client, pensioner, registry, pension_rule
):
    client.force_login(pensioner)
    response, _token = _open_form(client)
    plan = response.context["plan"]
    assert [f.name for f in plan.fields] == ["birth_date", "citizenship"]
    assert all(f.source == "profile" for f in plan.fields)
    assert "Вам исполнилось 60 лет" in response.content.decode()
    page = client.post("/me/apply/pension-assign/", _form_values(response), follow=True)
    assert page.redirect_chain[-1][0] == "/done/"
    assert "Заявление одобрено" in page.content.decode()
    request = ServiceRequest.objects.get(client=pensioner)
    assert request.status == "approved" and request.fields_typed == 0 and request.offer is None
    assert request.data["origin"] == "application" and request.data["answers"] == {}
    assert request.prefilled == ["birth_date", "citizenship"]
    assert 0 <= request.seconds < 60


def test_an_ineligible_client_sees_the_reason_in_plain_russian(client, young, registry, pension_rule):
    client.force_login(young)
    response, _token = _open_form(client)
    html = response.content.decode()
    assert "По правилам услуга вам не положена" in html and "Пенсия по старости назначается с 60 лет." in html
    partial = client.post("/me/apply/pension-assign/check/", _form_values(response))
    assert "Пенсия по старости назначается с 60 лет." in partial.content.decode()


def test_the_verdict_changes_as_the_client_corrects_a_value(client, young, registry, pension_rule):
    client.force_login(young)
    response, _token = _open_form(client)
    values = {**_form_values(response), "birth_date": "1950-01-01"}
    partial = client.post("/me/apply/pension-assign/check/", values).content.decode()
    assert "Вам исполнилось 60 лет" in partial and "Услуга вам положена" in partial
    young.client_profile.refresh_from_db()
    assert young.client_profile.birth_date == date(1990, 4, 1)  # checking stores nothing


def test_a_corrected_prefilled_value_is_stored_as_typed(client, young, registry, pension_rule):
    client.force_login(young)
    response, _token = _open_form(client)
    values = {**_form_values(response), "birth_date": "1955-06-30"}
    client.post("/me/apply/pension-assign/", values)
    request = ServiceRequest.objects.get(client=young)
    young.client_profile.refresh_from_db()
    assert young.client_profile.birth_date == date(1955, 6, 30)
    assert request.data["answers"] == {"birth_date": "1955-06-30"} and request.fields_typed == 1
    assert request.status == "approved"


def _child_of_unknown_age(person):
    """A household member without a birth date: the number of children is then unknown, never a guess."""
    from clientcentric.delivery.models import HouseholdMember
    from clientcentric.delivery.services import profiles as profile_services

    profile_services.save_household_member(
        HouseholdMember(profile=person.client_profile, name="Пётр", relation="child")
    )


def test_a_missing_fact_is_asked_for_and_the_answer_kept_for_next_time(
    client, young, moving_service, family_rule
):
    _child_of_unknown_age(young)
    client.force_login(young)
    response, _token = _open_form(client, "moving-help")
    plan = response.context["plan"]
    assert [(f.name, f.kind, f.source) for f in plan.fields] == [("n_under_18", "fact", "")]
    html = response.content.decode()
    assert "Нужен ещё один факт" in html and "сколько детей до 18 лет" in html.lower()
    empty = client.post("/me/apply/moving-help/", _form_values(response))
    assert empty.status_code == 422 and "n_under_18" in empty.context["form"].errors
    assert not ServiceRequest.objects.exists()
    client.post("/me/apply/moving-help/", {**_form_values(response), "n_under_18": "3"})
    request = ServiceRequest.objects.get(client=young)
    assert request.fields_typed == 1 and request.status == "approved"
    young.client_profile.refresh_from_db()
    assert young.client_profile.stated_facts == {"n_under_18": 3}
    again = applications.plan_for(young, moving_service)
    assert again.fields[0].initial == 3 and again.fields[0].source == "earlier"


def test_an_ineligible_request_waits_for_an_official_with_its_date(client, young, registry, pension_rule):
    client.force_login(young)
    response, _token = _open_form(client)
    page = client.post("/me/apply/pension-assign/", _form_values(response), follow=True)
    request = ServiceRequest.objects.get(client=young)
    assert request.status == "submitted" and request.decision_due is not None
    html = page.content.decode()
    assert "Заявление отправлено" in html and "примет решение до" in html


def test_documents_are_attached_and_a_wrong_file_is_refused_by_name(
    client, young, moving_service, family_rule
):
    _child_of_unknown_age(young)
    client.force_login(young)
    response, _token = _open_form(client, "moving-help")
    values = {**_form_values(response), "n_under_18": "3"}
    script = io.BytesIO(b"#!/bin/sh\necho hi\n")
    script.name = "паспорт.pdf"
    refused = client.post("/me/apply/moving-help/", {**values, "documents": script})
    assert refused.status_code == 422 and "паспорт.pdf" in refused.content.decode()
    assert not ServiceRequest.objects.exists()
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(photo, format="JPEG")
    photo.seek(0)
    photo.name = "свидетельство.jpg"
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    pdf.name = "паспорт.pdf"
    client.post("/me/apply/moving-help/", {**values, "documents": [photo, pdf]})
    request = ServiceRequest.objects.get(client=young)
    assert sorted(d.content_type for d in request.documents.all()) == ["application/pdf", "image/jpeg"]


def test_time_to_submit_comes_from_the_server_token_not_the_browser(pensioner, young):
    token = timing.start_token(pensioner.pk, 7, now=1000.0)
    assert timing.seconds_since(token, pensioner.pk, 7, now=1042.5) == 42.5
    assert timing.seconds_since(token, young.pk, 7, now=1042.5) is None  # someone else's form
    assert timing.seconds_since(token, pensioner.pk, 8, now=1042.5) is None  # another service's form
    assert timing.seconds_since(token + "x", pensioner.pk, 7) is None
    assert timing.seconds_since(token, pensioner.pk, 7, now=0.0) == 0.0  # never negative


def test_a_forged_token_is_refused_and_nothing_is_stored(client, pensioner, registry, pension_rule):
    client.force_login(pensioner)
    response, _token = _open_form(client)
    forged = client.post("/me/apply/pension-assign/", {**_form_values(response), "token": "1.5"})
    assert forged.status_code == 422 and "Форма устарела" in forged.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_service_without_an_application_says_what_happens_and_takes_no_request(
    client, pensioner, registry, pension_rule
):
    ServiceTerms.objects.create(
        service=registry["service"],
        mode=ServiceTerms.Mode.AUTOMATIC,
        what_happens="Пенсию назначат в течение 10 дней по сведениям Социального фонда.",
    )
    client.force_login(pensioner)
    page = client.get("/me/apply/pension-assign/").content.decode()
    assert "Заявление не нужно" in page and "Пенсию назначат в течение 10 дней" in page
    assert 'id="apply"' not in page
    client.post("/me/apply/pension-assign/", {"birth_date": "1960-03-01", "citizenship": "rf"})
    assert not ServiceRequest.objects.exists()
    public = client.get("/services/pension-assign/").content.decode()
    assert "Пенсию назначат в течение 10 дней" in public and "/me/apply/pension-assign/" not in public


def test_the_service_page_leads_to_the_application(client, registry, pension_rule):
    html = client.get("/services/pension-assign/").content.decode()
    assert 'href="/me/apply/pension-assign/"' in html and "Подать заявление на портале" in html


def test_an_open_offer_is_accepted_by_the_application(client, pensioner, registry, pension_rule):
    from clientcentric.delivery.services import consents as consent_services
    from clientcentric.delivery.services import reevaluation

    consent_services.give_consent(pensioner, life_situation=registry["pension"])
    reevaluation.reevaluate_client(pensioner.pk)
    offer = Offer.objects.get(client=pensioner)
    client.force_login(pensioner)
    response, _token = _open_form(client)
    client.post("/me/apply/pension-assign/", _form_values(response))
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.request.client == pensioner


def test_a_second_application_for_the_same_service_leads_to_the_first(
    client, pensioner, registry, pension_rule
):
    client.force_login(pensioner)
    response, _token = _open_form(client)
    client.post("/me/apply/pension-assign/", _form_values(response))
    first = ServiceRequest.objects.get(client=pensioner)
    again = client.get("/me/apply/pension-assign/")
    assert again.status_code == 302 and again.url == f"/me/requests/{first.pk}/"


def test_a_service_the_platform_does_not_deliver_cannot_be_applied_for(client, pensioner, registry):
    client.force_login(pensioner)
    assert client.get("/me/apply/pension-assign/").status_code == 404


def test_the_list_names_what_can_be_applied_for(client, pensioner, registry, pension_rule):
    client.force_login(pensioner)
    html = client.get("/me/apply/").content.decode()
    assert "Назначение страховой пенсии по старости" in html


@pytest.mark.parametrize(
    ("effort_class", "seconds", "typed", "expected"),
    [
        (effort.ONE_CLICK, 200.0, 0, True),
        (effort.ONE_CLICK, 3.0, 1, False),
        (effort.FIVE_MINUTES, 299.0, 6, True),
        (effort.FIVE_MINUTES, 301.0, 0, False),
        (effort.TEN_MINUTES, 600.0, 12, True),
        (effort.TEN_MINUTES, 601.0, 0, False),
        ("other", 5000.0, 40, None),
    ],
)
def test_a_request_is_within_its_class(effort_class, seconds, typed, expected):
    assert effort.within(effort_class, seconds, typed) is expected


def test_staff_see_time_to_submit_per_service_of_their_agency_only(
    client, people, pensioner, registry, pension_rule
):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.accounts.roles import Role

    client.force_login(pensioner)
    response, _token = _open_form(client)
    client.post("/me/apply/pension-assign/", _form_values(response))
    client.force_login(people["methodologist"])
    page = client.get("/operator/requests/effort/")
    row = page.context["rows"][0]
    assert row.requests == 1 and row.one_click == 1 and row.within == 1 and row.within_share == 1
    assert "Назначение страховой пенсии по старости" in page.content.decode()
    other = accounts_services.save_agency(Agency(code="mfc", name="МФЦ", level="regional", kind="executive"))
    outsider = accounts_services.create_person(
        username="other-analyst", password="test-pass-2026", role=Role.ANALYST, agency=other
    )
    client.force_login(outsider)
    assert client.get("/operator/requests/effort/").context["rows"] == []


def test_an_automatic_approval_says_from_when_how_much_and_what_next(
    client, pensioner, registry, pension_rule
):
    import re

    from clientcentric.delivery.services import profiles as profile_services

    profile = profile_services.profile_of(pensioner)
    profile.income_monthly = 15000
    profile_services.save_profile(profile)
    applications.save_terms(
        ServiceTerms(
            service=registry["service"],
            decision_days=10,
            approval_text="Пенсия назначена с {start}. Вы будете получать {P.low_income - salary} ₽ в месяц. "
            "Деньги придут на вашу карту. Больше ничего делать не нужно.",
        )
    )
    client.force_login(pensioner)
    response, _token = _open_form(client)
    page = client.post("/me/apply/pension-assign/", _form_values(response), follow=True)
    request = ServiceRequest.objects.get(client=pensioner)
    assert request.status == "approved"
    assert re.search(r"Пенсия назначена с 1 \w+ 20\d\d\. Вы будете получать 5\s000 ₽", request.explanation)
    assert "Пенсия назначена с" in page.content.decode()
    client.force_login(pensioner)
    assert "Больше ничего делать не нужно" in client.get(f"/me/requests/{request.pk}/").content.decode()


def test_an_approval_text_naming_an_unknown_fact_is_refused(registry, pension_rule):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        applications.save_terms(ServiceTerms(service=registry["service"], approval_text="Вам {shoe_size} ₽."))
    assert "shoe_size" in str(error.value.message_dict["approval_text"])


def test_the_demo_approvals_filled_in_are_plain_russian_within_the_default_limits():
    from decimal import Decimal

    from clientcentric.core import plain_russian
    from clientcentric.delivery.demo import APPROVALS
    from clientcentric.engines.rules.parameters import Parameters
    from clientcentric.engines.text.plain_russian import is_over_limit

    parameters = Parameters(
        {
            "pensioner_minimum": [(date(2026, 1, 1), Decimal("16288"))],
            "subsistence_minimum": [(date(2026, 1, 1), Decimal("18939"))],
        }
    )
    for code, text in APPROVALS.items():
        filled = applications.approval_text(
            ServiceTerms(approval_text=text, decision_days=10),
            {"salary": Decimal("14500")},
            date(2026, 12, 7),
            parameters,
        )
        assert "{" not in filled, code
        result = plain_russian.check(filled)
        assert not is_over_limit(result), (code, result.flesch_reading_ease, result.fk_grade)
    supplement = APPROVALS["federal-social-supplement"]
    filled = applications.approval_text(
        ServiceTerms(approval_text=supplement), {"salary": Decimal("14500")}, date(2026, 12, 7), parameters
    )
    assert filled.startswith("Доплата назначена с 1 января 2027. Вы будете получать 1")


def test_the_time_to_submit_page_is_reachable_from_the_staff_menu(
    client, people, pensioner, registry, pension_rule
):
    client.force_login(pensioner)
    response, _token = _open_form(client)
    client.post("/me/apply/pension-assign/", _form_values(response))
    for role in ("analyst", "methodologist"):
        client.force_login(people[role])
        home = client.get("/").content.decode()
        assert 'href="/operator/requests/effort/"' in home and "Время подачи заявления по услугам" in home
        page = client.get("/operator/requests/effort/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Назначение страховой пенсии по старости" in html and "100" in html
    client.force_login(people["operator"])
    home = client.get("/").content.decode()
    assert 'href="/operator/requests/effort/"' not in home and 'href="/operator/requests/"' in home
    assert client.get("/operator/requests/effort/").status_code == 403
    client.force_login(pensioner)
    assert 'href="/operator/requests/effort/"' not in client.get("/").content.decode()


def test_a_request_that_needs_an_official_is_decided_on_their_page_and_the_client_is_told(
    client, people, young, registry, pension_rule
):
    from clientcentric.core.models import Notification

    client.force_login(young)
    response, _token = _open_form(client)
    client.post("/me/apply/pension-assign/", _form_values(response))
    request = ServiceRequest.objects.get(client=young)
    assert request.status == "submitted"
    client.force_login(people["operator"])
    assert f'href="/operator/requests/{request.pk}/"' in client.get("/operator/requests/").content.decode()
    decided = client.post(
        f"/operator/requests/{request.pk}/",
        {
            "decision": "approve",
            "explanation": "Пенсия назначена с 1 июля. Вы будете получать её на карту каждый месяц. "
            "Больше ничего делать не нужно.",
        },
    )
    assert decided.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == people["operator"]
    assert Notification.objects.filter(
        object_type="delivery.servicerequest", object_id=str(request.pk), subject__startswith="Одобрено"
    ).exists()
    client.force_login(young)
    assert "Пенсия назначена с 1 июля" in client.get(f"/me/requests/{request.pk}/").content.decode()


def test_a_service_not_offered_in_the_scenario_can_be_applied_for_yourself(
    client, young, registry, pension_rule
):
    from clientcentric.delivery.services import life_events

    life_events.open_life_situation(young, registry["pension"], actor=young)
    client.force_login(young)

    page = client.get("/me/").content.decode()
    assert 'href="/me/apply/pension-assign/">подать заявление самому</a>' in page

    ServiceTerms.objects.create(
        service=registry["service"], mode=ServiceTerms.Mode.AUTOMATIC, what_happens="Назначат без заявления."
    )
    assert "подать заявление самому" not in client.get("/me/").content.decode()
