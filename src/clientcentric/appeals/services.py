"""Every write to appeals: intake from any channel, routing, deadlines, the workflow, +1 and answers."""

import dataclasses
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientcentric.accounts.models import Agency, ApiToken
from clientcentric.accounts.services import hash_token
from clientcentric.core import events, plain_russian, process_cache
from clientcentric.core.process_cache import ProcessCache
from clientcentric.core.services import audit, rows
from clientcentric.engines.text.plain_russian import is_over_limit
from clientcentric.engines.worktime import CalendarYearUnknown

from . import acknowledgement, classification, needs, policies, routing, social, uploads
from .models import (
    Answer,
    Appeal,
    AppealEvent,
    Attachment,
    Channel,
    ClassifierModel,
    DeadlinePolicy,
    Kind,
    NeedTopic,
    PendingPhoto,
    PublicationBasis,
    SocialAccount,
    Status,
    Support,
    TrainingExample,
    is_private,
)
from .routing import unknown_condition_keys
from .workflow import APPEAL, OPEN_STATUSES

MAX_TEXT_LENGTH = 20_000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class AppealInput:
    """What any channel adapter hands to intake; validated here, not by the adapter."""

    channel: str
    text: str
    kind: str = Kind.WRITTEN
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    address: str = ""
    district: str = ""
    municipality: str = ""
    object_kind: str = ""
    latitude: float | None = None
    longitude: float | None = None
    topic: str = ""
    external_id: str = ""
    # The author's word on the form: True publishes (masked) even from a private channel, False keeps the
    # appeal off the tracker; None follows the channel (see models.is_private).
    publish: bool | None = None


@dataclass(frozen=True)
class Intake:
    appeal: Appeal
    created: bool
    # The confirmation code of a new appeal, in clear only here: it went to the author's contact and is stored
    # as a hash. Empty for a replay.
    tracking_code: str = ""
    # How many acknowledgements went out (0: the author left no contact the platform can reach).
    acknowledged: int = 0


def _validate(data: AppealInput, author) -> None:
    problems = {}
    if data.channel not in Channel.values:
        problems["channel"] = _("Unknown channel “%(value)s”.") % {"value": data.channel}
    if data.kind not in Kind.values:
        problems["kind"] = _("Unknown kind “%(value)s”.") % {"value": data.kind}
    elif data.kind != Kind.WRITTEN and data.channel != Channel.SOCIAL:
        problems["kind"] = _("Mentions and comments come only from social networks.")
    if not data.text.strip():
        problems["text"] = _("Describe the problem: the text is empty.")
    elif len(data.text) > MAX_TEXT_LENGTH:
        problems["text"] = _("The text is longer than %(max)s characters.") % {"max": MAX_TEXT_LENGTH}
    if (
        author is None
        and not (data.contact_email or data.contact_phone)
        and data.channel
        in (
            Channel.PORTAL,
            Channel.EMAIL,
            Channel.PHONE,
            Channel.IN_PERSON,
        )
    ):
        problems["contact_email"] = _("Leave an e-mail or a phone number so that we can answer.")
    if (data.latitude is None) != (data.longitude is None):
        problems["latitude"] = _("A point on the map needs both latitude and longitude.")
    if problems:
        raise ValidationError(problems)


_FROM_THE_AUTHOR = {
    "text", "contact_name", "contact_email", "contact_phone", "address", "district", "municipality", "object_kind",
    "latitude", "longitude", "topic", "idempotency_key", "external_id", "request_fingerprint",
}  # fmt: skip
_COMPUTED_FIELDS = [field.name for field in Appeal._meta.fields if field.name not in _FROM_THE_AUTHOR]

# Agencies are a short list, read whole: the model predicts names that may name no agency here, and each such
# miss would otherwise be a query at every intake.
_agencies_by_name = ProcessCache(
    lambda: {agency.name: agency for agency in Agency.objects.all()}
).invalidate_on(Agency)


