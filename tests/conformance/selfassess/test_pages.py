from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.conformance import selectors, services
from clientcentric.conformance.models import Assessment, Result

from .conftest import FAKE


def test_a_methodologist_attests_through_the_page_and_errors_name_the_field(client, people, requirements):
    client.force_login(people["methodologist"])
    url = "/staff/conformance/requirements/TP-5/"
    refused = client.post(url, {"action": "attest", "a-result": "conforms", "a-statement": "Пандус есть"})
    assert refused.status_code == 422
    assert "Добавьте хотя бы одно подтверждение" in refused.content.decode()
    done = client.post(
        url,
        {
            "action": "attest",
            "a-result": "conforms",
            "a-statement": "Пандус есть",
            "a-evidence_kind": "document",
            "a-evidence_title": "Паспорт доступности",
            "a-evidence_url": "/faq/",
        },
    )
    assert done.status_code == 302
    assert Assessment.objects.get(requirement__code="TP-5").result == Result.CONFORMS


def test_an_analyst_reads_but_does_not_edit(client, people, requirements):
    client.force_login(people["analyst"])
    page = client.get("/staff/conformance/requirements/TP-5/").content.decode()
    assert "Сохранить заключение" not in page
    assert client.post("/staff/conformance/requirements/TP-5/", {"action": "attest"}).status_code == 403
    assert client.post("/staff/conformance/snapshots/", {"quarter": "2026-Q1"}).status_code == 403


def test_the_measure_form_uses_the_agencys_thresholds(client, people, requirements, fake_indicator):
    client.force_login(people["methodologist"])
    fake_indicator.value = 0.75
    response = client.post(
        "/staff/conformance/requirements/TP-4/",
        {"action": "indicator", "i-indicator": FAKE, "i-conforms_at": "0.9", "i-partly_at": "0.7"},
    )
    assert response.status_code == 302
    assert Assessment.objects.get(requirement__code="TP-4").result == Result.PARTLY


def test_another_agencys_deviation_is_not_found(client, people, agency):
    other = accounts_services.save_agency(
        Agency(code="gzhi", name="Жилищная инспекция", level="regional", kind="supervisory")
    )
    stranger = accounts_services.create_person(
        username="other-op", password="x-pass-2026!", role="operator", agency=other
    )
    deviation = services.propose_deviation(
        agency=other,
        case="Случай",
        client_need="Нужда",
        rule="Пункт 1",
        justification="Потому что",
        actor=stranger,
    )
    client.force_login(people["methodologist"])
    assert client.get(f"/staff/deviations/{deviation.pk}/").status_code == 404
    assert "Пункт 1" not in client.get("/staff/deviations/").content.decode()
    with pytest.raises(ValidationError):
        services.decide_deviation(deviation, approve=True, note="Да", actor=people["methodologist"])


def test_reading_a_deviation_is_audited(client, people, agency):
    from clientcentric.core.models import AuditEvent

    deviation = services.propose_deviation(
        agency=agency,
        case="Случай",
        client_need="Нужда",
        rule="Пункт 1",
        justification="Потому что",
        actor=people["operator"],
    )
    client.force_login(people["analyst"])
    client.get(f"/staff/deviations/{deviation.pk}/")
    assert AuditEvent.objects.filter(
        action="conformance.deviation_read", object_id=str(deviation.pk)
    ).exists()


def _row(name, appeals=0, refused=0, low=0, cost=None):
    return {
        "need": SimpleNamespace(name=name),
        "appeals": appeals,
        "refused": refused,
        "low_ratings": low,
        "cost": cost,
    }


def test_needs_are_ranked_by_unmet_demand_and_by_cost_per_contact():
    """Hand-computed: A 2 appeals + 3 refused + 1 low = 6, cost 600 000 → 100 000 per contact; B 1 appeal = 1,
    cost 50 000 → 50 000; C 4 low ratings = 4, no estimate."""
    rows = [_row("A", 2, 3, 1, Decimal(600_000)), _row("B", 1, cost=Decimal(50_000)), _row("C", low=4)]
    by_demand = selectors.rank([dict(r) for r in rows])
    assert [(r["need"].name, r["demand"]) for r in by_demand] == [("A", 6), ("C", 4), ("B", 1)]
    by_cost = selectors.rank([dict(r) for r in rows], "cost")
    assert [(r["need"].name, r["cost_per_contact"]) for r in by_cost] == [
        ("B", Decimal(50_000)),
        ("A", Decimal(100_000)),
        ("C", None),
    ]


def test_the_needs_view_lists_a_need_with_only_its_cost(client, registry, agency, people):
    need = registry["met"]
    services.set_need_cost(agency, need, cost=Decimal(75_000), note="Смета", actor=people["methodologist"])
    client.force_login(people["analyst"])
    page = client.get("/staff/conformance/needs/").content.decode()
    assert need.name in page and "75\u00a0000\u00a0₽" in page
    client.force_login(people["methodologist"])
    saved = client.post("/staff/conformance/needs/?order=cost", {"need": need.pk, "cost": "-5"})
    assert saved.status_code == 422
