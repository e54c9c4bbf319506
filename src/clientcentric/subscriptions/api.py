from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema

from . import selectors, services

router = Router(tags=["subscriptions"])


class TopicIn(Schema):
    topic: str
    key: str = ""


class TopicOut(TopicIn):
    label: str


class ChannelIn(Schema):
    channel: str
    address: str = ""
    enabled: bool = True


class ChannelOut(ChannelIn):
    label: str


class PreferencesIn(Schema):
    frequency: str = "immediate"
    topics: list[TopicIn] = []
    channels: list[ChannelIn] = []


class PreferencesOut(Schema):
    frequency: str
    topics: list[TopicOut]
    channels: list[ChannelOut]


@router.get("", response=PreferencesOut, summary="My subscriptions: topics, channels (best first), frequency")
def get_preferences(request):
    return selectors.preferences_of(request.user)


@router.put("", response=PreferencesOut, summary="Replace my subscriptions (all or nothing)")
def put_preferences(request, payload: PreferencesIn):
    channels = {}
    for item in payload.channels:
        if item.channel in channels:
            raise ValidationError({item.channel: _("The channel is given twice.")})
        channels[item.channel] = (item.address, item.enabled)
    prefs = services.Preferences(
        frequency=payload.frequency,
        topics=[(t.topic, t.key) for t in payload.topics],
        channels=channels,
        order=list(channels),  # the list is the order of preference, best first
    )
    services.save_preferences(request.user, prefs, actor=request.user)
    return selectors.preferences_of(request.user)
