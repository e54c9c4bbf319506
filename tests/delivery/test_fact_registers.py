"""A fact the profile lacks comes from a state register (delivery/registries.py): the disability from the register
of disabled persons (ФГИС ФРИ, the demo's stand-in), shown with its provenance, so the application is one click."""

import json
from datetime import date

import pytest

from clientcentric.core.models import AuditEvent
from clientcentric.delivery import effort, registries
from clientcentric.delivery.models import EligibilityRule, ServiceRequest
from clientcentric.delivery.services import applications
from clientcentric.delivery.services import profiles as profile_services
from clientcentric.delivery.services import rules as rule_services

from .conftest import make_client


@pytest.fixture
def disability_service(registry, agency, low_income):
    from clientcentric.registry import services
    from clientcentric.registry.models import EffortClass, Service, Touchpoint

    service = services.save_service(
        Service(
            code="disability-payment",
            name="Ежемесячная выплата людям с инвалидностью",
            agency=agency,
            effort_class=EffortClass.ONE_CLICK,
        ),
        touchpoints=Touchpoint.objects.filter(code="portal"),
    )
    rule = rule_services.save_rule(
        EligibilityRule(
            rule_id="disability_payment",
            service=service,
            text="disability",
            valid_from=date(2016, 1, 1),
            explain_yes="Вам установлена инвалидность.",
            explain_no="Инвалидность не установлена.",
            examples=[
                {"on": "2026-01-01", "facts": {"disability": True}, "expect": "eligible"},
                {"on": "2026-01-01", "facts": {"disability": False}, "expect": "not_eligible"},
            ],
        )
    )
    rule_services.publish_rule(rule)
    return service


@pytest.fixture
def register_file(tmp_path, settings):
    path = tmp_path / "fri.json"
    settings.CLIENTCENTRIC_FRI_DEMO_FILE = str(path)
    settings.CLIENTCENTRIC_FACT_REGISTERS = ["fri-demo"]

    def listing(*snils):
        path.write_text(json.dumps({"persons": [{"snils": s, "group": 2} for s in snils]}), encoding="utf-8")

    listing()
    return listing


@pytest.fixture
def applicant(db, consent_text):
    return make_client("applicant", snils_number=323456789, birth=date(1970, 3, 3))


def _values(response) -> dict:
    form = response.context["form"]
    return {
        name: "" if form[name].value() is None else str(form[name].value())
        for name in form.fields
        if name != "documents"
    }


def test_the_register_answers_by_snils(applicant, register_file):
    profile = profile_services.profile_of(applicant)
    register_file(profile.snils)
    answer = registries.ask(profile, "disability")
    assert answer.value is True and answer.register == "fri-demo"
    assert answer.label == "из реестра инвалидов (ФГИС ФРИ)"
    register_file()
    assert registries.ask(profile, "disability").value is False


def test_no_snils_or_no_register_asks_nothing(applicant, register_file, settings):
    profile = profile_services.profile_of(applicant)
    register_file(profile.snils)
    settings.CLIENTCENTRIC_FACT_REGISTERS = []
    assert registries.ask(profile, "disability") is None
    settings.CLIENTCENTRIC_FACT_REGISTERS = ["fri-demo"]
    profile.snils = None
    assert registries.ask(profile, "disability") is None


def test_the_form_shows_the_disability_from_the_register_with_its_provenance(
    client, applicant, register_file, disability_service
):
    register_file(profile_services.profile_of(applicant).snils)
    client.force_login(applicant)
    response = client.get("/me/apply/disability-payment/")
    plan = response.context["plan"]
    asked = {f.name: f for f in plan.fields}
    assert asked["disability"].source == "registry:fri-demo" and asked["disability"].initial is True
    assert "Из реестра инвалидов (ФГИС ФРИ) — исправьте, если неверно." in response.content.decode()


def test_the_application_is_one_click_and_the_fact_is_kept(
    client, applicant, register_file, disability_service
):
    register_file(profile_services.profile_of(applicant).snils)
    client.force_login(applicant)
    response = client.get("/me/apply/disability-payment/")
    assert client.post("/me/apply/disability-payment/", _values(response)).status_code == 302
    request = ServiceRequest.objects.get()
    assert request.fields_typed == 0
    assert effort.within(effort.ONE_CLICK, request.seconds, request.fields_typed)
    assert request.data["from_registers"] == {"disability": "fri-demo"}
    assert profile_services.profile_of(applicant).disability is True
    kept = AuditEvent.objects.get(action="delivery.register_fact_kept")
    assert kept.data["fields"] == ["disability"] and kept.data["registers"] == ["fri-demo"]
    assert "323" not in json.dumps(kept.data)  # no SNILS in the audit data


def test_without_the_register_the_client_types_it(client, applicant, settings, disability_service):
    settings.CLIENTCENTRIC_FACT_REGISTERS = []
    client.force_login(applicant)
    plan = applications.plan_for(applicant, disability_service)
    assert [(f.name, f.source) for f in plan.fields] == [("disability", "")]
