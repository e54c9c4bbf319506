import io
import json
import zipfile

import pytest

from clientcentric.registry import selectors
from clientcentric.registry.importer import import_registry
from clientcentric.registry.models import FaqEntry, LifeSituation, Need, Service
from clientcentric.registry.tabular import write_registry_file

SITUATIONS_HEADER = "code,name,audience,description,sort_order\n"


def situations_csv(*rows: str) -> bytes:
    return (SITUATIONS_HEADER + "".join(r + "\n" for r in rows)).encode("utf-8")


def problems(report):
    return [(p.file, p.row, p.column) for p in report.problems]


@pytest.mark.django_db
def test_single_csv_imports_a_sheet():
    report = import_registry(situations_csv("birth,Рождение ребёнка,citizen,,1"), "life_situations.csv")
    assert report.ok, report.problems
    assert LifeSituation.objects.get(code="birth").name == "Рождение ребёнка"
    assert report.created["life_situations"] == 1


@pytest.mark.django_db
def test_utf8_bom_is_accepted_and_not_glued_to_the_first_column():
    report = import_registry(
        b"\xef\xbb\xbf" + situations_csv("birth,Рождение,citizen,,1"), "life_situations.csv"
    )
    assert report.ok, report.problems
    assert LifeSituation.objects.filter(code="birth").exists()


@pytest.mark.django_db
def test_a_semicolon_separated_cp1251_file_from_russian_excel_imports():
    data = "code;name;audience;description;sort_order\nmove;Переезд;citizen;;2\n".encode("cp1251")
    report = import_registry(data, "life_situations.csv")
    assert report.ok, report.problems
    assert LifeSituation.objects.get(code="move").name == "Переезд"


@pytest.mark.django_db
def test_wrong_columns_name_the_column():
    report = import_registry("code,title\nbirth,Рождение\n".encode(), "life_situations.csv")
    assert ("life_situations", 1, "title") in problems(report)
    assert ("life_situations", 1, "name") in problems(report)


@pytest.mark.django_db
def test_empty_required_field_names_row_and_column_and_nothing_is_imported():
    report = import_registry(
        situations_csv("birth,Рождение,citizen,,1", "move,,citizen,,2"), "life_situations.csv"
    )
    assert problems(report) == [("life_situations", 3, "name")]
    assert not LifeSituation.objects.exists()


@pytest.mark.django_db
def test_duplicate_code_points_at_the_first_row():
    report = import_registry(
        situations_csv("birth,Рождение,citizen,,1", "birth,Ещё раз,citizen,,2"), "life_situations.csv"
    )
    assert problems(report) == [("life_situations", 3, "code")]
    assert "2" in report.problems[0].message


@pytest.mark.django_db
def test_bad_choice_and_number_are_reported():
    report = import_registry(situations_csv("birth,Рождение,aliens,,первый"), "life_situations.csv")
    assert set(problems(report)) == {("life_situations", 2, "audience"), ("life_situations", 2, "sort_order")}


@pytest.mark.django_db
def test_invalid_code_from_the_model_is_reported_and_rolls_back():
    report = import_registry(
        situations_csv("good,Хорошо,citizen,,1", "не код,Плохо,citizen,,2"), "life_situations.csv"
    )
    assert problems(report) == [("life_situations", 3, "code")]
    assert not LifeSituation.objects.exists()


def test_unknown_reference_is_reported(registry):
    data = {
        "sheets": {
            "needs": [
                {
                    "code": "n1",
                    "name": "Потребность",
                    "status": "met",
                    "life_situations": ["retirement"],
                    "services": ["no-such-service"],
                }
            ]
        }
    }
    report = import_registry(json.dumps(data).encode(), "registry.json")
    assert problems(report) == [("needs", 2, "services")]
    assert "no-such-service" in report.problems[0].message
    assert not Need.objects.filter(code="n1").exists()


def test_cannot_meet_without_faq_is_refused_in_import(registry):
    data = {
        "sheets": {
            "needs": [
                {
                    "code": "n1",
                    "name": "Потребность",
                    "status": "cannot_meet",
                    "status_reason": "Закон",
                    "life_situations": ["retirement"],
                }
            ]
        }
    }
    report = import_registry(json.dumps(data).encode(), "registry.json")
    assert problems(report) == [("needs", 2, "faq")]


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_before_reading(settings):
    settings.CLIENTCENTRIC_IMPORT_MAX_BYTES = 10 * 2**20
    report = import_registry(SITUATIONS_HEADER.encode() + b"x" * (50 * 2**20), "life_situations.csv")
    assert len(report.problems) == 1 and "50.0" in report.problems[0].message
    assert not LifeSituation.objects.exists()


