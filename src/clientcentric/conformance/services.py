"""Every write of the self-assessment: requirements loaded from data, assessments (by indicator or attestation),
evidence, the second person's review, frozen quarterly snapshots, deviation requests and the cost of needs.

Each function runs in one transaction, appends to the assessment's history (or the deviation's status history)
and leaves an audit event.
"""

import csv
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.accounts.roles import Role
from clientcentric.core.services import audit
from clientcentric.core.services.status import record_creation, transition

from . import report
from .indicators import INDICATORS, Quarter, compute
from .models import (
    Assessment,
    AssessmentEntry,
    DeviationRequest,
    DeviationStatus,
    Evidence,
    Method,
    NeedCost,
    Requirement,
    Result,
    Review,
    RuleProposal,
    Snapshot,
)
from .workflow import DEVIATION

DECIDERS = frozenset({Role.METHODOLOGIST, Role.ADMIN})
REQUIREMENTS_FILE = Path("standard") / "requirements.csv"


def requirements_path() -> Path:
    return Path(settings.DATA_DIR) / REQUIREMENTS_FILE


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@transaction.atomic
def load_requirements(path: Path | None = None, *, actor=None) -> int:
    """Create or update the standard's requirements from the CSV; returns how many rows were read."""
    with open(path or requirements_path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for order, row in enumerate(rows, 1):
        Requirement.objects.update_or_create(
            code=row["code"],
            defaults=dict(
                standard=row["standard"],
                chapter=row["chapter"],
                chapter_title=row["chapter_title"],
                text=row["text"],
                source_text=row["source_text"],
                indicator=row["indicator"],
                conforms_at=_float(row["conforms_at"]),
                partly_at=_float(row["partly_at"]),
                sort_order=order,
            ),
        )
    audit.record(actor, "conformance.requirements_loaded", None, summary=f"{len(rows)} requirements")
    return len(rows)


def last_complete_quarter(today: date | None = None) -> Quarter:
    return Quarter.containing(today or timezone.localdate()).previous


def _state(assessment: Assessment) -> dict:
    return {
        "method": assessment.method,
        "indicator": assessment.indicator,
        "conforms_at": assessment.conforms_at,
        "partly_at": assessment.partly_at,
        "measured_value": assessment.measured_value,
        "measured_quarter": assessment.measured_quarter,
        "statement": assessment.statement,
        "gap": assessment.gap,
        "owner_role": assessment.owner_role,
        "due_date": assessment.due_date.isoformat() if assessment.due_date else None,
        "review": assessment.review,
    }


def _append(assessment: Assessment, action: str, actor) -> None:
    AssessmentEntry.objects.create(
        assessment=assessment,
        action=action,
        result=assessment.result,
        data=_state(assessment),
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.record(actor, f"conformance.{action}", assessment, result=assessment.result)


def _locked(agency, requirement) -> Assessment:
    assessment, _created = Assessment.objects.select_for_update().get_or_create(
        agency=agency, requirement=requirement
    )
    return assessment


def _check_plan(result: str, gap: str, owner_role: str, due_date) -> None:
    """A partial or failed conformance carries its gap in words, an owner (a position) and a date to close it."""
    if result in (Result.PARTLY, Result.DOES_NOT):
        errors = {}
        if not gap.strip():
            errors["gap"] = _("Describe the gap: what is missing to conform.")
        if not owner_role.strip():
            errors["owner_role"] = _("Name the position responsible for closing the gap.")
        if due_date is None:
            errors["due_date"] = _("Set the date by which the gap is to be closed.")
        if errors:
            raise ValidationError(errors)


def result_from(value: float | None, conforms_at: float, partly_at: float, higher_is_better: bool) -> str:
    """Compare a measured value with the agency's thresholds; no value (no data, suppressed) → not assessed."""
    if value is None:
        return Result.NOT_ASSESSED
    if higher_is_better:
        return (
            Result.CONFORMS
            if value >= conforms_at
            else Result.PARTLY
            if value >= partly_at
            else Result.DOES_NOT
        )
    return (
        Result.CONFORMS if value <= conforms_at else Result.PARTLY if value <= partly_at else Result.DOES_NOT
    )


def _measure(assessment: Assessment, quarter: Quarter) -> None:
    definition = INDICATORS[assessment.indicator]
    value = compute(assessment.indicator, agency=assessment.agency, quarter=quarter)
    assessment.measured_value = None if value.suppressed else value.value
    assessment.measured_quarter = str(quarter)
    assessment.result = result_from(
        assessment.measured_value, assessment.conforms_at, assessment.partly_at, definition.higher_is_better
    )


@transaction.atomic
def measure_by_indicator(
    agency,
    requirement: Requirement,
    *,
    indicator: str,
    conforms_at: float | None,
    partly_at: float | None,
    gap: str = "",
    owner_role: str = "",
    due_date=None,
    quarter: Quarter | None = None,
    actor=None,
) -> Assessment:
    """Measure the requirement by an indicator with the agency's thresholds, and evaluate it for ``quarter``."""
    definition = INDICATORS.get(indicator)
    if definition is None:
        raise ValidationError({"indicator": _("Choose an indicator the platform computes.")})
    if conforms_at is None or partly_at is None:
        raise ValidationError({"conforms_at": _("Set both thresholds: conforms and partly.")})
    ordered = conforms_at >= partly_at if definition.higher_is_better else conforms_at <= partly_at
    if not ordered:
        raise ValidationError(
            {"partly_at": _("The threshold for «partly» must be less strict than the one for «conforms».")}
        )
    assessment = _locked(agency, requirement)
    assessment.method = Method.INDICATOR
    assessment.indicator = indicator
    assessment.conforms_at, assessment.partly_at = conforms_at, partly_at
    assessment.statement = ""
    assessment.gap, assessment.owner_role, assessment.due_date = gap, owner_role, due_date
    assessment.review = Review.NONE
    assessment.reviewed_by = assessment.reviewed_at = None
    # No plan is demanded here: the measured result changes with each quarter; the page flags a gap without one.
    _measure(assessment, quarter or last_complete_quarter())
    assessment.assessed_by = actor if actor is not None and actor.is_authenticated else None
    assessment.assessed_at = timezone.now()
    assessment.save()
    _append(assessment, "measured", actor)
    return assessment


@transaction.atomic
def remeasure(agency, quarter: Quarter, *, actor=None) -> int:
    """Re-evaluate every indicator-measured assessment of the agency for ``quarter``."""
    count = 0
    for assessment in Assessment.objects.select_for_update().filter(agency=agency, method=Method.INDICATOR):
        if assessment.indicator not in INDICATORS:
            continue  # an indicator no longer computed keeps its last measurement
        _measure(assessment, quarter)
        assessment.save()
        _append(assessment, "measured", actor)
        count += 1
    return count


@transaction.atomic
def attest(
    agency,
    requirement: Requirement,
    *,
    result: str,
    statement: str,
    gap: str = "",
    owner_role: str = "",
    due_date=None,
    evidence: list[dict] = (),
    actor,
) -> Assessment:
    """A methodologist's attestation; it waits for a second person's review before it counts as reviewed."""
    if result not in Result.values or result == Result.NOT_ASSESSED:
        raise ValidationError({"result": _("Choose the result of the assessment.")})
    if not statement.strip():
        raise ValidationError(
            {"statement": _("Describe how the agency conforms (or why it does not apply).")}
        )
    _check_plan(result, gap, owner_role, due_date)
    assessment = _locked(agency, requirement)
    for item in evidence:
        add_evidence(assessment, actor=actor, **item)
    if result in (Result.CONFORMS, Result.PARTLY) and not assessment.evidence.exists():
        raise ValidationError({"evidence": _("Add at least one piece of evidence: a link to what shows it.")})
    assessment.method = Method.ATTESTATION
    assessment.indicator = ""
    assessment.conforms_at = assessment.partly_at = assessment.measured_value = None
    assessment.measured_quarter = ""
    assessment.result, assessment.statement = result, statement
    assessment.gap, assessment.owner_role, assessment.due_date = gap, owner_role, due_date
    assessment.review = Review.AWAITING
    assessment.assessed_by, assessment.assessed_at = actor, timezone.now()
    assessment.reviewed_by = assessment.reviewed_at = None
    assessment.save()
    _append(assessment, "attested", actor)
    return assessment


def add_evidence(assessment: Assessment, *, kind: str, title: str, url: str, actor) -> Evidence:
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of evidence.")})
    if not title.strip():
        raise ValidationError({"title": _("Name the evidence.")})
    url = url.strip()
    if not (url.startswith("/") or url.startswith("https://") or url.startswith("http://")):
        raise ValidationError(
            {"url": _("Give a link: an address on this site (/…) or a full https:// address.")}
        )
    with transaction.atomic():
        item = Evidence.objects.create(
            assessment=assessment, kind=kind, title=title.strip(), url=url, added_by=actor
        )
        audit.record(actor, "conformance.evidence_added", assessment, title=item.title)
    return item


@transaction.atomic
def review(assessment: Assessment, *, approve: bool, note: str = "", actor) -> Assessment:
    """A second person reviews an attestation: accepts it (dated) or returns it for rework."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.review != Review.AWAITING:
        raise ValidationError(_("This assessment is not awaiting review."))
    if assessment.assessed_by_id == actor.pk:
        raise ValidationError(_("An attestation is reviewed by a second person, not by its author."))
    # A methodologist of the agency, or the region's administrator (who answers for every agency).
    if actor.role not in DECIDERS or (actor.role != Role.ADMIN and actor.agency_id != assessment.agency_id):
        raise ValidationError(
            _("An attestation is reviewed by the agency's methodologist or the administrator.")
        )
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say what to rework.")})
    assessment.review = Review.REVIEWED if approve else Review.RETURNED
    assessment.reviewed_by, assessment.reviewed_at = actor, timezone.now()
    assessment.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    _append(assessment, "reviewed" if approve else "returned", actor)
    return assessment


@transaction.atomic
def freeze_snapshot(agency, quarter: Quarter, *, actor) -> Snapshot:
    """Freeze and sign the agency's self-assessment for an ended quarter; it never changes afterwards."""
    if quarter.next.first_day > timezone.localdate():
        raise ValidationError(
            _("Quarter %(quarter)s has not ended yet.") % {"quarter": report.quarter_label(quarter)}
        )
    if Snapshot.objects.select_for_update().filter(agency=agency, quarter=str(quarter)).exists():
        raise ValidationError(
            _("The self-assessment for %(quarter)s is already frozen.")
            % {"quarter": report.quarter_label(quarter)}
        )
    remeasure(agency, quarter, actor=actor)
    payload = report.build(agency, quarter)
    snapshot = Snapshot.objects.create(
        agency=agency,
        quarter=str(quarter),
        payload=payload,
        integrity_hash=report.integrity_hash(payload),
        signed_by=actor,
        signed_at=timezone.now(),
    )
    audit.record(actor, "conformance.snapshot_frozen", snapshot, integrity_hash=snapshot.integrity_hash)
    return snapshot


# Deviation requests -------------------------------------------------------------------------------------------


@transaction.atomic
def propose_deviation(
    *,
    agency,
    case: str,
    client_need: str,
    rule: str,
    justification: str,
    appeal=None,
    service_request=None,
    need=None,
    actor,
) -> DeviationRequest:
    errors = {}
    for name, text, message in (
        ("case", case, _("Describe the case.")),
        ("client_need", client_need, _("Describe the client's need.")),
        ("rule", rule, _("Name the rule of the regulation you propose to depart from.")),
        ("justification", justification, _("Justify the departure.")),
    ):
        if not text.strip():
            errors[name] = message
    if appeal is not None and appeal.executor_id != agency.pk:
        errors["appeal"] = _("The appeal is not one of your agency's.")
    if errors:
        raise ValidationError(errors)
    deviation = DeviationRequest.objects.create(
        agency=agency,
        case=case.strip(),
        client_need=client_need.strip(),
        rule=rule.strip(),
        justification=justification.strip(),
        appeal=appeal,
        service_request=service_request,
        need=need,
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    record_creation(deviation, DEVIATION, actor=actor)
    audit.record(actor, "conformance.deviation_proposed", deviation)
    return deviation


def _lock_deviation(deviation: DeviationRequest) -> DeviationRequest:
    return DeviationRequest.objects.select_for_update().get(pk=deviation.pk)


@transaction.atomic
def decide_deviation(deviation: DeviationRequest, *, approve: bool, note: str, actor) -> DeviationRequest:
    """Approval or refusal by the agency's methodologist or administrator — never by the proposer."""
    deviation = _lock_deviation(deviation)
    if actor.role not in DECIDERS or actor.agency_id != deviation.agency_id:
        raise ValidationError(_("Only the agency's methodologist or administrator decides on a deviation."))
    if actor.pk == deviation.proposed_by_id:
        raise ValidationError(_("A deviation is decided by someone other than the official who proposed it."))
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for the decision.")})
    deviation.decided_by, deviation.decided_role = actor, actor.role
    deviation.decided_at, deviation.decision_note = timezone.now(), note.strip()
    target = DeviationStatus.APPROVED if approve else DeviationStatus.REFUSED
    return transition(
        deviation,
        DEVIATION,
        target,
        actor=actor,
        note=note,
        update_fields=("decided_by", "decided_role", "decided_at", "decision_note"),
        audit_action="conformance.deviation_decided",
    )


@transaction.atomic
def complete_deviation(
    deviation: DeviationRequest, *, outcome: str, should_become_rule: bool, actor
) -> DeviationRequest:
    """Record what came of the departure; "should become the rule" puts it in the methodologist's queue."""
    deviation = _lock_deviation(deviation)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Describe the outcome for the client.")})
    deviation.outcome = outcome.strip()
    deviation.should_become_rule = should_become_rule
    deviation.rule_proposal = RuleProposal.OPEN if should_become_rule else RuleProposal.NONE
    return transition(
        deviation,
        DEVIATION,
        DeviationStatus.COMPLETED,
        actor=actor,
        update_fields=("outcome", "should_become_rule", "rule_proposal"),
        audit_action="conformance.deviation_completed",
    )


@transaction.atomic
def settle_rule_proposal(deviation: DeviationRequest, *, accept: bool, note: str, actor) -> DeviationRequest:
    deviation = _lock_deviation(deviation)
    if deviation.rule_proposal != RuleProposal.OPEN:
        raise ValidationError(_("This deviation carries no open proposal to change the rule."))
    if actor.role not in DECIDERS:
        raise ValidationError(_("Only a methodologist settles a proposal to change the rule."))
    deviation.rule_proposal = RuleProposal.ACCEPTED if accept else RuleProposal.DECLINED
    deviation.save(update_fields=["rule_proposal"])
    audit.record(actor, "conformance.rule_proposal_settled", deviation, accepted=accept, note=note)
    return deviation


# Needs ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def set_need_cost(agency, need, *, cost, note: str = "", actor) -> NeedCost:
    if cost is None or cost < 0:
        raise ValidationError({"cost": _("Give the cost estimate in roubles, zero or more.")})
    item, _created = NeedCost.objects.update_or_create(
        agency=agency, need=need, defaults={"cost": cost, "note": note, "updated_by": actor}
    )
    audit.record(actor, "conformance.need_cost_set", item, cost=str(cost))
    return item
