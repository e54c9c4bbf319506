"""Reads of the business app: whose business a user acts for, the personal list, costs, summaries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clientcentric.accounts import selectors as representation
from clientcentric.accounts.models import BusinessClient
from clientcentric.core.process_cache import KeyedProcessCache, ProcessCache
from clientcentric.engines.requirements import cost as scm
from clientcentric.engines.requirements import personal_list as plist
from clientcentric.rules import business as rules
from clientcentric.rules.facts import business as business_facts

from .models import (
    Act,
    Assessment,
    BusinessProfile,
    CandidateLink,
    ControlObject,
    Draft,
    Requirement,
    SizeCategory,
    item_label,
)

COST_FIELDS = ("cost_hours", "cost_out_of_pocket", "cost_frequency")
REQUIREMENT_FIELDS = (
    "id",
    "act_id",
    "item_no",
    "chapter",
    "text",
    "applicability_rule",
    "rule_explanation",
    "effective_from",
    "cost_activity",
    "cost_hours",
    "cost_out_of_pocket",
    "cost_frequency",
    "is_recommendation",
    "subject",
    "subject_kind",
)


def profile_for(user, on: date | None = None) -> BusinessProfile | None:
    """The profile of the business this user represents today (the first, if several)."""
    if not user.is_authenticated:
        return None
    rep = (
        representation.in_force(user, on)
        .filter(business__isnull=False)
        .select_related("business__profile")
        .order_by("valid_from", "pk")
        .first()
    )
    if rep is None:
        return None
    return getattr(rep.business, "profile", None)


def business_facts_of(profile: BusinessProfile) -> dict:
    return business_facts.derive(profile, list(profile.control_objects.all()))


def _value_words(value) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, frozenset | set | list | tuple):
        return ", ".join(sorted(map(str, value))) or "—"
    return str(value)


def explain(text: str, fact_values: dict) -> list[tuple[str, str]]:
    """The facts a rule read, as (label, value) pairs in plain words."""
    if not text:
        return []
    used = sorted(rules.compiled(text).facts_used)
    return [
        (
            business_facts.label(name),
            _value_words(fact_values[name]) if name in fact_values else _("not given"),
        )
        for name in used
    ]


@dataclass
class ListEntry:
    requirement: dict
    act: Act
    status: str
    reasons: list[tuple[str, str]] = field(default_factory=list)
    explanation: str = ""
    missing: list[str] = field(default_factory=list)
    assessment: Assessment | None = None

    @property
    def in_force_from(self):
        return self.requirement["effective_from"] or self.act.effective_from

    @property
    def label(self) -> str:
        return item_label(self.requirement["chapter"], self.requirement["item_no"])

    @property
    def missing_labels(self) -> list[str]:
        return [business_facts.label(name) for name in self.missing]


@dataclass
class PersonalList:
    on: date
    facts: dict
    applies: list[ListEntry]
    unknown: list[ListEntry]
    not_applicable_count: int
    missing_facts: list[tuple[str, str, int]]  # (fact, label, how many requirements wait for it)

    @property
    def unknown_by_act(self) -> list[tuple[Act, list[ListEntry]]]:
        return self.by_act(self.unknown)

    def by_act(self, entries=None) -> list[tuple[Act, list[ListEntry]]]:
        groups: dict[int, tuple[Act, list]] = {}
        for entry in self.applies if entries is None else entries:
            groups.setdefault(entry.act.pk, (entry.act, []))[1].append(entry)
        return list(groups.values())


def _load_rule_index() -> tuple[list, dict]:
    """Items grouped by their rules: [(act id, (act scope rule, item rule), (requirement ids…))], and each
    act's end date. 50,000 items carry a few thousand distinct rule pairs: deciding per pair, then fanning
    the answer out to the ids, keeps the per-item work inside C (dict.fromkeys)."""
    acts = {a["pk"]: a for a in Act.objects.values("pk", "scope_rule", "effective_to")}
    groups: dict[tuple, list[int]] = defaultdict(list)
    # A repealed item is in no group: no business is ever told it applies.
    live = Requirement.objects.filter(is_repealed=False)
    for rid, act_id, rule in live.values_list("id", "act_id", "applicability_rule"):
        groups[(act_id, rule)].append(rid)
    index = [
        (act_id, (acts[act_id]["scope_rule"], rule), tuple(ids)) for (act_id, rule), ids in groups.items()
    ]
    return index, {pk: a["effective_to"] for pk, a in acts.items()}


# The rules of 50,000 items are read once a minute at most, and at once after a save in this process;
# bulk imports clear it themselves (they send no signals).
rule_index = ProcessCache(_load_rule_index, ttl=60).invalidate_on(Act, Requirement)


def _truth(fact_values: dict, on: date):
    params = rules.parameters()

    def value(text):
        # value() answers True / False / None without building a Result with its reasons: the list needs only
        # the answer, and reasons are asked for the few lines shown.
        return rules.compiled(text).value(fact_values, on, params)

    return value


def statuses(fact_values: dict, on: date) -> dict[int, str]:
    """Requirement id → applies / not_applicable / unknown for one business's facts on a date."""
    index, ends = rule_index.get()
    live = [
        (n, texts)
        for n, (act_id, texts, _ids) in enumerate(index)
        if ends[act_id] is None or ends[act_id] >= on
    ]
    by_group = plist.build(live, _truth(fact_values, on))
    decided: dict[int, str] = {}
    for n, status in by_group.items():
        decided.update(dict.fromkeys(index[n][2], status))
    return decided


