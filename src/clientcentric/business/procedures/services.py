"""Every write of the assessment procedures: the developer's answers, experts and their conclusions, ex-post
evaluations. Each in one transaction with its audit event."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.accounts.roles import STAFF_ROLES
from clientcentric.core.services import audit

from ..models import Act, Draft, DraftComment
from ..models_procedures import (
    CommentAnswer,
    CorruptionFactor,
    Expert,
    ExpertConclusion,
    ExPostEvaluation,
    Position,
)
from ..workflow import EXPERT


def _answer_values(position: str, text: str) -> str:
    errors = {}
    if position not in Position.values:
        errors["position"] = _("Choose the developer's position: taken into account, partly or not.")
    if not (text or "").strip():
        errors["text"] = _("Give the reason: the summary report shows it next to the proposal.")
    if errors:
        raise ValidationError(errors)
    return text.strip()


@transaction.atomic
def answer_comment(comment: DraftComment, *, position: str, text: str, actor=None) -> CommentAnswer:
    """The developer's position on one comment of the public consultation (changed until the report is read)."""
    text = _answer_values(position, text)
    answer = CommentAnswer.objects.select_for_update().filter(comment=comment).first() or CommentAnswer(
        comment=comment
    )
    answer.position, answer.text = position, text
    answer.stamp_answer(actor)
    answer.full_clean()
    answer.save()
    audit.record(actor, "business.comment_answered", comment, draft=comment.draft_id, position=position)
    return answer


# ---- independent anti-corruption experts -----------------------------------------------------------------


@transaction.atomic
def register_expert(
    user, *, full_name: str, accreditation_number: str, accredited_on, valid_until, today: date | None = None
) -> Expert:
    """A person registers as an accredited expert; staff then verify the accreditation (Ministry of Justice)."""
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False) or user.role in STAFF_ROLES:
        raise ValidationError(_("Agency staff cannot register as independent experts."))
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = _("Give your full name or the organisation's name.")
    if not (accreditation_number or "").strip():
        errors["accreditation_number"] = _(
            "Give the number of the Ministry of Justice's accreditation order."
        )
    if accredited_on and accredited_on > today:
        errors["accredited_on"] = _("The accreditation date cannot be in the future.")
    if accredited_on and valid_until and valid_until <= accredited_on:
        errors["valid_until"] = _("The accreditation ends after it begins.")
    elif valid_until and valid_until < today:
        errors["valid_until"] = _(
            "The accreditation has expired: an expired accreditation cannot be registered."
        )
    if errors:
        raise ValidationError(errors)
    expert = Expert.objects.select_for_update().filter(user=user).first() or Expert(user=user)
    if expert.pk and expert.status == Expert.Status.VERIFIED:
        raise ValidationError(_("Your accreditation is already verified."))
    expert.full_name, expert.accreditation_number = full_name.strip(), accreditation_number.strip()
    expert.accredited_on, expert.valid_until = accredited_on, valid_until
    # A corrected registration is checked again.
    if expert.pk:
        EXPERT.check(expert.status, Expert.Status.PENDING, expert)
    expert.status, expert.decided_by, expert.decided_at, expert.decision_reason = (
        Expert.Status.PENDING,
        None,
        None,
        "",
    )
    expert.full_clean(exclude=["user"])
    expert.save()
    audit.record(user, "business.expert_registered", expert, number=expert.accreditation_number)
    return expert


