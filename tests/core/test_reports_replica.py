"""Dashboards, open data and analysts' pages read the reports replica when one is configured; writes never do."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from clientcentric.core.databases import REPORTS, ReportsRouter, reading_reports, reads_reports
from clientcentric.registry.models import LifeSituation


@pytest.fixture
def reports_alias(settings, monkeypatch):
    """`reports` as the settings add it for CLIENTCENTRIC_REPORTS_DATABASE_URL, here the test database itself."""
    monkeypatch.setitem(settings.DATABASES, REPORTS, {**connections.settings["default"], "TEST": {}})
    yield REPORTS
    if REPORTS in connections:
        connections[REPORTS].close()
        del connections[REPORTS]


def test_reads_go_to_the_replica_only_inside_a_report_and_writes_never(reports_alias):
    router = ReportsRouter()
    assert router.db_for_read(LifeSituation) is None
    with reading_reports():
        assert router.db_for_read(LifeSituation) == REPORTS
        assert router.db_for_write(LifeSituation) == "default"
    assert router.db_for_read(LifeSituation) is None
    assert router.allow_migrate(REPORTS, "registry") is False


def test_without_a_replica_a_report_reads_the_primary(settings):
    assert REPORTS not in settings.DATABASES
    with reading_reports():
        assert ReportsRouter().db_for_read(LifeSituation) is None


def test_only_a_get_reads_the_replica(rf):
    seen = []

    @reads_reports
    def view(request):
        from clientcentric.core import databases

        seen.append(databases._reading_reports.get())

    view(rf.get("/"))
    view(rf.post("/"))
    assert seen == [True, False]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second connection must see the test's rows; on SQLite the test database is in memory",
)
@pytest.mark.django_db(transaction=True)
def test_the_open_data_sheet_is_read_from_the_replica(client, reports_alias):
    LifeSituation.objects.create(code="rozhdenie-rebenka-replica", name="Рождение ребёнка (реплика)")
    # Opened here: pytest-django allows only the aliases that existed when the test began to connect on demand.
    connections[REPORTS].connect()
    with (
        CaptureQueriesContext(connections[REPORTS]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/open-data/life_situations.csv")
    assert response.status_code == 200
    assert "Рождение ребёнка (реплика)" in response.content.decode()
    assert any("registry_lifesituation" in q["sql"] for q in on_replica.captured_queries)
    assert not any("registry_lifesituation" in q["sql"] for q in on_primary.captured_queries)
