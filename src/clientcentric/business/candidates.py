"""Recomputing the duplicate and contradiction candidates among all requirements (a batch job)."""

from django.db import transaction

from clientcentric.core.services import audit
from clientcentric.engines.requirements.candidates import Item, find_candidates

from .models import CandidateLink, Requirement


@transaction.atomic
def refresh_candidates(*, actor=None) -> dict[str, int]:
    items = [
        Item(key=r["id"], act=r["act__code"], text=r["text"])
        for r in Requirement.objects.values("id", "act__code", "text")
    ]
    found = find_candidates(items)
    CandidateLink.objects.all().delete()
    CandidateLink.objects.bulk_create(
        [
            CandidateLink(kind=c.kind, first_id=c.a, second_id=c.b, score=c.score, reason=c.reason)
            for c in found
        ],
        batch_size=500,
    )
    counts = {kind: sum(1 for c in found if c.kind == kind) for kind in CandidateLink.Kind.values}
    audit.record(actor, "business.candidates_refreshed", None, summary="candidates refreshed", **counts)
    return counts
