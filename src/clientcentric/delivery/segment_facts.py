"""The facts a segment rule may use: the client's person and household facts plus their history with the agency.

Eligibility rules see only what decides a right; a segment is also about how a client deals with the state
(DEL-2: "from typical needs and interaction history"), so segment rules add counts from the history. Reads only.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clientcentric.appeals.models import Appeal
from clientcentric.engines.rules import FactType, RuleError, compile_rule
from clientcentric.rules.facts.person import SCHEMA, profile_facts
from clientcentric.rules.messages import describe_error

from .models import Appointment, ClientLifeSituation, ServiceRequest
from .selectors import rules as rule_selectors

HISTORY_FACTS = {
    "n_appeals": FactType.INT,
    "n_requests": FactType.INT,
    "n_refused": FactType.INT,
    "n_situations": FactType.INT,
    "n_visits": FactType.INT,
}
SEGMENT_SCHEMA = {**SCHEMA, **HISTORY_FACTS}

# The words for a history fact in the client's "why" (Russian via the .po file).
HISTORY_LABELS = {
    "n_appeals": gettext_noop("appeals filed"),
    "n_requests": gettext_noop("service requests"),
    "n_refused": gettext_noop("refused requests"),
    "n_situations": gettext_noop("open life situations"),
    "n_visits": gettext_noop("in-person visits booked"),
}


# Compiled once per process and per set of parameter names: a rule runs for every client whose facts change.
_compiled: dict = {}


def check_segment_rule(text: str):
    """The compiled rule, or a Russian ValidationError naming the problem and its place."""
    if not text:
        raise ValidationError(_("Write the rule."))
    _parameters, names = rule_selectors.cached_parameters()
    key = (text, names)
    if key not in _compiled:
        try:
            compiled = compile_rule(text, SEGMENT_SCHEMA, names)
        except RuleError as error:
            raise ValidationError(describe_error(error, known=SEGMENT_SCHEMA)) from error
        if len(_compiled) > 500:
            _compiled.clear()
        _compiled[key] = compiled
    return _compiled[key]


def history_facts(client) -> dict:
    """Counts of the client's contacts with the agency: appeals, requests, refusals, situations, visits."""
    requests = ServiceRequest.objects.filter(client=client)
    return {
        "n_appeals": Appeal.objects.filter(author=client).count(),
        "n_requests": requests.count(),
        "n_refused": requests.filter(status=ServiceRequest.Status.REFUSED).count(),
        "n_situations": ClientLifeSituation.objects.filter(client=client, closed_at__isnull=True).count(),
        "n_visits": Appointment.objects.filter(client=client).count(),
    }


def segment_facts(profile, on: date) -> dict:
    return {**profile_facts(profile, on), **history_facts(profile.user)}