def receive_appeal(
    data: AppealInput,
    *,
    author=None,
    source: ApiToken | None = None,
    idempotency_key: str = "",
    registered_at=None,
    default_executor: Agency | None = None,
    recorded_by=None,
    representative=None,
) -> Intake:
    """Register an appeal from any channel: validate, classify, route, set the deadline, record, audit.

    The same idempotency key from the same source (or signed-in author) returns the first appeal.
    `representative` is the parent, guardian or attorney who files it for `author` (checked by the caller
    with accounts.selectors.acts_for); the appeal and its history say who acted for whom.
    """
    author = author if author is not None and author.is_authenticated else None
    if representative is not None and (author is None or representative.pk == author.pk):
        representative = None
    if data.external_id:
        replayed = Appeal.objects.filter(channel=data.channel, external_id=data.external_id).first()
        if replayed is not None:
            return Intake(replayed, created=False)
    # A retry with a used Idempotency-Key is found by the unique constraint (the IntegrityError branch below),
    # so a first-time appeal costs no lookup.
    _validate(data, author)
    code = acknowledgement.new_code()
    try:
        # The appeal, its first rows and its acknowledgement in the outbox: together or not at all.
        with transaction.atomic():
            appeal = _register(
                data,
                author,
                source,
                idempotency_key,
                registered_at or timezone.now(),
                default_executor,
                recorded_by or representative or author,
                tracking_code_hash=acknowledgement.code_hash(code),
                representative=representative,
            )
            acknowledged = acknowledgement.send(appeal, code)
    except IntegrityError:
        # A concurrent retry with the same key (or a replayed channel message) won the race: answer with it.
        existing = _by_key(source, author, idempotency_key) if idempotency_key else None
        if existing is not None and existing.request_fingerprint not in ("", fingerprint(data)):
            raise ValidationError(
                {"idempotency_key": _("This Idempotency-Key was already used with a different request.")},
                code="idempotency_key_reused",
            ) from None
        if existing is None and data.external_id:
            existing = Appeal.objects.filter(channel=data.channel, external_id=data.external_id).first()
        if existing is None:
            raise
        return Intake(existing, created=False)
    return Intake(appeal, created=True, tracking_code=code, acknowledged=acknowledged)


# Fields added after requests were first fingerprinted: left out while empty, so a retry of an older request
# still matches its stored fingerprint.
_ADDED_LATER = ("municipality", "object_kind")


def fingerprint(data: AppealInput) -> str:
    """What identifies a request's content for its Idempotency-Key: every field the author sent."""
    content = {name: value for name, value in dataclasses.asdict(data).items() if name != "external_id"}
    for name in _ADDED_LATER:
        if not content[name]:
            del content[name]
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _by_key(source, author, key: str) -> Appeal | None:
    query = Appeal.objects.filter(idempotency_key=key)
    query = (
        query.filter(source=source)
        if source is not None
        else query.filter(source__isnull=True, author=author)
    )
    return query.first() if (source is not None or author is not None) else None


def _coordinate(value) -> Decimal | None:
    # A map point arrives as a float; six decimal places (about 10 cm) are what the database keeps.
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"))


def _due_at(policy, now, time_zone):
    try:
        return policies.due_at(policy, now, time_zone)
    except CalendarYearUnknown as error:
        # A deadline nobody can compute is refused, not guessed: the calendar must be extended first.
        raise ValidationError({"registered_at": str(error)}) from None


