"""The business facts the applicability rules read, derived from a profile and its objects of control.

A fact the business has not given is absent from the dict, so a rule that needs it answers «unknown» and the
page asks for it. The facts of its objects come from the controlled-object provider.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from clientcentric.engines.requirements.activities import activities as activities_of
from clientcentric.engines.rules import FactType

from . import BUSINESS, FactProvider, controlled_object, register

# fact name -> (type name of the rule engine's FactType, plain Russian-translatable label)
PROFILE_FACTS: dict[str, tuple[str, Any]] = {
    "okved": ("STR_SET", _("OKVED codes")),
    "activities": ("STR_SET", _("kinds of activity (from the OKVED codes)")),
    "legal_form": ("STR", _("legal entity or sole proprietor")),
    "size": ("STR", _("size category")),
    "region": ("STR", _("region")),
    "registered_on": ("DATE", _("date of state registration")),
    "employees": ("INT", _("number of employees")),
    "has_employees": ("BOOL", _("whether there are employees")),
    "works_at_height": ("BOOL", _("whether staff work at height")),
    "multistorey_glazing": ("BOOL", _("whether the building has glazed walls higher than one storey")),
}
FACTS: dict[str, tuple[str, Any]] = {**PROFILE_FACTS, **controlled_object.FACTS}

# Which part of the profile form answers for a missing fact: the page links there.
FACT_SECTION = {
    "employees": "profile",
    "registered_on": "profile",
    "has_employees": "profile",
    "works_at_height": "profile",
    "multistorey_glazing": "profile",
    "max_voltage_kv": "objects",
    "premises_area_total": "objects",
}


def schema() -> dict[str, FactType]:
    return {name: FactType[type_name] for name, (type_name, _label) in FACTS.items()}


def label(fact: str) -> str:
    return str(FACTS.get(fact, (None, fact))[1])


def derive(profile, objects) -> dict[str, Any]:
    """The flat fact dict of one business; ``objects`` is the list of its ControlObject rows."""
    facts: dict[str, Any] = {
        "okved": frozenset(profile.okved or ()),
        "activities": activities_of(profile.okved or ()),
        "legal_form": profile.business.kind,
        "size": profile.size,
        "region": profile.region,
    }
    if getattr(profile, "registered_on", None) is not None:
        facts["registered_on"] = profile.registered_on
    if profile.employees is not None:
        facts["employees"] = profile.employees
        facts["has_employees"] = profile.employees > 0
    if profile.works_at_height is not None:
        facts["works_at_height"] = profile.works_at_height
    if getattr(profile, "multistorey_glazing", None) is not None:
        facts["multistorey_glazing"] = profile.multistorey_glazing
    facts.update(controlled_object.derive(objects, profile.objects_complete))
    return facts


PROVIDER = register(
    FactProvider(BUSINESS, schema(), {name: label for name, (_type, label) in FACTS.items()}, derive)
)
