"""The personal list as a business owner reads it: filtered, searched, grouped by object and activity, paged,
with the few items that matter most first (what an inspector's checklist looks at, what costs most)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef

from clientcentric.engines.requirements import candidates, wording

from . import applicability
from .models import Assessment, Requirement
from .selectors import ListEntry, PersonalList

PAGE_SIZE = 25
TOP = 5
STATUSES = ("applies", "unknown", "confirmed", "disputed", "recommendation")
RISKS = ("high", "medium", "low")


@dataclass
class Item:
    """One line of the list with what the page shows of it."""

    entry: ListEntry
    what_to_do: str
    why: list[str]
    risk: str
    checked: bool
    yearly_cost: Decimal
    search_text: str = field(repr=False, default="")

    @property
    def pk(self) -> int:
        return self.entry.requirement["id"]

    @property
    def recommendation(self) -> bool:
        return bool(self.entry.requirement["is_recommendation"])

    @property
    def subject(self) -> str:
        return self.entry.requirement["subject"] or self.entry.act.title

    @property
    def subject_kind(self) -> str:
        return self.entry.requirement["subject_kind"] or "general"

    @property
    def assessed(self) -> str:
        a = self.entry.assessment
        return a.applies if a is not None else ""


def checked_ids() -> set[int]:
    """Requirements that some control event's checklist (проверочный лист) has looked at."""
    from django.apps import apps

    if not apps.is_installed("clientcentric.supervision"):
        return set()
    check = apps.get_model("supervision", "EventCheck")
    return set(
        Requirement.objects.filter(Exists(check.objects.filter(requirement=OuterRef("pk")))).values_list(
            "pk", flat=True
        )
    )


def _risk(text: str, recommendation: bool, checked: bool) -> str:
    """high: an inspector checks it, or it forbids; medium: it obliges; low: a recommendation or a definition."""
    if recommendation:
        return "low"
    kinds = candidates.modality(text)
    if checked or "prohibition" in kinds:
        return "high"
    return "medium" if kinds or wording.what_to_do(text).startswith(("Обеспечьте", "Организуйте")) else "low"


def _yearly(entry: ListEntry, rate: Decimal) -> Decimal:
    r, a = entry.requirement, entry.assessment
    if r["is_recommendation"] or (a is not None and a.applies == Assessment.Applies.DISPUTED):
        return Decimal(0)

    def own(name):
        mine = getattr(a, name) if a is not None else None
        return r[name] if mine is None else mine

    return (own("cost_hours") * rate + own("cost_out_of_pocket")) * own("cost_frequency")


def items_of(result: PersonalList, hourly_rate: Decimal) -> list[Item]:
    checked = checked_ids()
    why_memo: dict[tuple, list[str]] = {}
    items = []
    for entry in [*result.applies, *result.unknown]:
        r = entry.requirement
        texts = tuple(t for t in (entry.act.scope_rule, r["applicability_rule"]) if t)
        if texts not in why_memo:
            why_memo[texts] = applicability.why(texts, result.facts)
        is_checked = r["id"] in checked
        todo = wording.what_to_do(r["text"])
        items.append(
            Item(
                entry=entry,
                what_to_do=todo,
                why=why_memo[texts],
                risk=_risk(r["text"], bool(r["is_recommendation"]), is_checked),
                checked=is_checked,
                yearly_cost=_yearly(entry, hourly_rate),
                search_text=" ".join((r["text"], r["subject"], entry.act.title, entry.label)).casefold(),
            )
        )
    return items


def filtered(items: list[Item], *, status="", act="", risk="", q="") -> list[Item]:
    chosen = items
    if status == "applies":
        chosen = [i for i in chosen if i.entry.status == "applies"]
    elif status == "unknown":
        chosen = [i for i in chosen if i.entry.status == "unknown"]
    elif status in ("confirmed", "disputed"):
        chosen = [i for i in chosen if i.assessed == status]
    elif status == "recommendation":
        chosen = [i for i in chosen if i.recommendation]
    if act:
        chosen = [i for i in chosen if str(i.entry.act.pk) == str(act)]
    if risk in RISKS:
        chosen = [i for i in chosen if i.risk == risk]
    for word in (q or "").casefold().split():
        chosen = [i for i in chosen if word in i.search_text]
    return chosen


def top(items: list[Item], count: int = TOP) -> list[Item]:
    """What matters most: what inspectors check, then what costs most, among obligations that apply."""
    eligible = [i for i in items if i.entry.status == "applies" and not i.recommendation]
    ranked = sorted(eligible, key=lambda i: (not i.checked, -i.yearly_cost, i.risk != "high"))
    return [i for i in ranked if i.checked or i.yearly_cost > 0][:count]


def grouped(page_items: list[Item]) -> list[tuple[str, list[tuple[str, list[Item]]]]]:
    """[(kind, [(subject, items)])]: objects first, then activities, then what governs every business."""
    order = ("object", "activity", "general")
    kinds: dict[str, dict[str, list[Item]]] = {kind: {} for kind in order}
    for item in page_items:
        kinds.setdefault(item.subject_kind, {}).setdefault(item.subject, []).append(item)
    return [(kind, list(kinds[kind].items())) for kind in order if kinds.get(kind)]


def ordered(items: list[Item]) -> list[Item]:
    """Grouped reading order: by kind, then subject, high risk first within a subject, then the act's order."""
    kind_order = {"object": 0, "activity": 1, "general": 2}
    risk_order = {"high": 0, "medium": 1, "low": 2}
    return sorted(
        items,
        key=lambda i: (kind_order.get(i.subject_kind, 3), i.subject, risk_order[i.risk], i.entry.act.code),
    )


def page_of(items: list[Item], number) -> object:
    return Paginator(items, PAGE_SIZE).get_page(number)