def _register(
    data: AppealInput,
    author,
    source,
    idempotency_key: str,
    now,
    default_executor=None,
    actor=None,
    *,
    tracking_code_hash: str = "",
    representative=None,
) -> Appeal:
    prediction = classification.classify(
        data.text,
        district=data.district,
        address=data.address,
        municipality=data.municipality,
        object_kind=data.object_kind,
    )
    topic = data.topic or prediction.category
    rule, executor = routing.route(
        {
            "topic": topic,
            "district": data.district,
            "channel": data.channel,
            "kind": data.kind,
            "address": data.address,
        }
    )
    confident = prediction.confidence >= settings.CLIENTCENTRIC_ROUTING_THRESHOLD
    if executor is None and prediction.executor and confident:
        executor = _agencies_by_name.get().get(prediction.executor)
    if executor is None and source is not None and source.agency_id:
        executor = source.agency
    if executor is None and default_executor is not None:
        executor = default_executor
    status = Status.REGISTERED if executor is not None else Status.NEEDS_ROUTING
    topic_need = needs.for_topic(topic)
    policy = policies.policy_for(channel=data.channel, kind=data.kind, category=topic)
    time_zone = executor.time_zone if executor is not None else settings.TIME_ZONE
    published, basis = publication_for(data)
    appeal = Appeal(
        channel=data.channel,
        kind=data.kind,
        text=data.text,
        is_published=published,
        publication_basis=basis,
        author=author,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        contact_phone=data.contact_phone,
        address=data.address,
        district=data.district,
        municipality=data.municipality,
        object_kind=data.object_kind,
        latitude=_coordinate(data.latitude),
        longitude=_coordinate(data.longitude),
        topic=topic,
        need=topic_need.need,
        life_situation=topic_need.life_situation,
        executor=executor,
        status=status,
        registered_at=now,
        deadline_at=_due_at(policy, now, time_zone),
        policy=policy,
        routing_rule=rule,
        routing_confidence=prediction.confidence if prediction.category else None,
        source=source,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint(data) if idempotency_key else "",
        external_id=data.external_id,
        tracking_code_hash=tracking_code_hash,
        representative=representative,
    )
    registered = _("Appeal registered.")
    if representative is not None:
        registered = f"{registered} {filed_by_note(representative, author)}"
    # Only what came from outside is checked against the model (lengths, e-mail format, decimal places): the
    # rest was computed here, related rows were just read, and uniqueness is the database's job.
    appeal.clean_fields(exclude=_COMPUTED_FIELDS)
    rows.insert_with_dependents(
        appeal,
        lambda appeal: [
            AppealEvent(appeal=appeal, actor=actor, to_status=status, note=registered),
            audit.entry(
                actor,
                "appeals.appeal_received",
                appeal,
                channel=data.channel,
                kind=data.kind,
                **({"representative": representative.pk} if representative is not None else {}),
                executor=executor.code if executor else "",
                rule=rule.pk if rule else None,
            ),
        ],
        # receive_appeal's atomic block is the unit: no savepoint of its own (two round trips per appeal).
        savepoint=False,
    )
    return appeal


def filed_by_note(representative, author) -> str:
    """«Подано представителем Петрова Анна за Петрова Вера.» — in the history and on the operator's page."""
    return _("Filed by the representative %(representative)s for %(client)s.") % {
        "representative": representative.full_name,
        "client": author.full_name,
    }


def publication_for(data: AppealInput) -> tuple[bool, str]:
    """Whether a new appeal goes on the public tracker, and why."""
    if data.publish is True:
        return True, PublicationBasis.AUTHOR_CONSENT
    if data.publish is False:
        return False, PublicationBasis.AUTHOR_REFUSAL
    if is_private(data.channel, data.kind):
        return False, PublicationBasis.PRIVATE_CHANNEL
    return True, PublicationBasis.PUBLIC_CHANNEL


