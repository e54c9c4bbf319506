"""API for the developers of requirements (BIZ-4): an agency reads the results for its own acts and drafts.

Authorization: ``Bearer <token>`` issued per agency in the back office. Every aggregate hides cells of fewer
businesses than CLIENTCENTRIC_MIN_CELL (10).
"""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.security import HttpBearer

from . import selectors, services
from .models import AgencyToken, Draft

router = Router(tags=["business: results for developers of requirements"])


class AgencyBearer(HttpBearer):
    def authenticate(self, request, token):
        found = (
            AgencyToken.objects.select_related("agency")
            .filter(token_hash=services.hash_token(token), revoked=False)
            .first()
        )
        if found is None:
            return None
        request.agency = found.agency
        return found.agency


class ItemResultOut(Schema):
    act: str
    item_no: str
    requirement_id: int
    businesses: int
    suppressed: bool
    clarity_mean: float | None
    feasibility_mean: float | None
    confirmed: int | None
    disputed: int | None
    duplicate: int | None
    contradiction: int | None


class DatasetRowOut(Schema):
    act: str
    item_no: str
    size: str
    businesses: int
    clarity_mean: float | None
    feasibility_mean: float | None
    disputed_share: float | None


class DraftSummaryOut(Schema):
    draft_id: int
    title: str
    procedure: str
    degree: str
    opens_on: date
    closes_on: date
    comments: int
    mean_rating: float | None
    ratings: dict[str, int]
    texts: list[str]


@router.get(
    "/results", response=list[ItemResultOut], auth=AgencyBearer(), summary="Assessments of our acts' items"
)
def results(request):
    act_ids = list(request.agency.requirement_acts.values_list("pk", flat=True))
    return selectors.act_results(act_ids)


@router.get(
    "/dataset", response=list[DatasetRowOut], auth=AgencyBearer(), summary="Anonymised data set (cells ≥ 10)"
)
def dataset(request):
    act_ids = list(request.agency.requirement_acts.values_list("pk", flat=True))
    return selectors.anonymised_dataset(act_ids)


@router.get(
    "/drafts/{draft_id}/summary",
    response=DraftSummaryOut,
    auth=AgencyBearer(),
    summary="Consultation summary",
)
def draft_summary(request, draft_id: int):
    draft = get_object_or_404(Draft, pk=draft_id, developer=request.agency)
    data = selectors.draft_summary(draft)
    return {
        "draft_id": draft.pk,
        "title": draft.title,
        "procedure": draft.procedure,
        "degree": draft.degree,
        "opens_on": draft.opens_on,
        "closes_on": draft.closes_on,
        "comments": data["count"],
        "mean_rating": data["mean"],
        "ratings": {str(k): v for k, v in data["spread"].items()},
        "texts": [c.text for c in data["comments"]],
    }
