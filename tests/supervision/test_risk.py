"""Risk profiles: from the data the state holds, corrections the inspector accepts, indicators → tasks, CLI."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from clientcentric.supervision.models import ControlType, FactCorrection, RiskProfile, SupervisionTask
from clientcentric.supervision.services import risk


def test_types_of_control_come_from_the_risk_model_files_with_the_spec_defaults(fire_type):
    assert fire_type.code == "fire_safety"
    assert fire_type.title == "Федеральный государственный пожарный надзор"
    assert fire_type.warning_objection_working_days == 3
    assert fire_type.appeal_filing_days == 30
    assert fire_type.appeal_review_working_days == 20
    assert fire_type.appeal_extension_working_days == 20
    assert fire_type.declaration_valid_years == 1
    model = risk.risk_model(fire_type)
    assert len(model.categories) >= 3 and model.categories[-1].code == "low"


def test_every_demo_risk_model_loads_into_a_type_of_control(agency):
    for path in risk.model_files():
        ct = risk.sync_control_type(path, agency=agency, act_control_type=path.stem)
        assert risk.risk_model(ct).code == ct.code
    assert ControlType.objects.count() == len(risk.model_files()) >= 3


def test_a_broken_risk_model_is_refused_with_where(fire_type):
    with pytest.raises(ValidationError) as error:
        risk.check_model_text("code: x\ntitle: y\ncategories: []\n", "x.yaml")
    assert "x.yaml" in str(error.value)


def test_first_assessment_uses_only_data_the_state_holds(bakery, fire_type):
    result = risk.assess_profile(bakery, fire_type, on=date(2026, 5, 1))
    # The profile gives the area (300 m²) and the employees; the hazard class is not known, so the
    # criteria that read it need data and do not raise the category.
    assert result.category == "low"
    assert result.facts["area_m2"] == 300.0
    needs = {n["code"] for n in result.needs_data}
    assert "children_and_patients" in needs
    # 300 m² is below the 1000 m² of the production criterion whatever the hazard class: not "needs data".
    assert "production_and_storage" not in needs
    missing = {m["fact"] for n in result.needs_data for m in n["missing"]}
    assert "hazard_class" in missing


def test_accepted_correction_reassesses_and_shows_its_source(bakery, other_business, fire_type, people):
    correction = risk.submit_correction(
        other_business,
        fire_type,
        fact="hazard_class",
        value="Ф5.1",
        explanation="Паспорт объекта защиты от 01.02.2026",
        actor=people["business_representative"],
    )
    assert SupervisionTask.objects.filter(kind="correction", is_open=True).count() == 1
    assert RiskProfile.objects.filter(profile=other_business).count() == 0  # nothing changes before the check
    risk.decide_correction(correction, accept=True, note="", actor=people["inspector"])
    profile = RiskProfile.objects.get(profile=other_business, control_type=fire_type)
    assert profile.category == "moderate"  # production building of 2000 m² (criterion production_and_storage)
    met = {c["code"]: c for c in profile.criteria_met}
    sources = {f["fact"]: f["source"] for f in met["production_and_storage"]["facts"]}
    assert sources == {"hazard_class": risk.SOURCE_BUSINESS, "area_m2": risk.SOURCE_PROFILE}
    assert profile.how_to_lower
    assert not SupervisionTask.objects.filter(kind="correction", is_open=True).exists()


def test_rejected_correction_needs_a_reason_and_changes_nothing(bakery, fire_type, people):
    correction = risk.submit_correction(
        bakery, fire_type, fact="hazard_class", value="Ф5.1", explanation="паспорт", actor=None
    )
    with pytest.raises(ValidationError):
        risk.decide_correction(correction, accept=False, note="", actor=people["inspector"])
    risk.decide_correction(correction, accept=False, note="Паспорт не приложен", actor=people["inspector"])
    assert FactCorrection.objects.get().status == "rejected"
    assert "hazard_class" not in risk.facts_for(bakery, fire_type, on=date(2026, 5, 1)).values


@pytest.mark.parametrize(
    ("fact", "value", "field"),
    [("no_such_fact", "1", "fact"), ("people_capacity", "много", "value"), ("fires_3y", "1.5", "value")],
)
def test_a_correction_that_does_not_fit_the_model_is_refused(bakery, fire_type, fact, value, field):
    with pytest.raises(ValidationError) as error:
        risk.submit_correction(bakery, fire_type, fact=fact, value=value, explanation="x", actor=None)
    assert field in error.value.message_dict


def test_indicator_that_fires_creates_one_task_for_the_body(bakery, fire_type):
    correction = risk.submit_correction(
        bakery, fire_type, fact="complaints_12m", value="3", explanation="жалобы соседей", actor=None
    )
    risk.decide_correction(correction, accept=True, note="", actor=None)
    risk.assess_profile(bakery, fire_type)  # again: the open task is not duplicated
    tasks = SupervisionTask.objects.filter(kind="indicator", profile=bakery, is_open=True)
    assert tasks.count() == 1
    assert tasks.get().key == "complaints_about_violations"


def test_population_assessment_agrees_with_the_per_business_path(bakery, other_business, fire_type, people):
    correction = risk.submit_correction(
        other_business, fire_type, fact="hazard_class", value="Ф5.2", explanation="паспорт", actor=None
    )
    correction.status = "accepted"
    correction.save()  # accepted without the re-assessment: the population run must catch it up
    counts = risk.assess_all(fire_type, on=date(2026, 5, 1))
    assert counts["assessed"] == 2 and counts["changed"] == 2
    stored = dict(RiskProfile.objects.values_list("profile_id", "category"))
    assert stored == {bakery.pk: "low", other_business.pk: "moderate"}
    again = risk.assess_all(fire_type, on=date(2026, 5, 1))
    assert again["changed"] == 0


def test_cli_assess_recomputes_and_names_unknown_types(bakery, fire_type, capsys):
    call_command("supervision", "assess", "--control-type", "fire_safety", "--on", "2026-05-01")
    out = capsys.readouterr().out
    assert "1 assessed" in out
    assert RiskProfile.objects.get(profile=bakery).category == "low"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="known: fire_safety"):
        call_command("supervision", "assess", "--control-type", "nope")
