"""The Standard Cost Model in its seven steps: the engine, a business's own cost page and its exports, and the
developer's burden over the population the act touches."""

import csv
import io
from decimal import Decimal

import pytest
import tablib

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import BusinessClient
from clientcentric.accounts.roles import Role
from clientcentric.business import services
from clientcentric.business.models import Assessment, BusinessProfile, ControlObject, Requirement
from clientcentric.core.models import AuditEvent
from clientcentric.engines.requirements import cost as scm

NBSP = "\u00a0"


def _ob(key, act, hours, acquisitions, frequency, population=Decimal(1), familiarisation=Decimal("0")):
    return scm.obligation_for(
        key,
        act,
        f"item {key}",
        hours=Decimal(hours),
        acquisitions=Decimal(acquisitions),
        frequency=Decimal(frequency),
        familiarisation_hours=Decimal(familiarisation),
        population=Decimal(population),
    )


def test_price_is_time_times_tariff_plus_acquisitions_and_cost_is_price_times_frequency():
    report = scm.calculate(
        [_ob(1, "A", "2", "100", "4"), _ob(2, "A", "1.5", "0", "1"), _ob(3, "B", "0", "5000", "0.5")],
        scm.Assumptions(hourly_rate=Decimal("600"), familiarisation_hours=Decimal(0)),
    )
    assert [line.total for line in report.lines] == [
        Decimal("5200.00"),
        Decimal("900.00"),
        Decimal("2500.00"),
    ]
    assert report.lines[0].price == Decimal("1300.00")
    assert report.by_act["A"].recurring == Decimal("6100.00")
    assert report.total == Decimal("8600.00")
    assert report.totals.one_off == 0
    assert report.totals.hours_recurring == Decimal("9.5")


def test_one_off_familiarisation_is_kept_apart_from_the_yearly_cost():
    report = scm.calculate(
        [_ob(1, "A", "2", "0", "12", familiarisation="3")], scm.Assumptions(hourly_rate=Decimal("500"))
    )
    assert report.totals.recurring == Decimal("12000.00")  # 2 h × 500 × 12
    assert report.totals.one_off == Decimal("1500.00")  # 3 h × 500, once
    assert report.totals.hours_one_off == Decimal("3")


def test_population_multiplies_the_cost_of_every_action():
    one = scm.calculate([_ob(1, "A", "2", "100", "4")], scm.Assumptions(hourly_rate=Decimal("600")))
    many = scm.calculate(
        [_ob(1, "A", "2", "100", "4", population="250")], scm.Assumptions(hourly_rate=Decimal("600"))
    )
    assert many.totals.recurring == one.totals.recurring * 250
    assert many.totals.one_off == one.totals.one_off * 250
    assert many.lines[0].per_business == one.lines[0].per_business


def test_the_horizon_adds_the_recurring_cost_each_year_discounted_to_today():
    plain = scm.horizon_total(Decimal("1000"), Decimal("500"), 3, Decimal(0))
    assert plain == Decimal("3500.00")
    discounted = scm.horizon_total(Decimal("1000"), Decimal("500"), 2, Decimal("0.1"))
    assert discounted == Decimal("2409.09")  # 500 + 1000 + 1000 / 1.1


def test_order_669_tariff_is_the_monthly_wage_over_the_hours_of_a_month():
    assert scm.hourly_rate_from_wage(Decimal("82200")) == Decimal("500.00")
    with pytest.raises(ValueError):
        scm.hourly_rate_from_wage(Decimal("82200"), Decimal(0))


@pytest.mark.parametrize(
    "bad",
    [
        lambda: scm.Action("x", Decimal("-1")),
        lambda: scm.Assumptions(hourly_rate=Decimal("-1")),
        lambda: scm.Assumptions(hourly_rate=Decimal("1"), horizon_years=0),
        lambda: _ob(1, "A", "1", "0", "1", population="-2"),
    ],
)
def test_the_model_refuses_negative_inputs(bad):
    with pytest.raises(ValueError):
        bad()


def test_a_recommendation_is_recognised_by_its_wording():
    assert scm.is_recommendation("Рекомендуется проводить осмотр ежегодно.")
    assert not scm.is_recommendation("Проводить осмотр ежегодно.")


@pytest.fixture
def bakery(acts, business_profile):
    business_profile.employees = 60
    services.save_profile(business_profile)
    return business_profile


def test_the_cost_page_shows_the_yearly_and_the_one_off_parts_in_russian_form(client, people, bakery):
    client.force_login(people["business_representative"])
    html = client.get("/business/cost/").content.decode()
    # (3 h × 500 + 1000) × 2 a year; 1 h × 500 once
    assert f"5{NBSP}000{NBSP}₽" in html
    assert f"<strong>500{NBSP}₽</strong>" in html
    assert "7 шагах" in html or "7 шагов" in html


def test_a_recommendation_is_never_costed(client, people, acts, bakery):
    services.save_requirement(
        Requirement(
            act=acts["fire"],
            item_no="4",
            position=4,
            text="Рекомендуется проводить дополнительные учения ежемесячно.",
            cost_hours=Decimal("10"),
            cost_frequency=Decimal("12"),
        )
    )
    client.force_login(people["business_representative"])
    html = client.get("/business/cost/").content.decode()
    assert "дополнительные учения" not in html
    assert f"5{NBSP}000{NBSP}₽" in html


def test_the_assumptions_are_editable_and_recompute_the_figures(client, people, bakery):
    client.force_login(people["business_representative"])
    html = client.get(
        "/business/cost/?familiarisation_hours=4&horizon_years=2&discount_rate=0"
    ).content.decode()
    assert f"<strong>2{NBSP}000{NBSP}₽</strong>" in html  # 4 h × 500 once
    assert f"12{NBSP}000{NBSP}₽" in html  # 2 000 + 2 × 5 000 over two years


