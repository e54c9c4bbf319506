"""Reads of the assessment procedures: the ОРВ summary report of a draft, the evidence of an ex-post evaluation,
the report on how an act's requirements are applied (from the control events' checklists)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from statistics import median

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from clientcentric.engines.requirements import cost as scm

from .. import selectors as business_selectors
from ..models import Act, Assessment, Draft, Requirement
from ..models_procedures import Expert, ExpertConclusion, ExPostEvaluation, Position
from ..services import consultation_days


def _yearly_cost(hours, out_of_pocket, frequency, hourly_rate) -> Decimal:
    """One business's recurring cost a year of one requirement by the Standard Cost Model (engines.requirements.cost)."""
    obligation = scm.obligation_for(
        None,
        "",
        "",
        hours=Decimal(str(hours or 0)),
        acquisitions=Decimal(str(out_of_pocket or 0)),
        frequency=Decimal(str(frequency or 0)),
        familiarisation_hours=Decimal(0),
    )
    return scm.calculate(
        [obligation], scm.Assumptions(hourly_rate=Decimal(str(hourly_rate or 0)))
    ).totals.recurring


def summary_report(draft: Draft, today: date) -> dict:
    """The summary report (сводный отчёт) of a draft, built from its data and its consultation's results."""
    comments = list(draft.comments.select_related("profile", "answer").order_by("created_at", "pk"))
    conclusions = list(
        ExpertConclusion.objects.filter(draft=draft).select_related("expert").order_by("filed_at", "pk")
    )
    positions = {value: 0 for value in Position.values}
    unanswered = 0
    for comment in comments:
        answer = getattr(comment, "answer", None)
        if answer is None:
            unanswered += 1
        else:
            positions[answer.position] += 1
    for conclusion in conclusions:
        if conclusion.answer_position:
            positions[conclusion.answer_position] += 1
        else:
            unanswered += 1
    spread = Counter(c.rating for c in comments)
    n = len(comments)
    low, high = (
        consultation_days(draft.procedure, draft.degree)
        if draft.procedure != Draft.Procedure.RIA or draft.degree
        else (None, None)
    )
    factors = Counter(f for c in conclusions for f in c.factor_labels)
    return {
        "comments": comments,
        "conclusions": conclusions,
        "count": n,
        "mean": round(sum(c.rating for c in comments) / n, 2) if n else None,
        "spread": [(rating, spread.get(rating, 0)) for rating in range(1, 6)],
        "by_size": sorted(
            Counter(c.profile.get_size_display() for c in comments).items(), key=lambda kv: -kv[1]
        ),
        "positions": [(label, positions[value]) for value, label in Position.choices],
        "unanswered": unanswered,
        "factors": factors.most_common(),
        "days": (draft.closes_on - draft.opens_on).days,
        "min_days": low,
        "max_days": high,
        "closed": today > draft.closes_on,
        "final": today > draft.closes_on and unanswered == 0,
    }


# ---- experts ---------------------------------------------------------------------------------------------


def expert_of(user) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.filter(user=user).first()


def pending_experts():
    return (
        Expert.objects.filter(status=Expert.Status.PENDING).select_related("user").order_by("registered_at")
    )


def decided_experts(limit: int = 50):
    return (
        Expert.objects.exclude(status=Expert.Status.PENDING)
        .select_related("decided_by")
        .order_by("-decided_at")[:limit]
    )


def drafts_open_for_experts(on: date):
    return (
        Draft.objects.filter(opens_on__lte=on, closes_on__gte=on)
        .select_related("developer")
        .order_by("closes_on", "title")
    )


def public_conclusions(draft: Draft):
    """Conclusions of verified experts on a draft, with the developer's answers: published with the draft."""
    return (
        ExpertConclusion.objects.filter(draft=draft, expert__status=Expert.Status.VERIFIED)
        .select_related("expert")
        .order_by("filed_at")
    )


# ---- application of requirements and ex-post evaluation ------------------------------------------------