def personal_list(profile: BusinessProfile, on: date | None = None) -> PersonalList:
    on = on or timezone.localdate()
    fact_values = business_facts_of(profile)
    acts = {a.pk: a for a in Act.objects.select_related("developer")}
    decided = statuses(fact_values, on)
    rows = [
        r
        for r in Requirement.objects.order_by("act__code", "position").values(*REQUIREMENT_FIELDS)
        if decided.get(r["id"], plist.NOT_APPLICABLE) != plist.NOT_APPLICABLE
    ]
    not_applicable = sum(1 for status in decided.values() if status == plist.NOT_APPLICABLE)
    assessments = {a.requirement_id: a for a in profile.assessments.select_related("flagged_with__act")}
    applies, unknown, waiting = [], [], defaultdict(int)
    missing_memo: dict[str, tuple[str, ...]] = {}
    explain_memo: dict[str, list] = {}

    def explained(text):
        if text not in explain_memo:
            explain_memo[text] = explain(text, fact_values)
        return explain_memo[text]

    for row in rows:
        status = decided[row["id"]]
        act = acts[row["act_id"]]
        texts = [t for t in (act.scope_rule, row["applicability_rule"]) if t]
        entry = ListEntry(
            requirement=row,
            act=act,
            status=status,
            explanation=row["rule_explanation"] or act.scope_explanation,
            reasons=[pair for text in texts for pair in explained(text)],
            assessment=assessments.get(row["id"]),
        )
        if status == plist.UNKNOWN:
            for text in texts:
                if text not in missing_memo:
                    missing_memo[text] = rules.evaluate(text, fact_values, on).missing
                entry.missing.extend(m for m in missing_memo[text] if m not in entry.missing)
            for name in entry.missing:
                waiting[name] += 1
            unknown.append(entry)
        else:
            applies.append(entry)
    missing = sorted(
        ((name, business_facts.label(name), count) for name, count in waiting.items()), key=lambda t: -t[2]
    )
    return PersonalList(on, fact_values, applies, unknown, not_applicable, missing)


def cost_report(profile: BusinessProfile, entries: list[ListEntry]) -> scm.Report:
    """SCM over the requirements that apply (see costing); kept here for the pages that show the total."""
    from . import costing

    return costing.business_cost(profile, entries)


def candidates_for(requirement: Requirement) -> list[tuple[CandidateLink, Requirement]]:
    links = CandidateLink.objects.filter(Q(first=requirement) | Q(second=requirement)).select_related(
        "first__act", "second__act"
    )
    pairs = [(link, link.second if link.first_id == requirement.pk else link.first) for link in links]
    return sorted(pairs, key=lambda p: (p[0].kind != "contradiction", -p[0].score))


def drafts_for(profile: BusinessProfile, on: date | None = None) -> list[tuple[Draft, str]]:
    """Drafts whose consultation is open or coming and that touch this business (rule true or unknown)."""
    on = on or timezone.localdate()
    fact_values = business_facts_of(profile)
    feed = []
    for draft in Draft.objects.filter(closes_on__gte=on).select_related("developer").order_by("closes_on"):
        result = rules.evaluate(draft.scope_rule, fact_values, on)
        outcome = "eligible" if result is None else result.outcome.value
        if outcome != "not_eligible":
            feed.append((draft, outcome))
    return feed


