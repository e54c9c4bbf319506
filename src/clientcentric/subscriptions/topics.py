"""The topics a person can follow and the events that notify them.

Another app adds a topic or an event here (or with `register_event`) and calls
`services.publish(event, topic, key, context)`; the subscriptions decide who hears of it, where and when.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from clientcentric.core.message_templates import register_event

APPEALS = "appeals.status"
REGISTRY = "registry.news"
KNOWLEDGE_BASE = "kb.updates"
ALL = "*"


@dataclass(frozen=True)
class Topic:
    code: str
    label: object
    keyed: bool = False


TOPICS = {
    APPEALS: Topic(APPEALS, _("Status changes of appeals I filed or support")),
    REGISTRY: Topic(REGISTRY, _("News of the registry: needs, services, life situations")),
    KNOWLEDGE_BASE: Topic(KNOWLEDGE_BASE, _("Knowledge base updates on a topic"), keyed=True),
}


def label(topic: str, key: str = "") -> str:
    if topic == ALL:
        return str(_("all notifications"))
    known = TOPICS.get(topic)
    text = str(known.label) if known else topic
    return f"{text}: {key}" if key else text


APPEAL_STATUS_CHANGED = register_event(
    "appeal.status_changed",
    _("Appeal status changed"),
    {"number", "status", "note", "url"},
    {
        "email": (
            _("Appeal {{ number }}: {{ status }}"),
            _(
                "Hello{% if recipient_name %}, {{ recipient_name }}{% endif %}!\n\n"
                "The status of appeal {{ number }} is now “{{ status }}”.\n\n"
                "{% if note %}{{ note }}\n\n{% endif %}Follow it here: {{ url }}"
            ),
        ),
        "*": (
            _("Appeal {{ number }}: {{ status }}"),
            _("Appeal {{ number }}: {{ status }}. {{ url }}"),
        ),
    },
)
REGISTRY_NEWS = register_event(
    "registry.news",
    _("Registry news"),
    {"title", "text", "url"},
    {"*": ("{{ title }}", "{{ title }}\n\n{{ text }}\n\n{{ url }}")},
)
KNOWLEDGE_BASE_UPDATED = register_event(
    "kb.updated",
    _("Knowledge base article updated"),
    {"topic", "title", "text", "url"},
    {"*": ("{{ topic }}: {{ title }}", "{{ title }}\n\n{{ text }}\n\n{{ url }}")},
)
