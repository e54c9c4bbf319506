"""Results for the developer of requirements on the platform's pages: only the developing agency's staff and
admins read an act's assessments and a draft's comments, on the page and in its CSV exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.roles import Role
from clientcentric.business import services
from clientcentric.business.models import Draft
from clientcentric.core.models import AuditEvent

from .test_consultations_and_api import _many_businesses


@pytest.fixture
def developer_staff(developer_agency):
    """A methodologist and an analyst of the agency that develops the fire-safety act (МЧС)."""
    return {
        role: accounts_services.create_person(
            username=f"mchs-{role}", password=None, role=role, agency=developer_agency
        )
        for role in (Role.METHODOLOGIST, Role.ANALYST)
    }


@pytest.fixture
def developed(acts, developer_agency):
    acts["fire"].developer = developer_agency
    services.save_act(acts["fire"])
    return acts


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "a byte order mark, so that Excel reads Cyrillic"
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _comment_on(profiles, acts, text):
    services.save_assessment(profiles[0], acts["fire_all"], clarity=2, feasibility=2, comment=text)


@pytest.mark.parametrize("role", [Role.METHODOLOGIST, Role.ANALYST])
def test_the_developing_agency_reads_its_acts_results(client, developed, developer_staff, role):
    profiles = _many_businesses(10, developed)
    _comment_on(profiles, developed, "Непонятно, кто именно назначается ответственным")
    client.force_login(developer_staff[role])
    desk = client.get("/business/developer/").content.decode()
    assert f"/business/acts/{developed['fire'].pk}/results/" in desk
    assert f"/business/acts/{developed['power'].pk}/results/" not in desk  # no developer: nobody's
    page = client.get(f"/business/acts/{developed['fire'].pk}/results/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Непонятно, кто именно назначается ответственным" in html
    assert "<svg" in html and "Ясность и исполнимость пунктов: Правила противопожарного режима" in html


def test_another_agencys_staff_get_404_and_admin_reads_all(client, developed, people):
    _many_businesses(10, developed)
    act = developed["fire"].pk
    paths = [
        f"/business/acts/{act}/results/",
        f"/business/acts/{act}/results.csv",
        f"/business/acts/{act}/dataset.csv",
    ]
    for role in ("methodologist", "analyst"):  # staff of «sfr», not the developer
        client.force_login(people[role])
        assert [client.get(p).status_code for p in paths] == [404, 404, 404]
        assert f"/business/acts/{act}/results/" not in client.get("/business/developer/").content.decode()
    for role in ("operator", "inspector", "business_representative", "client"):
        client.force_login(people[role])
        assert client.get(paths[0]).status_code == 403
    client.force_login(people["admin"])
    assert [client.get(p).status_code for p in paths] == [200, 200, 200]


def test_an_agency_that_developed_nothing_sees_empty_lists(client, developed, people):
    client.force_login(people["methodologist"])
    page = client.get("/business/developer/").content.decode()
    assert "Ни один акт реестра не называет ваше ведомство разработчиком" in page
    assert "У вашего ведомства нет проектов на обсуждении" in page


def test_exports_hide_small_cells_and_are_audited(client, developed, developer_staff, acts):
    _many_businesses(10, developed)
    client.force_login(developer_staff[Role.METHODOLOGIST])
    results = _rows(client.get(f"/business/acts/{developed['fire'].pk}/results.csv"))
    assert results[0][:3] == ["акт", "пункт", "бизнесов"]
    assert results[1][:8] == ["ППР", "п. 1", "10", "нет", "4,0", "2,0", "10", "0"]
    dataset = _rows(client.get(f"/business/acts/{developed['fire'].pk}/dataset.csv"))
    assert dataset[1][:4] == ["ППР", "1", "малое предприятие", "10"]
    assert AuditEvent.objects.filter(action="business.act_results_exported").count() == 1
    assert AuditEvent.objects.filter(action="business.act_dataset_exported").count() == 1


def test_an_item_rated_by_fewer_than_ten_is_hidden_in_the_export(client, developed, developer_staff):
    _many_businesses(9, developed)
    client.force_login(developer_staff[Role.METHODOLOGIST])
    rows = _rows(client.get(f"/business/acts/{developed['fire'].pk}/results.csv"))
    assert rows[1][:6] == ["ППР", "п. 1", "9", "да", "", ""]
    assert _rows(client.get(f"/business/acts/{developed['fire'].pk}/dataset.csv"))[1:] == []
    page = client.get(f"/business/acts/{developed['fire'].pk}/results/").content.decode()
    assert "слишком мало для показа" in page and "<svg" not in page


def _draft(agency):
    today = timezone.localdate()
    return services.save_draft(
        Draft(
            title="Проект требований к складам",
            developer=agency,
            procedure=Draft.Procedure.RIA,
            degree=Draft.Degree.HIGH,
            summary="Новые обязанности.",
            scope_rule="has_premises",
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=20),
        )
    )


def test_a_drafts_summary_and_its_export_belong_to_its_developer(
    client, developer_agency, developer_staff, business_profile, people
):
    draft = _draft(developer_agency)
    services.comment_on_draft(draft, business_profile, rating=2, text="Журнал — лишняя бумага")
    summary, export = (
        f"/business/consultations/{draft.pk}/summary/",
        f"/business/consultations/{draft.pk}/summary.csv",
    )
    client.force_login(people["analyst"])  # another agency's
    assert (client.get(summary).status_code, client.get(export).status_code) == (404, 404)
    client.force_login(developer_staff[Role.ANALYST])
    html = client.get(summary).content.decode()
    assert "Журнал — лишняя бумага" in html
    assert "<title" in html and "Оценки проекта" in html and "Поставили оценку 1 — 0, оценку 2 — 1" in html
    rows = _rows(client.get(export))
    assert rows[1][:3] == ["2", "Журнал — лишняя бумага", "малое предприятие"]
    assert "Пекарня" not in str(rows), "the developer does not learn who commented"
