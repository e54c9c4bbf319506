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
    assert unknown == {"782н_высота"}  # whether staff work at height is not given: «may apply»


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