@transaction.atomic
def set_publication(appeal: Appeal, *, published: bool, operator, reason: str) -> Appeal:
    """An operator publishes an appeal (masked) or takes it off the tracker; the reason goes into the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"note": _("Say why the appeal is published or taken off the tracker.")})
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.is_published == published:
        return appeal
    appeal.is_published, appeal.publication_basis = published, PublicationBasis.OPERATOR
    appeal.save(update_fields=["is_published", "publication_basis"])
    what = _("Published on the tracker: %(reason)s") if published else _("Taken off the tracker: %(reason)s")
    AppealEvent.objects.create(
        appeal=appeal,
        actor=operator,
        from_status=appeal.status,
        to_status=appeal.status,
        note=what % {"reason": reason},
        is_public=False,
    )
    audit.record(operator, "appeals.publication_changed", appeal, after=published, reason=reason)
    return appeal


@transaction.atomic
def change_status(appeal: Appeal, target: str, *, actor, note: str = "", public: bool = True) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("policy").get(pk=appeal.pk)
    APPEAL.check(appeal.status, target, appeal)
    now = timezone.now()
    if target == Status.AWAITING_DETAILS and appeal.policy.pause_allowed:
        appeal.paused_at = now
    if appeal.status == Status.AWAITING_DETAILS and appeal.paused_at is not None:
        # The clock stood still while the author was asked: the deadline moves by the paused time.
        appeal.deadline_at += now - appeal.paused_at
        appeal.paused_at = None
    if target == Status.ANSWERED:
        appeal.answered_at = now
    previous = appeal.status
    appeal.status = target
    appeal.save()
    AppealEvent.objects.create(
        appeal=appeal, actor=actor, from_status=previous, to_status=target, note=note, is_public=public
    )
    audit.record(actor, "appeals.status_changed", appeal, before=previous, after=target)
    # The author and every supporter hear of each change (subscriptions listens).
    events.publish("appeal.status_changed", appeal=appeal, note=note)
    return appeal


@transaction.atomic
def take(appeal: Appeal, *, operator) -> Appeal:
    appeal = change_status(appeal, Status.IN_PROGRESS, actor=operator, note=_("Taken into work."))
    Appeal.objects.filter(pk=appeal.pk).update(assignee=operator)
    appeal.assignee = operator
    return appeal


@transaction.atomic
def route_manually(appeal: Appeal, *, executor: Agency, topic: str, router) -> Appeal:
    """A human router's decision; it also becomes a training example for the classifier.

    The audit records what the models suggested at that moment and whether the router took it (the rank of the
    chosen topic and executor among the top 3), so the suggestions' usefulness can be measured.
    """
    prediction = classification.classify_appeal(appeal)
    topic_need = needs.for_topic(topic)
    Appeal.objects.filter(pk=appeal.pk).update(
        executor=executor, topic=topic, need=topic_need.need, life_situation=topic_need.life_situation
    )
    appeal.refresh_from_db()
    TrainingExample.objects.create(
        text=appeal.text,
        category=topic,
        executor=executor.name,
        district=appeal.district,
        address=appeal.address,
        municipality=appeal.municipality,
        object_kind=appeal.object_kind,
        created_at=appeal.registered_at,
        source="correction",
        appeal=appeal,
    )
    topic_ranks = [label for label, _p in prediction.category_top]
    executor_ranks = [label for label, _p in prediction.executor_top]
    audit.record(
        router,
        "appeals.routed",
        appeal,
        executor=executor.code,
        topic=topic,
        suggested_topic=topic_ranks[0] if topic_ranks else "",
        suggested_executor=executor_ranks[0] if executor_ranks else "",
        topic_rank=topic_ranks.index(topic) + 1 if topic in topic_ranks else None,
        executor_rank=executor_ranks.index(executor.name) + 1 if executor.name in executor_ranks else None,
    )
    return change_status(
        appeal, Status.REGISTERED, actor=router, note=_("Routed to %(agency)s.") % {"agency": executor.name}
    )


@transaction.atomic
def reassign(appeal: Appeal, *, executor: Agency, operator, note: str = "") -> Appeal:
    """Hand an appeal to another executor; it returns to their queue as registered, and the clock runs on."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status not in (Status.REGISTERED, Status.IN_PROGRESS, Status.REOPENED):
        raise ValidationError(_("Only an appeal waiting or in work can be handed over."))
    previous, previous_executor = appeal.status, appeal.executor
    if previous != Status.REGISTERED:  # a waiting appeal only changes hands; its status stays
        APPEAL.check(previous, Status.REGISTERED, appeal)
    appeal.executor, appeal.assignee, appeal.status = executor, None, Status.REGISTERED
    appeal.save(update_fields=["executor", "assignee", "status"])
    AppealEvent.objects.create(
        appeal=appeal,
        actor=operator,
        from_status=previous,
        to_status=Status.REGISTERED,
        note=note or _("Handed over to %(agency)s.") % {"agency": executor.name},
    )
    audit.record(
        operator,
        "appeals.reassigned",
        appeal,
        before=previous_executor.code if previous_executor else "",
        after=executor.code,
    )
    return appeal