def min_cell() -> int:
    return settings.CLIENTCENTRIC_MIN_CELL


def act_results(act_ids=None) -> list[dict]:
    """Per act and item: how many businesses rated it, mean clarity and feasibility, disputes, flags.

    A cell rated by fewer businesses than the minimum shows its count only.
    """
    qs = Assessment.objects.select_related("requirement__act")
    if act_ids is not None:
        qs = qs.filter(requirement__act_id__in=act_ids)
    per_item: dict[int, dict] = {}
    for a in qs:
        r = a.requirement
        cell = per_item.setdefault(
            r.pk,
            {
                "act": r.act.code,
                "item_no": r.item_no,
                "requirement_id": r.pk,
                "businesses": set(),
                "clarity": [],
                "feasibility": [],
                "confirmed": 0,
                "disputed": 0,
                "duplicate": 0,
                "contradiction": 0,
            },
        )
        cell["businesses"].add(a.profile_id)
        if a.clarity:
            cell["clarity"].append(a.clarity)
        if a.feasibility:
            cell["feasibility"].append(a.feasibility)
        if a.applies:
            cell[a.applies] += 1
        if a.flag:
            cell[a.flag] += 1
    out = []
    for cell in per_item.values():
        n = len(cell.pop("businesses"))
        clarity, feasibility = cell.pop("clarity"), cell.pop("feasibility")
        shown = n >= min_cell()
        out.append(
            {
                **cell,
                "businesses": n,
                "suppressed": not shown,
                "clarity_mean": round(sum(clarity) / len(clarity), 2) if shown and clarity else None,
                "feasibility_mean": round(sum(feasibility) / len(feasibility), 2)
                if shown and feasibility
                else None,
                **(
                    {}
                    if shown
                    else {k: None for k in ("confirmed", "disputed", "duplicate", "contradiction")}
                ),
            }
        )
    return sorted(out, key=lambda c: (c["act"], c["requirement_id"]))


def summary_by_act() -> list[dict]:
    """Clarity, feasibility and flags per act over all businesses (small groups suppressed)."""
    rows = defaultdict(lambda: {"businesses": set(), "clarity": [], "feasibility": [], "flags": 0})
    for a in Assessment.objects.select_related("requirement__act").only(
        "profile_id", "clarity", "feasibility", "flag", "requirement__act__code", "requirement__act__title"
    ):
        row = rows[a.requirement.act]
        row["businesses"].add(a.profile_id)
        if a.clarity:
            row["clarity"].append(a.clarity)
        if a.feasibility:
            row["feasibility"].append(a.feasibility)
        row["flags"] += bool(a.flag)
    out = []
    for act, row in sorted(rows.items(), key=lambda kv: kv[0].code):
        n = len(row["businesses"])
        shown = n >= min_cell()

        def mean(values, shown=shown):
            return round(sum(values) / len(values), 2) if shown and values else None

        out.append(
            {
                "act": act,
                "businesses": n,
                "suppressed": not shown,
                "clarity": mean(row["clarity"]),
                "feasibility": mean(row["feasibility"]),
                "flags": row["flags"] if shown else None,
            }
        )
    return out


def cost_burden(on: date | None = None) -> list[dict]:
    """Mean yearly cost per business by act and size category, over every business with a profile.

    Deciding the personal list of every business takes milliseconds each, seconds for a few thousand: the public
    summary reads the figures once per process until a profile, an object, an assessment or a rule changes.
    """
    on = on or timezone.localdate()
    return burden_cache.get(f"{on.isoformat()}:{get_language()}")


