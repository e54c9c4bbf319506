"""Every write to design projects and audience tests: validation, the stage gates, history and the audit log."""

from collections.abc import Iterable
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.services import audit
from clientcentric.core.workflow import TransitionNotAllowed
from clientcentric.engines import usability

from . import workflow
from .models import (
    AudienceTest,
    DesignProject,
    PanelMember,
    Participation,
    ProjectKind,
    Stage,
    StageChange,
    TaskResult,
    TestTask,
    Variant,
)


class GateClosed(ValidationError):
    """A stage change whose precondition (DES-1…DES-4) is not met; the message says what is missing."""


@transaction.atomic
def save_project(project: DesignProject, *, needs: Iterable = (), actor=None) -> DesignProject:
    created = project.pk is None
    if not created:
        # The stage moves only through `advance`: a form, the admin or the API cannot set it directly.
        stored = DesignProject.objects.select_for_update().get(pk=project.pk)
        project.stage, project.launched_on = stored.stage, stored.launched_on
    elif project.stage != Stage.PREPARATION:
        raise ValidationError({"stage": _("A new design project starts at preparation.")})
    if project.kind == ProjectKind.REENGINEERING and project.service_id is None:
        raise ValidationError({"service": reengineering_needs_service_message()})
    _check_criteria(project.criteria)
    if created and project.created_by_id is None and actor is not None and actor.is_authenticated:
        project.created_by = actor
    project.full_clean()
    project.save()
    project.needs.set(list(needs))
    _drop_scores_of_removed_criteria(project)
    audit.record(actor, "design.project_saved" if not created else "design.project_created", project)
    return project


def _drop_scores_of_removed_criteria(project: DesignProject) -> None:
    # A renamed or removed criterion leaves no score behind that save_variant would later refuse.
    known = {c["name"] for c in project.criteria or []}
    for variant in project.variants.all():
        kept = {name: score for name, score in (variant.scores or {}).items() if name in known}
        if kept != variant.scores:
            variant.scores = kept
            variant.save(update_fields=["scores"])


def reengineering_needs_service_message() -> str:
    return _("Re-engineering needs the existing service it changes.")


def _check_criteria(criteria) -> None:
    if not isinstance(criteria, list):
        raise ValidationError({"criteria": _("Criteria are a list of {name, weight}.")})
    names = set()
    for index, criterion in enumerate(criteria, start=1):
        name = str(criterion.get("name", "")).strip() if isinstance(criterion, dict) else ""
        weight = criterion.get("weight") if isinstance(criterion, dict) else None
        if not name or not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
            raise ValidationError(
                {"criteria": _("Criterion %(n)s needs a name and a positive weight.") % {"n": index}}
            )
        if name in names:
            raise ValidationError({"criteria": _("Criterion «%(name)s» appears twice.") % {"name": name}})
        names.add(name)


@transaction.atomic
def save_variant(variant: Variant, *, actor=None) -> Variant:
    project = DesignProject.objects.select_for_update().get(pk=variant.project_id)
    known = {c["name"] for c in project.criteria}
    problems = []
    for name, score in (variant.scores or {}).items():
        if name not in known:
            problems.append(_("«%(name)s» is not a criterion of this project.") % {"name": name})
        elif not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            problems.append(_("The score for «%(name)s» must be a whole number 1…5.") % {"name": name})
    if problems:
        raise ValidationError({"scores": problems})
    variant.full_clean()
    variant.save()
    if variant.is_chosen:
        project.variants.exclude(pk=variant.pk).update(is_chosen=False)
    audit.record(actor, "design.variant_saved", variant, project=project.pk)
    return variant


@transaction.atomic
def delete_variant(variant: Variant, *, actor=None) -> None:
    audit.record(actor, "design.variant_deleted", variant, project=variant.project_id, name=variant.name)
    variant.delete()


def assessment_matrix(project: DesignProject) -> list[dict]:
    """Each variant with its scores in criteria order and its weighted total (0…5), best first."""
    criteria = project.criteria or []
    total_weight = sum(c["weight"] for c in criteria) or 1
    rows = []
    for variant in project.variants.all():
        scores = [variant.scores.get(c["name"]) for c in criteria]
        complete = all(score is not None for score in scores)
        total = (
            sum(score * c["weight"] for score, c in zip(scores, criteria, strict=True)) / total_weight
            if complete and criteria
            else None
        )
        rows.append({"variant": variant, "scores": scores, "total": total, "complete": complete})
    return sorted(rows, key=lambda row: -(row["total"] or -1))