PUBLIC_REPLY_MAX = 500


def _checked_answer(
    appeal: Appeal, *, operator, text: str, override_reason: str, is_public: bool, template_version=None
) -> Answer:
    """Every answer text the platform sends passes the plain-Russian check under the executor's limits."""
    override_reason = override_reason.strip()
    result = plain_russian.require_plain(text, appeal.executor, override_reason)
    over = is_over_limit(result)
    reply = Answer.objects.create(
        appeal=appeal,
        author=operator,
        text=text,
        is_public=is_public,
        reading_ease=round(result.flesch_reading_ease, 2),
        reading_grade=round(result.fk_grade, 2),
        plain_override_reason=override_reason if over else "",
        template_version=template_version,
    )
    if over:
        audit.record(
            operator,
            "appeals.plain_check_overridden",
            appeal,
            reading_ease=reply.reading_ease,
            reading_grade=reply.reading_grade,
            reason=override_reason,
        )
    return reply


@transaction.atomic
def public_reply(appeal: Appeal, *, operator, text: str, override_reason: str = "") -> Answer:
    """On a social network: a short public reply under the post first; the full answer follows in private."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.channel != Channel.SOCIAL:
        raise ValidationError(_("A short public reply is for social networks."))
    if appeal.status != Status.IN_PROGRESS:
        raise ValidationError(_("Take the appeal into work first."))
    if not text.strip() or len(text) > PUBLIC_REPLY_MAX:
        raise ValidationError(
            {"text": _("A public reply is 1 to %(max)s characters.") % {"max": PUBLIC_REPLY_MAX}}
        )
    reply = _checked_answer(
        appeal, operator=operator, text=text, override_reason=override_reason, is_public=True
    )
    audit.record(operator, "appeals.public_reply", appeal)
    social.queue_answer(reply)  # leaves through the network's API after commit
    return reply


@transaction.atomic
def answer(
    appeal: Appeal, *, operator, text: str, override_reason: str = "", template_version=None
) -> Answer:
    """Send the answer; `template_version` is the answer template version the operator started from, if any."""
    if not text.strip():
        raise ValidationError({"text": _("The answer is empty.")})
    # A refused answer raises inside this transaction, so the status change below is rolled back with it.
    change_status(appeal, Status.ANSWERED, actor=operator, note=_("Answer sent."))
    # After a public reply on a social network the conversation continues in private messages.
    private = appeal.channel == Channel.SOCIAL and appeal.answers.filter(is_public=True).exists()
    reply = _checked_answer(
        appeal,
        operator=operator,
        text=text,
        override_reason=override_reason,
        is_public=not private,
        template_version=template_version,
    )
    audit.record(
        operator,
        "appeals.answered",
        appeal,
        template_version=template_version.pk if template_version is not None else None,
    )
    social.queue_answer(reply)  # on a social network the answer goes back there after commit
    # On commit the client is asked to rate the answer (feedback listens).
    events.publish("appeal.answered", appeal_id=appeal.pk)
    return reply


@transaction.atomic
def reopen(appeal: Appeal, *, person, reason: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.author_id != person.pk:
        raise ValidationError(_("Only the author can reopen an appeal."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the answer did not solve the problem.")})
    reopen_days = settings.CLIENTCENTRIC_REOPEN_DAYS
    window = timezone.timedelta(days=reopen_days)
    if appeal.answered_at is None or timezone.now() - appeal.answered_at > window:
        raise ValidationError(
            _("An appeal can be reopened within %(period)s of the answer.")
            % {"period": ngettext("%(n)d day", "%(n)d days", reopen_days) % {"n": reopen_days}}
        )
    return change_status(appeal, Status.REOPENED, actor=person, note=reason)


@transaction.atomic
def support(appeal: Appeal, *, person) -> bool:
    """+1 and follow. Returns False when the person already supports it."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status not in OPEN_STATUSES:
        raise ValidationError(_("Only an open appeal can be supported."))
    if appeal.author_id == person.pk:
        raise ValidationError(_("You are the author of this appeal."))
    _support, created = Support.objects.get_or_create(appeal=appeal, person=person)
    if created:
        Appeal.objects.filter(pk=appeal.pk).update(supporters_count=F("supporters_count") + 1)
        audit.record(person, "appeals.supported", appeal)
    return created


