"""Support measures for business (issue 19, BIZ-7): rules over the business facts, the business's consent given by
its representative, proactive offers with their reasons, accept / decline, the business run, and who may see what."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import BusinessClient
from clientcentric.business import services as business_services
from clientcentric.business.models import BusinessProfile
from clientcentric.core.models import Notification
from clientcentric.delivery import business_population
from clientcentric.delivery.models import BusinessOffer, ConsentText, PopulationRun, ServiceRequest
from clientcentric.delivery.services import business_support
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import Service, Touchpoint
from clientcentric.rules import business as business_rules
from clientcentric.rules.facts import business as business_facts

TODAY = date(2026, 12, 7)


def _verdict(text, **facts):
    return business_rules.evaluate(text, facts, TODAY).outcome.value


def test_okved_prefix_matches_a_class_and_its_subclasses():
    rule = "any_prefix(okved, ('10.7', '56'))"
    assert _verdict(rule, okved=frozenset({"10.71"})) == "eligible"
    assert _verdict(rule, okved=frozenset({"56.10", "47.24"})) == "eligible"
    assert _verdict(rule, okved=frozenset({"10.11", "47.24"})) == "not_eligible"


def test_age_of_the_business_from_its_registration_date():
    rule = "age_at(registered_on) < 3"
    assert _verdict(rule, registered_on=date(2024, 12, 8)) == "eligible"  # 2 full years on 7 Dec 2026
    assert _verdict(rule, registered_on=date(2023, 12, 7)) == "not_eligible"  # 3 years that very day
    assert _verdict(rule) == "unknown"  # no registration date: never eligible by accident


def test_size_and_region_and_unknown_stays_unknown():
    rule = "size in ('micro', 'small') and region == '78'"
    assert _verdict(rule, size="small", region="78") == "eligible"
    assert _verdict(rule, size="medium", region="78") == "not_eligible"
    assert _verdict("size == 'small' and age_at(registered_on) < 3", size="small") == "unknown"
    assert _verdict("size == 'medium' and age_at(registered_on) < 3", size="small") == "not_eligible"


def test_business_facts_include_the_registration_date_and_objects(business_profile):
    business_profile.registered_on = date(2024, 5, 14)
    facts = business_facts.derive(business_profile, list(business_profile.control_objects.all()))
    assert facts["registered_on"] == date(2024, 5, 14)
    assert "production" in facts["premises_purposes"]
    assert facts["okved"] == frozenset({"10.71", "56.10"})


@pytest.fixture
def measures(db, agency):
    ConsentText.objects.create(
        version=1, text="Согласие на проверку мер поддержки.", valid_from=date(2020, 1, 1)
    )
    touchpoints = list(Touchpoint.objects.filter(code="portal"))
    made = {}
    for code, text in (
        ("grant-young", "size in ('micro', 'small') and age_at(registered_on) < 3"),
        ("bakery", "region == '78' and any_prefix(okved, ('10.71',)) and 'production' in premises_purposes"),
        ("export", "size == 'medium'"),
    ):
        service = registry_services.save_service(
            Service(code=code, name=f"Мера {code}", kind="support_measure", agency=agency),
            touchpoints=touchpoints,
        )
        made[code] = business_support.publish_rule(
            code, service, text, valid_from=date(2025, 1, 1), explain_yes=f"Подходит: {code}."
        )
    return made


def test_a_rule_that_does_not_compile_is_refused_in_russian(measures):
    with pytest.raises(ValidationError) as error:
        business_support.publish_rule(
            "bad", measures["bakery"].service, "okved_class == '10'", valid_from=date(2025, 1, 1)
        )
    assert "okved_class" in str(error.value)


def test_the_representative_consents_for_the_business_and_offers_follow(business_profile, measures, people):
    rep = people["business_representative"]
    consent = business_support.give_consent(business_profile.business, person=rep, on=TODAY)
    assert consent.given_by == rep and consent.representation.business == business_profile.business
    offers = {o.service.code: o for o in BusinessOffer.objects.filter(business=business_profile.business)}
    assert set(offers) == {"grant-young", "bakery"}  # export is for medium enterprises only
    assert offers["bakery"].outcome == "eligible"
    assert any("ОКВЭД" in r or "OKVED" in r for r in offers["bakery"].reasons)
    # The grant needs the registration date, which the profile lacks: the offer asks for one more fact.
    assert offers["grant-young"].outcome == "unknown"
    assert offers["grant-young"].missing == ["registered_on"]
    assert "registered_on" not in offers["grant-young"].explanation
    # The representative hears of each offer on their own channels (the notification chain).
    assert Notification.objects.filter(object_type="delivery.businessoffer").exists()
    receipt = business_support.consent_receipt(consent, "https://example.test", "Демо")
    assert receipt["piiPrincipalName"] == business_profile.business.name
    assert receipt["givenBy"]["basis"] == "устав"


def test_someone_who_does_not_represent_the_business_cannot_consent_for_it(
    business_profile, measures, people
):
    with pytest.raises(ValidationError) as error:
        business_support.give_consent(business_profile.business, person=people["client"], on=TODAY)
    assert error.value.code == "not_a_representative"
    assert not business_profile.business.support_consents.exists()


def test_no_consent_no_offers(business_profile, measures):
    counts = business_support.make_offers(business_profile.business, on=TODAY)
    assert counts["offers"] == 0 and counts["no_consent"] == 3


def test_offer_lifecycle_accept_makes_a_request_decline_is_final(business_profile, measures, people):
    rep = people["business_representative"]
    business_support.give_consent(business_profile.business, person=rep, on=TODAY)
    bakery = BusinessOffer.objects.get(service__code="bakery")
    request = business_support.accept_offer(bakery, person=rep)
    bakery.refresh_from_db()
    assert bakery.status == "accepted" and bakery.request == request
    assert request.data["inn"] == business_profile.business.inn and request.client == rep
    with pytest.raises(ValidationError):
        business_support.accept_offer(bakery, person=rep)
    grant = BusinessOffer.objects.get(service__code="grant-young")
    business_support.decline_offer(grant, person=rep)
    grant.refresh_from_db()
    assert grant.status == "declined"
    # A declined measure is not offered again.
    assert business_support.make_offers(business_profile.business, on=TODAY)["offers"] == 0


def test_revoking_the_consent_withdraws_open_offers(business_profile, measures, people):
    rep = people["business_representative"]
    consent = business_support.give_consent(business_profile.business, person=rep, on=TODAY)
    assert business_support.revoke_consent(consent, person=rep) == 2
    assert set(BusinessOffer.objects.values_list("status", flat=True)) == {"withdrawn"}


def test_an_offer_that_no_longer_fits_is_refused_on_accept(business_profile, measures, people):
    rep = people["business_representative"]
    business_support.give_consent(business_profile.business, person=rep, on=TODAY)
    business_profile.region = "47"
    business_services.save_profile(business_profile)
    with pytest.raises(ValidationError):
        business_support.accept_offer(BusinessOffer.objects.get(service__code="bakery"), person=rep)
    assert not ServiceRequest.objects.exists()


def test_the_business_run_is_resumable(business_profile, measures, people):
    rep = people["business_representative"]
    business_support.give_consent(business_profile.business, person=rep, on=TODAY)
    BusinessOffer.objects.all().delete()
    # A run cut short: its checkpoint is past this business, so the next run of that date skips it.
    PopulationRun.objects.create(
        on=TODAY, subject="business", started_at=timezone.now(), last_client_id=business_profile.business.pk
    )
    assert business_population.run_businesses(TODAY).businesses == 0
    report = business_population.run_businesses(TODAY)
    assert report.businesses == 1 and report.offers == 2


def test_the_staff_command_runs_the_businesses(business_profile, measures, people, capsys):
    business_support.give_consent(
        business_profile.business, person=people["business_representative"], on=TODAY
    )
    BusinessOffer.objects.all().delete()
    call_command("eligibility", "run-business", "--on", TODAY.isoformat())
    assert "2 offer(s)" in capsys.readouterr().out


# --- pages and access -----------------------------------------------------------------------------------


@pytest.fixture
def other_business(db, people):
    from clientcentric.accounts.models import Role

    other_rep = accounts_services.create_person(
        username="other-rep", password="x-Pass-12345", role=Role.BUSINESS_REPRESENTATIVE
    )
    business = accounts_services.save_business(
        BusinessClient(name="ООО «Соседи»", kind="legal_entity", inn="7736050003")
    )
    accounts_services.appoint_representative(
        person=other_rep, business=business, basis="устав", valid_from=date(2020, 1, 1)
    )
    business_services.save_profile(
        BusinessProfile(business=business, ogrn="1027700070518", okved=["47.11"], size="micro", region="78")
    )
    return other_rep


def test_the_support_page_shows_offers_with_reasons_and_accepts(client, business_profile, measures, people):
    rep = people["business_representative"]
    client.force_login(rep)
    response = client.post("/business/support/", {"scope": "all"})
    assert response.status_code == 302
    page = client.get("/business/support/").content.decode()
    assert "Мера bakery" in page and "Подходит: bakery." in page
    home = client.get("/business/").content.decode()
    assert "Мера bakery" in home
    offer = BusinessOffer.objects.get(service__code="bakery")
    response = client.post(f"/business/support/offers/{offer.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == "/done/"  # the confirmation page
    offer.refresh_from_db()
    assert offer.status == "accepted"


def test_another_business_cannot_see_or_answer_the_offers(
    client, business_profile, measures, people, other_business
):
    business_support.give_consent(
        business_profile.business, person=people["business_representative"], on=TODAY
    )
    offer = BusinessOffer.objects.get(service__code="bakery")
    consent = business_profile.business.support_consents.get()
    client.force_login(other_business)
    page = client.get("/business/support/").content.decode()
    assert "Подходит: bakery." not in page
    assert client.post(f"/business/support/offers/{offer.pk}/accept/").status_code == 404
    assert client.post(f"/business/support/offers/{offer.pk}/decline/").status_code == 404
    assert client.get(f"/business/support/consents/{consent.pk}/receipt.json").status_code == 404
    assert client.post(f"/business/support/consents/{consent.pk}/revoke/").status_code == 404
    offer.refresh_from_db()
    assert offer.status == "open"
    # A person client has no business pages at all.
    client.force_login(people["client"])
    assert client.get("/business/support/").status_code in (302, 403)
