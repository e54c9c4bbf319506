"""Prevention first (248-ФЗ art. 45–52): consultations, self-examination and declarations, warnings, objections."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.business.models import BusinessProfile, Requirement
from clientcentric.core import references
from clientcentric.core.services import audit
from clientcentric.core.services import status as status_service
from clientcentric.core.services.notifications import notify_email

from .. import deadlines, selectors
from ..models import (
    ComplianceAlgorithm,
    ComplianceDeclaration,
    Consultation,
    ControlType,
    Decision,
    Objection,
    PreventiveWarning,
    SelfExamination,
    SupervisionTask,
    TaskKind,
)
from ..selectors import consultations as consultation_selectors
from ..workflow import OBJECTION
from . import incentives
from .risk import assess_profile, close_task

# Art. 49(1): a warning cannot require the business to submit documents or information.
DEMANDS_DOCUMENTS = re.compile(
    r"(представ|предостав|направ)\w*\s+(\w+\s+){0,3}(документ|копи|сведени|информаци|объяснени)",
    re.IGNORECASE,
)


def notify_business(profile: BusinessProfile, subject: str, body: str, about=None) -> None:
    """Every active representative of the business gets the notice by e-mail through the outbox."""
    for rep in profile.business.representatives.select_related("person"):
        notify_email(rep.person.email, subject, body, about=about)


def _number(prefix: str, model) -> str:
    """A registry number («ПР-2026-483920»): the kind, the year and random digits, never the row's key."""
    return references.new(model, field="number", prefix=f"{prefix}-")


# --- consultations -------------------------------------------------------------------------------------


@transaction.atomic
def book_consultation(
    profile: BusinessProfile,
    control_type: ControlType,
    requirement: Requirement,
    *,
    question: str,
    slot: datetime,
    mode: str = "visit",
    event=None,
    actor=None,
) -> Consultation:
    if slot <= timezone.now():
        raise ValidationError({"slot": _("Choose a time in the future.")})
    if mode not in consultation_selectors.offered_channels(control_type):
        raise ValidationError(
            {"mode": _("The body does not consult this way; choose one of the channels offered.")}
        )
    # Locks the type of control: two businesses choosing the last free slot at once cannot both get it.
    ControlType.objects.select_for_update().filter(pk=control_type.pk).first()
    if slot not in consultation_selectors.free_slots(control_type):
        taken = Consultation.objects.filter(control_type=control_type, slot=slot).exists()
        raise ValidationError(
            {
                "slot": _("This time is already booked; choose another.")
                if taken
                else _("Choose one of the free times within the office hours.")
            }
        )
    if not question.strip():
        raise ValidationError({"question": _("Write your question.")})
    if not control_type.acts.filter(pk=requirement.act_id).exists():
        raise ValidationError(
            {"requirement": _("This requirement is not checked under this type of control.")}
        )
    video_link = (
        f"{control_type.consultation_video_url.rstrip('/')}/{uuid.uuid4().hex}" if mode == "video" else ""
    )
    consultation = Consultation.objects.create(
        video_link=video_link,
        profile=profile,
        control_type=control_type,
        requirement=requirement,
        question=question.strip(),
        slot=slot,
        mode=mode,
        event=event,
    )
    SupervisionTask.objects.create(
        control_type=control_type,
        profile=profile,
        kind=TaskKind.CONSULTATION,
        key=f"consultation:{consultation.pk}",
        title=_("Consultation for %(business)s on %(requirement)s")
        % {"business": profile.business.name, "requirement": requirement},
        detail=question,
    )
    audit.record(actor, "supervision.consultation_booked", consultation)
    return consultation