@transaction.atomic
def create_deadline_policy(policy, *, actor=None):
    """Policies are versioned: a new row supersedes older ones for the same channel × kind × category."""
    if policy.pk is not None:
        raise ValidationError(_("A deadline policy is never edited; add a new one instead."))
    policy.created_by = actor if actor is not None and actor.is_authenticated else None
    policy.full_clean()
    policy.save()
    audit.record(actor, "appeals.deadline_policy_created", policy)
    return policy


@transaction.atomic
def save_routing_rule(rule, *, actor=None):
    if not isinstance(rule.conditions, dict) or not rule.conditions:
        raise ValidationError({"conditions": _("Give at least one condition as an object of field: value.")})
    unknown = unknown_condition_keys(rule.conditions)
    if unknown:
        raise ValidationError(
            {"conditions": _("Unknown condition fields: %(fields)s.") % {"fields": ", ".join(unknown)}}
        )
    rule.full_clean()
    rule.save()
    audit.record(actor, "appeals.routing_rule_saved", rule)
    return rule


def save_need_topic(need_topic: NeedTopic, *, actor=None) -> NeedTopic:
    """Say which need an appeal topic is evidence of; appeals registered from now on carry that need."""
    need_topic.topic = " ".join(need_topic.topic.split())
    need_topic.full_clean()
    need_topic.save()
    audit.record(actor, "appeals.need_topic_saved", need_topic, topic=need_topic.topic)
    return need_topic