def test_a_wrong_assumption_is_named_in_russian(client, people, bakery):
    client.force_login(people["business_representative"])
    response = client.get("/business/cost/?horizon_years=40")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Горизонт, лет" in html and "меньше либо равно 10" in html


def test_the_business_own_figures_replace_the_registry_and_a_dispute_removes_the_item(acts, bakery):
    from clientcentric.business import costing, selectors

    services.save_assessment(bakery, acts["fire_big"], cost_frequency=Decimal("4"))
    entries = selectors.personal_list(bakery).applies
    assert costing.business_cost(bakery, entries).total == Decimal("10000.00")
    services.save_assessment(bakery, acts["fire_big"], applies=Assessment.Applies.DISPUTED)
    entries = selectors.personal_list(bakery).applies
    report = costing.business_cost(bakery, entries)
    assert report.total == 0 and report.totals.one_off == 0


def test_the_cost_exports_in_csv_with_russian_numbers_and_in_xlsx_with_numbers(client, people, bakery):
    client.force_login(people["business_representative"])
    text = client.get("/business/cost/export.csv").content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "акт"
    line = next(row for row in rows if row[1].startswith("Проводить тренировки"))
    assert line[-2] == f"5{NBSP}000,00" and line[-1] == "500,00"
    book = tablib.Dataset().load(client.get("/business/cost/export.xlsx").content, format="xlsx")
    assert book.dict[0][book.headers[-2]] == 5000
    assert client.get("/business/cost/export.pdf").status_code == 404


def _premises_businesses(n):
    profiles = []
    for i in range(n):
        body = f"78{i:02d}00000"
        inn = body + str(
            sum(int(d) * w for d, w in zip(body, (2, 4, 10, 3, 5, 9, 4, 6, 8), strict=True)) % 11 % 10
        )
        ogrn_body = f"10278{i:02d}00000"
        business = accounts_services.save_business(
            BusinessClient(name=f"ООО {i}", kind="legal_entity", inn=inn)
        )
        profile = services.save_profile(
            BusinessProfile(
                business=business,
                ogrn=ogrn_body + str(int(ogrn_body) % 11 % 10),
                okved=["47.11"],
                size="small",
                region="78",
                employees=60 if i % 2 == 0 else 10,
            )
        )
        services.save_object(
            ControlObject(
                profile=profile, kind="premises", name="Магазин", area=Decimal("80"), purpose="retail"
            )
        )
        profiles.append(profile)
    return profiles


@pytest.fixture
def fire_developer(acts, developer_agency):
    acts["fire"].developer = developer_agency
    services.save_act(acts["fire"])
    return accounts_services.create_person(
        username="mchs-methodologist", password=None, role=Role.METHODOLOGIST, agency=developer_agency
    )


def test_the_burden_multiplies_by_the_businesses_the_item_applies_to(acts, fire_developer):
    from clientcentric.business import costing

    _premises_businesses(4)  # two of them have 50 employees or more
    burden = costing.act_burden(acts["fire"], scm.Assumptions(hourly_rate=Decimal("500")))
    assert burden.businesses == 4
    assert burden.applies[acts["fire_big"].pk] == 2
    assert burden.report.totals.recurring == Decimal("10000.00")  # 2 businesses × 5 000
    scaled = costing.act_burden(acts["fire"], scm.Assumptions(hourly_rate=Decimal("500")), Decimal(1000))
    assert scaled.scaled and scaled.report.totals.recurring == Decimal("2500000.00")  # 500 × 5 000


def test_the_developer_reads_the_burden_and_its_export_is_audited(client, acts, fire_developer):
    _premises_businesses(4)
    client.force_login(fire_developer)
    html = client.get(f"/business/acts/{acts['fire'].pk}/burden/?population=1000").content.decode()
    assert f"2{NBSP}500{NBSP}000{NBSP}₽" in html
    assert "Бремя для бизнеса" in html or "бизнес" in html
    response = client.get(f"/business/acts/{acts['fire'].pk}/burden.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    line = next(row for row in rows if row[1].startswith("Проводить тренировки"))
    assert line[6] == "2" and line[7] == f"10{NBSP}000,00"
    assert AuditEvent.objects.filter(action="business.act_burden_exported").count() == 1


def test_another_agencys_act_has_no_burden_page(client, acts, fire_developer):
    client.force_login(fire_developer)
    assert client.get(f"/business/acts/{acts['power'].pk}/burden/").status_code == 404


def test_the_burden_decides_every_business_once_for_any_assumptions_until_one_changes(
    acts, fire_developer, monkeypatch
):
    """A developer tries rates and populations one after another: the counts of whom each item applies to do not
    change with them, so every business's list is decided once — and again after a business changes."""
    from clientcentric.business import costing, selectors

    profiles = _premises_businesses(4)
    decided = []
    statuses = selectors.statuses
    monkeypatch.setattr(selectors, "statuses", lambda *a: decided.append(1) or statuses(*a))
    first = costing.act_burden(acts["fire"], scm.Assumptions(hourly_rate=Decimal("500")))
    costing.act_burden(acts["fire"], scm.Assumptions(hourly_rate=Decimal("900")), Decimal(1000))
    assert len(decided) == 4 and first.applies[acts["fire_big"].pk] == 2
    profiles[0].employees = 0 if (profiles[0].employees or 0) >= 50 else 60
    services.save_profile(profiles[0])
    again = costing.act_burden(acts["fire"], scm.Assumptions(hourly_rate=Decimal("500")))
    assert len(decided) == 8 and again.applies[acts["fire_big"].pk] != 2
