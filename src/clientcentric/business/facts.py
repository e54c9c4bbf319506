"""The business facts the applicability rules read, derived from a profile and its objects of control.

A fact the business has not given is absent from the dict, so a rule that needs it answers «unknown» and the
page asks for it. Object facts are known once the business says its list of objects is complete, or once it
lists an object of that kind.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

# fact name -> (type name of the rule engine's FactType, plain Russian-translatable label)
FACTS: dict[str, tuple[str, Any]] = {
    "okved": ("STR_SET", _("OKVED codes")),
    "legal_form": ("STR", _("legal entity or sole proprietor")),
    "size": ("STR", _("size category")),
    "region": ("STR", _("region")),
    "employees": ("INT", _("number of employees")),
    "has_employees": ("BOOL", _("whether there are employees")),
    "has_premises": ("BOOL", _("whether the business uses premises")),
    "premises_area_total": ("DECIMAL", _("total area of premises, m²")),
    "premises_purposes": ("STR_SET", _("purposes of premises")),
    "has_electrical_installation": ("BOOL", _("whether the business has electrical installations")),
    "max_voltage_kv": ("DECIMAL", _("highest voltage of electrical installations, kV")),
    "has_hazardous_facility": ("BOOL", _("whether the business runs a hazardous production facility")),
    "max_hazard_class": ("INT", _("hazard class of the most hazardous facility (I is the most hazardous)")),
    "works_at_height": ("BOOL", _("whether staff work at height")),
}

# Which part of the profile form answers for a missing fact: the page links there.
FACT_SECTION = {
    "employees": "profile",
    "has_employees": "profile",
    "works_at_height": "profile",
    "max_voltage_kv": "objects",
    "premises_area_total": "objects",
}


def schema():
    from clientcentric.engines.rules import FactType

    return {name: FactType[type_name] for name, (type_name, _label) in FACTS.items()}


def label(fact: str) -> str:
    return str(FACTS.get(fact, (None, fact))[1])


def derive(profile, objects) -> dict[str, Any]:
    """The flat fact dict of one business; ``objects`` is the list of its ControlObject rows."""
    facts: dict[str, Any] = {
        "okved": frozenset(profile.okved or ()),
        "legal_form": profile.business.kind,
        "size": profile.size,
        "region": profile.region,
    }
    if profile.employees is not None:
        facts["employees"] = profile.employees
        facts["has_employees"] = profile.employees > 0
    if profile.works_at_height is not None:
        facts["works_at_height"] = profile.works_at_height

    by_kind: dict[str, list] = {"premises": [], "electrical": [], "hazardous": []}
    for obj in objects:
        by_kind.setdefault(obj.kind, []).append(obj)
    complete = profile.objects_complete

    premises = by_kind["premises"]
    if premises or complete:
        facts["has_premises"] = bool(premises)
        facts["premises_purposes"] = frozenset(o.purpose for o in premises if o.purpose)
        if all(o.area is not None for o in premises):
            facts["premises_area_total"] = sum((o.area for o in premises), Decimal(0))

    electrical = by_kind["electrical"]
    if electrical or complete:
        facts["has_electrical_installation"] = bool(electrical)
        voltages = [o.voltage_kv for o in electrical]
        if not electrical:
            facts["max_voltage_kv"] = Decimal(0)
        elif all(v is not None for v in voltages):
            facts["max_voltage_kv"] = max(voltages)

    hazardous = by_kind["hazardous"]
    if hazardous or complete:
        facts["has_hazardous_facility"] = bool(hazardous)
        if hazardous:
            facts["max_hazard_class"] = min(o.hazard_class for o in hazardous)
    return facts
