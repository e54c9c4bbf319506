"""Subscriptions: preferences, who hears of an event on which channel, digests, one-click unsubscribe."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from clientcentric.core import message_templates, transports
from clientcentric.core.models import Channel, Notification
from clientcentric.core.notification_workflow import NOTIFICATION
from clientcentric.core.services import audit, chains, notifications
from clientcentric.core.services import message_templates as template_services
from clientcentric.engines.text import personal_data

from . import topics
from .models import Frequency, Subscription, SubscriptionChannel, SubscriptionTopic

UNSUBSCRIBE_SALT = "clientcentric.subscriptions.unsubscribe"
_PHONE = re.compile(r"^\+\d{11,15}$")
_TELEGRAM = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{4,31}|-?\d{5,20})$")
_PUSH_TOKEN = re.compile(r"^[A-Za-z0-9_:\-.]{16,4096}$")


@dataclass
class Preferences:
    frequency: str = Frequency.IMMEDIATE
    topics: list[tuple[str, str]] = field(default_factory=list)
    channels: dict[str, tuple[str, bool]] = field(default_factory=dict)  # channel → (address, enabled)
    order: list[str] = field(
        default_factory=list
    )  # channels best first; those not named follow in this order


def available_channels() -> list[str]:
    return [c for c in Channel.values if transports.is_available(c)]


def normalise_address(channel: str, address: str) -> str:
    address = address.strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(_("Enter a valid e-mail address, like name@example.ru.")) from None
        return address.lower()
    if channel == Channel.SMS:
        digits = re.sub(r"[\s()\-]", "", address)
        if re.fullmatch(r"8\d{10}", digits):
            digits = "+7" + digits[1:]
        elif re.fullmatch(r"7\d{10}", digits):
            digits = "+" + digits
        if not _PHONE.match(digits):
            raise ValidationError(_("Enter a phone number with the country code, like +7 900 123-45-67."))
        return digits
    if channel == Channel.MESSENGER:
        if not _TELEGRAM.match(address):
            raise ValidationError(_("Enter a Telegram @username or a numeric chat id."))
        return address
    if channel == Channel.CABINET:
        return ""  # the cabinet is the person's own inbox: no address to give
    if channel == Channel.PUSH:
        if not _PUSH_TOKEN.match(address):
            raise ValidationError(_("The push token of the device is not valid."))
        return address
    raise ValidationError(_("Unknown channel “%(channel)s”.") % {"channel": channel})


def _default_subscription(person) -> Subscription:
    subscription = Subscription.objects.create(person=person)
    SubscriptionTopic.objects.create(subscription=subscription, topic=topics.APPEALS)
    if person.email:
        SubscriptionChannel.objects.create(
            subscription=subscription, channel=Channel.EMAIL, address=person.email.lower()
        )
    return subscription


def subscription_for(person) -> Subscription:
    """A person who never chose hears of their own appeals by e-mail, immediately."""
    existing = Subscription.objects.filter(person=person).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _default_subscription(person)
    except IntegrityError:  # created meanwhile by a concurrent change; the caller's transaction goes on
        return Subscription.objects.get(person=person)


def guest_subscription(email: str) -> Subscription:
    email = email.strip().lower()
    existing = Subscription.objects.filter(person__isnull=True, guest_email=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(guest_email=email)
            SubscriptionTopic.objects.create(subscription=subscription, topic=topics.APPEALS)
            SubscriptionChannel.objects.create(
                subscription=subscription, channel=Channel.EMAIL, address=email
            )
            return subscription
    except IntegrityError:
        return Subscription.objects.get(person__isnull=True, guest_email=email)


def _validate(prefs: Preferences) -> tuple[list[tuple[str, str]], dict[str, tuple[str, bool]]]:
    errors: dict[str, list[str]] = defaultdict(list)
    if prefs.frequency not in Frequency.values:
        errors["frequency"].append(_("Choose how often: immediately, daily or weekly."))
    chosen = []
    for topic, key in prefs.topics:
        known = topics.TOPICS.get(topic)
        if known is None:
            errors["topics"].append(_("Unknown topic “%(topic)s”.") % {"topic": topic})
        elif key and not known.keyed:
            errors["topics"].append(_("The topic “%(topic)s” has no sub-topics.") % {"topic": topic})
        elif (topic, key.strip()) not in chosen:
            chosen.append((topic, key.strip()[:200]))
    offered = available_channels()
    channels = {}
    for channel, (address, enabled) in prefs.channels.items():
        if channel not in Channel.values:
            errors["channels"].append(_("Unknown channel “%(channel)s”.") % {"channel": channel})
            continue
        if enabled and channel not in offered:
            errors[channel].append(_("This channel is not available here."))
            continue
        if channel == Channel.CABINET:
            channels[channel] = ("", enabled)
            continue
        if not address.strip():
            if enabled:
                errors[channel].append(_("Enter the address for this channel or switch it off."))
            channels[channel] = ("", False)
            continue
        try:
            channels[channel] = (normalise_address(channel, address), enabled)
        except ValidationError as error:
            errors[channel].extend(error.messages)
    if errors:
        raise ValidationError(dict(errors))
    return chosen, channels


@transaction.atomic
def save_preferences(person, prefs: Preferences, *, actor=None) -> Subscription:
    """Replace a person's topics, channels and frequency; all or nothing."""
    chosen, channels = _validate(prefs)
    subscription = Subscription.objects.select_for_update().filter(person=person).first()
    if subscription is None:
        subscription = Subscription.objects.create(person=person)
    subscription.frequency = prefs.frequency
    subscription.save(update_fields=["frequency", "updated_at"])
    subscription.topics.exclude(
        pk__in=[t.pk for t in subscription.topics.all() if (t.topic, t.key) in chosen]
    ).delete()
    existing = set(subscription.topics.values_list("topic", "key"))
    SubscriptionTopic.objects.bulk_create(
        SubscriptionTopic(subscription=subscription, topic=t, key=k)
        for t, k in chosen
        if (t, k) not in existing
    )
    subscription.channels.exclude(channel__in=list(channels)).delete()
    ranked = [c for c in prefs.order if c in channels] + [c for c in channels if c not in prefs.order]
    for channel, (address, enabled) in channels.items():
        SubscriptionChannel.objects.update_or_create(
            subscription=subscription,
            channel=channel,
            defaults={"address": address, "is_enabled": enabled, "position": ranked.index(channel)},
        )
    if subscription.frequency == Frequency.IMMEDIATE:
        _release_held(subscription)
    audit.record(
        actor or person,
        "subscriptions.preferences_saved",
        subscription,
        frequency=subscription.frequency,
        topics=[f"{t}:{k}" if k else t for t, k in chosen],
        channels=sorted(c for c, (_a, on) in channels.items() if on),
        order=[c for c in ranked if channels[c][1]],
    )
    return subscription


