"""Every write of the research app: hypotheses, studies, journey maps, needs statuses and recommendations."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.services import audit
from clientcentric.core.services.status import record_creation, transition
from clientcentric.core.tabular import ImportReport
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import FaqEntry, Need, NeedStatus

from . import importing, proposals, segmentation
from .models import (
    EvidenceDataset,
    EvidenceRecord,
    EvidenceUpload,
    JourneyMap,
    JourneyStage,
    NeedRecommendation,
    NeedStatusProposal,
    SegmentHypothesis,
    Study,
    Verdict,
)
from .workflow import NEED_STATUS_PROPOSAL

LANES = ("needs", "actions", "touchpoints", "positives", "problems", "opportunities")


@transaction.atomic
def save_hypothesis(hypothesis: SegmentHypothesis, *, actor=None) -> SegmentHypothesis:
    created = hypothesis.pk is None
    hypothesis.conditions = segmentation.validate(hypothesis.conditions)
    if created and actor is not None and getattr(actor, "is_authenticated", False):
        hypothesis.created_by = actor
    hypothesis.full_clean()
    hypothesis.save()
    audit.record(
        actor, "research.hypothesis_created" if created else "research.hypothesis_changed", hypothesis
    )
    return hypothesis


def study_problems(study: Study) -> dict[str, str]:
    """What keeps a study from being saved as it is, by field."""
    problems = {}
    if study.verdict != Verdict.PENDING and not study.findings.strip():
        problems["findings"] = _("A verdict needs the findings it rests on.")
    if study.verdict != Verdict.PENDING and study.participants_count == 0 and study.method != "analytics":
        problems["participants_count"] = _("A study with people in it needs its participants counted.")
    if study.is_published and not (study.public_summary.strip() and study.what_changes.strip()):
        problems["is_published"] = _(
            "Before publishing, say in plain words what was learned and what will change."
        )
    return problems


@transaction.atomic
def save_study(study: Study, *, needs=(), actor=None) -> Study:
    problems = study_problems(study)
    if problems:
        raise ValidationError(problems)
    created = study.pk is None
    study.full_clean()
    study.save()
    study.needs.set(list(needs))
    audit.record(actor, "research.study_created" if created else "research.study_changed", study)
    return study


@transaction.atomic
def save_journey_map(journey_map: JourneyMap, *, stages: list[dict] | None = None, actor=None) -> JourneyMap:
    """Save a map and, when given, replace its stages (each a dict of name, emotion, lanes and evidence_signal)."""
    if journey_map.version == JourneyMap.Version.TO_BE and journey_map.as_is_id is None:
        raise ValidationError({"as_is": _("A TO BE map names the AS IS map it improves.")})
    if journey_map.as_is_id is not None and journey_map.as_is.version != JourneyMap.Version.AS_IS:
        raise ValidationError({"as_is": _("The map it improves must be an AS IS map.")})
    created = journey_map.pk is None
    journey_map.full_clean()
    journey_map.save()
    if stages is not None:
        if not stages:
            raise ValidationError({"stages": _("A journey map needs at least one stage.")})
        journey_map.stages.all().delete()
        for position, data in enumerate(stages, start=1):
            stage = JourneyStage(journey_map=journey_map, position=position, **data)
            try:
                stage.full_clean(exclude=["journey_map"])
            except ValidationError as error:
                raise ValidationError(
                    {
                        "stages": _("Stage %(n)s: %(errors)s")
                        % {"n": position, "errors": "; ".join(error.messages)}
                    }
                ) from None
            stage.save()
    audit.record(
        actor, "research.journey_map_created" if created else "research.journey_map_changed", journey_map
    )
    return journey_map


@transaction.atomic
def start_to_be(as_is: JourneyMap, *, actor=None) -> JourneyMap:
    """A TO BE draft that starts as a copy of the AS IS map, to be improved stage by stage."""
    existing = JourneyMap.objects.filter(as_is=as_is).first()
    if existing is not None:
        return existing
    to_be = JourneyMap(
        title=as_is.title,
        segment=as_is.segment,
        life_situation=as_is.life_situation,
        version=JourneyMap.Version.TO_BE,
        as_is=as_is,
    )
    stages = [
        {
            "name": s.name,
            "emotion": s.emotion,
            "evidence_signal": s.evidence_signal,
            **{k: getattr(s, k) for k in LANES},
        }
        for s in as_is.stages.all()
    ]
    return save_journey_map(to_be, stages=stages, actor=actor)


@transaction.atomic
def change_need_status(
    need: Need, *, status: str, reason: str, faq: FaqEntry | None = None, evidence_note: str = "", actor=None
) -> Need:
    """A status change from evidence, with its public reason; the registry's status rule decides if it holds."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if status not in NeedStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not reason.strip():
        raise ValidationError({"status_reason": _("Every status change needs a public reason.")})
    need.status = status
    need.status_reason = reason.strip()
    if faq is not None:
        need.faq = faq
    registry_services.save_need(
        need,
        life_situations=need.life_situations.all(),
        segments=need.segments.all(),
        services=need.services.all(),
        actor=actor,
    )
    audit.record(actor, "research.need_status_from_evidence", need, status=status, evidence=evidence_note)
    return need


