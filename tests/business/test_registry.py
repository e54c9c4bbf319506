"""The methodologist's registry: acts and items, rules checked on save, 247-ФЗ dates, imports."""

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from clientcentric.business import services
from clientcentric.business.importer import import_requirements
from clientcentric.business.models import Act, Requirement

DATA = Path(__file__).resolve().parents[2] / "data" / "requirements"
HEADER = "act,item_no,chapter_num,chapter_name,text,applicability_rule,cost_hours,cost_frequency\n"


def _csv(*rows: str, header: str = HEADER) -> tuple[bytes, str]:
    return ((header + "\n".join(rows) + "\n").encode("utf-8"), "items.csv")


def test_a_rule_naming_an_unknown_attribute_is_refused_with_its_position(acts):
    item = Requirement(
        act=acts["fire"], item_no="9", text="Текст", applicability_rule="has_premises and floors > 3"
    )
    with pytest.raises(ValidationError) as caught:
        services.save_requirement(item)
    message = caught.value.message_dict["applicability_rule"][0]
    assert "floors" in message and "1" in message and "18" in message
    assert not Requirement.objects.filter(item_no="9").exists()


def test_an_item_without_text_is_refused(acts):
    with pytest.raises(ValidationError) as caught:
        services.save_requirement(Requirement(act=acts["fire"], item_no="10", text="  "))
    assert "text" in caught.value.message_dict


def test_an_act_taking_effect_off_the_247_fz_dates_is_refused(db):
    act = Act(code="X", title="X", published_on=date(2026, 1, 15), effective_from=date(2026, 4, 1))
    with pytest.raises(ValidationError) as caught:
        services.save_act(act)
    assert "01.09.2026" in " ".join(caught.value.message_dict["effective_from"])
    assert not Act.objects.filter(code="X").exists()


def test_an_exception_needs_a_reason_and_then_lifts_the_date_rules(db):
    act = Act(
        code="Y",
        title="Y",
        published_on=date(2026, 1, 15),
        effective_from=date(2026, 1, 20),
        date_exception="emergency",
    )
    with pytest.raises(ValidationError) as caught:
        services.save_act(act)
    assert "date_exception_reason" in caught.value.message_dict
    act.date_exception_reason = "Режим чрезвычайной ситуации"
    assert services.save_act(act).pk


def test_the_five_real_acts_import_as_they_are(db):
    files = [(path.read_bytes(), path.name) for path in sorted(DATA.glob("*_items.csv"))]
    report = import_requirements(files)
    assert report.ok, report.problems[:3]
    assert (report.created["acts"], report.created["items"]) == (5, 1649)
    again = import_requirements(files)
    assert (again.created["items"], again.updated["items"]) == (0, 1649)
    assert Requirement.objects.count() == 1649
    article = Requirement.objects.get(act__code="116-ФЗ", chapter__startswith="Статья 2.", item_no="1")
    assert article.label == "Статья 2, п. 1"


def test_an_import_with_one_bad_row_writes_nothing_and_reports_every_row(db):
    report = import_requirements(
        [
            _csv(
                'АКТ,1,,Глава 1,"Первое требование",,1,2',
                "АКТ,2,,Глава 1,,,1,2",
                'АКТ,3,,Глава 1,"Третье",has_premises and area > 5,1,2',
                'АКТ,4,,Глава 1,"Четвёртое",,много,2',
                'АКТ,1,,Глава 1,"Повтор",,1,2',
            )
        ]
    )
    assert not report.ok
    located = {(p.row, p.column) for p in report.problems}
    assert located == {(3, "text"), (4, "applicability_rule"), (5, "cost_hours"), (6, "item_no")}
    assert not Act.objects.exists() and not Requirement.objects.exists()


def test_an_acts_file_sets_metadata_and_its_dates_are_checked(db):
    acts_file = (
        "code,title,supervisory_body,published_on,effective_from\n"
        "АКТ,Правила,МЧС России,2026-01-15,2026-09-01\n"
        "ПЛОХО,Плохой,МЧС России,2026-01-15,2026-04-01\n"
    ).encode()
    report = import_requirements([(acts_file, "acts.csv"), _csv('АКТ,1,,,"Требование",,0,0')])
    assert {(p.row, p.column) for p in report.problems} == {(3, "effective_from")}
    good = import_requirements(
        [(acts_file.rsplit(b"\n", 2)[0] + b"\n", "acts.csv"), _csv('АКТ,1,,,"Требование",,0,0')]
    )
    assert good.ok
    assert Act.objects.get(code="АКТ").supervisory_body == "МЧС России"


def test_xlsx_imports_like_csv(db):
    import tablib

    data = tablib.Dataset(headers=["act", "item_no", "text", "cost_frequency"])
    data.append(["АКТ", "1.1", "Требование из таблицы", 2])
    report = import_requirements([(data.export("xlsx"), "items.xlsx")])
    assert report.ok, report.problems
    assert Requirement.objects.get(item_no="1.1").cost_frequency == 2


def test_a_semicolon_separated_cp1251_file_from_russian_excel_imports(db):
    items = "act;item_no;text;cost_frequency\nАКТ;1;Хранить документы, три года;2\n".encode("cp1251")
    report = import_requirements([(items, "items.csv")])
    assert report.ok, report.problems
    assert Requirement.objects.get(act__code="АКТ", item_no="1").text == "Хранить документы, три года"


def test_an_unknown_file_kind_is_reported(db):
    report = import_requirements([(b"x", "items.txt")])
    assert not report.ok


def test_the_cli_import_exits_nonzero_on_a_bad_file(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "АКТ,1,,,,,1,1\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("business", "import-requirements", str(path))
    assert exited.value.code == 1
    assert not Requirement.objects.exists()


def test_the_back_office_refuses_a_bad_rule_next_to_its_field(client, people, acts):
    client.force_login(people["methodologist"])
    response = client.post(
        "/admin/business/requirement/add/",
        {
            "act": acts["fire"].pk,
            "item_no": "77",
            "position": "77",
            "chapter": "",
            "text": "Требование",
            "applicability_rule": "has_premises and floors > 3",
            "rule_explanation": "",
            "cost_activity": "",
            "cost_hours": "0",
            "cost_out_of_pocket": "0",
            "cost_frequency": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "floors" in errors["applicability_rule"][0]
    assert not Requirement.objects.filter(item_no="77").exists()


def test_the_back_office_refuses_a_247_fz_date(client, people):
    client.force_login(people["methodologist"])
    response = client.post(
        "/admin/business/act/add/",
        {
            "code": "Z",
            "title": "Z",
            "published_on": "2026-01-15",
            "effective_from": "2026-04-01",
            "date_exception": "",
        },
    )
    assert response.status_code == 200
    assert "effective_from" in response.context["adminform"].form.errors
    assert not Act.objects.filter(code="Z").exists()