@transaction.atomic
def answer_consultation(consultation: Consultation, *, answer: str, actor) -> Consultation:
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    if consultation.answered_at is not None:
        raise ValidationError(_("This consultation is already answered."))
    consultation.answer, consultation.answered_by, consultation.answered_at = (
        answer.strip(),
        actor,
        timezone.now(),
    )
    consultation.save()
    close_task(
        consultation.control_type,
        consultation.profile,
        TaskKind.CONSULTATION,
        f"consultation:{consultation.pk}",
        actor,
    )
    notify_business(
        consultation.profile,
        _("The written answer to your consultation"),
        _("Your question on %(requirement)s is answered:\n\n%(answer)s")
        % {"requirement": consultation.requirement, "answer": consultation.answer},
        about=consultation,
    )
    audit.record(actor, "supervision.consultation_answered", consultation)
    return consultation


# --- self-examination and declarations -----------------------------------------------------------------

ANSWERS = ("yes", "no")


@transaction.atomic
def self_examine(
    profile: BusinessProfile, control_type: ControlType, answers: dict[int, str], *, actor=None
) -> tuple[SelfExamination, ComplianceDeclaration | None]:
    """Score the checklist over the business's own requirements; a high enough score gives a declaration."""
    own = {r.pk for r in selectors.my_requirements(profile, control_type)}
    if not own:
        raise ValidationError(_("No requirement of this type of control applies to you: nothing to examine."))
    missing = sorted(own - {int(k) for k, v in answers.items() if v in ANSWERS})
    if missing:
        raise ValidationError(
            {"answers": _("Answer every item; %(count)s are left.") % {"count": len(missing)}}
        )
    clean = {str(pk): answers[pk] if pk in answers else answers[str(pk)] for pk in own}
    score = round(100 * sum(1 for v in clean.values() if v == "yes") / len(clean))
    exam = SelfExamination.objects.create(
        profile=profile, control_type=control_type, answers=clean, score=score, created_by=actor
    )
    declaration = None
    if score >= control_type.declaration_min_score:
        today = timezone.localdate()
        declaration = ComplianceDeclaration.objects.create(
            number=_number("ДС", ComplianceDeclaration),
            profile=profile,
            control_type=control_type,
            self_examination=exam,
            valid_from=today,
            valid_to=deadlines.one_calendar_year(today, control_type.declaration_valid_years),
        )
        audit.record(actor, "supervision.declaration_registered", declaration)
        # Where the type provides it, the declaration grants its good-faith incentive (art. 48) by itself.
        incentives.on_declaration(declaration, actor=actor)
        # A declaration in force is also a fact of the risk model: re-assess.
        if control_type.risk_model_text:
            assess_profile(profile, control_type, actor=actor)
    audit.record(actor, "supervision.self_examined", exam, score=score)
    return exam, declaration


@transaction.atomic
def annul_declarations(
    profile: BusinessProfile, control_type: ControlType, *, reason: str, actor=None
) -> int:
    """A later finding of violations or false data annuls the declarations in force."""
    today = timezone.localdate()
    annulled = 0
    for declaration in ComplianceDeclaration.objects.select_for_update().filter(
        profile=profile, control_type=control_type, annulled_at__isnull=True, valid_to__gte=today
    ):
        declaration.annulled_at, declaration.annulled_reason = timezone.now(), reason
        declaration.save(update_fields=["annulled_at", "annulled_reason"])
        audit.record(actor, "supervision.declaration_annulled", declaration, reason=reason)
        incentives.on_declaration_annulled(declaration, actor=actor)
        annulled += 1
    return annulled


# --- warnings ------------------------------------------------------------------------------------------


