"""Risk profiles: facts from the data the state holds, the type's risk model, the assessment and its tasks.

Every fact the model reads comes with its source. The state's own data come first (the business profile and
its objects of control in `clientcentric.business`, the body's own records of events, orders and
declarations); data the business submitted count only once an inspector accepted them; a fact nobody has
is left out, so the engine reports the criteria that read it as «needs data».
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.business.models import BusinessProfile
from clientcentric.core.services import audit
from clientcentric.core.services import status as status_service
from clientcentric.engines import risk as risk_engine
from clientcentric.engines.rules import FactType
from clientcentric.rules.facts import business as business_facts

from .. import selectors
from ..models import (
    ControlType,
    Decision,
    FactCorrection,
    IncentiveKind,
    RiskProfile,
    SupervisionTask,
    TaskKind,
)
from ..selectors.records import complaints_12m  # noqa: F401 - the rule language's fact providers read it here
from ..workflow import FACT_CORRECTION
from . import incentives

RISK_MODELS_DIR = Path(__file__).parent.parent / "risk_models"
SOURCE_PROFILE = "profile"
SOURCE_RECORDS = "records"
SOURCE_BUSINESS = "business"
SOURCE_APPEALS = "appeals"
# The risk models' count of complaints over 12 months, filled from the portal's own appeals (AppealLink).
COMPLAINTS_FACT = "complaints_12m"

_models: dict[str, object] = {}


def risk_model(control_type: ControlType):
    """The parsed risk model of a type of control; parsed once per text."""
    key = hashlib.sha256(control_type.risk_model_text.encode()).hexdigest()
    if key not in _models:
        _models[key] = risk_engine.load_risk_model(
            control_type.risk_model_text, source=control_type.risk_model_file
        )
    return _models[key]


def check_model_text(text: str, source: str = "") -> None:
    """ValidationError naming the line and field when a risk model does not load."""
    try:
        risk_engine.load_risk_model(text, source=source)
    except ValueError as error:
        raise ValidationError({"risk_model_text": str(error)}) from None


# --- facts -------------------------------------------------------------------------------------------


# The business app names some facts differently from the risk models: model name -> business fact.
ALIASES = {"area_m2": "premises_area_total"}


def parse_value(kind: FactType, text: str):
    """A submitted value in the fact's type; ValueError with a Russian message when it does not fit."""
    text = (text or "").strip()
    if kind is FactType.BOOL:
        lowered = text.lower()
        if lowered in ("да", "yes", "true", "1"):
            return True
        if lowered in ("нет", "no", "false", "0"):
            return False
        raise ValueError(_("Answer «да» or «нет»."))
    if kind is FactType.INT:
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
    if kind is FactType.DECIMAL:
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
    if kind is FactType.DATE:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind is FactType.STR_SET:
        return frozenset(part.strip() for part in text.split(",") if part.strip())
    if not text:
        raise ValueError(_("Enter a value."))
    return text


