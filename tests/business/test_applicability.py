"""Applicability a reviewer would sign (issue 19): the reviewed table, recommendations, «why it applies»."""

import csv
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from clientcentric.business import applicability, selectors, services
from clientcentric.business.models import Act, Requirement
from clientcentric.engines.requirements import wording
from clientcentric.engines.requirements.activities import activities
from clientcentric.rules import business as rules

ON = date(2026, 6, 1)
BAKERY = {
    "okved": frozenset({"10.71", "56.10", "47.24"}),
    "activities": activities(["10.71", "56.10", "47.24"]),
    "legal_form": "legal_entity",
    "size": "small",
    "region": "78",
    "employees": 24,
    "has_employees": True,
    "has_premises": True,
    "premises_purposes": frozenset({"production", "catering"}),
    "premises_area_total": Decimal("480"),
    "has_electrical_installation": True,
    "max_voltage_kv": Decimal("0.4"),
    "has_hazardous_facility": False,
    "has_territory": False,
}


def _items():
    """The real items of the five acts, as the importer reads them."""
    for path in sorted((settings.DATA_DIR / "requirements").glob("*_items.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                chapter = " ".join(p for p in (row["chapter_num"], row["chapter_name"]) if p)
                yield row["act"], chapter, row["item_no"], row["text"]


def _applies_to_bakery(act, chapter, item_no, text):
    scope = {
        "ПП_1479_ППР": "has_premises",
        "ПОТЭУ_903н": "has_employees and has_electrical_installation",
        "ПТЭЭП_811": "has_electrical_installation",
        "782н_высота": "has_employees and works_at_height",
        "116-ФЗ": "has_hazardous_facility",
    }[act]
    row = applicability.decide(act, chapter, item_no, text)
    values = [
        rules.compiled(t).value(BAKERY, ON, rules.parameters()) for t in (scope, row.rule if row else "") if t
    ]
    return False if False in values else (None if None in values else True)


@pytest.fixture(scope="module")
def bakery_list():
    if not (settings.DATA_DIR / "requirements" / "ppr_1479_items.csv").exists():
        pytest.skip("data/requirements is not here")
    return [(item, _applies_to_bakery(*item)) for item in _items()]


def test_every_row_of_the_table_compiles_and_names_what_it_governs():
    table = applicability.load_table()
    assert len(table) > 50
    assert all(row.subject and row.subject_kind in applicability.SUBJECT_KINDS for row in table)


def test_a_bakery_gets_no_flax_mill_welding_or_railway_items(bakery_list):
    applying = [(act, chapter, text) for (act, chapter, _no, text), value in bakery_list if value]
    for words in ("обработки льна", "тресты", "спичек", "стригальн", "полос отвода"):
        hits = [text[:80] for _act, _chapter, text in applying if words in text.lower()]
        assert not hits, (words, hits[:3])
    chapters = {chapter.split(" ")[0] for act, chapter, _text in applying if act == "ПП_1479_ППР"}
    assert not chapters & {"X", "XI", "XIII", "XV", "XVI", "XVII", "XX", "XXII"}
    assert not [c for act, c, _t in applying if act == "ПТЭЭП_811" and c.startswith(("V ", "VII ", "XI "))]


def test_a_bakery_still_gets_what_governs_its_premises_shop_and_ovens(bakery_list):
    applies = {(act, chapter.split(" ")[0]) for (act, chapter, _no, _t), value in bakery_list if value}
    assert ("ПП_1479_ППР", "I") in applies
    assert ("ПП_1479_ППР", "VII") in applies  # it sells bread: a retail object
    assert ("ПП_1479_ППР", "IX") in applies  # the baking hall is a production object
    assert ("ПТЭЭП_811", "VI") in applies  # electric ovens are electrothermal installations
    unknown = {act for (act, _c, _no, _t), value in bakery_list if value is None}
    assert unknown == {"782н_высота", "ПП_1479_ППР"}  # work at height and glazing not given: «may apply»
    fire_unknown = [no for (act, _c, no, _t), value in bakery_list if value is None and act == "ПП_1479_ППР"]
    assert fire_unknown == ["20"]  # glazing higher than one storey: only the business can say


def test_the_fourth_pass_groups_leave_a_bakery_and_reach_the_trades_they_govern(bakery_list):
    applying = {(act, no) for (act, _c, no, _t), value in bakery_list if value}
    for item in ("38", "45", "19", "106", "295", "108"):
        assert ("ПП_1479_ППР", item) not in applying, item
    assert ("ПТЭЭП_811", "65") not in applying and ("ПТЭЭП_811", "68") in applying  # ovens, not arc furnaces
    assert ("ПОТЭУ_903н", "27.4") not in applying and ("ПОТЭУ_903н", "27.9") not in applying
    assert ("ПП_1479_ППР", "44") in applying  # flour dust: explosion-hazardous production premises stay

    def rule(act, chapter, item_no):
        return applicability.decide(act, chapter, item_no, f"{item_no}. текст").rule

    def holds(text, **facts):
        return rules.compiled(text).value({**BAKERY, **facts}, ON, rules.parameters())

    electrolysis = rule(
        "ПОТЭУ_903н", "XXVI Охрана труда при выполнении работ в электролизных установках", "26.5"
    )
    organic = {"okved": frozenset({"20.14"}), "activities": activities(["20.14"])}
    chlorine = {"okved": frozenset({"20.13"}), "activities": activities(["20.13"])}
    assert holds(electrolysis, **organic) is False and holds(electrolysis, **chlorine) is True
    tank = rule("ПОТЭУ_903н", "XXXI Охрана труда при выполнении работ на силовых трансформаторах", "31.7")
    repairer = {"okved": frozenset({"33.14"}), "activities": activities(["33.14"])}
    cold_store = {"okved": frozenset({"52.10"}), "activities": activities(["52.10"])}
    assert holds(tank, **repairer) is True and holds(tank, **cold_store) is False
    furniture = {"okved": frozenset({"31.09"}), "activities": activities(["31.09"])}
    chipboard = rule("ПП_1479_ППР", "IX Производственные объекты", "140")
    assert holds(chipboard, **furniture) is False
    assert holds(rule("ПП_1479_ППР", "IX Производственные объекты", "136"), **furniture) is True
    stage = rule("ПП_1479_ППР", "I Общие положения", "38")
    assert holds(stage, premises_purposes=frozenset({"public"})) is True
    shields = rule("ПП_1479_ППР", "XIX Обеспечение объектов защиты", "410")
    shop = {"premises_purposes": frozenset({"retail"}), "okved": frozenset({"47.11"})}
    assert holds(shields, **shop, activities=activities(["47.11"])) is False
    assert holds(shields, premises_purposes=frozenset({"warehouse"})) is True


def test_a_road_haulier_gets_no_metro_or_railway_items():
    haulier = {"okved": frozenset({"49.41"}), "activities": activities(["49.41"])}
    for item in ("206", "213", "216", "219", "222", "225", "228", "231", "238"):
        row = applicability.decide("ПП_1479_ППР", "XI Объекты транспорта", item, f"{item}. текст")
        assert rules.compiled(row.rule).value({**BAKERY, **haulier}, ON, rules.parameters()) is False, item
    parking = applicability.decide(
        "ПП_1479_ППР", "XI Объекты транспорта", "209", "209. В помещениях для стоянки"
    )
    assert rules.compiled(parking.rule).value({**BAKERY, **haulier}, ON, rules.parameters()) is True


@pytest.mark.parametrize(
    "text, expected",
    [
        ("9. Допускается возможность ведения документооборота в электронном виде.", True),
        ("6.29. В строках наряда-допуска рекомендуется указывать дату и время его подписания.", True),
        ("4. Руководитель организации вправе назначать лиц, ответственных за пожарную безопасность.", True),
        ("17. Руководитель организации обеспечивает ведение журнала. Допускается электронный журнал.", False),
        ("135. Запрещается заполнять адсорберы нестандартным активированным углем.", False),
        ("2.8. К специальным работам допускаются работники, прошедшие обучение.", False),
        ("98. Подмости допускаются к эксплуатации только после их приемки.", False),
    ],
)
def test_a_recommendation_is_told_from_an_obligation(text, expected):
    assert wording.is_recommendation(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "24. Утратил силу с 1 марта 2023 года. - Постановление Правительства РФ от 24.10.2022 N 1885.",
            True,
        ),
        ("5. Утратили силу. - Приказ Минтруда России от 01.01.2024 N 1.", True),
        ("7. Исключен. - Федеральный закон от 04.03.2013 N 22-ФЗ.", True),
        (
            "16. На объектах защиты запрещается:\nа) хранить горючие жидкости;\nж) утратил силу с 1 марта 2023 года.",
            False,
        ),
        ("38.7. При замене деталей опоры должна быть исключена возможность ее смещения.", False),
        ("", False),
    ],
)
def test_a_repealed_item_is_told_from_one_with_a_repealed_sub_item(text, expected):
    assert wording.is_repealed(text) is expected


