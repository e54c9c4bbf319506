"""Public consultations on drafts, the developers' API with its token, the anonymised data set, summaries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope, BusinessClient
from clientcentric.business import selectors, services
from clientcentric.business.models import BusinessProfile, Draft


def _issue(agency, name):
    return accounts_services.issue_token(name=name, agency=agency, scopes=[ApiScope.REQUIREMENTS_READ])


def _draft(agency, **fields):
    today = timezone.localdate()
    values = {
        "title": "Проект требований к складам",
        "developer": agency,
        "procedure": Draft.Procedure.RIA,
        "degree": Draft.Degree.HIGH,
        "summary": "Новые обязанности.",
        "scope_rule": "has_premises",
        "opens_on": today - timedelta(days=1),
        "closes_on": today + timedelta(days=20),
    }
    values.update(fields)
    return Draft(**values)


def test_a_high_impact_draft_needs_at_least_20_days(developer_agency):
    today = date(2026, 6, 1)
    with pytest.raises(ValidationError) as caught:
        services.save_draft(_draft(developer_agency, opens_on=today, closes_on=today + timedelta(days=14)))
    assert "closes_on" in caught.value.message_dict
    assert services.save_draft(
        _draft(developer_agency, degree="low", opens_on=today, closes_on=today + timedelta(days=14))
    ).pk


def test_windows_are_configurable(developer_agency, settings):
    settings.CLIENTCENTRIC_CONSULTATION_DAYS = {**settings.CLIENTCENTRIC_CONSULTATION_DAYS, "high": 30}
    with pytest.raises(ValidationError):
        services.save_draft(_draft(developer_agency))


def test_a_ria_draft_needs_a_degree_and_a_checked_rule(developer_agency):
    with pytest.raises(ValidationError) as caught:
        services.save_draft(_draft(developer_agency, degree="", scope_rule="has_premises and nonsense"))
    assert {"degree", "scope_rule"} <= set(caught.value.message_dict)


def test_the_feed_shows_drafts_that_touch_the_business(developer_agency, business_profile):
    touching = services.save_draft(_draft(developer_agency))
    services.save_draft(_draft(developer_agency, title="Для АЗС", scope_rule="any_prefix(okved, ('47.3',))"))
    assert [d for d, _o in selectors.drafts_for(business_profile)] == [touching]


def test_comments_are_taken_only_within_the_window(developer_agency, business_profile):
    draft = services.save_draft(_draft(developer_agency))
    services.comment_on_draft(draft, business_profile, rating=2, text="Слишком дорого для малого бизнеса")
    services.comment_on_draft(draft, business_profile, rating=3, text="Уточнили позицию")
    assert draft.comments.get().rating == 3
    with pytest.raises(ValidationError):
        services.comment_on_draft(
            draft, business_profile, rating=3, text="Поздно", today=draft.closes_on + timedelta(days=1)
        )


def test_a_business_comments_through_the_page(client, people, developer_agency, business_profile):
    draft = services.save_draft(_draft(developer_agency))
    client.force_login(people["business_representative"])
    assert (
        client.post(
            f"/business/consultations/{draft.pk}/", {"rating": "4", "text": "Поддерживаем"}
        ).status_code
        == 302
    )
    # The draft's developer reads the comment; a methodologist of another agency is not told it exists.
    client.force_login(people["methodologist"])
    assert client.get(f"/business/consultations/{draft.pk}/summary/").status_code == 404
    client.force_login(people["admin"])
    page = client.get(f"/business/consultations/{draft.pk}/summary/").content.decode()
    assert "Поддерживаем" in page


def _many_businesses(n, acts):
    profiles = []
    for i in range(n):
        body = f"77{i:02d}00000"
        inn = body + str(
            sum(int(d) * w for d, w in zip(body, (2, 4, 10, 3, 5, 9, 4, 6, 8), strict=True)) % 11 % 10
        )
        ogrn_body = f"10277{i:02d}00000"
        business = accounts_services.save_business(
            BusinessClient(name=f"ООО {i}", kind="legal_entity", inn=inn)
        )
        profiles.append(
            services.save_profile(
                BusinessProfile(
                    business=business,
                    ogrn=ogrn_body + str(int(ogrn_body) % 11 % 10),
                    okved=["47.11"],
                    size="small",
                    region="77",
                )
            )
        )
    for p in profiles:
        services.save_assessment(p, acts["fire_all"], clarity=4, feasibility=2, applies="confirmed")
    return profiles


def test_the_api_needs_an_agency_token_and_suppresses_small_cells(client, acts, developer_agency):
    acts["fire"].developer = developer_agency
    services.save_act(acts["fire"])
    _token, plain = _issue(developer_agency, "test")
    _many_businesses(9, acts)
    assert client.get("/api/v1/business/results").status_code == 401
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    rows = client.get("/api/v1/business/results", **auth).json()
    assert rows[0]["businesses"] == 9 and rows[0]["suppressed"] and rows[0]["clarity_mean"] is None
    assert client.get("/api/v1/business/dataset", **auth).json() == []


def test_the_api_shows_cells_of_ten_and_more(client, acts, developer_agency):
    acts["fire"].developer = developer_agency
    services.save_act(acts["fire"])
    _token, plain = _issue(developer_agency, "test")
    _many_businesses(10, acts)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    row = client.get("/api/v1/business/results", **auth).json()[0]
    assert (row["clarity_mean"], row["feasibility_mean"], row["confirmed"]) == (4.0, 2.0, 10)
    data = client.get("/api/v1/business/dataset", **auth).json()
    assert data == [
        {
            "act": "ППР",
            "item_no": "1",
            "size": "small",
            "businesses": 10,
            "clarity_mean": 4.0,
            "feasibility_mean": 2.0,
            "disputed_share": 0.0,
        }
    ]
    assert "inn" not in str(data).lower()


def test_an_agency_sees_only_its_own_acts_and_drafts(client, acts, developer_agency, agency):
    _token, plain = _issue(agency, "чужой")
    _many_businesses(10, acts)
    acts["fire"].developer = developer_agency
    services.save_act(acts["fire"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert client.get("/api/v1/business/results", **auth).json() == []
    draft = services.save_draft(_draft(developer_agency))
    assert client.get(f"/api/v1/business/drafts/{draft.pk}/summary", **auth).status_code == 404


def test_public_summary_shows_acts_with_ten_businesses(client, acts):
    _many_businesses(10, acts)
    rows = selectors.summary_by_act()
    assert rows[0]["clarity"] == 4.0 and not rows[0]["suppressed"]
    assert (
        "4,0" in client.get("/business/summary/").content.decode()
        or "4.0" in client.get("/business/summary/").content.decode()
    )


@pytest.mark.parametrize("n, shown", [(3, False), (10, True)])
def test_cost_burden_by_act_and_size_is_suppressed_below_ten(acts, n, shown):
    from clientcentric.business.models import ControlObject

    for p in _many_businesses(n, acts):
        p.employees, p.objects_complete = 60, True
        services.save_profile(p)
        services.save_object(
            ControlObject(profile=p, kind="premises", name="Зал", area=Decimal("80"), purpose="retail")
        )
    rows = selectors.cost_burden(date(2026, 6, 1))
    assert [(r["act"], r["size"], r["businesses"]) for r in rows] == [("ППР", "", n), ("ППР", "small", n)]
    assert [r["mean_cost"] for r in rows] == [Decimal("5000") if shown else None] * 2


def test_the_cli_issues_a_token_that_opens_the_api(client, developer_agency):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = io.StringIO(), io.StringIO()
    call_command("business", "issue-token", "mchs", stdout=out, stderr=err)
    plain = out.getvalue().strip()
    assert client.get("/api/v1/business/results", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200
    assert client.get("/api/v1/business/results", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    with pytest.raises(CommandError):
        call_command("business", "issue-token", "nobody")


def test_the_issue_token_alias_says_it_is_deprecated_and_names_unique_tokens(developer_agency):
    import io

    from django.core.management import call_command

    from clientcentric.accounts.models import ApiToken

    err = io.StringIO()
    for _ in range(2):
        call_command("business", "issue-token", "mchs", stdout=io.StringIO(), stderr=err)
    assert "tokens issue" in err.getvalue() and "requirements:read" in err.getvalue()
    tokens = ApiToken.objects.filter(agency=developer_agency).order_by("pk")
    assert [t.name for t in tokens] == ["API (mchs)", "API (mchs) 2"]
    assert all(t.scopes == ["requirements:read"] for t in tokens)


def test_find_candidates_stores_pairs_across_acts(acts):
    from clientcentric.business.models import CandidateLink, Requirement
    from clientcentric.business.services import refresh_candidates

    text = "Наряды-допуски, работы по которым полностью закончены, должны храниться в течение {} после чего они могут быть уничтожены."
    services.save_requirement(Requirement(act=acts["fire"], item_no="50", text=text.format("30 суток,")))
    services.save_requirement(Requirement(act=acts["power"], item_no="50", text=text.format("1 года,")))
    assert refresh_candidates() == {"duplicate": 0, "contradiction": 1}
    link = CandidateLink.objects.get()
    assert {link.first.item_no, link.second.item_no} == {"50"}


def test_a_comment_without_a_chosen_rating_is_asked_for_one(
    client, people, developer_agency, business_profile
):
    draft = services.save_draft(_draft(developer_agency))
    client.force_login(people["business_representative"])
    page = client.get(f"/business/consultations/{draft.pk}/").content.decode()
    assert '<option value="" selected>—</option>' in page, "no rating is preselected"
    response = client.post(f"/business/consultations/{draft.pk}/", {"rating": "", "text": "Без оценки"})
    assert response.status_code == 422 and "Обязательное поле" in response.content.decode()
    assert not draft.comments.exists()


def test_a_comment_ends_on_a_confirmation_with_its_number_and_the_closing_date(
    client, people, developer_agency, business_profile
):
    from django.utils import formats

    draft = services.save_draft(_draft(developer_agency))
    client.force_login(people["business_representative"])
    page = client.post(
        f"/business/consultations/{draft.pk}/", {"rating": "4", "text": "Поддерживаем"}, follow=True
    )
    html = page.content.decode()
    comment = draft.comments.get()
    assert page.redirect_chain[-1][0] == "/done/"
    assert "Отзыв отправлен" in html and f">{comment.reference}<" in html
    assert '<a class="brand" href="/business/">' in html, "the business's own header, not the citizens'"
    assert formats.date_format(draft.closes_on, "j E Y") in html and developer_agency.name in html


def test_a_comment_gets_a_number_to_quote_not_its_id_and_keeps_it_when_rewritten(
    developer_agency, business_profile
):
    import re

    draft = services.save_draft(_draft(developer_agency))
    first = services.comment_on_draft(draft, business_profile, rating=2, text="Дорого")
    assert re.fullmatch(r"\d{4}-\d{6}", first.reference) and not first.reference.endswith(f"{first.pk:06d}")
    again = services.comment_on_draft(draft, business_profile, rating=3, text="Уточнили")
    assert again.pk == first.pk and again.reference == first.reference


def test_a_taken_number_is_drawn_again_and_a_crowded_year_gets_a_longer_one(
    developer_agency, business_profile, monkeypatch
):
    from clientcentric.business.models import DraftComment
    from clientcentric.core import references

    monkeypatch.setattr(references.secrets, "randbelow", lambda bound: 1)
    taken = services.comment_on_draft(
        services.save_draft(_draft(developer_agency)), business_profile, rating=2, text="Да"
    )
    assert taken.reference.endswith("-000001")
    assert references.new(DraftComment).endswith("-0000001")
