"""Every write to feedback: invitations, answers from every source, follow-ups of unhappy answers, the instrument,
the pre-aggregated counts and the published quarters."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientcentric.accounts.models import Agency
from clientcentric.appeals.models import Appeal
from clientcentric.core.models import Channel
from clientcentric.core.services import audit
from clientcentric.core.services.status import record_creation, transition
from clientcentric.subscriptions.services import normalise_address

from . import aggregation, publication, selectors
from .instrument import (
    DRIVER_CODES,
    LOYALTY_CODES,
    LOYALTY_RANGES,
    QUESTIONS,
    VERSION,
    asks_loyalty,
    current_instrument,
)
from .models import (
    AggregationState,
    Answer,
    Count,
    EndPoint,
    FollowUp,
    Instrument,
    Invitation,
    QuarterReport,
    Question,
    Response,
    Source,
)
from .workflow import FOLLOW_UP, QUARTER_REPORT

TOKEN_SALT = "clientcentric.feedback.invitation"
MAX_COMMENT = 2000


class InvitationRefused(ValidationError):
    """A link that cannot be used; `code` says why: forged, expired, used or not_yours."""


@dataclass
class Rating:
    """What a client answered; every field but satisfaction may be skipped."""

    satisfaction: int | None = None
    effort: int | None = None
    trust: int | None = None
    need_met: bool | None = None
    went_well: list[str] = field(default_factory=list)
    got_in_way: list[str] = field(default_factory=list)
    comment: str = ""
    # Loyalty (instrument v3), asked where a whole transaction ends: NPS 0–10 and the ACSI items 1–10.
    recommend: int | None = None
    acsi_satisfaction: int | None = None
    acsi_expectations: int | None = None
    acsi_ideal: int | None = None


def _check_rating(rating: Rating) -> None:
    problems = {}
    ranges = (("satisfaction", 1, 5), ("effort", 1, 7), ("trust", 1, 5))
    ranges += tuple((code, *LOYALTY_RANGES[code]) for code in LOYALTY_CODES)
    for name, low, high in ranges:
        value = getattr(rating, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems[name] = _("Choose a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    if rating.satisfaction is None:
        problems.setdefault("satisfaction", _("Rate how satisfied you are, from 1 to 5."))
    for name in ("went_well", "got_in_way"):
        unknown = [code for code in getattr(rating, name) if code not in DRIVER_CODES]
        if unknown:
            problems[name] = _("Unknown options: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
    if len(rating.comment) > MAX_COMMENT:
        problems["comment"] = _("The comment is longer than %(max)s characters.") % {"max": MAX_COMMENT}
    if problems:
        raise ValidationError(problems)


def token_for(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=TOKEN_SALT, compress=True)


def link_for(invitation: Invitation) -> str:
    return settings.CLIENTCENTRIC_SITE_URL + reverse("feedback:rate", args=[token_for(invitation)])


@transaction.atomic
def invite(
    *,
    end_point: str,
    transaction_kind: str,
    transaction_ref: str,
    touchpoint: str,
    agency: Agency | None = None,
    service=None,
    segment=None,
    life_situation=None,
    person=None,
    appeal=None,
    email: str = "",
    channel: str = "",
    address: str = "",
    shown_as: str = "",
    now=None,
) -> Invitation:
    """Offer the instrument for one finished transaction and send the link on the client's channel.

    `shown_as` is how the client knows the transaction (an appeal's number); the reference stays internal.
    The link goes on the channel the signed-in client chose in their subscription settings (push, messenger,
    SMS or e-mail); failing that to `channel` + `address` given by the calling system, then to `email`.
    A bad address is refused before anything is stored.

    Calling it again for the same transaction end returns the first invitation (channels retry).
    """
    if channel or address:
        address = _checked_address(channel, address)
    if end_point not in EndPoint.values or end_point == EndPoint.PAGE:
        raise ValidationError({"end_point": _("Unknown end point “%(value)s”.") % {"value": end_point}})
    if not transaction_ref or not transaction_kind:
        raise ValidationError(_("An invitation needs the kind and the reference of the transaction."))
    existing = Invitation.objects.filter(
        end_point=end_point, transaction_kind=transaction_kind, transaction_ref=transaction_ref
    ).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    agency = agency or (service.agency if service is not None else None)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                instrument=current_instrument(),
                end_point=end_point,
                touchpoint=touchpoint,
                transaction_kind=transaction_kind,
                transaction_ref=transaction_ref,
                agency=agency,
                service=service,
                segment=segment,
                life_situation=life_situation,
                person=person if person is not None and person.is_authenticated else None,
                appeal=appeal,
                created_at=now,
                expires_at=now + timedelta(days=settings.CLIENTCENTRIC_FEEDBACK_LINK_DAYS),
            )
    except IntegrityError:
        return Invitation.objects.get(
            end_point=end_point, transaction_kind=transaction_kind, transaction_ref=transaction_ref
        )
    target = _invitation_target(person, email=email, channel=channel, address=address)
    if target is not None:
        from . import messages

        messages.send_invitation(
            invitation,
            link=link_for(invitation),
            reference=shown_as or transaction_ref,
            target=target,
            recipient_name=(person.first_name if person is not None and person.is_authenticated else ""),
        )
    audit.record(None, "feedback.invited", invitation, end_point=end_point, touchpoint=touchpoint)
    return invitation


def _checked_address(channel: str, address: str) -> str:
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel “%(channel)s”.") % {"channel": channel or "—"}})
    try:
        return normalise_address(channel, address)
    except ValidationError as error:
        raise ValidationError({"address": error.messages}) from None


def _invitation_target(person, *, email: str, channel: str, address: str) -> tuple[str, str] | None:
    from . import messages

    chosen = messages.chosen_channel(person)
    if chosen is not None:
        return chosen
    if channel and address:
        return channel, address
    fallback = email or (person.email if person is not None and person.is_authenticated else "")
    return ("email", fallback) if fallback else None


def invite_for_answered_appeal(appeal_id: int) -> Invitation | None:
    """Runs once an answer has committed (``feedback.subscribers``); a failure here never undoes the answer."""
    appeal = (
        Appeal.objects.select_related("author", "executor", "need", "life_situation")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None or appeal.answered_at is None:
        return None
    life_situation = appeal.life_situation or (
        appeal.need.life_situations.first() if appeal.need_id else None
    )
    return invite(
        end_point=EndPoint.APPEAL_ANSWERED,
        transaction_kind="appeal",
        # A reopened appeal answered again is a new transaction end: the answer time tells them apart.
        transaction_ref=f"{appeal.number}@{appeal.answered_at:%Y%m%d%H%M%S}",
        shown_as=appeal.number,
        touchpoint=_TOUCHPOINT_OF_CHANNEL.get(appeal.channel, "portal"),
        agency=appeal.executor,
        life_situation=life_situation,
        person=appeal.author,
        appeal=appeal,
        email=appeal.contact_email or (appeal.author.email if appeal.author_id else ""),
    )


_TOUCHPOINT_OF_CHANNEL = {
    "portal": "portal",
    "api": "portal",
    "email": "email",
    "phone": "call_centre",
    "in_person": "in_person",
    "social": "social",
    "chatbot": "chatbot",
}


def open_invitation(token: str, *, user=None, now=None) -> Invitation:
    """The invitation behind a link, or InvitationRefused with a message the client understands."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise InvitationRefused(
            _("This link is not valid: it may have been copied with a mistake."), code="forged"
        ) from None
    invitation = Invitation.objects.select_related("agency", "service", "appeal").filter(pk=pk).first()
    if invitation is None:
        raise InvitationRefused(
            _("This link is not valid: it may have been copied with a mistake."), code="forged"
        )
    if invitation.used_at is not None:
        raise InvitationRefused(_("This rating has already been given. Thank you!"), code="used")
    if invitation.expires_at < (now or timezone.now()):
        link_days = settings.CLIENTCENTRIC_FEEDBACK_LINK_DAYS
        raise InvitationRefused(
            _("This link has expired: ratings are accepted for %(period)s.")
            % {"period": ngettext("%(n)d day", "%(n)d days", link_days) % {"n": link_days}},
            code="expired",
        )
    if (
        user is not None
        and user.is_authenticated
        and invitation.person_id is not None
        and invitation.person_id != user.pk
    ):
        raise InvitationRefused(
            _("This link was sent to another person: you cannot rate their request."), code="not_yours"
        )
    return invitation


