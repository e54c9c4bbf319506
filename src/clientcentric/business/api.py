"""API for the developers of requirements (BIZ-4): an agency reads the results for its own acts and drafts.

Authorization: ``Bearer <token>`` of an API token with the scope ``requirements:read``, issued for the agency in
the back office or with ``clientcentric tokens issue``. Every aggregate hides cells of fewer
businesses than CLIENTCENTRIC_MIN_CELL (10).
"""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from clientcentric.accounts.api_auth import ApiTokenAuth
from clientcentric.accounts.models import ApiScope

from . import selectors
from .models import Draft

router = Router(tags=["business: results for developers of requirements"])


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
    "/results",
    response=list[ItemResultOut],
    auth=ApiTokenAuth(ApiScope.REQUIREMENTS_READ),
    summary="Assessments of our acts' items",
)
def results(request):
    # The token's agency is the developer whose acts and drafts the caller reads.
    act_ids = list(request.api_token.agency.requirement_acts.values_list("pk", flat=True))
    return selectors.act_results(act_ids)


@router.get(
    "/dataset",
    response=list[DatasetRowOut],
    auth=ApiTokenAuth(ApiScope.REQUIREMENTS_READ),
    summary="Anonymised data set (cells ≥ 10)",
)
def dataset(request):
    act_ids = list(request.api_token.agency.requirement_acts.values_list("pk", flat=True))
    return selectors.anonymised_dataset(act_ids)


@router.get(
    "/drafts/{draft_id}/summary",
    response=DraftSummaryOut,
    auth=ApiTokenAuth(ApiScope.REQUIREMENTS_READ),
    summary="Consultation summary",
)
def draft_summary(request, draft_id: int):
    draft = get_object_or_404(Draft, pk=draft_id, developer=request.api_token.agency)
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