def test_the_repealed_items_of_the_five_acts_are_found(bakery_list):
    repealed = [(act, no) for (act, _c, no, text), _value in bakery_list if wording.is_repealed(text)]
    assert repealed == [("ПП_1479_ППР", "24"), ("ПП_1479_ППР", "29"), ("ПП_1479_ППР", "411")]


def test_a_repealed_item_reaches_no_personal_list(acts, business_profile):
    void = services.save_requirement(
        Requirement(
            act=acts["fire"],
            item_no="24",
            position=24,
            text="24. Утратил силу с 1 марта 2023 года. - Постановление Правительства РФ от 24.10.2022 N 1885.",
            cost_hours=Decimal("2"),
            cost_frequency=Decimal("1"),
        )
    )
    assert void.is_repealed
    result = selectors.personal_list(business_profile, ON)
    shown = {e.requirement["id"] for e in result.applies + result.unknown}
    assert void.pk not in shown and acts["fire_all"].pk in shown


def test_the_import_marks_a_repealed_item_and_keeps_it_in_the_act(db):
    from clientcentric.business.importer import import_requirements

    items = (
        "act,item_no,chapter_num,chapter_name,text\n"
        "ППР,23,I,Общие положения,23. Руководитель организации обеспечивает проверку дверей.\n"
        "ППР,24,I,Общие положения,24. Утратил силу с 1 марта 2023 года.\n"
    ).encode()
    report = import_requirements([(items, "items.csv")])
    assert report.ok, report.problems
    marks = dict(Requirement.objects.filter(act__code="ППР").values_list("item_no", "is_repealed"))
    assert marks == {"23": False, "24": True}


