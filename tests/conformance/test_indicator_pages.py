"""The indicators' staff pages: held to the staff's agency, the breakdown and its records, the export's shape."""

import json

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency

from .conftest import QUARTER
from .test_indicators_appeals import quarter_of_appeals  # noqa: F401
from .test_indicators_feedback import quarter_of_ratings  # noqa: F401


def test_the_table_shows_every_indicator_for_the_staffs_own_agency(client, people, quarter_of_appeals):  # noqa: F811
    client.force_login(people["analyst"])
    page = client.get(
        "/staff/conformance/indicators/", {"quarter": str(QUARTER), "agency": quarter_of_appeals.pk}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Отделение Социального фонда" in text  # the analyst's own agency, whatever the query asked
    assert "81,3" in text and "13 / 16" in text  # appeals on time, II квартал 2026
    assert "II квартал 2026" in text


def test_the_detail_lists_the_records_behind_a_cell(client, people, quarter_of_appeals):  # noqa: F811
    client.force_login(people["methodologist"])
    page = client.get(
        "/staff/conformance/indicators/appeals_on_time/", {"quarter": str(QUARTER), "key": "portal"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("/operator/appeals/") == 12  # the 12 portal appeals of the quarter
    assert "10 / 12" in text


def test_the_admin_chooses_the_agency_or_the_region(client, people, quarter_of_appeals):  # noqa: F811
    client.force_login(people["admin"])
    region = client.get("/staff/conformance/indicators/appeals_on_time/", {"quarter": str(QUARTER)})
    assert "13 / 17" in region.content.decode()
    housing = client.get(
        "/staff/conformance/indicators/appeals_on_time/",
        {"quarter": str(QUARTER), "agency": quarter_of_appeals.pk},
    )
    assert "Жилищное агентство" in housing.content.decode()


def test_vash_kontrol_export_in_the_federal_shape(client, people, quarter_of_ratings, agency):  # noqa: F811
    client.force_login(people["analyst"])
    answer = client.get("/staff/conformance/indicators/vash-kontrol.json", {"quarter": str(QUARTER)})
    data = json.loads(answer.content)
    assert data["format"] == "vash-kontrol/1" and data["period"] == "2026-Q2"
    rows = {row["criterion_number"]: row for row in data["rows"]}
    assert set(rows) == {1, 3}  # time and staff were rated
    assert (rows[1]["ratings"], rows[1]["positive"], rows[1]["share_positive"]) == (12, 10, 0.8333)
    assert rows[3]["agency_code"] == agency.code and rows[3]["suppressed"] == 0
    csv_answer = client.get("/staff/conformance/indicators/vash-kontrol.csv", {"quarter": str(QUARTER)})
    header = csv_answer.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("period;agency_code;agency_name;service_code")


def test_another_agencys_staff_do_not_get_its_figures(client, quarter_of_ratings, db):  # noqa: F811
    other = accounts_services.save_agency(
        Agency(code="gji", name="Жилинспекция", level="regional", kind="executive")
    )
    person = accounts_services.create_person(
        username="gji-a", password="x" * 12, role="analyst", agency=other
    )
    client.force_login(person)
    answer = client.get("/staff/conformance/indicators/vash-kontrol.json", {"quarter": str(QUARTER)})
    assert json.loads(answer.content)["rows"] == []
