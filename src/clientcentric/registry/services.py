"""Every write to the registry: validation, the search document, history and the audit log."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clientcentric.core import events
from clientcentric.core.services import audit
from clientcentric.engines.text.lemmas import lemmas, search_document

from .models import (
    Expectation,
    FaqEntry,
    LifeSituation,
    Need,
    NeedStatus,
    SearchSynonym,
    Segment,
    Service,
    Touchpoint,
)
from .touchpoints import TOUCHPOINTS
from .workflow import NEED


def need_status_problems(
    *, status: str, status_reason: str, has_faq: bool, service_count: int
) -> dict[str, str]:
    """What keeps a need's status from being published, by field. Empty when the status is consistent."""
    problems = {}
    if status == NeedStatus.CANNOT_MEET:
        if not (status_reason or "").strip():
            problems["status_reason"] = _("A need that cannot be met must have a public reason.")
        if not has_faq:
            problems["faq"] = _(
                "A need that cannot be met must link an FAQ entry that says why and what to do instead."
            )
    elif status == NeedStatus.IN_PROGRESS:
        if not (status_reason or "").strip():
            problems["status_reason"] = _("Say publicly what is being done about this need.")
    elif status == NeedStatus.MET and service_count == 0:
        problems["services"] = _("A need met by services must list at least one service.")
    return problems


def _stamp(instance, actor) -> None:
    # simple-history reads the author of a change from here when there is no request (CLI, imports).
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor


def _save(instance, actor, *texts: str) -> bool:
    created = instance.pk is None
    instance.search_document = search_document(*texts)
    instance.full_clean(exclude=["search_document"])
    _stamp(instance, actor)
    instance.save()
    return created


def _audit(actor, instance, created: bool) -> None:
    verb = "created" if created else "changed"
    audit.record(
        actor, f"registry.{instance._meta.model_name}_{verb}", instance, code=getattr(instance, "code", "")
    )


@transaction.atomic
def save_life_situation(situation: LifeSituation, *, actor=None) -> LifeSituation:
    created = _save(situation, actor, situation.name, situation.description)
    _audit(actor, situation, created)
    return situation


@transaction.atomic
def save_segment(segment: Segment, *, life_situations: Iterable[LifeSituation], actor=None) -> Segment:
    created = _save(segment, actor, segment.name, segment.description)
    segment.life_situations.set(list(life_situations))
    _audit(actor, segment, created)
    return segment


@transaction.atomic
def save_faq_entry(entry: FaqEntry, *, actor=None) -> FaqEntry:
    created = _save(entry, actor, entry.question, entry.answer, entry.topic)
    _audit(actor, entry, created)
    return entry


@transaction.atomic
def save_service(service: Service, *, touchpoints: Iterable, actor=None) -> Service:
    touchpoints = list(touchpoints)
    if not touchpoints:
        raise ValidationError(
            {"touchpoints": _("Name at least one touchpoint where the service is delivered.")}
        )
    agency_name = service.agency.name if service.agency_id else ""
    created = _save(service, actor, service.name, service.description, agency_name)
    service.touchpoints.set(touchpoints)
    _audit(actor, service, created)
    return service


@transaction.atomic
def save_need(
    need: Need,
    *,
    life_situations: Iterable[LifeSituation],
    segments: Iterable[Segment] = (),
    services: Iterable[Service] = (),
    actor=None,
) -> Need:
    """Save a need; a status the public would read as unexplained is refused here, whatever the caller."""
    life_situations, segments, services = list(life_situations), list(segments), list(services)
    problems = need_status_problems(
        status=need.status,
        status_reason=need.status_reason,
        has_faq=need.faq_id is not None,
        service_count=len(services),
    )
    if not life_situations:
        problems["life_situations"] = _("A need belongs to at least one life situation.")
    if problems:
        raise ValidationError(problems)
    previous_status = (
        None if need.pk is None else Need.objects.filter(pk=need.pk).values_list("status", flat=True).first()
    )
    # An unknown status is left to the model's validation below, which names the field.
    if previous_status not in (None, need.status) and need.status in NEED.statuses:
        NEED.check(previous_status, need.status, need)
    created = _save(need, actor, need.name, need.description, need.status_reason)
    need.life_situations.set(life_situations)
    need.segments.set(segments)
    need.services.set(services)
    _audit(actor, need, created)
    if previous_status is not None and previous_status != need.status:
        audit.record(
            actor,
            "registry.need_status_changed",
            need,
            code=need.code,
            before=previous_status,
            after=need.status,
            reason=need.status_reason,
        )
        # Those who follow registry news hear of it (subscriptions listens).
        events.publish("registry.need_status_changed", need=need, actor=actor)
    return need


@transaction.atomic
def set_expectations(need: Need, texts: list[str], *, actor=None) -> list[Expectation]:
    """Replace a need's expectations with `texts`, in order."""
    need.expectations.all().delete()
    saved = []
    for position, text in enumerate(texts, start=1):
        expectation = Expectation(need=need, position=position, text=text)
        expectation.full_clean()
        _stamp(expectation, actor)
        expectation.save()
        saved.append(expectation)
    audit.record(actor, "registry.expectations_set", need, code=need.code, count=len(saved))
    return saved


def rebuild_search_documents() -> int:
    """Recompute every record's lemmas, e.g. after a dictionary upgrade. Returns how many records changed."""
    sources = {
        LifeSituation: lambda s: (s.name, s.description),
        Segment: lambda s: (s.name, s.description),
        FaqEntry: lambda f: (f.question, f.answer, f.topic),
        Service: lambda s: (s.name, s.description, s.agency.name),
        Need: lambda n: (n.name, n.description, n.status_reason),
    }
    changed = 0
    for model, texts in sources.items():
        queryset = model.objects.select_related("agency") if model is Service else model.objects.all()
        stale = []
        for record in queryset:
            document = search_document(*texts(record))
            if document != record.search_document:
                record.search_document = document
                stale.append(record)
        model.objects.bulk_update(stale, ["search_document"], batch_size=500)
        changed += len(stale)
    return changed


def ensure_touchpoints() -> None:
    for order, (code, name) in enumerate(TOUCHPOINTS, start=1):
        Touchpoint.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


@transaction.atomic
def save_search_synonym(synonym: SearchSynonym, *, actor=None) -> SearchSynonym:
    """Save a synonym the searches use; both sides must hold a word a search can match."""
    synonym.phrase = " ".join(synonym.phrase.split())
    synonym.means = " ".join(synonym.means.split())
    problems = {}
    if synonym.phrase and not lemmas(synonym.phrase):
        problems["phrase"] = _("“%(value)s” holds no word a search can match.") % {"value": synonym.phrase}
    if synonym.means and not lemmas(synonym.means):
        problems["means"] = _("“%(value)s” holds no word a search can match.") % {"value": synonym.means}
    if problems:
        raise ValidationError(problems)
    created = synonym.pk is None
    synonym.full_clean()
    synonym.save()
    audit.record(
        actor,
        f"registry.search_synonym_{'created' if created else 'changed'}",
        synonym,
        phrase=synonym.phrase,
    )
    return synonym


@transaction.atomic
def delete_search_synonym(synonym: SearchSynonym, *, actor=None) -> None:
    audit.record(actor, "registry.search_synonym_deleted", synonym, phrase=synonym.phrase)
    synonym.delete()
