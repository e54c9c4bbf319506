"""Notification templates: versioned subject and body per event × channel in Django template syntax.

A template may use only the variables its event declares (a typo is refused at save, in Russian, naming
the variable) and only a few harmless tags. Rendering produces plain text; wherever the text is shown as
HTML (the e-mail's HTML part, a page) it is escaped as a whole, so HTML in a template or a value is inert.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, TokenType, Variable, VariableNode
from django.template.defaulttags import ForNode, IfNode, WithNode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import NotificationTemplate

COMMON_VARIABLES = frozenset({"recipient_name", "site_url"})
ALLOWED_TAGS = frozenset(
    {"if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith", "comment", "endcomment"}
)


@dataclass(frozen=True)
class Event:
    code: str
    label: object
    variables: frozenset
    defaults: dict  # channel or "*" → (subject, body)


EVENTS: dict[str, Event] = {}


def register_event(code: str, label, variables, defaults: dict) -> Event:
    """Apps declare the events they notify of, the variables a template may use, and a first template."""
    event = Event(code, label, frozenset(variables) | COMMON_VARIABLES, defaults)
    EVENTS[code] = event
    return event


# Plain text: escaping happens where the text becomes HTML, not here (an SMS must not read "&lt;").
_engine = Engine(
    autoescape=False, libraries={}, builtins=["django.template.defaulttags", "django.template.defaultfilters"]
)


def _names(expression: FilterExpression):
    if isinstance(expression.var, Variable) and expression.var.lookups:
        yield expression.var.lookups[0]
    for _func, args in expression.filters:
        for is_variable, arg in args:
            if is_variable and arg.lookups:
                yield arg.lookups[0]


def _condition_names(condition):
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield from _names(value)
    for side in ("first", "second"):
        part = getattr(condition, side, None)
        if part is not None:
            yield from _condition_names(part)


def _used(nodelist, bound: frozenset):
    for node in nodelist:
        if isinstance(node, VariableNode):
            yield from (n for n in _names(node.filter_expression) if n not in bound)
        elif isinstance(node, ForNode):
            yield from (n for n in _names(node.sequence) if n not in bound)
            yield from _used(node.nodelist_loop, bound | set(node.loopvars) | {"forloop"})
            yield from _used(node.nodelist_empty, bound)
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                if condition is not None:
                    yield from (n for n in _condition_names(condition) if n not in bound)
                yield from _used(branch, bound)
        elif isinstance(node, WithNode):
            for expression in node.extra_context.values():
                yield from (n for n in _names(expression) if n not in bound)
            yield from _used(node.nodelist, bound | set(node.extra_context))
        else:
            for attribute in node.child_nodelists:
                yield from _used(getattr(node, attribute, None) or [], bound)


def check_source(event_code: str, source: str, field: str) -> None:
    """Refuse a template that does not parse, uses a tag outside the short list or an unknown variable."""
    event = EVENTS.get(event_code)
    if event is None:
        raise ValidationError({"event": _("Unknown event “%(event)s”.") % {"event": event_code}})
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = token.split_contents()[0] if token.contents.strip() else ""
            if tag not in ALLOWED_TAGS:
                raise ValidationError(
                    {field: _("The tag “%(tag)s” is not allowed in notification templates.") % {"tag": tag}}
                )
    try:
        template = _engine.from_string(source)
    except TemplateSyntaxError as error:
        raise ValidationError({field: _("Template error: %(error)s") % {"error": error}}) from error
    for name in _used(template.nodelist, frozenset()):
        if name not in event.variables:
            raise ValidationError(
                {
                    field: _("Unknown variable “%(name)s”. Allowed: %(allowed)s.")
                    % {"name": name, "allowed": ", ".join(sorted(event.variables))}
                }
            )


def render_text(template: NotificationTemplate, context: dict) -> tuple[str, str]:
    """The subject (on one line) and body a stored template gives for `context`."""
    ctx = Context(context, autoescape=False)
    subject = " ".join(_engine.from_string(template.subject).render(ctx).split())
    body = _engine.from_string(template.body).render(ctx).strip()
    return subject, body


def event_choices() -> list[tuple[str, str]]:
    return [(code, str(event.label)) for code, event in sorted(EVENTS.items())]


register_event(
    "digest",
    gettext_lazy("Digest of notifications"),
    {"items", "count", "period"},
    {
        "*": (
            gettext_lazy("Your notifications{% if period %} {{ period }}{% endif %}: {{ count }}"),
            # Built when first used, in the language active then, not at import.
            lambda: (
                "{% for item in items %}{{ forloop.counter }}. {{ item.subject }}\n\n{{ item.body }}\n"
                "{% if item.unsubscribe_url %}\n"
                + str(gettext_lazy("Unsubscribe from this topic"))
                + ": {{ item.unsubscribe_url }}\n{% endif %}\n———\n\n{% endfor %}"
            ),
        )
    },
)
