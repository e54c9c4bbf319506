"""Need-status proposals from evidence (NEED-3): when the evidence about a need crosses the configured thresholds,
the platform drafts a status change with a public reason; a methodologist accepts it (the registry's `save_need`,
with its rule, history and audit) or rejects it. The proposals are written by `services`.

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

from django.conf import settings
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientcentric.accounts.roles import Role
from clientcentric.appeals.models import Appeal
from clientcentric.engines import metrics
from clientcentric.registry.models import Need, NeedStatus

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


def satisfaction_interval(fig: Figures):
    return metrics.wilson(fig.satisfied, fig.rated) if fig.rated else None


def decide(need: Need, fig: Figures, limits: dict, *, has_services: bool) -> tuple[str, list[str]] | None:
    """The status the figures point to and the signals behind it, or None when they point nowhere new."""
    interval = satisfaction_interval(fig)
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


def _period(days) -> str:
    """«30 дней», «21 день», «2 дня»: the count and its noun agree in any language's plural forms."""
    return ngettext("%(n)d day", "%(n)d days", int(days)) % {"n": int(days)}


def evidence_lines(evidence: dict) -> list[str]:
    """The figures of a proposal in words, for the page and the audit note."""
    lines = []
    days = evidence.get("window_days")
    signals = set(evidence.get("signals", []))
    if "appeals" in signals or evidence.get("appeals"):
        lines.append(
            _("appeals about it in %(period)s: %(n)s") % {"period": _period(days), "n": evidence["appeals"]}
        )
    if "unmet" in signals or evidence.get("unmet"):
        lines.append(
            _("refusals after which the need stayed unmet in %(period)s: %(n)s")
            % {"period": _period(days), "n": evidence["unmet"]}
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
                "The services meet this need: in the last %(period)s %(share).0f %% of %(rated)s clients who "
                "rated them were satisfied, and no refusal left the need unmet."
            ) % {
                "period": _period(days),
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
                _("In the last %(period)s: %(facts)s.")
                % {"period": _period(days), "facts": "; ".join(facts)},
                _("We are finding out why and will report here what changes."),
            ]
        )


@dataclass
class ProposalRun:
    created: int = 0
    refreshed: int = 0
    withdrawn: int = 0