def _store(rating: Rating, now=None, **fields) -> Response:
    instrument = fields.pop("instrument", None) or current_instrument()
    questions = {q.code: q for q in instrument.questions.all()}
    response = Response.objects.create(
        instrument=instrument, comment=rating.comment.strip(), submitted_at=now or timezone.now(), **fields
    )
    rows = []
    # Loyalty answers count only where the instrument asks them (a hand-made request elsewhere is ignored).
    loyalty = LOYALTY_CODES if asks_loyalty(response.end_point) else ()
    for code in ("satisfaction", "effort", "trust", *loyalty):
        value = getattr(rating, code)
        if value is not None and code in questions:
            rows.append(Answer(response=response, question=questions[code], value=value))
    if rating.need_met is not None and "need_met" in questions:
        rows.append(Answer(response=response, question=questions["need_met"], value=int(rating.need_met)))
    for code in ("went_well", "got_in_way"):
        chosen = list(dict.fromkeys(getattr(rating, code)))
        if chosen and code in questions:
            rows.append(Answer(response=response, question=questions[code], choices=chosen))
    Answer.objects.bulk_create(rows)
    _follow_up_if_unhappy(response, rating)
    audit.record(fields.get("person"), "feedback.answered", response, source=response.source)
    return response


def is_unhappy(rating: Rating) -> bool:
    limit = settings.CLIENTCENTRIC_FEEDBACK_UNHAPPY_SATISFACTION
    low = rating.satisfaction is not None and rating.satisfaction <= limit
    unmet = settings.CLIENTCENTRIC_FEEDBACK_UNHAPPY_NEED_NOT_MET and rating.need_met is False
    return low or unmet


