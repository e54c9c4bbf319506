import pytest
from django.core.exceptions import ValidationError

from clientcentric.design import services
from clientcentric.design.models import AudienceTest, DesignProject, Stage, StageChange

from .conftest import prepare, run_test


def _walk_to_refinement(project, panel):
    prepare(project)
    services.advance(project, Stage.BETA)
    services.advance(project, Stage.BETA_TEST)
    return project


def test_preparation_gate_lists_what_is_missing(project):
    with pytest.raises(services.GateClosed) as error:
        services.advance(project, Stage.BETA)
    text = " ".join(error.value.messages)
    assert "AS IS" in text and "TO BE" in text
    assert DesignProject.objects.get(pk=project.pk).stage == Stage.PREPARATION


def test_an_existing_service_skips_alpha_and_a_new_one_cannot(project, registry):
    prepare(project)
    with pytest.raises(ValidationError):
        services.advance(project, Stage.ALPHA)
    new = services.save_project(DesignProject(name="Новый", kind="new", segment=registry["segment"]))
    with pytest.raises(ValidationError):
        services.advance(new, Stage.BETA)


def test_pilot_stays_shut_until_a_beta_test_on_the_target_segment_meets_its_criteria(
    project, panel, registry
):
    _walk_to_refinement(project, panel)
    failed = run_test(project, panel, success=False)
    assert failed.criteria_met is False
    services.advance(project, Stage.REFINEMENT)
    with pytest.raises(services.GateClosed):
        services.advance(project, Stage.PILOT)
    services.advance(project, Stage.BETA_TEST)
    services.advance(project, Stage.REFINEMENT)
    passed = run_test(project, panel)
    assert passed.criteria_met is True
    services.advance(project, Stage.PILOT)
    assert DesignProject.objects.get(pk=project.pk).stage == Stage.PILOT
    assert StageChange.objects.filter(project=project).count() == 6


def test_a_passed_test_on_another_segment_does_not_open_the_pilot(project, panel, registry):
    from clientcentric.registry import services as registry_services
    from clientcentric.registry.models import Segment

    other = registry_services.save_segment(Segment(code="seg-x", name="Другие"), life_situations=[])
    for member in panel:
        member.segments.add(other)
    _walk_to_refinement(project, panel)
    run_test(project, panel, segment=other)
    services.advance(project, Stage.REFINEMENT)
    with pytest.raises(services.GateClosed):
        services.advance(project, Stage.PILOT)


def test_saving_a_project_cannot_move_its_stage(project):
    project.stage = Stage.PRODUCTION
    services.save_project(project)
    assert DesignProject.objects.get(pk=project.pk).stage == Stage.PREPARATION


def test_a_test_without_participants_or_criteria_cannot_complete(project, registry):
    test = services.save_test(
        AudienceTest(project=project, phase="beta", segment=registry["segment"], title="t", min_sus=70),
        tasks=["a"],
    )
    with pytest.raises(ValidationError) as error:
        services.complete_test(test)
    assert error.value.code == "no_participants"
    test.min_sus = None
    services.save_test(test)
    with pytest.raises(ValidationError):
        services.complete_test(test)


def test_only_clients_who_agreed_can_be_recruited(project, panel, registry):
    test = services.save_test(
        AudienceTest(project=project, phase="beta", segment=registry["segment"], title="t", min_sus=70),
        tasks=["a"],
    )
    services.withdraw_from_panel(panel[0].person)
    panel[0].refresh_from_db()
    with pytest.raises(ValidationError):
        services.add_participant(test, panel[0])


def test_completed_test_results_are_frozen(project, panel):
    _walk_to_refinement(project, panel)
    test = run_test(project, panel)
    participation = test.participations.first()
    with pytest.raises(ValidationError):
        services.record_results(participation, results=[], effort=7)


def test_assessment_matrix_weights_the_scores(project):
    prepare(project)
    row = services.assessment_matrix(project)[0]
    assert row["total"] == pytest.approx((5 * 3 + 3 * 1) / 4)


def test_scores_must_be_on_the_criteria_and_one_to_five(project):
    from clientcentric.design.models import Variant

    with pytest.raises(ValidationError):
        services.save_variant(Variant(project=project, name="x", scores={"Скорость": 3}))
    with pytest.raises(ValidationError):
        services.save_variant(Variant(project=project, name="x", scores={"Стоимость": 9}))


def test_monitoring_compares_satisfaction_before_and_after_launch(project, registry):
    from datetime import date

    from clientcentric.design import selectors
    from clientcentric.research import services as research_services
    from clientcentric.research.models import EvidenceRecord

    assert selectors.monitoring(project) is None  # not launched yet
    need = registry["met"]
    project.needs.add(need)
    DesignProject.objects.filter(pk=project.pk).update(launched_on=date(2026, 6, 1))
    project.refresh_from_db()
    records = [
        EvidenceRecord(need=need, occurred_on=date(2026, 5, 1), satisfied=i < 48, count=1) for i in range(80)
    ]
    records += [
        EvidenceRecord(need=need, occurred_on=date(2026, 7, 1), satisfied=i < 56, count=1) for i in range(70)
    ]
    research_services.import_evidence_records("Опрос", "anonymised", records)
    result = selectors.monitoring(project)
    assert (result.before.rated, result.after.rated) == (80, 70)
    assert result.difference.estimate == pytest.approx(0.2)
    assert result.difference.low > 0  # the improvement is more than noise


def test_the_first_prototype_follows_the_kind_of_project(project, registry):
    from clientcentric.design import workflow

    new = services.save_project(DesignProject(name="Новый", kind="new", segment=registry["segment"]))
    assert workflow.allowed_next(project) == [Stage.BETA]
    assert workflow.allowed_next(new) == [Stage.ALPHA]
    with pytest.raises(ValidationError) as error:
        services.advance(new, Stage.BETA)
    assert "stage" in error.value.message_dict
    assert not StageChange.objects.filter(project=new).exists()