def to_json(value):
    if isinstance(value, frozenset | set | list | tuple):
        return sorted(str(v) for v in value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class Facts:
    values: dict
    sources: dict  # fact -> SOURCE_* code


def facts_for(profile: BusinessProfile, control_type: ControlType, *, on: date, model=None) -> Facts:
    model = model or risk_model(control_type)
    values, sources = {}, {}
    derived = business_facts.derive(profile, list(profile.control_objects.all()))
    for name, other in ALIASES.items():
        if other in derived:
            derived[name] = derived[other]
    for name, value in derived.items():
        values[name], sources[name] = value, SOURCE_PROFILE
    for name, value in selectors.record_facts(profile, control_type, on).items():
        values[name], sources[name] = value, SOURCE_RECORDS
    if COMPLAINTS_FACT in model.facts:
        values[COMPLAINTS_FACT], sources[COMPLAINTS_FACT] = complaints_12m(profile, on), SOURCE_APPEALS
    accepted = FactCorrection.objects.filter(
        profile=profile, control_type=control_type, status=Decision.ACCEPTED
    ).order_by("decided_at", "pk")
    for correction in accepted:
        kind = model.facts.get(correction.fact)
        if kind is None:
            continue
        try:
            values[correction.fact] = parse_value(kind, correction.value)
        except ValueError:
            continue
        sources[correction.fact] = SOURCE_BUSINESS
    wanted = set(model.facts)
    return Facts(
        {k: v for k, v in values.items() if k in wanted}, {k: s for k, s in sources.items() if k in wanted}
    )


def source_words(code: str) -> str:
    return {
        SOURCE_PROFILE: _("the business profile and its objects of control (data the state holds)"),
        SOURCE_RECORDS: _("the supervisory body's records of events, orders, warnings and declarations"),
        SOURCE_BUSINESS: _("data submitted by the business and accepted by an inspector"),
        SOURCE_APPEALS: _("appeals about the business on the portal, last 12 months"),
    }.get(code, code)


# --- assessment --------------------------------------------------------------------------------------


def _result_rows(model, result, facts: Facts) -> dict:
    def fact_rows(names):
        return [
            {
                "fact": name,
                "title": model.fact_title(name),
                "value": to_json(facts.values.get(name)),
                "source": facts.sources.get(name, ""),
                "model_source": getattr(model.fact_info.get(name), "source", ""),
            }
            for name in sorted(names)
        ]

    return {
        "category": result.category.code,
        "category_title": result.category.title,
        "criteria_met": [
            {
                "code": r.criterion.code,
                "title": r.criterion.title,
                "category": r.criterion.category.title,
                "model_source": r.criterion.source,
                "how_to_lower": r.criterion.how_to_lower,
                "facts": fact_rows(r.facts_used),
            }
            for r in result.criteria_met
        ],
        "needs_data": [
            {
                "code": n.criterion.code,
                "title": n.criterion.title,
                "category": n.criterion.category.title,
                "missing": [{"fact": m, "title": model.fact_title(m)} for m in sorted(n.missing)],
            }
            for n in result.needs_data
        ],
        "indicators_fired": [
            {
                "code": i.indicator.code,
                "title": i.indicator.title,
                "action": i.indicator.action,
                "model_source": i.indicator.source,
            }
            for i in result.indicators_fired
        ],
        "how_to_lower": list(result.how_to_lower),
        "facts": {name: to_json(value) for name, value in facts.values.items()},
    }


def _apply_incentive(model, rows: dict, kind: str | None) -> dict:
    """A lowering good-faith incentive places the business one category lower (never below low)."""
    if kind is None:
        return {}
    lowered = model.category(incentives.lower(model, rows["category"]))
    applied = {
        "kind": kind,
        "title": str(IncentiveKind(kind).label),
        "category_before": rows["category"],
        "category_before_title": rows["category_title"],
    }
    rows["category"], rows["category_title"] = lowered.code, lowered.title
    return applied


def _open_indicator_tasks(profile, control_type, indicators: list[dict]) -> int:
    created = 0
    for indicator in indicators:
        _task, new = SupervisionTask.objects.get_or_create(
            control_type=control_type,
            profile=profile,
            kind=TaskKind.INDICATOR,
            key=indicator["code"],
            is_open=True,
            defaults={
                "title": _("Risk indicator «%(title)s»: %(business)s")
                % {"title": indicator["title"], "business": profile.business.name},
                "detail": indicator.get("action", ""),
            },
        )
        created += new
    return created


@transaction.atomic
def assess_profile(
    profile: BusinessProfile, control_type: ControlType, *, on: date | None = None, actor=None
) -> RiskProfile:
    """Assess one business under one type of control from the data at hand; indicators that fire open tasks."""
    on = on or timezone.localdate()
    model = risk_model(control_type)
    facts = facts_for(profile, control_type, on=on, model=model)
    rows = _result_rows(model, risk_engine.assess(model, facts.values, on=on), facts)
    rows["incentive"] = _apply_incentive(model, rows, selectors.lowering_kind(profile, control_type, on))
    risk, _created = RiskProfile.objects.update_or_create(
        profile=profile, control_type=control_type, defaults={**rows, "assessed_at": timezone.now()}
    )
    _open_indicator_tasks(profile, control_type, rows["indicators_fired"])
    audit.record(actor, "supervision.assessed", risk, category=rows["category"])
    return risk


def population_frame(control_type: ControlType, profiles, *, on: date):
    """One row per business: object_id and every fact of the model, in the rule language's column types."""
    import polars as pl

    from clientcentric.engines.rules.polars_backend import DTYPES

    model = risk_model(control_type)
    columns: dict[str, list] = {"object_id": []}
    for name in model.facts:
        columns[name] = []
    for profile in profiles:
        facts = facts_for(profile, control_type, on=on, model=model)
        columns["object_id"].append(profile.pk)
        for name, kind in model.facts.items():
            value = facts.values.get(name)
            if value is not None and kind is FactType.DECIMAL:
                value = float(value)
            elif value is not None and kind is FactType.STR_SET:
                value = sorted(value)
            columns[name].append(value)
    schema = {"object_id": pl.Int64, **{name: DTYPES[kind] for name, kind in model.facts.items()}}
    return pl.DataFrame(columns, schema=schema)


def profiles_under(control_type: ControlType, profiles, *, on: date) -> list[BusinessProfile]:
    """The businesses a type of control covers: an act of the type applies to them (or may: its scope rule
    is unknown for their data), or the body already keeps a risk profile for them."""
    from clientcentric.business.models import Act
    from clientcentric.rules import business as business_rules

    scopes = list(
        Act.objects.filter(pk__in=control_type.acts.values("pk"))
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .values_list("scope_rule", flat=True)
    )
    kept = set(RiskProfile.objects.filter(control_type=control_type).values_list("profile_id", flat=True))
    params = business_rules.parameters()
    out = []
    for profile in profiles:
        if profile.pk in kept or "" in scopes:
            out.append(profile)
            continue
        facts = business_facts.derive(profile, list(profile.control_objects.all()))
        if any(business_rules.compiled(text).value(facts, on, params) is not False for text in scopes):
            out.append(profile)
    return out


def assess_all(control_type: ControlType | None = None, *, on: date | None = None, progress=None) -> dict:
    """Recompute every business's category under every (or one) type of control with the population path.

    The population frame gives the categories; the per-object path then stores the reasons for those whose
    category, criteria or indicators changed, so the stored profile always agrees with the page.
    """
    on = on or timezone.localdate()
    types = [control_type] if control_type else list(ControlType.objects.exclude(risk_model_text=""))
    profiles = list(BusinessProfile.objects.select_related("business").prefetch_related("control_objects"))
    by_pk = {p.pk: p for p in profiles}
    counts = {"types": 0, "assessed": 0, "changed": 0, "by_category": {}}
    for ct in types:
        model = risk_model(ct)
        covered = profiles_under(ct, profiles, on=on)
        frame = risk_engine.assess_population(model, population_frame(ct, covered, on=on), on=on)
        current = {r.profile_id: r for r in RiskProfile.objects.filter(control_type=ct)}
        lowered = selectors.lowered_profiles(ct, on)
        for row in frame.iter_rows(named=True):
            if row["object_id"] in lowered:
                row["category"] = incentives.lower(model, row["category"])
            counts["assessed"] += 1
            key = f"{ct.code}:{row['category']}"
            counts["by_category"][key] = counts["by_category"].get(key, 0) + 1
            old = current.get(row["object_id"])
            same = (
                old is not None
                and old.category == row["category"]
                and sorted(c["code"] for c in old.criteria_met) == sorted(row["criteria_met"] or [])
                and sorted(i["code"] for i in old.indicators_fired) == sorted(row["indicators_fired"] or [])
            )
            if not same:
                assess_profile(by_pk[row["object_id"]], ct, on=on)
                counts["changed"] += 1
            if progress is not None:
                progress()
        counts["types"] += 1
    return counts


# --- corrections -------------------------------------------------------------------------------------


@transaction.atomic
def submit_correction(
    profile: BusinessProfile, control_type: ControlType, *, fact: str, value: str, explanation: str, actor
) -> FactCorrection:
    model = risk_model(control_type)
    kind = model.facts.get(fact)
    if kind is None:
        raise ValidationError({"fact": _("The risk model of this type of control does not use this fact.")})
    try:
        parse_value(kind, value)
    except ValueError as error:
        raise ValidationError({"value": str(error)}) from None
    if not explanation.strip():
        raise ValidationError({"explanation": _("Say where the value comes from.")})
    correction = FactCorrection.objects.create(
        profile=profile,
        control_type=control_type,
        fact=fact,
        value=value.strip(),
        explanation=explanation.strip(),
        submitted_by=actor,
    )
    status_service.record_creation(correction, FACT_CORRECTION, actor=actor)
    SupervisionTask.objects.get_or_create(
        control_type=control_type,
        profile=profile,
        kind=TaskKind.CORRECTION,
        key=f"correction:{correction.pk}",
        is_open=True,
        defaults={
            "title": _("Check the data %(business)s submitted: %(fact)s = %(value)s")
            % {"business": profile.business.name, "fact": model.fact_title(fact), "value": value},
            "detail": explanation,
        },
    )
    audit.record(actor, "supervision.correction_submitted", correction, fact=fact)
    return correction


@transaction.atomic
def decide_correction(correction: FactCorrection, *, accept: bool, note: str, actor) -> FactCorrection:
    correction = FactCorrection.objects.select_for_update().get(pk=correction.pk)
    target = Decision.ACCEPTED if accept else Decision.REJECTED
    if not FACT_CORRECTION.can(correction.status, target):
        raise ValidationError(_("This correction is already decided."))
    if not accept and not note.strip():
        raise ValidationError({"decision_note": _("Say why the data are not accepted.")})
    correction.decided_by, correction.decided_at = actor, timezone.now()
    correction.decision_note = note.strip()
    status_service.transition(
        correction,
        FACT_CORRECTION,
        target,
        actor=actor,
        note=correction.decision_note,
        update_fields=("decided_by", "decided_at", "decision_note"),
    )
    close_task(
        correction.control_type, correction.profile, TaskKind.CORRECTION, f"correction:{correction.pk}", actor
    )
    audit.record(actor, "supervision.correction_decided", correction, accepted=accept)
    if accept:
        assess_profile(correction.profile, correction.control_type, actor=actor)
    return correction


def with_fact_titles(corrections) -> list[FactCorrection]:
    """Corrections with `fact_title`: the model's name of the fact, as people read it."""
    out = list(corrections)
    for correction in out:
        try:
            correction.fact_title = risk_model(correction.control_type).fact_title(correction.fact)
        except ValueError:
            correction.fact_title = correction.fact
    return out


def close_task(control_type, profile, kind, key, actor) -> None:
    SupervisionTask.objects.filter(
        control_type=control_type, profile=profile, kind=kind, key=key, is_open=True
    ).update(is_open=False, closed_at=timezone.now(), closed_by=actor)


# --- types of control from the YAML files ------------------------------------------------------------


def model_files() -> list[Path]:
    return sorted(RISK_MODELS_DIR.glob("*.yaml")) + sorted(RISK_MODELS_DIR.glob("*.yml"))


@transaction.atomic
def sync_control_type(path: Path, *, agency, act_control_type: str, actor=None) -> ControlType:
    """Create or refresh a type of control from its risk-model file (its code and title come from there)."""
    text = path.read_text(encoding="utf-8")
    model = risk_engine.load_risk_model(text, source=path.name)
    control_type = ControlType.objects.filter(code=model.code).first() or ControlType(code=model.code)
    control_type.title = control_type.title or model.title
    control_type.agency = agency
    control_type.act_control_type = control_type.act_control_type or act_control_type
    control_type.risk_model_file = path.name
    control_type.risk_model_text = text
    control_type.full_clean()
    control_type.save()
    link_acts_named(control_type)
    audit.record(actor, "supervision.control_type_synced", control_type, file=path.name)
    return control_type


def link_acts_named(control_type: ControlType) -> int:
    """Link the acts whose «type of control» is the type's act name (case and spaces aside); links made by hand
    stay. The count of acts linked now."""
    from clientcentric.business.models import Act

    name = control_type.act_control_type.strip()
    if not name:
        return 0
    found = list(Act.objects.filter(control_type__iexact=name).exclude(supervision_types=control_type))
    control_type.acts.add(*found)
    return len(found)