def _follow_up_if_unhappy(response: Response, rating: Rating) -> None:
    if response.source == Source.WIDGET or response.agency_id is None:
        return
    if is_unhappy(rating) and rating.comment.strip():
        follow_up = FollowUp.objects.create(response=response, agency_id=response.agency_id)
        record_creation(follow_up, FOLLOW_UP, field="state")


@transaction.atomic
def answer_invitation(token: str, rating: Rating, *, user=None, now=None) -> Response:
    """`now` is for loading past answers (demo data, imports); the link is checked at that moment."""
    now = now or timezone.now()
    invitation = open_invitation(token, user=user, now=now)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:  # a double click that raced the first one
        raise InvitationRefused(_("This rating has already been given. Thank you!"), code="used")
    _check_rating(rating)
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    return _store(
        rating,
        now=now,
        instrument=invitation.instrument,
        source=Source.INVITATION,
        invitation=invitation,
        end_point=invitation.end_point,
        touchpoint=invitation.touchpoint,
        agency_id=invitation.agency_id,
        service_id=invitation.service_id,
        segment_id=invitation.segment_id,
        life_situation_id=invitation.life_situation_id,
        appeal_id=invitation.appeal_id,
        person=invitation.person,
    )


@transaction.atomic
def answer_at_office(agency: Agency, rating: Rating, *, service=None, now=None) -> Response:
    """A rating left through the QR code at an office window: solicited, but anonymous."""
    _check_rating(rating)
    if service is not None and service.agency_id != agency.pk:
        raise ValidationError({"service": _("This office does not provide that service.")})
    return _store(
        rating,
        now=now,
        source=Source.QR,
        end_point=EndPoint.OFFICE_VISIT,
        touchpoint="one_stop_centre" if agency.kind == Agency.Kind.ONE_STOP_CENTRE else "in_person",
        agency=agency,
        service=service,
    )