@transaction.atomic
def add_recommendation(
    need: Need, text: str, *, study=None, design_project=None, actor=None
) -> NeedRecommendation:
    if not text.strip():
        raise ValidationError({"text": _("Write the recommendation.")})
    recommendation = NeedRecommendation(
        need=need, text=text.strip(), study=study, design_project=design_project
    )
    recommendation.full_clean()
    recommendation.save()
    audit.record(actor, "research.recommendation_added", recommendation, need=need.code)
    return recommendation


@transaction.atomic
def link_recommendation(
    recommendation: NeedRecommendation, design_project, *, actor=None
) -> NeedRecommendation:
    recommendation.design_project = design_project
    recommendation.save(update_fields=["design_project"])
    audit.record(actor, "research.recommendation_linked", recommendation, project=design_project.pk)
    return recommendation


@transaction.atomic
def upload_evidence(data: bytes, filename: str, *, actor) -> EvidenceUpload:
    """Keep an uploaded evidence file for its column mapping; refused unless it reads as a table."""
    headers = importing.read_evidence(data, filename).headers
    saved = EvidenceUpload.objects.create(
        name=filename[:255], content=data, headers=headers, uploaded_by=actor
    )
    audit.record(actor, "research.evidence_uploaded", saved, columns=len(headers))
    return saved


@transaction.atomic
def import_evidence_upload(
    saved: EvidenceUpload, mapping: dict[str, str], *, title: str, kind: str, source: str = "", actor=None
) -> ImportReport:
    """All or nothing: nothing is written unless every row converts."""
    saved = EvidenceUpload.objects.select_for_update().get(pk=saved.pk)
    if saved.dataset_id is not None:
        raise ValidationError(_("This file has already been imported."))
    if not title.strip():
        raise ValidationError({"title": _("Give the data set a title.")})
    records, report = importing.checked_records(saved, mapping)
    if not report.ok:
        return report
    dataset = EvidenceDataset(
        title=title.strip(), kind=kind, source=source, mapping=mapping, imported_by=actor
    )
    dataset.full_clean()
    dataset.save()
    for record in records:
        record.dataset = dataset
    EvidenceRecord.objects.bulk_create(records, batch_size=2000)
    dataset.row_count = len(records)
    dataset.save(update_fields=["row_count"])
    saved.dataset = dataset
    saved.save(update_fields=["dataset"])
    audit.record(actor, "research.evidence_imported", dataset, rows=len(records), file=saved.name)
    report.created[importing.KIND] = len(records)
    report.details["dataset"] = dataset
    return report


@transaction.atomic
def import_evidence_records(
    title: str, kind: str, records: list[EvidenceRecord], *, source: str = "", actor=None
) -> EvidenceDataset:
    """A data set built by code (the demo, a scheduled extract) rather than from an uploaded file."""
    dataset = EvidenceDataset(
        title=title, kind=kind, source=source, row_count=len(records), imported_by=actor
    )
    dataset.full_clean()
    dataset.save()
    for record in records:
        record.dataset = dataset
    EvidenceRecord.objects.bulk_create(records, batch_size=2000)
    audit.record(actor, "research.evidence_imported", dataset, rows=len(records))
    return dataset


# Need-status proposals (NEED-3): the evidence and thresholds are in `proposals`.