def _release_held(subscription: Subscription) -> None:
    # Switching to "immediately": what waited for a digest goes out as one now rather than waiting.
    held = Notification.objects.filter(subscription_id=subscription.pk, state=Notification.State.HELD)
    if held.exists():
        transaction.on_commit(lambda: send_digests(None, subscription_ids=[subscription.pk]))


# One-click unsubscribe ---------------------------------------------------------------------------------


def unsubscribe_token(subscription_id: int, topic: str, key: str = "") -> str:
    return signing.dumps({"s": subscription_id, "t": topic, "k": key}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(subscription_id: int, topic: str, key: str = "") -> str:
    path = reverse("subscriptions:unsubscribe", args=[unsubscribe_token(subscription_id, topic, key)])
    return settings.CLIENTCENTRIC_SITE_URL.rstrip("/") + path


@dataclass
class Unsubscribed:
    subscription: Subscription | None
    topic: str
    key: str
    changed: bool

    @property
    def label(self) -> str:
        return topics.label(self.topic, self.key)


def _read_unsubscribe_token(token: str) -> tuple[int, str, str]:
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not {"s", "t", "k"} <= data.keys():
        raise signing.BadSignature("unexpected payload")
    return data["s"], str(data["t"]), str(data["k"])


def unsubscribe_preview(token: str) -> Unsubscribed:
    """What the link would unsubscribe from, changing nothing (the page a person confirms). BadSignature if forged."""
    subscription_id, topic, key = _read_unsubscribe_token(token)
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return Unsubscribed(None, topic, key, False)
    rows = (
        subscription.topics.all() if topic == topics.ALL else subscription.topics.filter(topic=topic, key=key)
    )
    return Unsubscribed(subscription, topic, key, rows.exists())


@transaction.atomic
def unsubscribe(token: str) -> Unsubscribed:
    """Idempotent: a replayed link finds nothing left to remove and says so. A forged one raises BadSignature."""
    subscription_id, topic, key = _read_unsubscribe_token(token)
    subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
    if subscription is None:
        return Unsubscribed(None, topic, key, False)
    rows = (
        subscription.topics.all() if topic == topics.ALL else subscription.topics.filter(topic=topic, key=key)
    )
    removed, _detail = rows.delete()
    if removed:
        audit.record(None, "subscriptions.unsubscribed", subscription, topic=topic, key=key)
    return Unsubscribed(subscription, topic, key, bool(removed))


# Who hears of an event -----------------------------------------------------------------------------------


def _recipient_name(subscription: Subscription) -> str:
    person = subscription.person
    if person is None:
        return ""
    return person.first_name or ""


def routes_of(subscription: Subscription) -> list[tuple[str, str]]:
    """The subscription's enabled channels, best first, as (channel, address). A person's cabinet is always
    among them (last unless they placed it): the inbox on the portal is where a message can always land."""
    rows = sorted(subscription.channels.all(), key=lambda c: (c.position, c.channel))
    routes = []
    for row in rows:
        if not row.is_enabled:
            continue
        if row.channel == Channel.CABINET:
            if subscription.person_id:
                routes.append((Channel.CABINET, str(subscription.person_id)))
            continue
        routes.append((row.channel, row.address))
    has_cabinet_row = any(row.channel == Channel.CABINET for row in rows)
    if subscription.person_id and not has_cabinet_row:
        routes.append((Channel.CABINET, str(subscription.person_id)))
    return routes


def routes_for_person(person) -> list[tuple[str, str]]:
    """Core's route resolver (core.services.chains.set_route_resolver): nothing is created by asking."""
    subscription = Subscription.objects.filter(person=person).prefetch_related("channels").first()
    if subscription is None:
        return [(Channel.EMAIL, person.email or ""), (Channel.CABINET, str(person.pk))]
    return routes_of(subscription)


def _dispatch(subscription, event: str, topic: str, key: str, context: dict, about, seen: set) -> int:
    """Render the message for each of the subscription's channels and enqueue them as one chain: it goes out on
    the first that works, in the client's order. A digest subscription holds it for the digest on the first
    channel. `seen` keeps one copy per address and channel across subscriptions."""
    routes = [r for r in routes_of(subscription) if r not in seen]
    if not routes:
        return 0
    seen.update(routes)
    url = unsubscribe_url(subscription.pk, topic, key)
    full_context = {
        **context,
        "recipient_name": _recipient_name(subscription),
        "site_url": settings.CLIENTCENTRIC_SITE_URL,
    }
    if subscription.frequency != Frequency.IMMEDIATE:
        channel, address = routes[0]
        subject, body, template = template_services.render(event, channel, full_context)
        notifications.enqueue(
            channel=channel,
            address=address,
            subject=subject,
            body=body,
            event=event,
            topic=topic,
            topic_key=key,
            template=template,
            subscription_id=subscription.pk,
            unsubscribe_url=url,
            about=about,
            hold=True,
        )
        return 1
    chains.enqueue_chain(
        _rendered_steps(routes, event, full_context),
        event=event,
        topic=topic,
        topic_key=key,
        subscription_id=subscription.pk,
        unsubscribe_url=url,
        about=about,
    )
    return 1


def _rendered_steps(routes, event: str, context: dict) -> list[dict]:
    steps = []
    for channel, address in routes:
        subject, body, template = template_services.render(event, channel, context)
        steps.append(
            {"channel": channel, "address": address, "subject": subject, "body": body, "template": template}
        )
    return steps


def _follows(subscription: Subscription, topic: str, key: str) -> bool:
    return any(t.topic == topic and (not t.key or t.key == key) for t in subscription.topics.all())


def notify_appeal_followers(appeal, note: str = "") -> int:
    """The author and every supporter hear of a status change on the channels they chose."""
    from django.contrib.auth import get_user_model

    person_ids = {appeal.author_id} if appeal.author_id else set()
    person_ids |= set(appeal.supports.values_list("person_id", flat=True))
    people = get_user_model().objects.filter(pk__in=person_ids).order_by("pk")
    subscriptions = [subscription_for(person) for person in people]
    known_emails = {p.email.lower() for p in people if p.email}
    if appeal.contact_email and appeal.contact_email.lower() not in known_emails and not appeal.author_id:
        subscriptions.append(guest_subscription(appeal.contact_email))
    context = {
        "number": appeal.number,
        "status": str(appeal.get_status_display()),
        "note": note,
        "url": settings.CLIENTCENTRIC_SITE_URL.rstrip("/") + appeal.get_absolute_url(),
    }
    # Supporters are the public: what the operator wrote reaches them with personal data masked, as on the
    # tracker; the author (signed in, or the guest's own address) reads it whole.
    public_context = {**context, "note": personal_data.mask(note)}
    if not appeal.author_id:
        # A guest author has no account to open the appeal's page with (and it may be unpublished): their link is
        # the status check, where the number and the confirmation code they were sent open it.
        context["url"] = (
            f"{settings.CLIENTCENTRIC_SITE_URL.rstrip('/')}{reverse('appeals:status')}?number={appeal.number}"
        )
    seen: set = set()
    count = 0
    for subscription in Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).prefetch_related(
        "channels", "topics", "person"
    ):
        is_author = subscription.person_id is None or subscription.person_id == appeal.author_id
        if _follows(subscription, topics.APPEALS, ""):
            count += _dispatch(
                subscription,
                topics.APPEAL_STATUS_CHANGED.code,
                topics.APPEALS,
                "",
                context if is_author else public_context,
                appeal,
                seen,
            )
    return count