def gate_problems(project: DesignProject, target: str) -> list[str]:
    """What keeps the project from entering `target`; empty when the gate is open."""
    problems = []
    if project.stage == Stage.PREPARATION:
        if project.kind == ProjectKind.REENGINEERING:
            if not project.as_is.strip():
                problems.append(_("Describe the AS IS scenario of the existing service."))
            if not project.practice_analysis.strip():
                problems.append(_("Analyse the current practice of the existing service."))
        if not project.best_practices.strip():
            problems.append(_("Analyse best practices."))
        if not project.to_be.strip():
            problems.append(_("Describe the TO BE scenario."))
        matrix = assessment_matrix(project)
        if not project.criteria or not any(row["complete"] for row in matrix):
            problems.append(_("Score at least one variant on every criterion of the assessment matrix."))
        if not any(row["variant"].is_chosen and row["complete"] for row in matrix):
            problems.append(_("Choose the variant to prototype."))
    elif project.stage == Stage.ALPHA_TEST and target == Stage.BETA:
        if not _passed(project, AudienceTest.Phase.ALPHA):
            problems.append(_("An alpha test on the target segment must meet its criteria first."))
    elif project.stage == Stage.BETA_TEST and target == Stage.REFINEMENT:
        if not project.tests.filter(phase=AudienceTest.Phase.BETA, completed_at__isnull=False).exists():
            problems.append(_("Complete a beta test on the target audience first."))
    elif target == Stage.PILOT:
        # DES-4: no pilot without a beta test on the project's own target segment that met its criteria.
        if not _passed(project, AudienceTest.Phase.BETA):
            problems.append(
                _("The pilot stays closed until a beta test on the target segment has met its criteria.")
            )
    return problems


def _passed(project: DesignProject, phase: str) -> bool:
    return project.tests.filter(
        phase=phase, segment_id=project.segment_id, completed_at__isnull=False, criteria_met=True
    ).exists()


@transaction.atomic
def advance(project: DesignProject, target: str, *, actor=None, note: str = "") -> DesignProject:
    project = DesignProject.objects.select_for_update().get(pk=project.pk)
    if target not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage «%(stage)s».") % {"stage": target}})
    try:
        workflow.PROJECT.check(project.stage, target, project)
    except TransitionNotAllowed as error:
        raise ValidationError(
            {
                "stage": _("A project at «%(current)s» cannot go to «%(target)s».")
                % {"current": Stage(error.current).label, "target": Stage(error.target).label}
            }
        ) from None
    problems = gate_problems(project, target)
    if problems:
        raise GateClosed({"stage": problems})
    previous = project.stage
    project.stage = target
    if target == Stage.PRODUCTION and not project.launched_on:
        project.launched_on = timezone.localdate()
    project.save(update_fields=["stage", "launched_on"])
    StageChange.objects.create(
        project=project, actor=_person(actor), from_stage=previous, to_stage=target, note=note
    )
    audit.record(actor, "design.stage_changed", project, before=previous, after=target, note=note)
    return project


