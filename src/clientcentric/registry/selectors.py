"""Reads of the registry: catalogue pages, search, and the open-data tables."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.accounts.models import Agency
from clientcentric.core import formats
from clientcentric.engines.text.lemmas import lemmas

from .models import Expectation, FaqEntry, LifeSituation, Need, NeedStatus, Segment, Service, Touchpoint
from .schema import SCHEMA_VERSION, SHEETS


def services_with_details() -> QuerySet[Service]:
    return Service.objects.select_related("agency").prefetch_related("touchpoints")


def service_page(code: str) -> Service | None:
    """A service with what its public page shows: the needs it really meets (a need that cannot be met is
    never listed as met by it) and whether the platform itself takes a request for it.

    The platform's own ways in are found through the other apps' relations by name, so the registry imports
    neither of them: a published eligibility rule means the client's cabinet can check and apply (delivery),
    an appeal topic of one of its needs means the appeal form is the way in (appeals).
    """
    met = Need.objects.exclude(status=NeedStatus.CANNOT_MEET).prefetch_related("life_situations")
    alternative_for = Need.objects.filter(status=NeedStatus.CANNOT_MEET)
    return (
        services_with_details()
        .annotate(
            takes_platform_request=Exists(
                Service.objects.filter(pk=OuterRef("pk"), eligibility_rules__status="published")
            ),
            takes_appeals=Exists(
                Service.objects.filter(pk=OuterRef("pk"), needs__appeal_topics__isnull=False)
            ),
        )
        .prefetch_related(
            Prefetch("needs", queryset=met, to_attr="needs_met"),
            Prefetch("needs", queryset=alternative_for, to_attr="alternative_for"),
        )
        .filter(code=code)
        .first()
    )


def needs_with_details() -> QuerySet[Need]:
    return Need.objects.select_related("faq").prefetch_related(
        "life_situations", "segments", Prefetch("services", queryset=services_with_details()), "expectations"
    )


def needs_for_api() -> QuerySet[Need]:
    """Needs with what their API shape lists (codes only), without the services' own details."""
    return Need.objects.select_related("faq").prefetch_related(
        "life_situations", "segments", "services", "expectations"
    )


def life_situations_with_counts() -> list[dict]:
    """Each life situation with how many of its needs are met, being worked on, or cannot be met."""
    situations = list(LifeSituation.objects.prefetch_related("needs"))
    return [
        {
            "situation": s,
            "needs": len(s.needs.all()),
            **{status.value: sum(1 for n in s.needs.all() if n.status == status) for status in NeedStatus},
        }
        for s in situations
    ]


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """Records whose text holds every word of the query in any form (lemma match): the API's filter.

    The site search ranks instead (knowledge.selectors.site_search).
    """
    words = lemmas(query)
    if not words:
        return queryset.none()
    condition = Q()
    for word in words:
        condition &= Q(search_document__contains=f" {word} ")
    return queryset.filter(condition)


def _codes(items) -> list[str]:
    return sorted(item.code for item in items)


def registry_tables() -> dict[str, list[dict]]:
    """The whole registry as sheets of plain rows, in the open-data schema (lists stay lists)."""
    agencies = Agency.objects.select_related("parent")
    return {
        "agencies": [
            {
                "code": a.code,
                "name": a.name,
                "short_name": a.short_name,
                "level": a.level,
                "kind": a.kind,
                "parent": a.parent.code if a.parent else "",
            }
            for a in agencies.order_by("code")
        ],
        "life_situations": [
            {
                "code": s.code,
                "name": s.name,
                "audience": s.audience,
                "description": s.description,
                "sort_order": s.sort_order,
            }
            for s in LifeSituation.objects.order_by("sort_order", "code")
        ],
        "segments": [
            {
                "code": s.code,
                "name": s.name,
                "is_potential": s.is_potential,
                "description": s.description,
                "life_situations": _codes(s.life_situations.all()),
            }
            for s in Segment.objects.prefetch_related("life_situations").order_by("code")
        ],
        "faq": [
            {"code": f.code, "question": f.question, "answer": f.answer, "topic": f.topic}
            for f in FaqEntry.objects.order_by("code")
        ],
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "kind": s.kind,
                "agency": s.agency.code,
                "touchpoints": _codes(s.touchpoints.all()),
                "effort_class": s.effort_class,
                "description": s.description,
                "legal_basis": s.legal_basis,
                "eligibility": s.eligibility,
                "documents": s.documents,
                "cost": s.cost,
                "duration": s.duration,
                "apply_url": s.apply_url,
                "address": s.address,
                "hours": s.hours,
                "phone": s.phone,
                "email": s.email,
            }
            for s in services_with_details().order_by("code")
        ],
        "needs": [
            {
                "code": n.code,
                "name": n.name,
                "description": n.description,
                "status": n.status,
                "status_reason": n.status_reason,
                "faq": n.faq.code if n.faq else "",
                "life_situations": _codes(n.life_situations.all()),
                "segments": _codes(n.segments.all()),
                "services": _codes(n.services.all()),
            }
            for n in Need.objects.select_related("faq")
            .prefetch_related("life_situations", "segments", "services")
            .order_by("code")
        ],
        "expectations": [
            {"need": e.need.code, "position": e.position, "text": e.text}
            for e in Expectation.objects.select_related("need").order_by("need__code", "position")
        ],
    }


def json_document(tables: dict[str, list[dict]]) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "touchpoints": [{"code": t.code, "name": t.name} for t in Touchpoint.objects.all()],
        "sheets": {sheet.name: tables[sheet.name] for sheet in SHEETS},
    }


def why_not_now(need: Need) -> dict | None:
    """ "Why not now, and when" for a need the agency does not meet today, as plain text (a chat-bot answer, an
    API); None for a need that is met. The date is the agency's expected date, when it has one."""
    if need.status == NeedStatus.MET:
        return None
    if need.expected_on is not None:
        when = _("expected by %(date)s") % {"date": formats.date(need.expected_on)}
    elif need.status == NeedStatus.CANNOT_MEET:
        when = _("no date: the agency cannot meet this need")
    else:
        when = _("the agency has no date yet")
    return {
        "code": need.code,
        "name": need.name,
        "url": need.get_absolute_url(),
        "why": need.status_reason or _("The agency has not said yet."),
        "when": when,
    }
