"""Good-faith incentives (меры стимулирования добросовестности, 248-ФЗ art. 48, KND-5).

The type of control's configuration (`ControlType.incentives`) says which incentives its положение provides.
The body grants and withdraws them with a reason; a declaration of compliance grants «a lower category while a
declaration is in force» by itself (where the type uses it) and its annulment withdraws it. An incentive that
lowers the category places the business one category below the one its criteria give (never below low); the
risk profile says so and names the category it would otherwise have.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.business.models import BusinessProfile
from clientcentric.core.services import audit

from ..models import (
    LOWERING_INCENTIVES,
    ComplianceDeclaration,
    ControlType,
    Incentive,
    IncentiveKind,
)
from ..selectors.incentives import CLEAN_RECORD_YEARS, has_clean_record


def choices_for(control_type: ControlType) -> list[tuple[str, str]]:
    """The incentives a type of control uses, as (code, title)."""
    labels = dict(IncentiveKind.choices)
    return [(code, str(labels[code])) for code in control_type.incentives if code in labels]


def validate_config(codes) -> list[str]:
    """The configured list, checked: a list of known codes without repeats."""
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ValidationError({"incentives": _("A list of incentive codes is expected.")})
    unknown = [c for c in codes if c not in IncentiveKind.values]
    if unknown:
        raise ValidationError(
            {
                "incentives": _("Unknown incentives: %(codes)s; known: %(known)s.")
                % {"codes": ", ".join(unknown), "known": ", ".join(IncentiveKind.values)}
            }
        )
    return list(dict.fromkeys(codes))


def lower(model, category_code: str) -> str:
    """One category below ``category_code`` in the model's order; low stays low."""
    rank = model.rank(category_code)
    return model.categories[min(rank + 1, len(model.categories) - 1)].code


def _reassess(profile, control_type, actor):
    if control_type.risk_model_text:
        from .risk import assess_profile

        assess_profile(profile, control_type, actor=actor)


@transaction.atomic
def grant(
    profile: BusinessProfile,
    control_type: ControlType,
    kind: str,
    *,
    reason: str,
    valid_to: date | None,
    valid_from: date | None = None,
    declaration: ComplianceDeclaration | None = None,
    actor=None,
) -> Incentive:
    """Grant an incentive the type of control provides; the reason and the period are required."""
    today = timezone.localdate()
    valid_from = valid_from or today
    if kind not in IncentiveKind.values:
        raise ValidationError({"kind": _("Unknown incentive.")})
    if kind not in control_type.incentives:
        raise ValidationError(
            {
                "kind": _("The type of control «%(type)s» does not provide this incentive.")
                % {"type": control_type.title}
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the incentive is granted.")})
    if valid_to is None:
        raise ValidationError({"valid_to": _("Say until when the incentive is valid.")})
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The incentive cannot end before it starts.")})
    if kind == IncentiveKind.LOWER_FOR_DECLARATION and declaration is None:
        declaration = (
            ComplianceDeclaration.objects.filter(
                profile=profile, control_type=control_type, annulled_at__isnull=True, valid_to__gte=today
            )
            .order_by("-valid_to")
            .first()
        )
        if declaration is None or not declaration.in_force(valid_from):
            raise ValidationError(
                {
                    "kind": _(
                        "The business has no declaration of compliance in force under this type of control."
                    )
                }
            )
    if declaration is not None and valid_to > declaration.valid_to:
        raise ValidationError(
            {
                "valid_to": _(
                    "The incentive rests on declaration %(number)s and cannot outlive it (%(date)s)."
                )
                % {"number": declaration.number, "date": declaration.valid_to.strftime("%d.%m.%Y")}
            }
        )
    if kind == IncentiveKind.LOWER_FOR_CLEAN_RECORD and not has_clean_record(
        profile, control_type, valid_from
    ):
        raise ValidationError(
            {
                "kind": _(
                    "The record is not clean: an act found violations in the last %(years)s years or a "
                    "compliance order is overdue."
                )
                % {"years": CLEAN_RECORD_YEARS}
            }
        )
    if Incentive.objects.filter(
        profile=profile, control_type=control_type, kind=kind, withdrawn_at__isnull=True, valid_to__gte=today
    ).exists():
        raise ValidationError({"kind": _("The business already has this incentive; withdraw it first.")})
    # An expired one still holds the «one live incentive» slot: close it as expired.
    Incentive.objects.filter(
        profile=profile, control_type=control_type, kind=kind, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), withdrawn_reason=_("expired"))
    incentive = Incentive.objects.create(
        profile=profile,
        control_type=control_type,
        kind=kind,
        reason=reason.strip(),
        declaration=declaration,
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by=actor,
    )
    audit.record(actor, "supervision.incentive_granted", incentive, kind=kind)
    if kind in LOWERING_INCENTIVES:
        _reassess(profile, control_type, actor)
    return incentive


@transaction.atomic
def withdraw(incentive: Incentive, *, reason: str, actor=None, reassess: bool = True) -> Incentive:
    incentive = Incentive.objects.select_for_update().get(pk=incentive.pk)
    if incentive.withdrawn_at is not None:
        raise ValidationError(_("This incentive is already withdrawn."))
    if not (reason or "").strip():
        raise ValidationError({"note": _("Say why the incentive is withdrawn.")})
    incentive.withdrawn_at, incentive.withdrawn_reason, incentive.withdrawn_by = (
        timezone.now(),
        reason.strip(),
        actor,
    )
    incentive.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_by"])
    audit.record(actor, "supervision.incentive_withdrawn", incentive, reason=reason)
    if reassess and incentive.kind in LOWERING_INCENTIVES:
        _reassess(incentive.profile, incentive.control_type, actor)
    return incentive


def on_declaration(declaration: ComplianceDeclaration, actor=None) -> Incentive | None:
    """A declaration registered: grant «a lower category while a declaration is in force» where the type uses it."""
    ct = declaration.control_type
    if IncentiveKind.LOWER_FOR_DECLARATION not in ct.incentives:
        return None
    for old in Incentive.objects.filter(
        profile=declaration.profile,
        control_type=ct,
        kind=IncentiveKind.LOWER_FOR_DECLARATION,
        withdrawn_at__isnull=True,
    ):
        withdraw(
            old,
            reason=_("replaced by declaration %(number)s") % {"number": declaration.number},
            actor=actor,
            reassess=False,
        )
    return grant(
        declaration.profile,
        ct,
        IncentiveKind.LOWER_FOR_DECLARATION,
        reason=_("Declaration of compliance %(number)s is in force until %(date)s.")
        % {"number": declaration.number, "date": declaration.valid_to.strftime("%d.%m.%Y")},
        valid_from=declaration.valid_from,
        valid_to=declaration.valid_to,
        declaration=declaration,
        actor=actor,
    )


def on_declaration_annulled(declaration: ComplianceDeclaration, actor=None) -> int:
    """The incentives that rest on an annulled declaration are withdrawn with its reason."""
    count = 0
    for incentive in Incentive.objects.filter(declaration=declaration, withdrawn_at__isnull=True):
        withdraw(
            incentive,
            reason=_("Declaration %(number)s annulled: %(reason)s")
            % {"number": declaration.number, "reason": declaration.annulled_reason},
            actor=actor,
            reassess=False,
        )
        count += 1
    return count