@transaction.atomic
def answer_by_phone(
    *, call_id: str, agency: Agency | None, rating: Rating, service=None, now=None
) -> Response:
    """Keypad digits from the call centre's voice menu after a call; one rating per call."""
    _check_rating(rating)
    invitation = invite(
        end_point=EndPoint.CALL_ENDED,
        transaction_kind="call",
        transaction_ref=call_id,
        touchpoint="call_centre",
        agency=agency,
        service=service,
        now=now,
    )
    if invitation.used_at is not None:
        raise InvitationRefused(_("This call has already been rated."), code="used")
    invitation.used_at = now or timezone.now()
    invitation.save(update_fields=["used_at"])
    return _store(
        rating,
        now=now,
        instrument=invitation.instrument,
        source=Source.IVR,
        invitation=invitation,
        end_point=EndPoint.CALL_ENDED,
        touchpoint="call_centre",
        agency=invitation.agency,
        service=invitation.service,
    )


@transaction.atomic
def answer_unprompted(rating: Rating, *, page: str, user=None, appeal=None) -> Response:
    """The widget on any page; kept apart from invited answers and never opens a follow-up."""
    _check_rating(rating)
    person = user if user is not None and user.is_authenticated else None
    if appeal is not None and (person is None or appeal.author_id != person.pk):
        raise ValidationError({"appeal": _("You can rate only your own appeal.")})
    return _store(
        rating,
        source=Source.WIDGET,
        end_point=EndPoint.PAGE,
        touchpoint="portal",
        agency=appeal.executor if appeal is not None else None,
        appeal=appeal,
        person=person,
        page=page[:300],
    )


