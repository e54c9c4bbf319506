"""Reads of the conformance pages: the self-assessment by chapter, and needs ranked by unmet demand and cost."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from clientcentric.appeals.models import Appeal
from clientcentric.delivery.models import ServiceRequest
from clientcentric.feedback.models import Answer
from clientcentric.registry.models import Need

from .models import Assessment, DeviationRequest, NeedCost, Requirement, Result, RuleProposal

LOW_SATISFACTION = 2  # 1–2 of the 1–5 satisfaction scale
DEMAND_DAYS = 365


def self_assessment(agency) -> list[dict]:
    """Chapters in order, each with its requirements and the agency's assessment of each (or None)."""
    assessments = {a.requirement_id: a for a in Assessment.objects.filter(agency=agency)}
    chapters: dict[str, dict] = {}
    for requirement in Requirement.objects.all():
        chapter = chapters.setdefault(
            requirement.chapter,
            {
                "chapter": requirement.chapter,
                "title": requirement.chapter_title,
                "rows": [],
                "counts": defaultdict(int),
            },
        )
        assessment = assessments.get(requirement.pk)
        chapter["rows"].append((requirement, assessment))
        chapter["counts"][assessment.result if assessment else Result.NOT_ASSESSED] += 1
    return list(chapters.values())


def rule_proposals(agency):
    return DeviationRequest.objects.filter(agency=agency, rule_proposal=RuleProposal.OPEN).select_related(
        "need"
    )


def needs_by_demand(agency, *, order: str = "demand", today=None) -> list[dict]:
    """Needs with unmet demand over the last year (appeals, refused requests, low ratings) and their cost.

    ``order`` "demand": most unmet demand first; "cost": the cheapest to meet per contact of demand first (needs
    without an estimate last), so that the money goes where it meets the most demand.
    """
    since = (today or timezone.now()) - timedelta(days=DEMAND_DAYS)
    appeals = dict(
        Appeal.objects.filter(executor=agency, need__isnull=False, registered_at__gte=since)
        .values_list("need")
        .annotate(n=Count("id"))
    )
    refused = dict(
        ServiceRequest.objects.filter(
            status=ServiceRequest.Status.REFUSED, service__agency=agency, decided_at__gte=since
        )
        .exclude(service__needs=None)
        .values_list("service__needs")
        .annotate(n=Count("id"))
    )
    low = dict(
        Answer.objects.filter(
            question__code="satisfaction",
            value__lte=LOW_SATISFACTION,
            response__agency=agency,
            response__submitted_at__gte=since,
        )
        .exclude(response__service__needs=None)
        .values_list("response__service__needs")
        .annotate(n=Count("id"))
    )
    costs = {c.need_id: c for c in NeedCost.objects.filter(agency=agency)}
    ids = set(appeals) | set(refused) | set(low) | set(costs)
    needs = Need.objects.in_bulk(ids)
    return rank(
        [
            {
                "need": needs[pk],
                "appeals": appeals.get(pk, 0),
                "refused": refused.get(pk, 0),
                "low_ratings": low.get(pk, 0),
                "cost": costs[pk].cost if pk in costs else None,
                "cost_note": costs[pk].note if pk in costs else "",
            }
            for pk in ids
            if pk in needs
        ],
        order,
    )


def rank(rows: list[dict], order: str = "demand") -> list[dict]:
    """Unmet demand = appeals + refused requests + low ratings; cost per contact = cost / unmet demand.

    "demand": most unmet demand first (then by name); "cost": lowest cost per contact first, needs without an
    estimate (or without demand) last, ties by more demand first.
    """
    for row in rows:
        row["demand"] = row["appeals"] + row["refused"] + row["low_ratings"]
        row["cost_per_contact"] = (
            row["cost"] / row["demand"] if row["cost"] is not None and row["demand"] else None
        )
    if order == "cost":
        return sorted(
            rows, key=lambda r: (r["cost_per_contact"] is None, r["cost_per_contact"] or 0, -r["demand"])
        )
    return sorted(rows, key=lambda r: (-r["demand"], r["need"].name))