def _person(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def join_panel(person, *, segments: Iterable = ()) -> PanelMember:
    member, _created = PanelMember.objects.update_or_create(
        person=person, defaults={"agreed_at": timezone.now(), "withdrawn_at": None}
    )
    member.segments.set(list(segments))
    audit.record(person, "design.panel_joined", member)
    return member


@transaction.atomic
def withdraw_from_panel(person) -> None:
    PanelMember.objects.filter(person=person, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    audit.record(person, "design.panel_withdrawn")


@transaction.atomic
def save_test(test: AudienceTest, *, tasks: list[str] | None = None, actor=None) -> AudienceTest:
    if test.pk is not None and AudienceTest.objects.filter(pk=test.pk, completed_at__isnull=False).exists():
        raise ValidationError(_("A completed test cannot be changed."))
    test.full_clean()
    test.save()
    if tasks is not None:
        cleaned = [text.strip() for text in tasks if text.strip()]
        if not cleaned:
            raise ValidationError({"tasks": _("A test needs at least one task.")})
        if cleaned == list(test.tasks.values_list("text", flat=True)):
            tasks = None  # unchanged: keep the rows and the results recorded against them
        elif TaskResult.objects.filter(task__test=test).exists():
            raise ValidationError(
                {"tasks": _("The tasks cannot change once results are recorded against them.")}
            )
    if tasks is not None:
        test.tasks.all().delete()
        TestTask.objects.bulk_create(
            TestTask(test=test, position=position, text=text) for position, text in enumerate(cleaned, 1)
        )
    audit.record(actor, "design.test_saved", test)
    return test


def _open_test(test: AudienceTest) -> AudienceTest:
    test = AudienceTest.objects.select_for_update().get(pk=test.pk)
    if test.completed_at is not None:
        raise ValidationError(_("The test is completed; its results cannot change."))
    return test


@transaction.atomic
def add_participant(test: AudienceTest, member: PanelMember, *, actor=None) -> Participation:
    test = _open_test(test)
    if not member.is_active:
        raise ValidationError(
            _("Only clients who agreed to take part (and did not withdraw) can be recruited.")
        )
    if not member.segments.filter(pk=test.segment_id).exists():
        raise ValidationError(_("The participant does not belong to the test's target segment."))
    participation, _created = Participation.objects.get_or_create(test=test, member=member)
    audit.record(actor, "design.participant_added", test, member=member.pk)
    return participation


@transaction.atomic
def record_results(
    participation: Participation,
    *,
    results: list[tuple[TestTask, bool, float, int]],
    sus_answers: list[int] | None = None,
    effort: int | None = None,
    actor=None,
) -> Participation:
    _open_test(participation.test)
    if sus_answers:
        try:
            usability.sus_score(sus_answers)
        except usability.UsabilityError as error:
            raise ValidationError({"sus_answers": _("SUS needs ten answers, each 1…5.")}) from error
        participation.sus_answers = list(sus_answers)
    if effort is not None:
        participation.effort = effort
    participation.full_clean()
    participation.save()
    for task, success, seconds, errors in results:
        if task.test_id != participation.test_id:
            raise ValidationError(_("The task belongs to another test."))
        TaskResult.objects.update_or_create(
            participation=participation,
            task=task,
            defaults={"success": success, "seconds": seconds, "errors": errors},
        )
    audit.record(actor, "design.results_recorded", participation.test, participation=participation.pk)
    return participation


def criteria_of(test: AudienceTest) -> usability.Criteria:
    return usability.Criteria(
        min_success_rate=test.min_success_rate,
        min_sus=test.min_sus,
        max_time_seconds=test.max_time_seconds,
        max_errors_per_task=test.max_errors_per_task,
        max_effort=test.max_effort,
    )


def summarize(test: AudienceTest) -> usability.Summary:
    participants = test.participations.prefetch_related("results__task")
    results = [
        usability.ParticipantResult(
            sus_answers=p.sus_answers or None,
            effort=p.effort,
            attempts=[
                usability.TaskAttempt(r.task.text, r.success, r.seconds, r.errors) for r in p.results.all()
            ],
        )
        for p in participants
    ]
    try:
        return usability.summarize(results, criteria_of(test))
    except usability.UsabilityError as error:
        messages = {
            "no_participants": _("The test has no participants yet."),
            "no_criteria": _("Set at least one success criterion for the test."),
        }
        raise ValidationError(messages.get(error.code, str(error)), code=error.code) from error


@transaction.atomic
def complete_test(test: AudienceTest, *, actor=None) -> AudienceTest:
    test = _open_test(test)
    summary = summarize(test)
    if summary.success is None:
        raise ValidationError(_("Record the task results of the participants first."))
    test.summary = _jsonable(summary)
    test.criteria_met = summary.criteria_met
    test.completed_at = timezone.now()
    test.save(update_fields=["summary", "criteria_met", "completed_at"])
    audit.record(actor, "design.test_completed", test, criteria_met=test.criteria_met)
    return test


def _jsonable(summary: usability.Summary) -> dict:
    data = asdict(summary)
    data["criteria_met"] = summary.criteria_met

    def clean(value):
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(data)
