"""Client segments (DEL-2): assigned by segment rules over facts and history, corrected by the client.

A client's correction wins for good: a segment they said is "not me" is never re-assigned by a rule, and one
they added is never lapsed by a rule. Every change is audited with who made it (the client or their
representative)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.services import audit
from clientcentric.engines.rules import Outcome
from clientcentric.registry.models import Segment

from ..models import ClientSegment, PopulationRun, SegmentRule
from ..segment_facts import check_segment_rule, segment_facts
from ..selectors import rules as rule_selectors
from . import population_runs
from .profiles import profile_of

CORRECTED = (ClientSegment.State.ADDED, ClientSegment.State.REJECTED)


@transaction.atomic
def save_segment_rule(rule: SegmentRule, *, actor=None) -> SegmentRule:
    created = rule.pk is None
    rule.full_clean()
    rule.save()
    audit.record(
        actor, "delivery.segment_rule_saved", rule, created=created, text=rule.text, segment=rule.segment.code
    )
    return rule


@transaction.atomic
def assign_segments(client, *, on=None, rules=None) -> dict:
    """Evaluate every active segment rule for `client` (or the `rules` given, already loaded); returns the
    segment codes entered and left."""
    on = on or timezone.localdate()
    profile = profile_of(client)
    facts = segment_facts(profile, on)
    parameters, _names = rule_selectors.cached_parameters()
    now = timezone.now()
    current = {row.segment_id: row for row in ClientSegment.objects.select_for_update().filter(client=client)}
    entered, left = [], []
    if rules is None:
        rules = SegmentRule.objects.filter(active=True).select_related("segment")
    for rule in rules:
        outcome = check_segment_rule(rule.text).evaluate(facts, on, parameters).outcome
        row = current.get(rule.segment_id)
        if row is not None and row.state in CORRECTED:
            continue
        if outcome == Outcome.ELIGIBLE:
            if row is None:
                ClientSegment.objects.create(
                    client=client,
                    segment=rule.segment,
                    state=ClientSegment.State.ASSIGNED,
                    reason=rule.explanation,
                    assigned_at=now,
                    updated_at=now,
                )
                entered.append(rule.segment.code)
            elif row.state == ClientSegment.State.LAPSED or row.reason != rule.explanation:
                if row.state == ClientSegment.State.LAPSED:
                    entered.append(rule.segment.code)
                row.state, row.reason, row.updated_at, row.changed_by = (
                    ClientSegment.State.ASSIGNED,
                    rule.explanation,
                    now,
                    None,
                )
                row.save(update_fields=["state", "reason", "updated_at", "changed_by"])
        elif row is not None and row.state == ClientSegment.State.ASSIGNED:
            # Unknown is not "no": a rule that can no longer be decided keeps the client where they were.
            if outcome == Outcome.NOT_ELIGIBLE:
                row.state, row.updated_at, row.changed_by = ClientSegment.State.LAPSED, now, None
                row.save(update_fields=["state", "updated_at", "changed_by"])
                left.append(rule.segment.code)
    if entered or left:
        audit.record(None, "delivery.segments_assigned", client, entered=entered, left=left)
    return {"entered": entered, "left": left}


@transaction.atomic
def correct_segment(client, segment: Segment, *, belongs: bool, actor) -> ClientSegment:
    """The client says they are (`belongs`) or are not in `segment`; later rule runs respect it."""
    if belongs and segment.is_potential:
        raise ValidationError({"segment": _("This segment is for people who do not use the portal yet.")})
    now = timezone.now()
    state = ClientSegment.State.ADDED if belongs else ClientSegment.State.REJECTED
    row = ClientSegment.objects.select_for_update().filter(client=client, segment=segment).first()
    before = row.state if row is not None else ""
    if row is None:
        row = ClientSegment(client=client, segment=segment, assigned_at=now)
    row.state, row.updated_at, row.changed_by = state, now, actor
    if belongs and not row.reason:
        row.reason = _("You said this is about you.")
    row.save()
    audit.record(
        actor,
        "delivery.segment_corrected",
        row,
        client=client.pk,
        segment=segment.code,
        before=before,
        after=state,
        on_behalf=actor is not None and actor.pk != client.pk,
    )
    return row


@transaction.atomic
def undo_correction(client, segment: Segment, *, actor) -> None:
    """Forget the client's correction: the rules decide again, at once."""
    row = ClientSegment.objects.select_for_update().filter(client=client, segment=segment).first()
    if row is None or row.state not in CORRECTED:
        return
    before = row.state
    row.state, row.updated_at, row.changed_by = ClientSegment.State.LAPSED, timezone.now(), actor
    row.save(update_fields=["state", "updated_at", "changed_by"])
    audit.record(
        actor,
        "delivery.segment_corrected",
        row,
        client=client.pk,
        segment=segment.code,
        before=before,
        after="undone",
        on_behalf=actor is not None and actor.pk != client.pk,
    )
    assign_segments(client)


@dataclass
class SegmentRunReport:
    clients: int = 0
    entered: int = 0
    left: int = 0
    resumed_after: int = 0


def run_segments(
    on: date | None = None,
    *,
    chunk_size: int = 500,
    progress: Callable[[int], None] | None = None,
    actor=None,
) -> SegmentRunReport:
    """Every living client with a profile through every active segment rule, chunk by chunk (DEL-2).

    Resumable like the eligibility run: the checkpoint (PopulationRun of kind "segments") advances after each
    chunk, and a run cut short continues after its last client done. Assigning is idempotent and respects the
    client's corrections, so a chunk done twice changes nothing."""
    on = on or timezone.localdate()
    ids = rule_selectors.client_ids()
    run = population_runs.open_run(on, PopulationRun.Kind.SEGMENTS)
    report = SegmentRunReport(resumed_after=run.last_client_id)
    rules = list(SegmentRule.objects.filter(active=True).select_related("segment"))
    done = sum(1 for i in ids if i <= run.last_client_id)
    if progress and done:
        progress(done)
    todo = [i for i in ids if i > run.last_client_id]
    users = get_user_model().objects
    for start in range(0, len(todo), chunk_size):
        chunk = todo[start : start + chunk_size]
        for client in users.filter(pk__in=chunk).order_by("pk"):
            changed = assign_segments(client, on=on, rules=rules)
            report.clients += 1
            report.entered += len(changed["entered"])
            report.left += len(changed["left"])
        population_runs.checkpoint(run, chunk[-1], clients=len(chunk))
        if progress:
            progress(len(chunk))
    population_runs.finish(run)
    audit.record(
        actor,
        "delivery.segment_run",
        None,
        on=on.isoformat(),
        clients=report.clients,
        entered=report.entered,
        left=report.left,
    )
    return report
