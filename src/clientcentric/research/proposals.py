"""Need-status proposals from evidence (NEED-3): when the evidence about a need crosses the configured thresholds,
the platform drafts a status change with a public reason; a methodologist accepts it (the registry's `save_need`,
with its rule, history and audit) or rejects it.

Rules, over the last `window_days` (settings.CLIENTCENTRIC_NEED_PROPOSAL_THRESHOLDS):
- a need marked **met** → **being worked on** when any of: at least `appeals` appeals about it; at least `unmet`
  refusals that delivery recorded as unmet-need evidence; satisfaction clearly low — the upper end of the 95 %
  Wilson interval of the share satisfied (top-2 box, solicited ratings) is below `low_satisfaction`, on at least
  `min_ratings` ratings;
- a need **being worked on** that lists services → **met** when satisfaction is clearly high (the lower end of the
  interval at least `high_satisfaction`, at least `min_ratings` ratings), appeals stay under `appeals` and no refusal
  left it unmet.
A «cannot be met» status is never proposed: it needs an FAQ entry only a person can write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientcentric.accounts.roles import Role
from clientcentric.appeals.models import Appeal
from clientcentric.core.services import audit
from clientcentric.engines import metrics
from clientcentric.registry.models import Need, NeedStatus

from . import services
from .models import NeedStatusProposal
from .satisfaction import live_satisfaction_by_need

DEFAULTS = {
    "window_days": 90,
    "appeals": 20,
    "unmet": 5,
    "low_satisfaction": 0.6,
    "high_satisfaction": 0.8,
    "min_ratings": 30,
    "reject_cooldown_days": 30,
}
DECIDERS = (Role.METHODOLOGIST, Role.ADMIN)


def thresholds() -> dict:
    return {**DEFAULTS, **getattr(settings, "CLIENTCENTRIC_NEED_PROPOSAL_THRESHOLDS", {})}


@dataclass
class Figures:
    appeals: int = 0
    unmet: int = 0
    satisfied: int = 0
    rated: int = 0


def _unmet_counts(since) -> dict[int, int]:
    try:
        from clientcentric.delivery.models import UnmetNeedEvidence
    except ImportError:  # a deployment without the delivery app
        return {}
    rows = UnmetNeedEvidence.objects.filter(recorded_at__gte=since).values("need").annotate(n=Count("id"))
    return {row["need"]: row["n"] for row in rows}


def figures_for(needs: list[Need], since) -> dict[int, Figures]:
    appeals = dict(
        Appeal.objects.filter(need__in=needs, registered_at__gte=since)
        .values("need")
        .annotate(n=Count("id"))
        .values_list("need", "n")
    )
    unmet = _unmet_counts(since)
    ratings = live_satisfaction_by_need([need.code for need in needs], since=since)
    return {
        need.pk: Figures(
            appeals.get(need.pk, 0),
            unmet.get(need.pk, 0),
            ratings[need.code].satisfied,
            ratings[need.code].rated,
        )
        for need in needs
    }


def _interval(fig: Figures):
    return metrics.wilson(fig.satisfied, fig.rated) if fig.rated else None


def decide(need: Need, fig: Figures, limits: dict, *, has_services: bool) -> tuple[str, list[str]] | None:
    """The status the figures point to and the signals behind it, or None when they point nowhere new."""
    interval = _interval(fig)
    enough = fig.rated >= limits["min_ratings"]
    if need.status == NeedStatus.MET:
        signals = []
        if fig.appeals >= limits["appeals"]:
            signals.append("appeals")
        if fig.unmet >= limits["unmet"]:
            signals.append("unmet")
        if enough and interval.high < limits["low_satisfaction"]:
            signals.append("low_satisfaction")
        return (NeedStatus.IN_PROGRESS, signals) if signals else None
    if need.status == NeedStatus.IN_PROGRESS and has_services:
        if (
            enough
            and interval.low >= limits["high_satisfaction"]
            and fig.appeals < limits["appeals"]
            and fig.unmet == 0
        ):
            return NeedStatus.MET, ["high_satisfaction"]
    return None


def evidence_lines(evidence: dict) -> list[str]:
    """The figures of a proposal in words, for the page and the audit note."""
    lines = []
    days = evidence.get("window_days")
    signals = set(evidence.get("signals", []))
    if "appeals" in signals or evidence.get("appeals"):
        lines.append(_("appeals about it in %(days)s days: %(n)s") % {"days": days, "n": evidence["appeals"]})
    if "unmet" in signals or evidence.get("unmet"):
        lines.append(
            _("refusals after which the need stayed unmet in %(days)s days: %(n)s")
            % {"days": days, "n": evidence["unmet"]}
        )
    if evidence.get("rated"):
        lines.append(
            _("satisfied: %(share).0f %% of %(rated)s who rated (95 %% interval %(low).0f…%(high).0f %%)")
            % {
                "share": 100 * evidence["satisfied"] / evidence["rated"],
                "rated": evidence["rated"],
                "low": 100 * evidence["low"],
                "high": 100 * evidence["high"],
            }
        )
    return lines


def draft_reason(to_status: str, evidence: dict) -> str:
    """The public reason, drafted in the platform's language; the methodologist edits it before accepting."""
    with translation.override(settings.LANGUAGE_CODE):
        days = evidence["window_days"]
        if to_status == NeedStatus.MET:
            return _(
                "The services meet this need: in the last %(days)s days %(share).0f %% of %(rated)s clients who "
                "rated them were satisfied, and no refusal left the need unmet."
            ) % {
                "days": days,
                "share": 100 * evidence["satisfied"] / evidence["rated"],
                "rated": evidence["rated"],
            }
        facts = []
        signals = evidence["signals"]
        if "appeals" in signals:
            facts.append(_("%(n)s appeals about this need") % {"n": evidence["appeals"]})
        if "unmet" in signals:
            facts.append(_("%(n)s refusals after which the need stayed unmet") % {"n": evidence["unmet"]})
        if "low_satisfaction" in signals:
            facts.append(
                _("only %(share).0f %% of %(rated)s clients who rated the services were satisfied")
                % {"share": 100 * evidence["satisfied"] / evidence["rated"], "rated": evidence["rated"]}
            )
        return " ".join(
            [
                _("The current services do not yet meet this need for everyone."),
                _("In the last %(days)s days: %(facts)s.") % {"days": days, "facts": "; ".join(facts)},
                _("We are finding out why and will report here what changes."),
            ]
        )