def application_report(
    act: Act, period_from: date | None = None, period_to: date | None = None
) -> list[dict]:
    """Per requirement of the act: how often control events checked it and found it violated (EventCheck)."""
    window = Q()
    if period_from:
        window &= Q(eventcheck__event__ends_on__gte=period_from)
    if period_to:
        window &= Q(eventcheck__event__starts_on__lte=period_to)
    rows = (
        Requirement.objects.filter(act=act)
        .annotate(
            checked=Count("eventcheck", filter=window & ~Q(eventcheck__outcome="")),
            violated=Count("eventcheck", filter=window & Q(eventcheck__outcome="violated")),
            not_applicable=Count("eventcheck", filter=window & Q(eventcheck__outcome="not_applicable")),
            businesses=Count(
                "eventcheck__event__profile", filter=window & ~Q(eventcheck__outcome=""), distinct=True
            ),
        )
        .filter(checked__gt=0)
        .order_by("-violated", "position")
    )
    report = []
    for r in rows:
        applicable = r.checked - r.not_applicable
        report.append(
            {
                "requirement": r,
                "checked": r.checked,
                "violated": r.violated,
                "not_applicable": r.not_applicable,
                "businesses": r.businesses,
                "violation_share": round(r.violated / applicable, 3) if applicable else None,
            }
        )
    return report


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def cost_evidence(act: Act) -> list[dict]:
    """Per requirement: the registry's SCM estimate at a reference rate against the yearly costs businesses
    reported for themselves (only requirements at least the minimum of businesses reported on)."""
    reported: dict[int, list[Decimal]] = defaultdict(list)
    qs = Assessment.objects.filter(requirement__act=act).exclude(applies=Assessment.Applies.DISPUTED)
    qs = qs.filter(
        Q(cost_hours__isnull=False) | Q(cost_out_of_pocket__isnull=False) | Q(cost_frequency__isnull=False)
    ).select_related("requirement", "profile")
    for a in qs:
        r = a.requirement

        def own(name, a=a, r=r):
            mine = getattr(a, name)
            return getattr(r, name) if mine is None else mine

        reported[r.pk].append(
            _yearly_cost(
                own("cost_hours"), own("cost_out_of_pocket"), own("cost_frequency"), a.profile.hourly_rate
            )
        )
    minimum = business_selectors.min_cell()
    rows = []
    for r in Requirement.objects.filter(pk__in=list(reported)).order_by("position"):
        values = reported[r.pk]
        estimate = _yearly_cost(r.cost_hours, r.cost_out_of_pocket, r.cost_frequency, Decimal("500"))
        rows.append(
            {
                "requirement": r,
                "businesses": len(values),
                "suppressed": len(values) < minimum,
                "estimate": estimate,
                "median": median(values) if len(values) >= minimum else None,
            }
        )
    return rows


def evaluation_evidence(act: Act, evaluation: ExPostEvaluation | None = None) -> dict:
    """What the businesses said and what control found, for an ex-post evaluation of the act."""
    summary = business_selectors.act_summary(act)
    period = (evaluation.period_from, evaluation.period_to) if evaluation else (None, None)
    application = application_report(act, *period)
    costs = cost_evidence(act)
    return {
        "businesses": summary["businesses"],
        "suppressed": summary["suppressed"],
        "clarity": summary["clarity"],
        "feasibility": summary["feasibility"],
        "disputed": summary["disputed"],
        "items": summary["items"],
        "flagged": len(summary["flagged"]),
        "application": application,
        "checks": sum(row["checked"] for row in application),
        "violations": sum(row["violated"] for row in application),
        "costs": costs,
    }


def evidence_snapshot(evidence: dict) -> dict:
    """The evidence as plain JSON, kept on a concluded evaluation."""
    return {
        "businesses": evidence["businesses"],
        "clarity": evidence["clarity"],
        "feasibility": evidence["feasibility"],
        "disputed": evidence["disputed"],
        "checks": evidence["checks"],
        "violations": evidence["violations"],
        "most_violated": [
            {"item": row["requirement"].label, "violated": row["violated"], "checked": row["checked"]}
            for row in evidence["application"][:10]
        ],
        "costs": [
            {
                "item": row["requirement"].label,
                "businesses": row["businesses"],
                "estimate": _money(row["estimate"]),
                "median": _money(row["median"]) if row["median"] is not None else None,
            }
            for row in evidence["costs"]
        ],
    }


def evaluations_of(act: Act):
    return ExPostEvaluation.objects.filter(act=act).order_by("-started_at")


def conclusion_label(code: str) -> str:
    return str(dict(ExPostEvaluation.Conclusion.choices).get(code, code)) if code else _("in progress")
