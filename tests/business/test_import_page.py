"""The back-office import of acts and items: upload, a dry-run preview with the row-level report in Russian,
confirm; the same importer as the command; nothing written on any error."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.business.models import Act, Requirement
from clientcentric.core.models import AuditEvent

URL = "/admin/business/act/import/"
ACTS = (
    "code,title,developer,supervisory_body,published_on,effective_from\n"
    "АКТ,Правила хранения,mchs,МЧС России,2026-01-15,2026-09-01\n"
)
ITEMS = (
    "act,item_no,chapter_num,chapter_name,text,applicability_rule,cost_hours,cost_frequency\n"
    'АКТ,1,,Глава 1,"Назначить ответственного",,1,1\n'
    "АКТ,2,,Глава 1,\"Хранить на складе\",'warehouse' in premises_purposes,2,12\n"
)
BAD_ITEMS = (
    "act,item_no,chapter_num,chapter_name,text,applicability_rule,cost_hours,cost_frequency\n"
    'АКТ,1,,Глава 1,"Назначить ответственного",,1,1\n'
    "АКТ,2,,Глава 1,,,1,1\n"
    'АКТ,3,,Глава 1,"Третье",has_premises and floors > 2,1,1\n'
    'АКТ,4,,Глава 1,"Четвёртое",,много,1\n'
)


@pytest.fixture
def mchs(db):
    return accounts_services.save_agency(
        Agency(code="mchs", name="МЧС России", level="federal", kind="supervisory")
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, *files):
    return client.post(
        URL, {"files": [SimpleUploadedFile(name, text.encode("utf-8")) for name, text in files]}
    )


def test_a_bad_file_gets_a_row_level_report_in_russian_and_nothing_is_written(client, people, mchs):
    client.force_login(people["methodologist"])
    response = _upload(client, ("acts.csv", ACTS), ("items.csv", BAD_ITEMS))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Ничего не загружено: найдены 3 ошибки." in html
    assert "<td>items.csv</td><td>3</td><td><code>text</code> (текст требования)</td>" in html
    assert "У требования должен быть текст." in html
    assert "<td>4</td><td><code>applicability_rule</code>" in html and "floors" in html
    assert "<td>5</td><td><code>cost_hours</code>" in html and "«много» — не число" in html
    assert 'name="confirm"' not in html
    assert not Act.objects.exists() and not Requirement.objects.exists()


def test_a_good_file_is_previewed_then_imported_on_confirmation(
    client, people, mchs, media, django_capture_on_commit_callbacks, monkeypatch
):
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    client.force_login(people["methodologist"])
    preview = _upload(client, ("acts.csv", ACTS), ("items.csv", ITEMS))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Ничего ещё не записано" in html
    assert "<td>новый</td><td>2</td><td>0</td>" in html
    assert not Act.objects.exists(), "the preview writes nothing"
    key = preview.context["key"]
    assert (media / "business-imports" / key).is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(URL, {"confirm": "1", "key": key})
    assert done.status_code == 302 and done["Location"] == "/admin/business/act/"
    assert AuditEvent.objects.filter(action="business.candidates_refreshed").count() == 1
    act = Act.objects.get(code="АКТ")
    assert act.developer == mchs and act.requirements.count() == 2
    assert AuditEvent.objects.filter(action="business.requirements_imported").count() == 1
    assert not (media / "business-imports" / key).exists()
    # The same files again: the preview says the items would be updated, not created.
    again = _upload(client, ("acts.csv", ACTS), ("items.csv", ITEMS)).content.decode()
    assert "<td>обновлено</td><td>0</td><td>2</td>" in again


def test_a_confirmation_without_a_checked_upload_writes_nothing(client, people, mchs):
    client.force_login(people["methodologist"])
    response = client.post(URL, {"confirm": "1", "key": "0123456789abcdef"}, follow=True)
    assert "Проверенных файлов больше нет" in response.content.decode()
    assert not Act.objects.exists()


def test_a_registry_change_between_preview_and_confirmation_writes_nothing(client, people, mchs):
    client.force_login(people["methodologist"])
    key = _upload(client, ("acts.csv", ACTS), ("items.csv", ITEMS)).context["key"]
    mchs.delete()  # the agency the acts file names is gone
    response = client.post(URL, {"confirm": "1", "key": key})
    assert response.status_code == 422
    assert "Нет органа с кодом mchs." in response.content.decode()
    assert not Act.objects.exists() and not Requirement.objects.exists()


def test_only_who_may_add_requirements_opens_the_page(client, people):
    for role, status in (("analyst", 403), ("inspector", 403), ("methodologist", 200), ("admin", 200)):
        client.force_login(people[role])
        assert client.get(URL).status_code == status, role
    client.force_login(people["methodologist"])
    assert URL in client.get("/admin/business/act/").content.decode()


def test_the_command_and_the_page_preview_the_same(client, people, mchs, tmp_path):
    (tmp_path / "acts.csv").write_text(ACTS, encoding="utf-8")
    (tmp_path / "items.csv").write_text(ITEMS, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "business",
        "import-requirements",
        str(tmp_path / "acts.csv"),
        str(tmp_path / "items.csv"),
        "--dry-run",
        "--json",
        stdout=out,
    )
    import json

    cli = json.loads(out.getvalue())
    client.force_login(people["methodologist"])
    page = _upload(client, ("acts.csv", ACTS), ("items.csv", ITEMS)).context["report"]
    assert (
        cli["acts"]
        == page.as_dict()["acts"]
        == [{"code": "АКТ", "new": True, "items_created": 2, "items_updated": 0}]
    )
    assert not Act.objects.exists()


def test_the_staged_files_go_through_the_storage_api_not_a_local_path(
    client, people, mchs, media, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """Preview on one web node, confirmation on another: the files wait in the shared media storage."""
    from django.core.files.storage import default_storage

    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    client.force_login(people["methodologist"])
    key = _upload(client, ("acts.csv", ACTS), ("items.csv", ITEMS)).context["key"]
    assert default_storage.exists(f"business-imports/{key}/names.json")
    assert not any(media.iterdir()), "nothing written to the local media directory"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(URL, {"confirm": "1", "key": key})
    assert done.status_code == 302 and Act.objects.get(code="АКТ").requirements.count() == 2
    assert not default_storage.exists(f"business-imports/{key}/names.json")
