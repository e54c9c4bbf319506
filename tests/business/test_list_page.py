"""The personal list page (issue 19): search, filters, paging, what matters most, no rule syntax on screen."""

from decimal import Decimal

import pytest

from clientcentric.business import list_selectors, services
from clientcentric.business.models import Requirement


@pytest.fixture
def many(acts, business_profile):
    """Thirty more general fire-safety items, so the list runs to two pages."""
    for n in range(30):
        services.save_requirement(
            Requirement(
                act=acts["fire"],
                item_no=str(100 + n),
                position=100 + n,
                text=f"{100 + n}. Руководитель организации обеспечивает проверку двери № {n}.",
                subject="Здания и помещения: общие требования",
                subject_kind="object",
            )
        )
    return acts


def _page(client, people, **params):
    client.force_login(people["business_representative"])
    response = client.get("/business/", params)
    assert response.status_code == 200
    return response


def test_the_list_is_paged_and_grouped_by_object(client, people, many):
    first = _page(client, people)
    assert first.context["found"] == 33  # 31 apply; the «50 people» item and the electrical act wait for data
    assert len(first.context["page"].object_list) == list_selectors.PAGE_SIZE
    html = first.content.decode()
    assert "Здания и помещения: общие требования" in html
    second = _page(client, people, page=2)
    assert len(second.context["page"].object_list) == 33 - list_selectors.PAGE_SIZE


def test_search_finds_the_item_by_its_words(client, people, many):
    assert _page(client, people, q="проверку двери").context["found"] == 30
    assert _page(client, people, q="ОТВЕТСТВЕННОГО").context["found"] == 1  # «назначить ответственного»
    assert _page(client, people, q="двери горючие").context["found"] == 0


def test_the_status_filter_keeps_what_the_business_disputed(client, people, many, business_profile):
    services.save_assessment(business_profile, many["fire_all"], applies="disputed")
    disputed = _page(client, people, status="disputed")
    assert [i.pk for i in disputed.context["page"].object_list] == [many["fire_all"].pk]
    assert _page(client, people, status="confirmed").context["found"] == 0


def test_may_apply_lists_what_waits_for_data(client, people, many):
    # The bakery has not said how many employees it has, nor that its list of objects is complete.
    unknown = _page(client, people, status="unknown")
    assert {i.pk for i in unknown.context["page"].object_list} == {
        many["fire_big"].pk,
        many["power_check"].pk,
    }


def test_the_act_and_risk_filters(client, people, many):
    by_act = _page(client, people, act=str(many["fire"].pk))
    assert {i.entry.act.pk for i in by_act.context["page"].object_list} == {many["fire"].pk}
    services.save_requirement(
        Requirement(act=many["fire"], item_no="77", position=77, text="77. Запрещается курить в цехе.")
    )
    high = _page(client, people, risk="high")
    assert [i.entry.requirement["item_no"] for i in high.context["page"].object_list] == ["77"]


def test_what_matters_most_puts_costly_obligations_first(client, people, many, business_profile):
    services.save_requirement(
        Requirement(
            act=many["fire"],
            item_no="88",
            position=88,
            text="88. Руководитель организации обеспечивает обучение ежегодно.",
            cost_hours=Decimal("10"),
            cost_out_of_pocket=Decimal("3500"),
            cost_frequency=Decimal("1"),
        )
    )
    top = _page(client, people).context["top"]
    assert top and top[0].entry.requirement["item_no"] == "88"
    assert _page(client, people, q="обучение").context["top"] == []  # a search shows only what it found


def test_no_rule_syntax_or_internal_code_reaches_the_page(client, people, many):
    html = _page(client, people, status="unknown").content.decode()
    for raw in ("employees >= 50", "has_premises", "premises_purposes", ">ППР<"):
        assert raw not in html
    assert "Правила противопожарного режима" in html


def test_the_requirement_page_says_why_in_words(client, people, many):
    client.force_login(people["business_representative"])
    html = client.get(f"/business/requirements/{many['fire_warehouse'].pk}/").content.decode()
    assert "'warehouse' in premises_purposes" not in html
    assert "Обеспечьте" in html or "На складах" in html