def test_an_appendix_headed_recommended_sample_is_a_recommendation():
    assert wording.is_recommendation(
        "1. Необходимые материалы: ____", "Приложение N 2. Наряд-допуск (Рекомендуемый образец)"
    )


def test_what_to_do_speaks_to_the_reader():
    assert wording.what_to_do("42. Руководитель организации обеспечивает проверку заслонок.") == (
        "Обеспечьте проверку заслонок."
    )
    assert wording.what_to_do("135. Запрещается заполнять адсорберы углем.").startswith("Не допускайте: ")
    assert wording.what_to_do("9. Допускается ведение журнала.").startswith("Можно, но не обязательно")


def test_a_recommendation_is_flagged_on_save_and_never_costed(acts, business_profile):
    item = services.save_requirement(
        Requirement(
            act=acts["fire"],
            item_no="9",
            position=9,
            text="Рекомендуется проводить учебные тревоги раз в месяц.",
            cost_hours=Decimal("5"),
            cost_frequency=Decimal("12"),
        )
    )
    assert item.is_recommendation
    result = selectors.personal_list(business_profile, ON)
    assert item.pk in {e.requirement["id"] for e in result.applies}
    report = selectors.cost_report(business_profile, result.applies)
    assert item.pk not in {line.requirement for line in report.lines}


def test_the_table_is_written_onto_the_items(db):
    act = services.save_act(Act(code="ПТЭЭП_811", title="ПТЭЭП", scope_rule="has_electrical_installation"))
    welding = services.save_requirement(
        Requirement(act=act, item_no="45", chapter="V Электросварочные установки", text="45. Сварка.")
    )
    general = services.save_requirement(
        Requirement(act=act, item_no="5", chapter="I Общие положения", text="5. Эксплуатация.")
    )
    assert services.apply_applicability_table() == 2
    welding.refresh_from_db()
    general.refresh_from_db()
    assert welding.applicability_rule == "'hot_works' in activities"
    assert welding.subject == "Электросварочные установки"
    assert general.applicability_rule == "" and general.subject_kind == "object"


def test_why_it_applies_is_said_in_russian_words_not_rule_syntax():
    with translation.override("ru"):
        lines = applicability.why(
            ["has_employees and has_electrical_installation", "'production' in premises_purposes"], BAKERY
        )
        missing = applicability.why(["works_at_height"], BAKERY)
    text = " ".join(lines)
    for syntax in ("has_", " and ", "premises_purposes", "production", "'"):
        assert syntax not in text
    assert "производств" in text  # the purpose in Russian
    assert missing and "работ" in missing[0].lower()
