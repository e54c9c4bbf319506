"""Every write of the business app: validation (rules, 247-ФЗ dates, checksums), transaction, audit."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import BusinessClient
from clientcentric.accounts.validators import is_valid_ogrn, is_valid_ogrnip
from clientcentric.core import events, process_cache
from clientcentric.core.services import audit, status
from clientcentric.engines.requirements import dates as ot_dates
from clientcentric.engines.requirements import okved as okved_codes
from clientcentric.engines.requirements import wording
from clientcentric.engines.requirements.candidates import Item, find_candidates
from clientcentric.rules import business as rules

from .models import (
    Act,
    Assessment,
    BusinessProfile,
    CandidateLink,
    ControlObject,
    Draft,
    DraftComment,
    Requirement,
)

DATE_PROBLEMS = {
    "missing_effective_date": _("State the date the act takes effect."),
    "missing_publication_date": _("State the date of official publication: 247-FZ counts 90 days from it."),
    "before_publication": _("An act cannot take effect before it is published."),
    "unknown_exception": _("Unknown 247-FZ exception."),
}


def date_errors(effective_from, published_on, exception: str) -> list[str]:
    """247-ФЗ problems of an act's entry into force, in Russian (empty when lawful)."""
    messages = []
    for problem in ot_dates.check_effective_date(effective_from, published_on, exception=exception):
        earliest = problem.earliest_allowed.strftime("%d.%m.%Y") if problem.earliest_allowed else ""
        if problem.code == "not_1_march_or_1_september":
            messages.append(
                _(
                    "247-FZ: an act takes effect on 1 March or 1 September (the earliest lawful date is %(d)s)."
                )
                % {"d": earliest}
            )
        elif problem.code == "too_soon_after_publication":
            messages.append(
                _("247-FZ: at least 90 days must pass after publication (the earliest lawful date is %(d)s).")
                % {"d": earliest}
            )
        else:
            messages.append(str(DATE_PROBLEMS[problem.code]))
    return messages


