import json

from django.core.files.uploadedfile import SimpleUploadedFile

from clientcentric.registry.models import LifeSituation

URL = "/admin/registry/import/"


def upload(client, name, data, dry_run=False):
    form = {"file": SimpleUploadedFile(name, data)}
    if dry_run:
        form["dry_run"] = "on"
    return client.post(URL, form)


def test_methodologist_sees_a_russian_row_level_report_and_nothing_is_imported(client, people, registry):
    client.force_login(people["methodologist"])
    data = "code,name,audience,description,sort_order\nbirth,Рождение,citizen,,1\nbad,,citizen,,2\n".encode()
    page = upload(client, "life_situations.csv", data).content.decode()
    assert "Ничего не загружено" in page
    assert "<td>life_situations</td><td>3</td><td><code>name</code></td>" in page
    assert not LifeSituation.objects.filter(code="birth").exists()


def test_check_only_writes_nothing_then_import_writes(client, people, registry):
    client.force_login(people["methodologist"])
    data = json.dumps(
        {"sheets": {"life_situations": [{"code": "birth", "name": "Рождение ребёнка"}]}}
    ).encode()
    upload(client, "registry.json", data, dry_run=True)
    assert not LifeSituation.objects.filter(code="birth").exists()
    upload(client, "registry.json", data)
    situation = LifeSituation.objects.get(code="birth")
    assert situation.history.first().history_user == people["methodologist"]


def test_the_button_is_on_the_registry_lists(client, people, registry):
    client.force_login(people["methodologist"])
    assert URL in client.get("/admin/registry/need/").content.decode()
    client.force_login(people["analyst"])
    assert client.get(URL).status_code == 403