def _cost_burden(key: str) -> list[dict]:
    on = date.fromisoformat(key.split(":", 1)[0])  # the language part only keeps the labels apart
    rows = {
        r["id"]: r
        for r in Requirement.objects.filter(
            cost_frequency__gt=0, is_recommendation=False, is_repealed=False
        ).values("id", "act__code", "text", "cost_hours", "cost_out_of_pocket", "cost_frequency")
    }
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    applying = applying_items.get(on.isoformat())
    for profile in BusinessProfile.objects.prefetch_related("assessments"):
        applies = applying.get(profile.pk, frozenset())
        own = {a.requirement_id: a for a in profile.assessments.all()}
        activities = []
        for rid, row in rows.items():
            a = own.get(rid)
            if rid not in applies or (a is not None and a.applies == Assessment.Applies.DISPUTED):
                continue
            pick = {
                n: (getattr(a, n) if a is not None and getattr(a, n) is not None else row[n])
                for n in COST_FIELDS
            }
            activities.append(
                scm.obligation_for(
                    rid,
                    row["act__code"],
                    "",
                    hours=pick["cost_hours"],
                    acquisitions=pick["cost_out_of_pocket"],
                    frequency=pick["cost_frequency"],
                    familiarisation_hours=Decimal(0),  # the public summary compares recurring costs
                )
            )
        report = scm.calculate(activities, scm.Assumptions(hourly_rate=profile.hourly_rate))
        for act, value in report.by_act.items():
            totals[(act, profile.size)].append(value.recurring)
            totals[(act, "")].append(value.recurring)
    names = {a.code: a.short_title for a in Act.objects.filter(code__in={act for act, _size in totals})}
    out = []
    for (act, size), values in sorted(totals.items()):
        shown = len(values) >= min_cell()
        out.append(
            {
                "act": act,
                "act_name": names.get(act, act),  # what pages and charts show; the code stays for exports
                "size": size,
                "size_label": SizeCategory(size).label if size else _("all sizes"),
                "businesses": len(values),
                "suppressed": not shown,
                "mean_cost": (sum(values) / len(values)).quantize(Decimal("1")) if shown else None,
            }
        )
    return out


burden_cache = KeyedProcessCache(_cost_burden, ttl=600, max_keys=16).invalidate_on(
    Act, Requirement, BusinessProfile, ControlObject, Assessment, BusinessClient
)


def _applying_items(on_iso: str) -> dict[int, frozenset[int]]:
    """Business profile id → the items that apply to it on a date: every business's list decided once, for the
    figures over all businesses (the public cost burden, an act's burden over its population)."""
    on = date.fromisoformat(on_iso)
    applying = {}
    for profile in BusinessProfile.objects.prefetch_related("control_objects"):
        decided = statuses(business_facts.derive(profile, list(profile.control_objects.all())), on)
        applying[profile.pk] = frozenset(rid for rid, status in decided.items() if status == plist.APPLIES)
    return applying


# Deciding a business's list takes milliseconds: a few thousand businesses take seconds, once per process and day
# until a profile, an object or a rule changes.
applying_items = KeyedProcessCache(_applying_items, ttl=600, max_keys=4).invalidate_on(
    Act, Requirement, BusinessProfile, ControlObject, BusinessClient
)


def hardest_items(limit: int = 15) -> list[dict]:
    """Items rated by enough businesses, least clear first: where rewording would help most."""
    shown = [row for row in act_results() if not row["suppressed"] and row["clarity_mean"] is not None]
    rows = sorted(shown, key=lambda row: (row["clarity_mean"], row["feasibility_mean"] or 5))[:limit]
    items = {
        r.pk: r
        for r in Requirement.objects.filter(pk__in=[row["requirement_id"] for row in rows]).select_related(
            "act"
        )
    }
    for row in rows:
        item = items.get(row["requirement_id"])
        row["label"] = item.label if item else row["item_no"]
        row["act_name"] = item.act.short_title if item else row["act"]  # shown instead of the internal code
    return rows


def flagged_pairs(limit: int = 50) -> list[dict]:
    """Pairs businesses flagged as duplicates or contradictions, most flagged first."""
    counts = defaultdict(lambda: {"businesses": 0})
    for a in Assessment.objects.exclude(flag="").select_related("requirement__act", "flagged_with__act"):
        if a.flagged_with is None:
            continue
        key = (a.flag, *sorted((a.requirement_id, a.flagged_with_id)))
        cell = counts[key]
        cell.update({"kind": a.flag, "a": a.requirement, "b": a.flagged_with})
        cell["businesses"] += 1
    return sorted(counts.values(), key=lambda c: -c["businesses"])[:limit]


def draft_summary(draft: Draft) -> dict:
    """For the draft's developer: how many businesses commented, the spread of ratings, every comment."""
    comments = list(draft.comments.select_related("profile__business").order_by("-created_at"))
    spread = {i: 0 for i in range(1, 6)}
    for c in comments:
        spread[c.rating] += 1
    n = len(comments)
    return {
        "comments": comments,
        "count": n,
        "spread": spread,
        "mean": round(sum(c.rating for c in comments) / n, 2) if n else None,
        "by_size": _count_by(comments, lambda c: c.profile.get_size_display()),
    }