@transaction.atomic
def publish(event: str, topic: str, context: dict, *, key: str = "", about=None, actor=None) -> int:
    """Tell everyone who follows `topic` (and `key`, or the whole topic): registry news, a KB update …"""
    if topic not in topics.TOPICS:
        raise ValidationError({"topic": _("Unknown topic “%(topic)s”.") % {"topic": topic}})
    if event not in message_templates.EVENTS:
        raise ValidationError({"event": _("Unknown event “%(event)s”.") % {"event": event}})
    missing = message_templates.EVENTS[event].variables - message_templates.COMMON_VARIABLES - context.keys()
    if missing:
        raise ValidationError(
            {"context": _("Values missing: %(names)s.") % {"names": ", ".join(sorted(missing))}}
        )
    followers = (
        Subscription.objects.filter(topics__topic=topic, topics__key__in={"", key})
        .distinct()
        .prefetch_related("channels", "topics", "person")
        .order_by("pk")
    )
    seen: set = set()
    count = sum(_dispatch(s, event, topic, key, context, about, seen) for s in followers.iterator(1000))
    audit.record(actor, "subscriptions.published", about, event=event, topic=topic, key=key, messages=count)
    return count


# Digests -------------------------------------------------------------------------------------------------


def send_digests(frequency: str | None, *, subscription_ids=None) -> int:
    """Fold each subscription's held messages into one digest per channel and send it through the outbox.

    `frequency` picks the subscriptions whose period has come (the beat schedule calls daily and weekly);
    those that switched to "immediately" meanwhile are flushed too.
    """
    held = Notification.objects.filter(state=Notification.State.HELD, subscription_id__isnull=False)
    if subscription_ids is not None:
        held = held.filter(subscription_id__in=subscription_ids)
    elif frequency is not None:
        due = Subscription.objects.filter(frequency__in=[frequency, Frequency.IMMEDIATE])
        held = held.filter(subscription_id__in=due.values("pk"))
    groups = sorted(set(held.values_list("subscription_id", "channel", "address")))
    made = 0
    for subscription_id, channel, address in groups:
        made += _send_digest(subscription_id, channel, address, frequency)
    return made


