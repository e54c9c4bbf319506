"""Reads of the evidence: aggregates of appeals and imported data, and the pain points they suggest."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.appeals.models import Appeal, AppealEvent, Channel, Status
from clientcentric.core import shared_cache
from clientcentric.registry.models import LifeSituation, Need, Touchpoint

from . import segmentation
from .models import EvidenceRecord, EvidenceSignal, JourneyMap, NeedRecommendation
from .satisfaction import Satisfaction, live_satisfaction, live_satisfaction_by_touchpoint

GROUPINGS = {
    "need": ("need__name", "need__name"),
    "topic": ("topic", "topic"),
    "district": ("district", "district"),
    "channel": ("channel", "channel"),
    "month": ("month", "month"),
}
TOP_TOPICS = 3
FREQUENT_TOPIC_MIN = 3
OVERDUE_SHARE_ALERT = 0.05
SATISFACTION_ALERT = 0.7


def satisfaction_min_rated() -> int:
    # Fewer ratings than this say nothing about a touchpoint (the feedback app hides cells under 10 answers too).
    return getattr(settings, "CLIENTCENTRIC_PAIN_POINT_MIN_RATINGS", 10)


def overdue_q() -> Q:
    now = timezone.now()
    return Q(answered_at__gt=F("deadline_at")) | Q(
        answered_at__isnull=True, deadline_at__lt=now, status__in=segmentation.OPEN
    )


def evidence_aggregates(
    by: str, *, life_situation: LifeSituation | None = None, limit: int = 50
) -> list[dict]:
    """Appeals and imported evidence grouped by need, topic, district, channel or month, largest first."""
    if by not in GROUPINGS:
        by = "topic"
    appeals = Appeal.objects.all()
    records = EvidenceRecord.objects.all()
    if life_situation is not None:
        appeals = appeals.filter(life_situation=life_situation)
        records = records.filter(need__life_situations=life_situation)
    key = GROUPINGS[by][0]
    if by == "month":
        appeals = appeals.annotate(month=TruncMonth("registered_at"))
        records = records.annotate(month=TruncMonth("occurred_on"))
    rows: dict = {}
    for row in appeals.values(key).annotate(n=Count("id"), late=Count("id", filter=overdue_q())):
        label = _label(by, row[key])
        entry = rows.setdefault(label, {"key": label, "appeals": 0, "overdue": 0, "imported": 0})
        entry["appeals"] += row["n"]
        entry["overdue"] += row["late"]
    for row in records.values(key).annotate(n=Sum("count")):
        label = _label(by, row[key])
        entry = rows.setdefault(label, {"key": label, "appeals": 0, "overdue": 0, "imported": 0})
        entry["imported"] += row["n"] or 0
    ordered = sorted(
        rows.values(), key=lambda r: r["key"] if by == "month" else -(r["appeals"] + r["imported"])
    )
    return ordered[-limit:] if by == "month" else ordered[:limit]


def _label(by: str, value) -> str:
    if value in (None, ""):
        return _("(not given)")
    if by == "month":
        return value.strftime("%Y-%m")
    if by == "channel":
        return str(Channel(value).label) if value in Channel.values else str(value)
    return str(value)


@dataclass
class LifeSituationEvidence:
    appeals: int
    answered: int
    overdue: int
    mean_response_hours: float | None
    reopened: int
    repeat_clients: int
    top_topics: list[tuple[str, int]]
    satisfaction: Satisfaction | None
    imported_records: int
    imported_response_hours: float | None
    satisfaction_by_touchpoint: dict[str, Satisfaction] | None = None
    imported_satisfaction: Satisfaction | None = None

    def satisfaction_sources(self) -> list[Satisfaction]:
        """Platform ratings and imported evidence, each on its own: they are never added together."""
        sources = [self.satisfaction] if self.satisfaction is not None else []
        if self.imported_satisfaction is not None and self.imported_satisfaction is not self.satisfaction:
            sources.append(self.imported_satisfaction)
        return sources

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.appeals if self.appeals else None


def life_situation_evidence(
    life_situation: LifeSituation, appeals: QuerySet | None = None
) -> LifeSituationEvidence:
    """Everything the journey map's pain points are computed from, in a handful of aggregate queries."""
    appeals = Appeal.objects.filter(life_situation=life_situation) if appeals is None else appeals
    response = ExpressionWrapper(F("answered_at") - F("registered_at"), output_field=DurationField())
    totals = appeals.aggregate(
        n=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        late=Count("id", filter=overdue_q()),
        reopened=Count("id", filter=Q(status=Status.REOPENED)),
    )
    durations = appeals.filter(answered_at__isnull=False).annotate(r=response).aggregate(total=Sum("r"))
    mean_hours = (
        durations["total"].total_seconds() / 3600 / totals["answered"]
        if totals["answered"] and durations["total"] is not None
        else None
    )
    reopened_before = (
        AppealEvent.objects.filter(appeal__in=appeals, to_status=Status.REOPENED)
        .values("appeal")
        .distinct()
        .count()
    )
    repeat_clients = (
        appeals.filter(author__isnull=False).values("author").annotate(n=Count("id")).filter(n__gt=1).count()
        + appeals.filter(author__isnull=True)
        .exclude(contact_email="")
        .values("contact_email")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    top = list(appeals.exclude(topic="").values("topic").annotate(n=Count("id")).order_by("-n", "topic")[:5])
    records = EvidenceRecord.objects.filter(need__life_situations=life_situation)
    imported = records.aggregate(
        n=Sum("count"),
        rated=Sum("count", filter=Q(satisfied__isnull=False)),
        happy=Sum("count", filter=Q(satisfied=True)),
        hours_total=Sum(F("response_hours") * F("count")),
        timed=Sum("count", filter=Q(response_hours__isnull=False)),
    )
    imported_satisfaction = (
        Satisfaction(imported["happy"] or 0, imported["rated"], "imported") if imported["rated"] else None
    )
    # The headline figure is the platform's own ratings; imported evidence stands in only where there are none.
    satisfaction = live_satisfaction(life_situation_code=life_situation.code) or imported_satisfaction
    return LifeSituationEvidence(
        satisfaction_by_touchpoint=live_satisfaction_by_touchpoint(life_situation_code=life_situation.code),
        appeals=totals["n"],
        answered=totals["answered"],
        overdue=totals["late"],
        mean_response_hours=mean_hours,
        reopened=max(totals["reopened"], reopened_before),
        repeat_clients=repeat_clients,
        top_topics=[(row["topic"], row["n"]) for row in top],
        satisfaction=satisfaction,
        imported_satisfaction=imported_satisfaction,
        imported_records=imported["n"] or 0,
        imported_response_hours=(imported["hours_total"] / imported["timed"]) if imported["timed"] else None,
    )


@dataclass
class PainPoint:
    signal: str
    text: str
    link: str
    stage_position: int | None = None


def _evidence_link(life_situation: LifeSituation, **params) -> str:
    query = {"life_situation": life_situation.code, **{k: v for k, v in params.items() if v}}
    return reverse("research:evidence_appeals") + "?" + urlencode(query)


def suggest_pain_points(journey_map: JourneyMap, evidence: LifeSituationEvidence) -> list[PainPoint]:
    """Problems the live evidence points at, each with a link to the appeals behind it."""
    situation = journey_map.life_situation
    points: list[PainPoint] = []
    for topic, count in evidence.top_topics[:TOP_TOPICS]:
        if count >= FREQUENT_TOPIC_MIN:
            points.append(
                PainPoint(
                    EvidenceSignal.TOPICS,
                    _("Frequent topic «%(topic)s»: %(n)s appeals") % {"topic": topic, "n": count},
                    _evidence_link(situation, topic=topic),
                )
            )
    if evidence.overdue and (evidence.overdue_share or 0) >= OVERDUE_SHARE_ALERT:
        points.append(
            PainPoint(
                EvidenceSignal.OVERDUE,
                _("%(late)s of %(n)s answers late or overdue (%(share).0f %%)")
                % {"late": evidence.overdue, "n": evidence.appeals, "share": 100 * evidence.overdue_share},
                _evidence_link(situation, signal="overdue"),
            )
        )
    if evidence.reopened or evidence.repeat_clients:
        points.append(
            PainPoint(
                EvidenceSignal.REPEATED,
                _("%(reopened)s appeals reopened; %(repeat)s clients had to write more than once")
                % {"reopened": evidence.reopened, "repeat": evidence.repeat_clients},
                _evidence_link(situation, signal="repeated"),
            )
        )
    satisfaction_link = (
        reverse("feedback:analyst") + "?" + urlencode([("by", "life_situation_id"), ("by", "touchpoint")])
    )
    for rating in evidence.satisfaction_sources():
        if rating.share is not None and rating.share < SATISFACTION_ALERT:
            source = _("platform ratings") if rating.source == "feedback" else _("imported data")
            points.append(
                PainPoint(
                    EvidenceSignal.SATISFACTION,
                    _("Only %(share).0f %% satisfied with the result (%(rated)s rated, %(source)s)")
                    % {"share": 100 * rating.share, "rated": rating.rated, "source": source},
                    satisfaction_link
                    if rating.source == "feedback"
                    else reverse("research:home")
                    + "?"
                    + urlencode({"by": "topic", "life_situation": situation.code}),
                )
            )
    names = _touchpoint_names()
    for touchpoint, rating in sorted((evidence.satisfaction_by_touchpoint or {}).items()):
        if rating.rated >= satisfaction_min_rated() and rating.share < SATISFACTION_ALERT:
            points.append(
                PainPoint(
                    EvidenceSignal.SATISFACTION,
                    _("Touchpoint «%(touchpoint)s»: only %(share).0f %% satisfied (%(rated)s rated)")
                    % {
                        "touchpoint": names.get(touchpoint, touchpoint),
                        "share": 100 * rating.share,
                        "rated": rating.rated,
                    },
                    satisfaction_link,
                )
            )
    stage_by_signal = {}
    for stage in journey_map.stages.all():
        if stage.evidence_signal:
            stage_by_signal.setdefault(stage.evidence_signal, stage.position)
    for point in points:
        point.stage_position = stage_by_signal.get(point.signal)
    return points


def _touchpoint_names() -> dict[str, str]:
    return dict(Touchpoint.objects.values_list("code", "name"))


def journey_map_evidence(journey_map: JourneyMap) -> tuple[LifeSituationEvidence, list[PainPoint]]:
    """The map's evidence and pain points. The aggregates over all appeals are cached for a few minutes
    (CLIENTCENTRIC_EVIDENCE_CACHE_SECONDS): a page must not rescan a million appeals on every visit."""
    seconds = getattr(settings, "CLIENTCENTRIC_EVIDENCE_CACHE_SECONDS", 300)
    key = f"research:evidence:{journey_map.life_situation_id}"
    if seconds:
        evidence = shared_cache.get_or_compute(key, lambda: _journey_map_evidence(journey_map), seconds)
    else:
        evidence = _journey_map_evidence(journey_map)
    return evidence, suggest_pain_points(journey_map, evidence)


def _journey_map_evidence(journey_map: JourneyMap) -> LifeSituationEvidence:
    # The whole life situation's evidence, not only the segment's: a segment hypothesis such as «waited too long»
    # would otherwise hide the very appeals that show where the journey hurts.
    return life_situation_evidence(journey_map.life_situation)


def evidence_appeals(params, *, limit: int = 200) -> QuerySet:
    """The appeals behind a pain point: ?life_situation=…&topic=…&signal=overdue|repeated."""
    appeals = Appeal.objects.select_related("life_situation").order_by("-registered_at")
    if params.get("life_situation"):
        appeals = appeals.filter(life_situation__code=params["life_situation"])
    if params.get("need"):
        appeals = appeals.filter(need__code=params["need"])
    if params.get("topic"):
        appeals = appeals.filter(topic=params["topic"])
    signal = params.get("signal")
    if signal == "overdue":
        appeals = appeals.filter(overdue_q())
    elif signal == "repeated":
        reopened = AppealEvent.objects.filter(to_status=Status.REOPENED).values("appeal")
        appeals = appeals.filter(
            Q(pk__in=reopened)
            | Q(status=Status.REOPENED)
            | Q(author__in=segmentation._repeat_authors())
            | Q(contact_email__in=segmentation._repeat_emails())
        )
    return appeals[:limit]


def evidence_filters(params) -> list[tuple[str, str]]:
    """The filters of `evidence_appeals` in words (label, value): names, not codes, on the page."""
    shown = []
    if params.get("life_situation"):
        situation = LifeSituation.objects.filter(code=params["life_situation"]).first()
        shown.append((_("Life situation"), situation.name if situation else params["life_situation"]))
    if params.get("need"):
        need = Need.objects.filter(code=params["need"]).first()
        shown.append((_("Need"), need.name if need else params["need"]))
    if params.get("topic"):
        shown.append((_("Topic"), params["topic"]))
    signals = {"overdue": _("answer overdue"), "repeated": _("wrote more than once")}
    if params.get("signal") in signals:
        shown.append((_("Signal"), signals[params["signal"]]))
    return shown


def need_evidence(need: Need) -> dict:
    appeals = Appeal.objects.filter(need=need)
    by_month = list(
        appeals.annotate(month=TruncMonth("registered_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    totals = appeals.aggregate(n=Count("id"), late=Count("id", filter=overdue_q()))
    imported = EvidenceRecord.objects.filter(need=need).aggregate(
        n=Sum("count"),
        rated=Sum("count", filter=Q(satisfied__isnull=False)),
        happy=Sum("count", filter=Q(satisfied=True)),
    )
    return {
        "appeals": totals["n"],
        "overdue": totals["late"],
        "by_month": [(row["month"].strftime("%Y-%m") if row["month"] else "", row["n"]) for row in by_month],
        "imported": imported["n"] or 0,
        "satisfied_share": (imported["happy"] or 0) / imported["rated"] if imported["rated"] else None,
    }


def design_projects() -> QuerySet:
    """The service design projects a recommendation may point to.

    Reached through the recommendation's own foreign key: design builds on research (it measures its projects
    with research's evidence), so research does not import design.
    """
    return NeedRecommendation._meta.get_field("design_project").related_model.objects.all()