@pytest.mark.django_db
def test_unknown_sheet_and_type_are_refused():
    assert "people" in import_registry(b"a\n", "people.csv").problems[0].message
    assert ".txt" in import_registry(b"{}", "registry.txt").problems[0].message


def test_damaged_files_are_refused(registry):
    assert import_registry(b"not a zip", "registry.zip").problems
    assert import_registry(b"not xlsx", "registry.xlsx").problems
    assert import_registry(b"{not json", "registry.json").problems


@pytest.mark.parametrize("file_format,filename", [("json", "r.json"), ("csv", "r.zip"), ("xlsx", "r.xlsx")])
def test_export_then_import_round_trips(registry, file_format, filename):
    before = selectors.registry_tables()
    data = write_registry_file(before, file_format)
    report = import_registry(data, filename, dry_run=False)
    assert report.ok, report.problems
    assert (
        report.unchanged["needs"] == 3 and not report.created.get("needs") and not report.updated.get("needs")
    )
    assert selectors.registry_tables() == before


def test_reimporting_an_unchanged_file_adds_no_history(registry):
    data = write_registry_file(selectors.registry_tables(), "json")
    versions = registry["met"].history.count()
    tables = selectors.registry_tables()
    tables["needs"][0]["description"] = "Новое описание"
    changed = import_registry(write_registry_file(tables, "json"), "r.json")
    assert changed.updated["needs"] == 1 and changed.unchanged["needs"] == 2
    assert import_registry(data, "r.json").updated["needs"] == 1
    assert import_registry(data, "r.json").unchanged["needs"] == 3
    assert registry["met"].history.count() == versions


def test_a_failure_in_one_sheet_leaves_every_sheet_untouched(registry):
    tables = selectors.registry_tables()
    tables["faq"][0]["answer"] = "Новый ответ"
    tables["services"][0]["touchpoints"] = ["no-such-touchpoint"]
    report = import_registry(write_registry_file(tables, "csv"), "r.zip")
    assert problems(report) == [("services", 2, "touchpoints")]
    assert FaqEntry.objects.get().answer != "Новый ответ"


def test_dry_run_writes_nothing(registry):
    tables = selectors.registry_tables()
    tables["services"][0]["name"] = "Переименованная услуга"
    report = import_registry(write_registry_file(tables, "json"), "r.json", dry_run=True)
    assert report.ok and report.dry_run
    assert Service.objects.get().name != "Переименованная услуга"


def test_zip_of_csvs_has_one_file_per_sheet(registry):
    archive = zipfile.ZipFile(io.BytesIO(write_registry_file(selectors.registry_tables(), "csv")))
    assert sorted(archive.namelist()) == sorted(
        f"{s}.csv"
        for s in ("agencies", "life_situations", "segments", "faq", "services", "needs", "expectations")
    )
    needs = archive.read("needs.csv").decode("utf-8")
    assert needs.splitlines()[0].startswith("code,name,description,status,status_reason,faq")


@pytest.mark.django_db
def test_a_child_agency_listed_before_its_parent_is_imported():
    data = {
        "sheets": {
            "agencies": [
                {
                    "code": "child",
                    "name": "Управление",
                    "level": "regional",
                    "kind": "executive",
                    "parent": "parent",
                },
                {
                    "code": "parent",
                    "name": "Правительство",
                    "level": "regional",
                    "kind": "executive",
                    "parent": "",
                },
            ]
        }
    }
    report = import_registry(json.dumps(data).encode(), "r.json")
    assert report.ok, report.problems
    from clientcentric.accounts.models import Agency

    assert Agency.objects.get(code="child").parent.code == "parent"


@pytest.mark.django_db
def test_an_agency_cycle_in_the_file_is_reported_not_raised():
    data = {
        "sheets": {
            "agencies": [
                {"code": "a", "name": "А", "level": "regional", "kind": "executive", "parent": "b"},
                {"code": "b", "name": "Б", "level": "regional", "kind": "executive", "parent": "a"},
            ]
        }
    }
    report = import_registry(json.dumps(data).encode(), "r.json")
    assert not report.ok
    assert report.problems[0].file == "agencies"


@pytest.mark.django_db
def test_the_demo_registry_imports_cleanly_and_meets_the_foundation_minimums():
    from clientcentric.registry import demo
    from clientcentric.registry.models import NeedStatus

    report = demo.load_registry()
    assert report.ok, report.problems[:5]
    assert LifeSituation.objects.count() >= 12
    assert Service.objects.count() >= 60
    from clientcentric.registry.models import Segment

    assert Segment.objects.filter(is_potential=False).count() == 4
    assert Segment.objects.filter(is_potential=True).count() == 4
    for need in Need.objects.filter(status=NeedStatus.CANNOT_MEET):
        assert need.faq_id and need.status_reason
    yard = LifeSituation.objects.get(code="home-and-yard")
    assert yard.needs.count() >= 10