@transaction.atomic
def _send_digest(subscription_id: int, channel: str, address: str, frequency: str | None) -> int:
    items = list(
        Notification.objects.select_for_update()
        .filter(
            state=Notification.State.HELD, subscription_id=subscription_id, channel=channel, address=address
        )
        .order_by("created_at", "pk")
    )
    if not items:
        return 0  # another run took them
    subscription = Subscription.objects.filter(pk=subscription_id).select_related("person").first()
    period = {Frequency.DAILY: _("for the day"), Frequency.WEEKLY: _("for the week")}.get(frequency, "")
    context = {
        "items": [
            {"subject": n.subject, "body": n.body, "unsubscribe_url": n.unsubscribe_url} for n in items
        ],
        "count": len(items),
        "period": period,
        "recipient_name": _recipient_name(subscription) if subscription else "",
        "site_url": settings.CLIENTCENTRIC_SITE_URL,
    }
    # The digest goes where its items were held, and falls back along the client's other channels.
    routes = [(channel, address)]
    if subscription is not None:
        routes += [r for r in routes_of(subscription) if r != (channel, address)]
    rows = chains.enqueue_chain(
        _rendered_steps(routes, "digest", context),
        event="digest",
        topic=topics.ALL,
        subscription_id=subscription_id,
        unsubscribe_url=unsubscribe_url(subscription_id, topics.ALL) if subscription else "",
    )
    digest = rows[0]
    NOTIFICATION.check(Notification.State.HELD, Notification.State.DIGESTED)
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(
        state=Notification.State.DIGESTED, digest=digest
    )
    notifications.redact([n.pk for n in items])
    return 1