@dataclass
class ProposalRun:
    created: int = 0
    refreshed: int = 0
    withdrawn: int = 0


@transaction.atomic
def propose_need_statuses(*, now=None) -> ProposalRun:
    """Recompute every need's evidence: new proposals, refreshed figures, withdrawn ones the evidence left."""
    now = now or timezone.now()
    limits = thresholds()
    since = now - timedelta(days=limits["window_days"])
    cooldown = now - timedelta(days=limits["reject_cooldown_days"])
    needs = list(
        Need.objects.filter(status__in=[NeedStatus.MET, NeedStatus.IN_PROGRESS])
        .annotate(service_count=Count("services"))
        .order_by("code")
    )
    figures = figures_for(needs, since)
    pending = {p.need_id: p for p in NeedStatusProposal.objects.select_for_update().filter(state="pending")}
    run = ProposalRun()
    for need in needs:
        fig = figures[need.pk]
        verdict = decide(need, fig, limits, has_services=need.service_count > 0)
        current = pending.pop(need.pk, None)
        if verdict is None:
            if current is not None:
                _withdraw(current, now)
                run.withdrawn += 1
            continue
        to_status, signals = verdict
        interval = _interval(fig)
        evidence = {
            "window_days": limits["window_days"],
            "since": since.date().isoformat(),
            "appeals": fig.appeals,
            "unmet": fig.unmet,
            "satisfied": fig.satisfied,
            "rated": fig.rated,
            "low": interval.low if interval else None,
            "high": interval.high if interval else None,
            "signals": signals,
            "thresholds": limits,
        }
        if current is not None and current.to_status == to_status and current.from_status == need.status:
            current.evidence = evidence
            current.reason = draft_reason(to_status, evidence)
            current.save(update_fields=["evidence", "reason", "refreshed_at"])
            run.refreshed += 1
            continue
        if current is not None:
            _withdraw(current, now)
            run.withdrawn += 1
        recently_rejected = NeedStatusProposal.objects.filter(
            need=need, to_status=to_status, state="rejected", decided_at__gte=cooldown
        ).exists()
        if recently_rejected:
            continue
        NeedStatusProposal.objects.create(
            need=need,
            from_status=need.status,
            to_status=to_status,
            reason=draft_reason(to_status, evidence),
            evidence=evidence,
        )
        run.created += 1
    for stale in pending.values():  # needs now «cannot be met» or gone from the rules
        _withdraw(stale, now)
        run.withdrawn += 1
    return run


def _withdraw(proposal: NeedStatusProposal, now) -> None:
    proposal.state = NeedStatusProposal.State.WITHDRAWN
    proposal.decided_at = now
    proposal.save(update_fields=["state", "decided_at", "refreshed_at"])


def _check_decider(actor) -> None:
    if actor is None or not (
        getattr(actor, "role", None) in DECIDERS or getattr(actor, "is_superuser", False)
    ):
        raise ValidationError(_("Only a methodologist decides on a need's status."))


def _pending(proposal: NeedStatusProposal) -> NeedStatusProposal:
    proposal = NeedStatusProposal.objects.select_for_update().select_related("need").get(pk=proposal.pk)
    if proposal.state != NeedStatusProposal.State.PENDING:
        raise ValidationError(_("This proposal is already decided."))
    return proposal


@transaction.atomic
def accept(proposal: NeedStatusProposal, *, reason: str, actor) -> NeedStatusProposal:
    """Change the need's status through the registry with the (edited) public reason; the proposal records it."""
    _check_decider(actor)
    proposal = _pending(proposal)
    if proposal.need.status != proposal.from_status:
        raise ValidationError(
            _("The need's status has changed since this proposal was made; it will be recomputed.")
        )
    services.change_need_status(
        proposal.need,
        status=proposal.to_status,
        reason=reason,
        evidence_note="; ".join(evidence_lines(proposal.evidence)),
        actor=actor,
    )
    proposal.reason = reason.strip()
    proposal.state = NeedStatusProposal.State.ACCEPTED
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    proposal.save()
    audit.record(actor, "research.need_proposal_accepted", proposal, need=proposal.need.code)
    return proposal


@transaction.atomic
def reject(proposal: NeedStatusProposal, *, note: str, actor) -> NeedStatusProposal:
    _check_decider(actor)
    proposal = _pending(proposal)
    if not note.strip():
        raise ValidationError({"note": _("Say why the proposal is rejected.")})
    proposal.state = NeedStatusProposal.State.REJECTED
    proposal.decision_note = note.strip()
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    proposal.save()
    audit.record(actor, "research.need_proposal_rejected", proposal, need=proposal.need.code)
    return proposal