@transaction.atomic
def close_follow_up(follow_up: FollowUp, *, operator, outcome: str) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not operator.is_superuser and follow_up.agency_id != operator.agency_id:
        raise ValidationError(_("This follow-up belongs to another agency."))
    if follow_up.state == FollowUp.State.CLOSED:
        raise ValidationError(_("This follow-up is already closed."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what was done for the client.")})
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = operator
    follow_up.outcome = outcome.strip()
    transition(
        follow_up,
        FOLLOW_UP,
        FollowUp.State.CLOSED,
        actor=operator,
        field="state",
        update_fields=("closed_at", "closed_by", "outcome"),
    )
    audit.record(operator, "feedback.follow_up_closed", follow_up)
    return follow_up


def note_comments_read(actor, responses, *, where: str) -> None:
    """Staff saw clients' free-text comments (they may hold personal data): one audit entry per viewing,
    naming the responses whose comments were shown (DESIGN.md §6: staff reads of personal data are audited)."""
    ids = sorted(r.pk for r in responses if r.comment)
    if not ids:
        return
    if len(ids) == 1:
        only = next(r for r in responses if r.pk == ids[0])
        audit.record(actor, "feedback.comment_read", only, where=where)
        return
    audit.record(
        actor, "feedback.comments_read", None, summary=f"{len(ids)} comments", where=where, responses=ids
    )


# The instrument


@transaction.atomic
def ensure_current_instrument() -> Instrument:
    """Create version v1 once; an existing version's questions are never rewritten."""
    instrument = Instrument.objects.filter(version=VERSION).first()
    if instrument is None:
        Instrument.objects.filter(is_current=True).update(is_current=False)
        instrument = Instrument.objects.create(
            version=VERSION, name="Единая анкета удовлетворённости", is_current=True
        )
        for position, fields in enumerate(QUESTIONS, start=1):
            fields = dict(fields)
            options = [list(pair) for pair in fields.pop("options", [])]
            Question.objects.create(instrument=instrument, position=position, options=options, **fields)
    return instrument


# Pre-aggregated counts


def _columns() -> str:
    return ", ".join(connection.ops.quote_name(name) for name in (*aggregation.KEY, "value"))


def _insert(totals: dict) -> None:
    """Write fresh counts: COPY on PostgreSQL (an ORM insert of 100,000 rows spends seconds in Python)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {Count._meta.db_table} ({_columns()}) FROM STDIN") as copy:
                for key, value in totals.items():
                    copy.write_row((*key, value))
        return
    rows = [
        Count(value=value, **dict(zip(aggregation.KEY, key, strict=True))) for key, value in totals.items()
    ]
    Count.objects.bulk_create(rows, batch_size=aggregation.BATCH)


def _add(totals: dict) -> None:
    """Add to existing counts in one upsert per batch (PostgreSQL and SQLite both speak ON CONFLICT)."""
    quote = connection.ops.quote_name
    table = Count._meta.db_table
    placeholders = ", ".join(["%s"] * (len(aggregation.KEY) + 1))
    sql = (
        f"INSERT INTO {table} ({_columns()}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(quote(name) for name in aggregation.KEY)}) "
        f"DO UPDATE SET {quote('value')} = {table}.{quote('value')} + excluded.{quote('value')}"
    )
    rows = [(*key, value) for key, value in totals.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), aggregation.BATCH):
            cursor.executemany(sql, rows[start : start + aggregation.BATCH])


@transaction.atomic
def aggregate_full() -> aggregation.Result:
    """Recount everything; the page readers see the old counts until this transaction commits."""
    state, _created = AggregationState.objects.select_for_update().get_or_create(pk=1)
    response_high = Response.objects.aggregate(m=Max("id"))["m"] or 0
    invitation_high = Invitation.objects.aggregate(m=Max("id"))["m"] or 0
    totals = aggregation.collect((0, response_high), (0, invitation_high))
    Count.objects.all().delete()
    _insert(totals)
    state.last_response_id, state.last_invitation_id = response_high, invitation_high
    state.updated_at = timezone.now()
    state.save()
    return aggregation.Result(len(totals), response_high, invitation_high)


@transaction.atomic
def aggregate_incremental() -> aggregation.Result:
    """Add what arrived since the last run to the counts it touches."""
    state, _created = AggregationState.objects.select_for_update().get_or_create(pk=1)
    response_high = Response.objects.aggregate(m=Max("id"))["m"] or 0
    invitation_high = Invitation.objects.aggregate(m=Max("id"))["m"] or 0
    if response_high <= state.last_response_id and invitation_high <= state.last_invitation_id:
        return aggregation.Result(0, 0, 0)
    totals = aggregation.collect(
        (state.last_response_id, max(response_high, state.last_response_id)),
        (state.last_invitation_id, max(invitation_high, state.last_invitation_id)),
    )
    _add(totals)
    processed_responses = response_high - state.last_response_id
    processed_invitations = invitation_high - state.last_invitation_id
    state.last_response_id = max(response_high, state.last_response_id)
    state.last_invitation_id = max(invitation_high, state.last_invitation_id)
    state.updated_at = timezone.now()
    state.save()
    return aggregation.Result(len(totals), max(processed_responses, 0), max(processed_invitations, 0))


# The public quarter


@transaction.atomic
def publish_quarter(quarter: str, *, actor=None) -> QuarterReport:
    """Freeze a finished quarter: its figures never change again and carry their SHA-256."""
    months = selectors.quarter_months(quarter)
    if months[-1] >= timezone.localdate().replace(day=1):
        raise ValidationError(_("Quarter %(quarter)s has not ended yet.") % {"quarter": quarter})
    report, created = QuarterReport.objects.select_for_update().get_or_create(quarter=quarter)
    if created:
        record_creation(report, QUARTER_REPORT, actor=actor, field="state")
    if report.state == QuarterReport.State.PUBLISHED:
        raise ValidationError(_("Quarter %(quarter)s is already published.") % {"quarter": quarter})
    report.payload = publication.build(quarter)
    report.integrity_hash = publication.integrity_hash(report.payload)
    report.published_at = timezone.now()
    report.published_by = actor if actor is not None and actor.is_authenticated else None
    transition(
        report,
        QUARTER_REPORT,
        QuarterReport.State.PUBLISHED,
        actor=actor,
        field="state",
        update_fields=("payload", "integrity_hash", "published_at", "published_by"),
    )
    audit.record(actor, "feedback.quarter_published", report, integrity_hash=report.integrity_hash)
    return report
