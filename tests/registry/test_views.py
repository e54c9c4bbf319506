def test_catalogue_lists_situations_with_status_counts(client, registry):
    page = client.get("/").content.decode()
    assert "Выход на пенсию" in page and "/situations/retirement/" in page


def test_situation_page_lists_needs_with_status_and_reason(client, registry):
    page = client.get("/situations/retirement/").content.decode()
    assert "Выйти на пенсию раньше срока" in page
    assert "status-cannot_meet" in page
    assert "Возраст выхода на пенсию установлен федеральным законом" in page


def test_cannot_meet_need_page_shows_the_faq_answer(client, registry):
    page = client.get("/needs/early-pension/").content.decode()
    assert "Почему нельзя выйти на пенсию раньше?" in page
    assert "досрочная пенсия" in page


def test_met_need_page_shows_agency_touchpoints_and_effort(client, registry):
    page = client.get("/needs/get-pension/").content.decode()
    assert "Назначение страховой пенсии по старости" in page
    assert "Отделение Социального фонда" in page
    assert "МФЦ «Мои документы»" in page
    assert "one_click" not in page  # the label is shown, not the code


def test_unknown_codes_are_404(client, registry):
    assert client.get("/needs/nope/").status_code == 404
    assert client.get("/open-data/registry.exe").status_code == 404
    assert client.get("/open-data/people.csv").status_code == 404


def test_open_data_downloads(client, registry):
    response = client.get("/open-data/registry.json")
    assert response["Content-Disposition"] == 'attachment; filename="registry.json"'
    document = response.json()
    assert document["schema_version"] == 1
    assert {n["code"] for n in document["sheets"]["needs"]} == {
        "get-pension",
        "pension-certificate",
        "early-pension",
    }
    csv_text = client.get("/open-data/services.csv").content.decode()
    assert csv_text.splitlines()[1].startswith("pension-assign,")
    assert "one_stop_centre;portal" in csv_text
    assert client.get("/open-data/registry.xlsx").content[:2] == b"PK"
