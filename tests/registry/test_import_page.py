"""The registry import page: its buttons say what they do; what Russian Excel saves imports; Russian values."""

from django.core.files.uploadedfile import SimpleUploadedFile

from clientcentric.registry.models import LifeSituation

URL = "/admin/registry/import/"


def test_the_check_only_button_and_the_import_button_agree_with_what_happens(client, people, registry):
    client.force_login(people["methodologist"])
    page = client.get(URL).content.decode()
    assert 'name="dry_run" value="on"' in page and "Только проверить, ничего не записывать" in page
    assert 'type="checkbox" name="dry_run"' not in page
    data = "code,name\nbirth,Рождение ребёнка\n".encode()
    checked = client.post(URL, {"file": SimpleUploadedFile("life_situations.csv", data), "dry_run": "on"})
    assert "ничего не сохранено (только проверка)" in checked.content.decode()
    assert not LifeSituation.objects.filter(code="birth").exists()
    client.post(URL, {"file": SimpleUploadedFile("life_situations.csv", data)})
    assert LifeSituation.objects.filter(code="birth").exists()


def test_a_semicolon_cp1251_file_from_russian_excel_imports(client, people, registry):
    client.force_login(people["methodologist"])
    data = "code;name;audience\r\nbirth;Рождение ребёнка;business\r\n".encode("cp1251")
    client.post(URL, {"file": SimpleUploadedFile("life_situations.csv", data)})
    situation = LifeSituation.objects.get(code="birth")
    assert situation.name == "Рождение ребёнка" and situation.audience == "business"


def test_allowed_values_are_shown_with_their_russian_meaning(client, people, registry):
    client.force_login(people["methodologist"])
    page = client.get(URL).content.decode()
    assert "<code>support_measure</code></td><td>мера поддержки</td>" in page
    data = "code;name;audience\nbirth;Рождение;граждане\n".encode("cp1251")
    report = client.post(URL, {"file": SimpleUploadedFile("life_situations.csv", data)}).content.decode()
    assert "citizen (граждане)" in report
