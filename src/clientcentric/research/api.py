"""Research API: evidence aggregates, segment sizes and journey maps for staff; published studies for all."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from clientcentric.registry.models import LifeSituation

from . import segmentation, selectors
from .models import JourneyMap, SegmentHypothesis, Study
from .views import RESEARCHERS

router = Router(tags=["research"])


def _researcher(request) -> None:
    if request.user.role not in RESEARCHERS:
        raise PermissionDenied


class AggregateOut(Schema):
    key: str
    appeals: int
    overdue: int
    imported: int


@router.get(
    "/evidence",
    response=list[AggregateOut],
    summary="Evidence grouped by need, topic, district, channel or month",
)
def evidence(request, by: str = "topic", life_situation: str = ""):
    _researcher(request)
    situation = get_object_or_404(LifeSituation, code=life_situation) if life_situation else None
    return selectors.evidence_aggregates(by, life_situation=situation)


class HypothesisOut(Schema):
    id: int
    name: str
    origin: str
    segment: str | None
    conditions: list[dict]
    definition: str
    appeals: int
    clients: int


@router.get("/segments", response=list[HypothesisOut], summary="Segment hypotheses with sizes from the data")
def segments(request):
    _researcher(request)
    rows = []
    for h in SegmentHypothesis.objects.select_related("segment"):
        size = segmentation.size(h.conditions)
        rows.append(
            {
                "id": h.pk,
                "name": h.name,
                "origin": h.origin,
                "segment": h.segment.code if h.segment else None,
                "conditions": h.conditions,
                "definition": segmentation.describe(h.conditions),
                **size,
            }
        )
    return rows


class StageOut(Schema):
    position: int
    name: str
    needs: str
    actions: str
    touchpoints: str
    emotion: int
    positives: str
    problems: str
    opportunities: str


class PainPointOut(Schema):
    signal: str
    text: str
    link: str
    stage_position: int | None


class JourneyMapOut(Schema):
    id: int
    title: str
    version: str
    segment: str
    life_situation: str
    as_is: int | None
    stages: list[StageOut]
    pain_points: list[PainPointOut]


@router.get(
    "/journey-maps/{map_id}", response=JourneyMapOut, summary="A journey map with its stages and pain points"
)
def journey_map(request, map_id: int):
    _researcher(request)
    current = get_object_or_404(JourneyMap.objects.select_related("segment", "life_situation"), pk=map_id)
    points = selectors.journey_map_evidence(current)[1] if current.version == JourneyMap.Version.AS_IS else []
    return {
        "id": current.pk,
        "title": current.title,
        "version": current.version,
        "segment": current.segment.code,
        "life_situation": current.life_situation.code,
        "as_is": current.as_is_id,
        "stages": list(current.stages.all()),
        "pain_points": points,
    }


class StudyOut(Schema):
    slug: str
    title: str
    method: str
    hypothesis: str
    participants_count: int
    verdict: str
    public_summary: str
    what_changes: str
    finished_on: date | None


@router.get(
    "/studies",
    response=list[StudyOut],
    auth=None,
    summary="Published studies: what was learned and what will change",
)
def studies(request):
    return list(Study.objects.filter(is_published=True))
