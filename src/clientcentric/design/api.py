"""Design API: projects, their stage changes through the workflow, and audience-test summaries."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from . import services, workflow
from .models import AudienceTest, DesignProject
from .views import DESIGNERS

router = Router(tags=["design"])


def _designer(request) -> None:
    if request.user.role not in DESIGNERS:
        raise PermissionDenied


class ProjectOut(Schema):
    id: int
    name: str
    kind: str
    stage: str
    segment: str
    next_stages: list[str]


def _out(project: DesignProject) -> dict:
    return {
        "id": project.pk,
        "name": project.name,
        "kind": project.kind,
        "stage": project.stage,
        "segment": project.segment.code,
        "next_stages": workflow.allowed_next(project),
    }


@router.get("/projects", response=list[ProjectOut], summary="Design projects and their stages")
def projects(request):
    _designer(request)
    return [_out(p) for p in DesignProject.objects.select_related("segment")]


@router.get("/projects/{project_id}", response=ProjectOut, summary="One design project")
def project(request, project_id: int):
    _designer(request)
    return _out(get_object_or_404(DesignProject.objects.select_related("segment"), pk=project_id))


class StageIn(Schema):
    stage: str
    note: str = ""


@router.post(
    "/projects/{project_id}/stage",
    response=ProjectOut,
    summary="Move a project to its next stage; refused (422) when the workflow or a gate does not allow it",
)
def advance(request, project_id: int, payload: StageIn):
    _designer(request)
    project_ = get_object_or_404(DesignProject, pk=project_id)
    services.advance(project_, payload.stage, actor=request.user, note=payload.note)
    return _out(DesignProject.objects.select_related("segment").get(pk=project_id))


class IntervalOut(Schema):
    estimate: float
    low: float | None
    high: float | None
    n: int


class CheckOut(Schema):
    measure: str
    target: float
    observed: float | None
    met: bool


class SummaryOut(Schema):
    participants: int
    success: IntervalOut | None
    time_seconds: IntervalOut | None
    errors_per_task: float | None
    sus: IntervalOut | None
    effort: IntervalOut | None
    checks: list[CheckOut]
    criteria_met: bool
    completed: bool


@router.get(
    "/tests/{test_id}/summary", response=SummaryOut, summary="An audience test's measures with intervals"
)
def test_summary(request, test_id: int):
    _designer(request)
    test = get_object_or_404(AudienceTest, pk=test_id)
    summary = services.summarize(test)
    data = services._jsonable(summary)
    data["completed"] = test.completed_at is not None
    return data