@transaction.atomic
def decide_expert(expert: Expert, *, verified: bool, reason: str = "", actor=None) -> Expert:
    """Staff checked the accreditation in the Ministry of Justice's register: verified or not (with a reason)."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if expert.status != Expert.Status.PENDING:
        raise ValidationError(_("This registration has already been decided."))
    if not verified and not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the accreditation is not confirmed.")})
    target = Expert.Status.VERIFIED if verified else Expert.Status.REJECTED
    EXPERT.check(expert.status, target, expert)
    expert.status = target
    expert.decision_reason = (reason or "").strip()
    expert.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    expert.decided_at = timezone.now()
    expert.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit.record(actor, f"business.expert_{expert.status}", expert)
    return expert


def can_conclude(expert: Expert | None, on: date) -> bool:
    return (
        expert is not None
        and expert.status == Expert.Status.VERIFIED
        and expert.accredited_on <= on <= expert.valid_until
    )


@transaction.atomic
def file_conclusion(
    draft: Draft,
    expert: Expert,
    *,
    factors: list[str],
    text: str,
    proposals: str = "",
    today: date | None = None,
) -> ExpertConclusion:
    """A verified expert files (or, while the window is open, corrects) a conclusion on a draft."""
    today = today or timezone.localdate()
    if not can_conclude(expert, today):
        raise ValidationError(
            _("Only an expert whose accreditation is verified and valid files conclusions.")
        )
    if not draft.opens_on <= today <= draft.closes_on:
        raise ValidationError(
            _("Conclusions are accepted from %(a)s to %(b)s.")
            % {"a": draft.opens_on.strftime("%d.%m.%Y"), "b": draft.closes_on.strftime("%d.%m.%Y")}
        )
    errors = {}
    unknown = [f for f in factors if f not in CorruptionFactor.values]
    if unknown:
        errors["factors"] = _("Unknown corruption factor: %(codes)s.") % {"codes": ", ".join(unknown)}
    if not (text or "").strip():
        errors["text"] = _("Write the conclusion.")
    if factors and not (proposals or "").strip():
        errors["proposals"] = _("Where factors are found, say how to remove them.")
    if errors:
        raise ValidationError(errors)
    conclusion = ExpertConclusion.objects.select_for_update().filter(
        draft=draft, expert=expert
    ).first() or ExpertConclusion(draft=draft, expert=expert)
    if conclusion.answered_at:
        raise ValidationError(_("The developer has already answered this conclusion; it cannot change now."))
    conclusion.factors = list(dict.fromkeys(factors))
    conclusion.text, conclusion.proposals = text.strip(), (proposals or "").strip()
    conclusion.filed_at = timezone.now()
    conclusion.full_clean()
    conclusion.save()
    audit.record(expert.user, "business.conclusion_filed", conclusion, draft=draft.pk, factors=len(factors))
    return conclusion


@transaction.atomic
def answer_conclusion(
    conclusion: ExpertConclusion, *, position: str, text: str, actor=None
) -> ExpertConclusion:
    text = _answer_values(position, text)
    conclusion = ExpertConclusion.objects.select_for_update().get(pk=conclusion.pk)
    conclusion.answer_position, conclusion.answer_text = position, text
    conclusion.stamp_answer(actor)
    conclusion.save(update_fields=["answer_position", "answer_text", "answered_by", "answered_at"])
    audit.record(
        actor, "business.conclusion_answered", conclusion, draft=conclusion.draft_id, position=position
    )
    return conclusion


# ---- ex-post evaluation --------------------------------------------------------------------------------


@transaction.atomic
def start_evaluation(
    act: Act, *, goals: str, period_from: date, period_to: date, actor=None, today: date | None = None
) -> ExPostEvaluation:
    today = today or timezone.localdate()
    errors = {}
    if not act.effective_from or act.effective_from > today:
        errors["__all__"] = _("Only an act in force is evaluated ex post.")
    if not (goals or "").strip():
        errors["goals"] = _("State the goals of the regulation: the evaluation measures against them.")
    if period_from and period_to and period_to < period_from:
        errors["period_to"] = _("The period ends after it begins.")
    elif period_to and period_to > today:
        errors["period_to"] = _("The evaluated period cannot end in the future.")
    if period_from and act.effective_from and period_from < act.effective_from:
        errors["period_from"] = _("The period starts no earlier than the act took effect (%(d)s).") % {
            "d": act.effective_from.strftime("%d.%m.%Y")
        }
    if ExPostEvaluation.objects.filter(act=act, concluded_at__isnull=True).exists():
        errors["__all__"] = _("This act already has an evaluation in progress.")
    if errors:
        raise ValidationError(errors)
    evaluation = ExPostEvaluation(
        act=act,
        goals=goals.strip(),
        period_from=period_from,
        period_to=period_to,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        started_at=timezone.now(),
    )
    evaluation.full_clean()
    evaluation.save()
    audit.record(actor, "business.evaluation_started", evaluation, act=act.pk)
    return evaluation


@transaction.atomic
def conclude_evaluation(
    evaluation: ExPostEvaluation, *, conclusion: str, findings: str, evidence: dict, actor=None
) -> ExPostEvaluation:
    """Close the evaluation; the evidence it rests on is kept as it was on this day."""
    evaluation = ExPostEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.concluded_at:
        raise ValidationError(_("This evaluation is already concluded."))
    errors = {}
    if conclusion not in ExPostEvaluation.Conclusion.values:
        errors["conclusion"] = _("Choose the conclusion: keep, amend or repeal.")
    if not (findings or "").strip():
        errors["findings"] = _("Write the findings the conclusion rests on.")
    if errors:
        raise ValidationError(errors)
    evaluation.conclusion, evaluation.findings, evaluation.evidence = conclusion, findings.strip(), evidence
    evaluation.concluded_by = actor if getattr(actor, "is_authenticated", False) else None
    evaluation.concluded_at = timezone.now()
    evaluation.save()
    audit.record(actor, "business.evaluation_concluded", evaluation, conclusion=conclusion)
    return evaluation