@transaction.atomic
def issue_warning(
    profile: BusinessProfile,
    control_type: ControlType,
    requirement: Requirement,
    *,
    information: str,
    information_received_on,
    risky_actions: str,
    proposal: str,
    actor,
) -> PreventiveWarning:
    """Issue a warning with the content art. 49 requires; a text that demands documents is refused."""
    problems = {}
    for field, value in (
        ("information", information),
        ("risky_actions", risky_actions),
        ("proposal", proposal),
    ):
        if not (value or "").strip():
            problems[field] = _("This part of a warning is required by law.")
        elif DEMANDS_DOCUMENTS.search(value):
            problems[field] = _(
                "A warning cannot demand documents or information from the business (248-FZ art. 49)."
            )
    if not control_type.acts.filter(pk=requirement.act_id).exists():
        problems["requirement"] = _("This requirement is not checked under this type of control.")
    if information_received_on and information_received_on > timezone.localdate():
        problems["information_received_on"] = _("The date cannot be in the future.")
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    due = deadlines.add_working_days(
        timezone.localdate(now), control_type.warning_objection_working_days, field="information_received_on"
    )
    warning = PreventiveWarning.objects.create(
        number=_number("ПР", PreventiveWarning),
        profile=profile,
        control_type=control_type,
        requirement=requirement,
        information=information.strip(),
        information_received_on=information_received_on,
        risky_actions=risky_actions.strip(),
        proposal=proposal.strip(),
        issued_at=now,
        issued_by=actor,
        objection_due=due,
    )
    notify_business(
        profile,
        _("Warning %(number)s about a requirement") % {"number": warning.number},
        _(
            "The supervisory body warns you about %(requirement)s. You may file an objection until %(due)s "
            "in your account."
        )
        % {"requirement": requirement, "due": due.strftime("%d.%m.%Y")},
        about=warning,
    )
    audit.record(actor, "supervision.warning_issued", warning)
    return warning


@transaction.atomic
def file_objection(warning: PreventiveWarning, *, text: str, actor) -> Objection:
    if hasattr(warning, "objection"):
        raise ValidationError(_("An objection to this warning is already filed."))
    if not text.strip():
        raise ValidationError({"text": _("Write your objection.")})
    today = timezone.localdate()
    if today > warning.objection_due:
        raise ValidationError(
            {
                "text": _(
                    "The objection could be filed until %(due)s. You can still file a pre-trial appeal."
                )
                % {"due": warning.objection_due.strftime("%d.%m.%Y")}
            }
        )
    objection = Objection.objects.create(
        warning=warning, text=text.strip(), filed_at=timezone.now(), filed_by=actor
    )
    status_service.record_creation(objection, OBJECTION, actor=actor)
    SupervisionTask.objects.create(
        control_type=warning.control_type,
        profile=warning.profile,
        kind=TaskKind.OBJECTION,
        key=f"objection:{objection.pk}",
        title=_("Objection to warning %(number)s") % {"number": warning.number},
        detail=objection.text,
    )
    audit.record(actor, "supervision.objection_filed", objection)
    return objection


@transaction.atomic
def answer_objection(objection: Objection, *, accept: bool, answer: str, actor) -> Objection:
    target = Decision.ACCEPTED if accept else Decision.REJECTED
    if not OBJECTION.can(objection.status, target):
        raise ValidationError(_("This objection is already answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    objection.answer, objection.answered_at = answer.strip(), timezone.now()
    status_service.transition(
        objection, OBJECTION, target, actor=actor, update_fields=("answer", "answered_at")
    )
    warning = objection.warning
    close_task(warning.control_type, warning.profile, TaskKind.OBJECTION, f"objection:{objection.pk}", actor)
    notify_business(
        warning.profile,
        _("The answer to your objection to warning %(number)s") % {"number": warning.number},
        objection.answer,
        about=objection,
    )
    audit.record(actor, "supervision.objection_answered", objection, accepted=accept)
    return objection


@transaction.atomic
def save_algorithm(requirement: Requirement, steps: str, actor=None) -> ComplianceAlgorithm:
    if not steps.strip():
        raise ValidationError({"steps": _("Write at least one step.")})
    algorithm, _created = ComplianceAlgorithm.objects.update_or_create(
        requirement=requirement, defaults={"steps": steps.strip()}
    )
    audit.record(actor, "supervision.algorithm_saved", algorithm)
    return algorithm