def _count_by(rows, key) -> list[tuple[str, int]]:
    counts = defaultdict(int)
    for row in rows:
        counts[key(row)] += 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def anonymised_dataset(act_ids) -> list[dict]:
    """One row per (act, item, size category) with at least the minimum of businesses; no business ids."""
    cells = defaultdict(lambda: {"businesses": set(), "clarity": [], "feasibility": [], "disputed": 0})
    qs = Assessment.objects.filter(requirement__act_id__in=act_ids).select_related(
        "requirement__act", "profile"
    )
    for a in qs:
        cell = cells[(a.requirement.act.code, a.requirement.item_no, a.profile.size)]
        cell["businesses"].add(a.profile_id)
        if a.clarity:
            cell["clarity"].append(a.clarity)
        if a.feasibility:
            cell["feasibility"].append(a.feasibility)
        cell["disputed"] += a.applies == Assessment.Applies.DISPUTED
    rows = []
    for (act, item_no, size), cell in sorted(cells.items()):
        n = len(cell["businesses"])
        if n < min_cell():
            continue
        rows.append(
            {
                "act": act,
                "item_no": item_no,
                "size": size,
                "businesses": n,
                "clarity_mean": round(sum(cell["clarity"]) / len(cell["clarity"]), 2)
                if cell["clarity"]
                else None,
                "feasibility_mean": round(sum(cell["feasibility"]) / len(cell["feasibility"]), 2)
                if cell["feasibility"]
                else None,
                "disputed_share": round(cell["disputed"] / n, 3),
            }
        )
    return rows


# --- Results for the developer of requirements (BIZ-4), on the platform's own pages -------------------------

DEVELOPER_ROLES = ("methodologist", "analyst")


def developer_agency_filter(user) -> dict | None:
    """Which developers' results `user` may read, as a filter on `developer`: every agency's for an admin
    ({}), their own agency's for a methodologist or analyst who belongs to one, none (None) otherwise."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.role == "admin":
        return {}
    if user.role in DEVELOPER_ROLES and user.agency_id is not None:
        return {"developer_id": user.agency_id}
    return None


def developer_acts(user):
    scope = developer_agency_filter(user)
    if scope is None:
        return Act.objects.none()
    return Act.objects.filter(developer__isnull=False, **scope).select_related("developer")


def developer_drafts(user):
    scope = developer_agency_filter(user)
    if scope is None:
        return Draft.objects.none()
    return Draft.objects.filter(**scope).select_related("developer")


def act_summary(act: Act) -> dict:
    """What businesses said about one act, for its developer: per item (small cells hidden), the whole act,
    the pairs they flagged, and the comments on items with enough businesses."""
    rows = act_results([act.pk])
    labels = {
        r.pk: r.label for r in Requirement.objects.filter(pk__in=[row["requirement_id"] for row in rows])
    }
    for row in rows:
        row["label"] = labels.get(row["requirement_id"], row["item_no"])
    shown_ids = {row["requirement_id"] for row in rows if not row["suppressed"]}
    assessments = list(
        Assessment.objects.filter(requirement__act=act)
        .select_related("profile")
        .only(
            "profile_id",
            "profile__size",
            "requirement_id",
            "clarity",
            "feasibility",
            "applies",
            "comment",
            "updated_at",
        )
    )
    businesses = {a.profile_id for a in assessments}
    shown = len(businesses) >= min_cell()

    def mean(values):
        return round(sum(values) / len(values), 2) if shown and values else None

    comments = sorted(
        (
            {
                "label": labels.get(a.requirement_id, ""),
                "requirement_id": a.requirement_id,
                "text": a.comment,
                "size": a.profile.get_size_display(),
                "clarity": a.clarity,
                "feasibility": a.feasibility,
            }
            for a in assessments
            if a.comment.strip() and a.requirement_id in shown_ids
        ),
        key=lambda c: (c["requirement_id"], c["text"]),
    )
    flagged = [f for f in flagged_pairs(limit=1000) if act.pk in (f["a"].act_id, f["b"].act_id)]
    return {
        "items": rows,
        "businesses": len(businesses),
        "suppressed": not shown,
        "clarity": mean([a.clarity for a in assessments if a.clarity]),
        "feasibility": mean([a.feasibility for a in assessments if a.feasibility]),
        "disputed": sum(a.applies == Assessment.Applies.DISPUTED for a in assessments) if shown else None,
        "flagged": flagged,
        "comments": comments,
        "dataset": anonymised_dataset([act.pk]),
    }
