"""Read-only public API of the registry: /api/v1/registry/…"""

from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from clientcentric.accounts.models import Agency
from clientcentric.core.api_pagination import Pagination

from . import selectors
from .models import FaqEntry, LifeSituation, Segment

router = Router(tags=["registry"], auth=None)

StatusCode = Literal["met", "in_progress", "cannot_meet"]
KindCode = Literal["service", "digital", "support_measure"]
EffortCode = Literal["one_click", "five_minutes", "form_10_minutes", "other"]


class AgencyRef(Schema):
    code: str
    name: str
    level: str
    kind: str


class LifeSituationOut(Schema):
    code: str
    name: str
    audience: str
    description: str
    needs: list[str] = Field(default_factory=list, description="codes of the typical needs in this situation")

    @staticmethod
    def resolve_needs(obj):
        return sorted(n.code for n in obj.needs.all())


class SegmentOut(Schema):
    code: str
    name: str
    is_potential: bool = Field(description="potential clients who do not use the portal yet")
    description: str
    life_situations: list[str]
    needs: list[str]

    @staticmethod
    def resolve_life_situations(obj):
        return sorted(s.code for s in obj.life_situations.all())

    @staticmethod
    def resolve_needs(obj):
        return sorted(n.code for n in obj.needs.all())


class ServiceOut(Schema):
    code: str
    name: str
    kind: KindCode
    agency: AgencyRef
    touchpoints: list[str]
    effort_class: EffortCode
    description: str
    legal_basis: str
    eligibility: str
    documents: str
    cost: str
    duration: str
    apply_url: str
    address: str
    hours: str
    phone: str
    email: str

    @staticmethod
    def resolve_touchpoints(obj):
        return [t.code for t in obj.touchpoints.all()]


class FaqOut(Schema):
    code: str
    question: str
    answer: str
    topic: str


class NeedOut(Schema):
    code: str
    name: str
    description: str
    status: StatusCode
    status_reason: str
    faq: FaqOut | None
    life_situations: list[str]
    segments: list[str]
    services: list[str]
    expectations: list[str]

    @staticmethod
    def resolve_life_situations(obj):
        return sorted(s.code for s in obj.life_situations.all())

    @staticmethod
    def resolve_segments(obj):
        return sorted(s.code for s in obj.segments.all())

    @staticmethod
    def resolve_services(obj):
        return sorted(s.code for s in obj.services.all())

    @staticmethod
    def resolve_expectations(obj):
        return [e.text for e in obj.expectations.all()]


def _search(queryset, q: str | None):
    return selectors.matching(queryset, q) if q else queryset


@router.get("/life-situations", response=list[LifeSituationOut], summary="Life situations")
@paginate(Pagination)
def list_life_situations(
    request, audience: Literal["citizen", "business"] | None = None, q: str | None = None
):
    queryset = LifeSituation.objects.prefetch_related("needs")
    if audience:
        queryset = queryset.filter(audience=audience)
    return _search(queryset, q)


@router.get("/life-situations/{code}", response=LifeSituationOut, summary="A life situation by code")
def get_life_situation(request, code: str):
    return get_object_or_404(LifeSituation.objects.prefetch_related("needs"), code=code)


@router.get("/segments", response=list[SegmentOut], summary="Client segments")
@paginate(Pagination)
def list_segments(
    request, is_potential: bool | None = None, life_situation: str | None = None, q: str | None = None
):
    queryset = Segment.objects.prefetch_related("life_situations", "needs")
    if is_potential is not None:
        queryset = queryset.filter(is_potential=is_potential)
    if life_situation:
        queryset = queryset.filter(life_situations__code=life_situation)
    return _search(queryset, q)


@router.get("/segments/{code}", response=SegmentOut, summary="A client segment by code")
def get_segment(request, code: str):
    return get_object_or_404(Segment.objects.prefetch_related("life_situations", "needs"), code=code)


@router.get("/needs", response=list[NeedOut], summary="Typical needs with their status")
@paginate(Pagination)
def list_needs(
    request,
    status: StatusCode | None = None,
    life_situation: str | None = None,
    segment: str | None = None,
    q: str | None = None,
):
    queryset = selectors.needs_for_api()
    if status:
        queryset = queryset.filter(status=status)
    if life_situation:
        queryset = queryset.filter(life_situations__code=life_situation)
    if segment:
        queryset = queryset.filter(segments__code=segment)
    return _search(queryset, q).distinct()


@router.get("/needs/{code}", response=NeedOut, summary="A need by code")
def get_need(request, code: str):
    return get_object_or_404(selectors.needs_for_api(), code=code)


@router.get("/services", response=list[ServiceOut], summary="Services, digital services and support measures")
@paginate(Pagination)
def list_services(
    request,
    kind: KindCode | None = None,
    agency: str | None = None,
    touchpoint: str | None = None,
    effort_class: EffortCode | None = None,
    life_situation: str | None = None,
    need: str | None = None,
    q: str | None = None,
):
    queryset = selectors.services_with_details()
    if kind:
        queryset = queryset.filter(kind=kind)
    if agency:
        queryset = queryset.filter(agency__code=agency)
    if touchpoint:
        queryset = queryset.filter(touchpoints__code=touchpoint)
    if effort_class:
        queryset = queryset.filter(effort_class=effort_class)
    if life_situation:
        queryset = queryset.filter(needs__life_situations__code=life_situation)
    if need:
        queryset = queryset.filter(needs__code=need)
    return _search(queryset, q).distinct()


@router.get("/services/{code}", response=ServiceOut, summary="A service by code")
def get_service(request, code: str):
    return get_object_or_404(selectors.services_with_details(), code=code)


@router.get("/faq", response=list[FaqOut], summary="FAQ entries")
@paginate(Pagination)
def list_faq(request, topic: str | None = None, q: str | None = None):
    queryset = FaqEntry.objects.all()
    if topic:
        queryset = queryset.filter(topic=topic)
    return _search(queryset, q)


@router.get("/faq/{code}", response=FaqOut, summary="An FAQ entry by code")
def get_faq(request, code: str):
    return get_object_or_404(FaqEntry, code=code)


@router.get("/agencies/{code}", response=AgencyRef, summary="An agency by code")
def get_agency(request, code: str):
    return get_object_or_404(Agency, code=code)