def check_attachment(
    name: str, content_type: str, size: int, *, photos_only: bool = False, accept: frozenset | None = None
) -> None:
    """Size only: the type is sniffed from the bytes by ``uploads.clean`` (the declared one is not trusted).
    Voice and video recordings have their own limits (settings), checked there once their type is known."""
    takes_media = not photos_only and (accept is None or bool(accept & uploads.RECORDINGS))
    media_max = max(uploads.media_limit("audio/"), uploads.media_limit("video/")) if takes_media else 0
    if size > max(MAX_ATTACHMENT_BYTES, media_max):
        raise ValidationError(
            {
                "attachments": _("“%(name)s” is larger than %(mb)s MB.")
                % {"name": name, "mb": max(MAX_ATTACHMENT_BYTES, media_max) // 2**20}
            }
        )


def attach(
    appeal: Appeal,
    *,
    name: str,
    content_type: str,
    data: bytes,
    photos_only: bool = False,
    accept: frozenset | None = None,
    origin: str = Attachment.Origin.AUTHOR,
    seconds: float | None = None,
) -> Attachment:
    """Store a checked file with the appeal; `seconds` is the length a recording's sender declared, used when
    the bytes do not tell it themselves."""
    check_attachment(name, content_type, len(data), photos_only=photos_only, accept=accept)
    clean = uploads.clean(name, data, photos_only=photos_only, accept=accept)
    measured = clean.seconds if clean.seconds is not None else seconds
    attachment = Attachment(
        appeal=appeal,
        name=clean.name[:255],
        content_type=clean.content_type,
        size=len(clean.data),
        origin=origin,
        duration_seconds=round(measured) if measured is not None else None,
    )
    attachment.file.save(clean.name, ContentFile(clean.data), save=False)
    attachment.save()
    return attachment


def note_attachment_read(viewer, attachment: Attachment) -> None:
    """A member of staff opened (or played) a file of an appeal: who, which file, whose appeal."""
    audit.record(
        viewer,
        "appeals.attachment_read",
        attachment.appeal,
        attachment=attachment.pk,
        origin=attachment.origin,
    )


@transaction.atomic
def receive_with_attachments(data: AppealInput, attachments, **options) -> Intake:
    """Intake and its files in one transaction: an appeal is never kept without the files it came with."""
    photos_only = options.pop("photos_only", False)
    accept = options.pop("accept", None)
    for name, content_type, payload in attachments:
        check_attachment(name, content_type, len(payload), photos_only=photos_only, accept=accept)
        uploads.clean(
            name, payload, photos_only=photos_only, accept=accept
        )  # refuse before anything is written
    intake = receive_appeal(data, **options)
    if intake.created:
        for name, content_type, payload in attachments:
            attach(
                intake.appeal,
                name=name,
                content_type=content_type,
                data=payload,
                photos_only=photos_only,
                accept=accept,
            )
    return intake


def create_social_account(
    *,
    network: str,
    name: str,
    community_id: str,
    secret: str,
    agency: Agency,
    confirmation_code: str = "",
    actor=None,
) -> SocialAccount:
    if len(secret) < 16:
        raise ValidationError({"secret": _("The webhook secret must be at least 16 characters.")})
    account = SocialAccount(
        network=network,
        name=name,
        community_id=community_id,
        agency=agency,
        confirmation_code=confirmation_code,
        secret_hash=hash_token(secret),
    )
    account.full_clean()
    account.save()
    audit.record(actor, "appeals.social_account_created", account)
    return account


def social_secret_matches(account: SocialAccount, secret: str) -> bool:
    return secrets.compare_digest(account.secret_hash, hash_token(secret or ""))


def ensure_default_policies() -> None:
    """Create the default policies once; a methodologist's later rows supersede them."""
    if DeadlinePolicy.objects.exists():
        return
    for values in policies.DEFAULT_POLICIES:
        DeadlinePolicy.objects.create(**values)


@transaction.atomic
def store_training_examples(examples: list, *, source_file: str, batch_size: int, actor=None) -> None:
    TrainingExample.objects.bulk_create(examples, batch_size=batch_size)
    audit.record(actor, "appeals.training_examples_imported", None, file=source_file, count=len(examples))


@transaction.atomic
def store_classifier(
    target: str, data: bytes, metrics: dict, examples: int, *, actor=None
) -> ClassifierModel:
    """The new model replaces the active one for its target; older ones stay for the record."""
    ClassifierModel.objects.filter(target=target).update(is_active=False)
    process_cache.changed(ClassifierModel)
    stored = ClassifierModel.objects.create(target=target, data=data, metrics=metrics, examples=examples)
    audit.record(
        actor,
        "appeals.classifier_trained",
        stored,
        model_target=target,
        metrics={k: v for k, v in metrics.items() if isinstance(v, int | float)},
    )
    return stored


# -- photos kept between a refused submission and the next try (appeals/pending.py) ---------------------------

PENDING_PHOTOS_KEPT_FOR = timedelta(days=1)


@transaction.atomic
def keep_pending_photos(
    key: str, files: list[tuple[str, str, bytes]], *, accept: frozenset = uploads.PHOTOS
) -> list[str]:
    """Clean and keep the files (photos, or — accept=uploads.RECORDINGS — voice and video recordings);
    returns what was wrong with those refused (one message each)."""
    PendingPhoto.objects.filter(created_at__lt=timezone.now() - PENDING_PHOTOS_KEPT_FOR).delete()
    refused = []
    for name, content_type, data in files:
        try:
            check_attachment(name, content_type, len(data), accept=accept)
            clean = uploads.clean(name, data, accept=accept)
        except ValidationError as error:
            refused.extend(error.messages)
            continue
        PendingPhoto.objects.create(
            form_key=key, name=clean.name, content_type=clean.content_type, data=clean.data
        )
    return refused


def drop_pending_photos(key: str, ids: list[str]) -> None:
    PendingPhoto.objects.filter(form_key=key, pk__in=[i for i in ids if i.isdigit()]).delete()


def discard_pending_photos(key: str) -> None:
    PendingPhoto.objects.filter(form_key=key).delete()