@transaction.atomic
def propose_need_statuses(*, now=None) -> proposals.ProposalRun:
    """Need-status proposals (NEED-3). Recompute every need's evidence: new proposals, refreshed figures, withdrawn ones the evidence left."""
    now = now or timezone.now()
    limits = proposals.thresholds()
    since = now - timedelta(days=limits["window_days"])
    cooldown = now - timedelta(days=limits["reject_cooldown_days"])
    needs = list(
        Need.objects.filter(status__in=[NeedStatus.MET, NeedStatus.IN_PROGRESS])
        .annotate(service_count=Count("services"))
        .order_by("code")
    )
    figures = proposals.figures_for(needs, since)
    pending = {p.need_id: p for p in NeedStatusProposal.objects.select_for_update().filter(state="pending")}
    run = proposals.ProposalRun()
    for need in needs:
        fig = figures[need.pk]
        verdict = proposals.decide(need, fig, limits, has_services=need.service_count > 0)
        current = pending.pop(need.pk, None)
        if verdict is None:
            if current is not None:
                _withdraw(current, now)
                run.withdrawn += 1
            continue
        to_status, signals = verdict
        interval = proposals.satisfaction_interval(fig)
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
            current.reason = proposals.draft_reason(to_status, evidence)
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
        proposal = NeedStatusProposal.objects.create(
            need=need,
            from_status=need.status,
            to_status=to_status,
            reason=proposals.draft_reason(to_status, evidence),
            evidence=evidence,
        )
        record_creation(proposal, NEED_STATUS_PROPOSAL, field="state")
        run.created += 1
    for stale in pending.values():  # needs now «cannot be met» or gone from the rules
        _withdraw(stale, now)
        run.withdrawn += 1
    return run


def _withdraw(proposal: NeedStatusProposal, now) -> None:
    proposal.decided_at = now
    transition(
        proposal,
        NEED_STATUS_PROPOSAL,
        NeedStatusProposal.State.WITHDRAWN,
        field="state",
        update_fields=("decided_at", "refreshed_at"),
    )


def _check_decider(actor) -> None:
    if actor is None or not (
        getattr(actor, "role", None) in proposals.DECIDERS or getattr(actor, "is_superuser", False)
    ):
        raise ValidationError(_("Only a methodologist decides on a need's status."))


def _pending(proposal: NeedStatusProposal) -> NeedStatusProposal:
    proposal = NeedStatusProposal.objects.select_for_update().select_related("need").get(pk=proposal.pk)
    if proposal.state != NeedStatusProposal.State.PENDING:
        raise ValidationError(_("This proposal is already decided."))
    return proposal


def _decide(proposal: NeedStatusProposal, target: str, *, actor, note: str) -> None:
    transition(
        proposal,
        NEED_STATUS_PROPOSAL,
        target,
        actor=actor,
        note=note,
        field="state",
        update_fields=("reason", "decision_note", "decided_at", "decided_by", "refreshed_at"),
    )


@transaction.atomic
def accept_need_proposal(proposal: NeedStatusProposal, *, reason: str, actor) -> NeedStatusProposal:
    """Change the need's status through the registry with the (edited) public reason; the proposal records it."""
    _check_decider(actor)
    proposal = _pending(proposal)
    if proposal.need.status != proposal.from_status:
        raise ValidationError(
            _("The need's status has changed since this proposal was made; it will be recomputed.")
        )
    change_need_status(
        proposal.need,
        status=proposal.to_status,
        reason=reason,
        evidence_note="; ".join(proposals.evidence_lines(proposal.evidence)),
        actor=actor,
    )
    proposal.reason = reason.strip()
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    _decide(proposal, NeedStatusProposal.State.ACCEPTED, actor=actor, note=proposal.reason)
    audit.record(actor, "research.need_proposal_accepted", proposal, need=proposal.need.code)
    return proposal


@transaction.atomic
def reject_need_proposal(proposal: NeedStatusProposal, *, note: str, actor) -> NeedStatusProposal:
    _check_decider(actor)
    proposal = _pending(proposal)
    if not note.strip():
        raise ValidationError({"note": _("Say why the proposal is rejected.")})
    proposal.decision_note = note.strip()
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    _decide(proposal, NeedStatusProposal.State.REJECTED, actor=actor, note=proposal.decision_note)
    audit.record(actor, "research.need_proposal_rejected", proposal, need=proposal.need.code)
    return proposal