def validate_act(act: Act) -> None:
    errors: dict[str, list[str]] = {}
    try:
        rules.check(act.scope_rule, "scope_rule")
    except ValidationError as error:
        errors.update(error.message_dict)
    if act.effective_from or act.published_on:
        problems = date_errors(act.effective_from, act.published_on, act.date_exception)
        if problems:
            errors["effective_from"] = problems
    from .procedures.validity import term_errors

    if term := term_errors(act):
        errors["effective_to"] = term
    if act.date_exception and not act.date_exception_reason.strip():
        errors["date_exception_reason"] = [_("Say why the 247-FZ exception applies.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_act(act: Act, *, actor=None) -> Act:
    act.scope_rule = (act.scope_rule or "").strip()
    validate_act(act)
    act.full_clean()
    created = act.pk is None
    act.save()
    audit.record(actor, f"business.act_{'created' if created else 'changed'}", act, code=act.code)
    return act


def adopt_act(act: Act, *, actor=None) -> Act:
    """The developer adopts a draft act (247-ФЗ): refused, with each missing element of article 10 named in Russian,
    until the act states who must comply, what it governs, how compliance is assessed and by which body, and holds
    at least one requirement. A refusal is audited too (outside the refused transaction)."""
    from .procedures.validity import missing_elements
    from .workflow import ACT

    act = Act.objects.get(pk=act.pk)
    if act.stage != Act.Stage.DRAFT:
        raise ValidationError(_("This act is already adopted."), code="already_adopted")
    missing = missing_elements(act)
    if missing:
        audit.record(actor, "business.act_adoption_refused", act, code=act.code, missing=len(missing))
        raise ValidationError(missing, code="article_10")
    with transaction.atomic():
        act = Act.objects.select_for_update().get(pk=act.pk)
        validate_act(act)
        act.adopted_at = timezone.now()
        status.transition(
            act,
            ACT,
            Act.Stage.ADOPTED,
            actor=actor,
            field="stage",
            update_fields=("adopted_at",),
            audit_action="business.act_adopted",
            code=act.code,
        )
    return act


def validate_requirement(requirement: Requirement) -> None:
    if not (requirement.text or "").strip():
        raise ValidationError({"text": _("A requirement must have text.")})
    rules.check(requirement.applicability_rule, "applicability_rule")


@transaction.atomic
def save_requirement(requirement: Requirement, *, actor=None) -> Requirement:
    requirement.applicability_rule = (requirement.applicability_rule or "").strip()
    requirement.is_recommendation = wording.is_recommendation(requirement.text, requirement.chapter)
    requirement.is_repealed = wording.is_repealed(requirement.text)
    validate_requirement(requirement)
    requirement.full_clean()
    created = requirement.pk is None
    requirement.save()
    audit.record(
        actor,
        f"business.requirement_{'created' if created else 'changed'}",
        requirement,
        item=requirement.item_no,
    )
    return requirement


# ---- business profile ------------------------------------------------------------------------------------


def parse_okved(text_or_list) -> list[str]:
    """OKVED codes from «56.10, 47.11» or a list; raises ValidationError naming each unknown code."""
    raw = text_or_list.replace(";", ",").split(",") if isinstance(text_or_list, str) else text_or_list
    codes = [okved_codes.normalise(c) for c in raw if okved_codes.normalise(c)]
    unknown = [c for c in codes if not okved_codes.is_known(c)]
    if unknown:
        raise ValidationError(
            {"okved": _("Unknown OKVED code(s): %(codes)s.") % {"codes": ", ".join(unknown)}},
            code="unknown_okved",
        )
    return list(dict.fromkeys(codes))


def validate_profile(profile: BusinessProfile) -> None:
    errors = {}
    kind = profile.business.kind
    ogrn = (profile.ogrn or "").strip()
    if kind == BusinessClient.Kind.ENTREPRENEUR and not is_valid_ogrnip(ogrn):
        errors["ogrn"] = _("OGRNIP must be 15 digits starting with 3, with a valid check digit.")
    elif kind == BusinessClient.Kind.LEGAL_ENTITY and not is_valid_ogrn(ogrn):
        errors["ogrn"] = _("OGRN must be 13 digits with a valid check digit.")
    inn = profile.business.inn
    if kind == BusinessClient.Kind.LEGAL_ENTITY and len(inn) != 10:
        errors["inn"] = _("A legal entity has a 10-digit INN.")
    if kind == BusinessClient.Kind.ENTREPRENEUR and len(inn) != 12:
        errors["inn"] = _("A sole proprietor has a 12-digit INN.")
    if not (profile.region or "").isdigit() or len(profile.region) != 2 or not 1 <= int(profile.region) <= 99:
        errors["region"] = _("The region is a two-digit code, 01–99.")
    try:
        profile.okved = parse_okved(profile.okved)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if not profile.okved and "okved" not in errors:
        errors["okved"] = _("List at least one OKVED code.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_profile(profile: BusinessProfile, *, actor=None) -> BusinessProfile:
    profile.ogrn = (profile.ogrn or "").strip()
    validate_profile(profile)
    profile.full_clean(exclude=["business"])
    created = profile.pk is None
    profile.save()
    audit.record(actor, f"business.profile_{'created' if created else 'changed'}", profile)
    # Support-measure offers waiting for a fact are checked again on commit (delivery.subscribers).
    events.publish("business.facts_changed", business_id=profile.business_id)
    return profile


@transaction.atomic
def save_business_with_profile(business: BusinessClient, profile: BusinessProfile, *, actor=None):
    validate_profile_of(business, profile)
    business = accounts_services.save_business(business)
    profile.business = business
    return business, save_profile(profile, actor=actor)


def validate_profile_of(business: BusinessClient, profile: BusinessProfile) -> None:
    profile.business = business
    errors = {}
    try:
        business.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        validate_profile(profile)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_object(obj: ControlObject, *, actor=None) -> ControlObject:
    if obj.kind == ControlObject.Kind.HAZARDOUS and obj.hazard_class is None:
        raise ValidationError(
            {"hazard_class": _("A hazardous production facility has a hazard class, I to IV.")}
        )
    if obj.kind == ControlObject.Kind.PREMISES and obj.area is None:
        raise ValidationError({"area": _("State the area of the premises.")})
    obj.full_clean()
    created = obj.pk is None
    obj.save()
    audit.record(actor, f"business.object_{'created' if created else 'changed'}", obj, kind=obj.kind)
    events.publish("business.facts_changed", business_id=obj.profile.business_id)
    return obj


@transaction.atomic
def delete_object(obj: ControlObject, *, actor=None) -> None:
    audit.record(actor, "business.object_deleted", obj, kind=obj.kind)
    business_id = obj.profile.business_id
    obj.delete()
    events.publish("business.facts_changed", business_id=business_id)


# ---- assessments -----------------------------------------------------------------------------------------


@transaction.atomic
def save_assessment(
    profile: BusinessProfile, requirement: Requirement, *, actor=None, **values
) -> Assessment:
    """Create or update the business's assessment of one requirement; only the given fields change."""
    assessment, _created = Assessment.objects.select_for_update().get_or_create(
        profile=profile, requirement=requirement
    )
    for name, value in values.items():
        setattr(assessment, name, value)
    if assessment.flag and assessment.flagged_with_id is None:
        raise ValidationError({"flagged_with": _("Choose the requirement it duplicates or contradicts.")})
    if not assessment.flag:
        assessment.flagged_with = None
    if assessment.flagged_with_id == requirement.pk:
        raise ValidationError({"flagged_with": _("A requirement cannot duplicate itself.")})
    assessment.full_clean()
    assessment.save()
    audit.record(actor, "business.assessment_saved", assessment, requirement=requirement.pk)
    return assessment


@transaction.atomic
def set_hourly_rate(profile: BusinessProfile, rate, *, actor=None) -> BusinessProfile:
    if rate is None or rate < 0:
        raise ValidationError({"hourly_rate": _("The hourly rate is a sum of money, zero or more.")})
    profile.hourly_rate = rate
    profile.save(update_fields=["hourly_rate"])
    audit.record(actor, "business.hourly_rate_changed", profile, rate=str(rate))
    return profile


# ---- consultations ---------------------------------------------------------------------------------------


def consultation_days(procedure: str, degree: str) -> tuple[int, int]:
    """(minimum, maximum) calendar days of a consultation window, from settings (ORV-3, AKE-1)."""
    windows = settings.CLIENTCENTRIC_CONSULTATION_DAYS
    key = degree if procedure == Draft.Procedure.RIA else "anti_corruption"
    return windows[key], windows["max"]


def validate_draft(draft: Draft) -> None:
    errors = {}
    if draft.procedure == Draft.Procedure.RIA and not draft.degree:
        errors["degree"] = _("A draft under regulatory impact assessment has a degree: high, medium or low.")
    try:
        rules.check(draft.scope_rule, "scope_rule")
    except ValidationError as error:
        errors.update(error.message_dict)
    if draft.opens_on and draft.closes_on and "degree" not in errors:
        low, high = consultation_days(draft.procedure, draft.degree)
        days = (draft.closes_on - draft.opens_on).days
        if not low <= days <= high:
            errors["closes_on"] = _(
                "The consultation must last %(low)s to %(high)s calendar days; it lasts %(days)s."
            ) % {
                "low": low,
                "high": high,
                "days": days,
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_draft(draft: Draft, *, actor=None) -> Draft:
    validate_draft(draft)
    draft.full_clean()
    created = draft.pk is None
    draft.save()
    audit.record(actor, f"business.draft_{'created' if created else 'changed'}", draft)
    return draft


@transaction.atomic
def comment_on_draft(
    draft: Draft, profile: BusinessProfile, *, rating: int, text: str, today: date | None = None, actor=None
):
    today = today or timezone.localdate()
    if not draft.opens_on <= today <= draft.closes_on:
        raise ValidationError(
            _("Comments are accepted from %(a)s to %(b)s.")
            % {"a": draft.opens_on.strftime("%d.%m.%Y"), "b": draft.closes_on.strftime("%d.%m.%Y")}
        )
    if not (text or "").strip():
        raise ValidationError({"text": _("Write a comment.")})
    comment, _created = DraftComment.objects.get_or_create(
        draft=draft, profile=profile, defaults={"rating": rating, "text": text.strip()}
    )
    comment.rating, comment.text = rating, text.strip()
    comment.full_clean()
    comment.save()
    audit.record(actor, "business.draft_commented", comment, draft=draft.pk)
    return comment


def write_requirements(acts: dict[str, dict], items: list[tuple[str, dict]], report, *, actor=None):
    """Write the checked rows of a requirements import (`importer.import_requirements`) in one transaction.

    `acts` maps an act code to the fields an acts file gave it (empty when only an items file names it);
    `items` are (act code, requirement fields). Existing items (same act, chapter and number) are updated.
    """
    from clientcentric.core.tabular import import_all_or_nothing

    from .importer import ITEM_FIELDS

    def write(report) -> None:
        report.created["acts"] = report.updated["acts"] = 0  # counted again as written
        existing = {a.code: a for a in Act.objects.all()}
        written = {}
        for code in dict.fromkeys([*acts, *(code for code, _values in items)]):
            values = acts.get(code)
            act = existing.get(code)
            if act is None:
                act = Act(code=code, **(values or {"title": code}))
                act.save()
                report.created["acts"] += 1
            elif values:
                for name, value in values.items():
                    setattr(act, name, value)
                act.save()
                report.updated["acts"] += 1
            written[code] = act
        current = {
            (r.act_id, r.chapter, r.item_no): r
            for r in Requirement.objects.filter(act__in=[a.pk for a in written.values()])
        }
        new, changed = [], []
        for code, values in items:
            act = written[code]
            requirement = current.get((act.pk, values["chapter"], values["item_no"]))
            if requirement is None:
                new.append(Requirement(act=act, **values))
            else:
                for name, value in values.items():
                    setattr(requirement, name, value)
                changed.append(requirement)
        Requirement.objects.bulk_create(new, batch_size=500)
        if changed:
            Requirement.objects.bulk_update(changed, list(ITEM_FIELDS), batch_size=500)
        report.created["items"], report.updated["items"] = len(new), len(changed)
        # Bulk writes send no signal: tell this and every other process's rule index.
        process_cache.changed(Requirement)
        audit.record(
            actor,
            "business.requirements_imported",
            None,
            summary="requirements import",
            ok=report.ok,
            dry_run=report.dry_run,
            acts_created=report.created["acts"],
            acts_updated=report.updated["acts"],
            items_created=report.created["items"],
            items_updated=report.updated["items"],
            acts=report.details["acts"],
        )

    return import_all_or_nothing(report, write)


@transaction.atomic
def refresh_candidates(*, actor=None) -> dict[str, int]:
    """Recompute the duplicate and contradiction candidates among all requirements (a batch job)."""
    items = [
        Item(key=r["id"], act=r["act__code"], text=r["text"])
        for r in Requirement.objects.filter(is_repealed=False).values("id", "act__code", "text")
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


# ---- the reviewed applicability table (data/requirements/applicability.csv) -------------------------------------


@transaction.atomic
def apply_applicability_table(table=None, *, actor=None) -> int:
    """Write each item's rule, the object or activity it governs and its recommendation flag from the reviewed
    table (``business.applicability``); items the table does not govern keep their own. Returns items changed."""
    from . import applicability

    table = applicability.load_table() if table is None else table
    fields = (
        "applicability_rule",
        "rule_explanation",
        "subject",
        "subject_kind",
        "is_recommendation",
        "is_repealed",
    )
    changed = []
    for requirement in Requirement.objects.select_related("act").select_for_update(of=("self",)):
        before = tuple(getattr(requirement, name) for name in fields)
        row = applicability.decide(
            requirement.act.code, requirement.chapter, requirement.item_no, requirement.text, table
        )
        if row is not None:
            requirement.applicability_rule, requirement.rule_explanation = row.rule, row.subject
            requirement.subject, requirement.subject_kind = row.subject, row.subject_kind
        requirement.is_recommendation = wording.is_recommendation(requirement.text, requirement.chapter)
        requirement.is_repealed = wording.is_repealed(requirement.text)
        if tuple(getattr(requirement, name) for name in fields) != before:
            changed.append(requirement)
    Requirement.objects.bulk_update(changed, list(fields), batch_size=500)
    # Bulk writes send no signal: tell this and every other process's rule index.
    process_cache.changed(Requirement)
    audit.record(actor, "business.applicability_applied", None, items=len(changed))
    return len(changed)
