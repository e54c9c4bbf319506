"""The business's own pages: its personal list, why and why not, unknowns, assessments, costs, its profile."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clientcentric.business import selectors, services
from clientcentric.business.models import Assessment, BusinessProfile, ControlObject

ON = date(2026, 6, 1)


def _ids(entries):
    return {e.requirement["id"] for e in entries}


def test_the_list_holds_what_applies_and_asks_for_what_is_missing(acts, business_profile):
    result = selectors.personal_list(business_profile, ON)
    assert _ids(result.applies) == {acts["fire_all"].pk}
    # No employee count given: the drill rule (employees >= 50) is unknown, not silently «no».
    assert _ids(result.unknown) == {acts["fire_big"].pk, acts["power_check"].pk}
    missing = {e.requirement["id"]: e.missing for e in result.unknown}
    assert missing[acts["fire_big"].pk] == ["employees"]
    assert missing[acts["power_check"].pk] == ["has_electrical_installation"]
    assert {name for name, _label, _n in result.missing_facts} == {"employees", "has_electrical_installation"}
    # No warehouse and no electrical installation listed (the list is not declared complete): the warehouse rule
    # is false because the premises are known; the electrical act is unknown.
    assert result.not_applicable_count == 1


def test_object_facts_are_known_once_the_list_of_objects_is_complete(acts, business_profile):
    business_profile.objects_complete = True
    business_profile.employees = 80
    services.save_profile(business_profile)
    result = selectors.personal_list(business_profile, ON)
    assert _ids(result.applies) == {acts["fire_all"].pk, acts["fire_big"].pk}
    assert result.unknown == []


def test_an_electrical_installation_brings_its_act_in(acts, business_profile):
    services.save_object(
        ControlObject(profile=business_profile, kind="electrical", name="ТП", voltage_kv=Decimal("0.4"))
    )
    result = selectors.personal_list(business_profile, ON)
    assert acts["power_check"].pk in _ids(result.applies)
    entry = next(e for e in result.applies if e.requirement["id"] == acts["power_check"].pk)
    assert ("есть ли электроустановки", "да") in entry.reasons


def test_a_warehouse_brings_the_warehouse_item_in_with_its_reason(acts, business_profile):
    services.save_object(
        ControlObject(
            profile=business_profile, kind="premises", name="Склад", area=Decimal("100"), purpose="warehouse"
        )
    )
    result = selectors.personal_list(business_profile, ON)
    entry = next(e for e in result.applies if e.requirement["id"] == acts["fire_warehouse"].pk)
    assert entry.explanation == "У вас есть склад."
    assert entry.in_force_from == date(2026, 3, 1)


def test_cost_uses_registry_defaults_and_the_business_own_figures(acts, business_profile):
    business_profile.employees, business_profile.hourly_rate = 60, Decimal("500")
    services.save_profile(business_profile)
    result = selectors.personal_list(business_profile, ON)
    assert selectors.cost_report(business_profile, result.applies).total == Decimal(
        "5000.00"
    )  # (3×500+1000)×2
    services.save_assessment(business_profile, acts["fire_big"], cost_frequency=Decimal("4"))
    result = selectors.personal_list(business_profile, ON)
    assert selectors.cost_report(business_profile, result.applies).total == Decimal("10000.00")
    services.save_assessment(business_profile, acts["fire_big"], applies=Assessment.Applies.DISPUTED)
    result = selectors.personal_list(business_profile, ON)
    assert selectors.cost_report(business_profile, result.applies).total == Decimal("0")


def test_a_flag_needs_the_other_requirement(acts, business_profile):
    with pytest.raises(ValidationError):
        services.save_assessment(business_profile, acts["fire_all"], flag="duplicate")
    saved = services.save_assessment(
        business_profile, acts["fire_all"], flag="duplicate", flagged_with=acts["power_check"]
    )
    assert saved.flagged_with == acts["power_check"]


def test_ratings_outside_1_to_5_are_refused(acts, business_profile):
    with pytest.raises(ValidationError):
        services.save_assessment(business_profile, acts["fire_all"], clarity=6)


def test_a_profile_with_a_bad_ogrn_or_an_unknown_okved_is_refused_and_nothing_changes(business_profile):
    profile = BusinessProfile.objects.get(pk=business_profile.pk)
    profile.ogrn, profile.okved = "1027700132194", ["56.10", "04.1"]
    with pytest.raises(ValidationError) as caught:
        services.save_profile(profile)
    assert set(caught.value.message_dict) == {"ogrn", "okved"}
    assert "04.1" in caught.value.message_dict["okved"][0]
    assert BusinessProfile.objects.get(pk=business_profile.pk).ogrn == "1027700132195"


def test_a_sole_proprietor_needs_an_ogrnip(business_profile):
    business = business_profile.business
    business.kind = "entrepreneur"
    with pytest.raises(ValidationError) as caught:
        services.validate_profile_of(business, business_profile)
    assert {"ogrn", "inn"} <= set(caught.value.message_dict)


def test_the_business_sees_its_list_page(client, people, acts, business_profile):
    client.force_login(people["business_representative"])
    page = client.get("/business/").content.decode()
    assert "Правила противопожарного режима" in page
    assert "Руководитель обязан назначить ответственного." in page


def test_the_business_rates_a_requirement_through_the_page(client, people, acts, business_profile):
    client.force_login(people["business_representative"])
    url = f"/business/requirements/{acts['fire_all'].pk}/"
    response = client.post(
        url,
        {
            "applies": "confirmed",
            "clarity": "2",
            "feasibility": "4",
            "comment": "Неясно, кто именно",
            "flag": "",
        },
    )
    assert response.status_code == 302
    saved = Assessment.objects.get(profile=business_profile, requirement=acts["fire_all"])
    assert (saved.applies, saved.clarity, saved.feasibility) == ("confirmed", 2, 4)


def test_an_empty_first_assessment_is_refused_not_thanked_for(client, people, acts, business_profile):
    client.force_login(people["business_representative"])
    url = f"/business/requirements/{acts['fire_all'].pk}/"

    response = client.post(url, {"applies": "", "clarity": "", "feasibility": "", "comment": "", "flag": ""})

    assert response.status_code == 422
    assert "Сохранять нечего" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_first_assessment_of_zero_hours_is_an_answer(client, people, acts, business_profile):
    client.force_login(people["business_representative"])
    url = f"/business/requirements/{acts['fire_all'].pk}/"

    response = client.post(url, {"applies": "", "comment": "", "flag": "", "cost_hours": "0"})

    assert response.status_code == 302
    assert Assessment.objects.get(profile=business_profile, requirement=acts["fire_all"]).cost_hours == 0


def test_a_bad_flag_on_the_page_says_what_is_wrong(client, people, acts, business_profile):
    client.force_login(people["business_representative"])
    url = f"/business/requirements/{acts['fire_all'].pk}/"
    response = client.post(url, {"flag": "duplicate", "other_item": "НЕТ 99"})
    assert response.status_code == 422
    assert not Assessment.objects.exists()


def test_the_profile_page_shows_errors_next_to_fields(client, people, business_profile):
    client.force_login(people["business_representative"])
    data = {
        "name": "ООО «Пекарня»",
        "kind": "legal_entity",
        "inn": "7707083893",
        "ogrn": "1027700132194",
        "okved": "56.10, 99.99.99.9",
        "size": "small",
        "region": "78",
        "works_at_height": "unknown",
    }
    response = client.post("/business/profile/", data)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"ogrn", "okved"}
    data_bad_inn = {**data, "inn": "7707083894"}
    assert "inn" in client.post("/business/profile/", data_bad_inn).context["form"].errors
    data.update(ogrn="1027700132195", okved="56.10, 47.11", employees="12")
    assert client.post("/business/profile/", data).status_code == 302
    assert BusinessProfile.objects.get(pk=business_profile.pk).okved == ["56.10", "47.11"]


def test_another_business_object_cannot_be_removed(client, people, business_profile):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import BusinessClient

    stranger = accounts_services.save_business(
        BusinessClient(name="Чужая", kind="legal_entity", inn="7736050003")
    )
    foreign = services.save_object(
        ControlObject(
            profile=services.save_profile(
                BusinessProfile(
                    business=stranger, ogrn="1027739642281", okved=["47.11"], size="micro", region="77"
                )
            ),
            kind="premises",
            name="Чужой склад",
            area=Decimal("50"),
        )
    )
    client.force_login(people["business_representative"])
    assert client.post(f"/business/objects/{foreign.pk}/delete/").status_code == 404
    assert ControlObject.objects.filter(pk=foreign.pk).exists()
