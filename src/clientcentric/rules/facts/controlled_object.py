"""The facts of a business's objects of control (premises, electrical installations, hazardous facilities).

An object fact is known once the business says its list of objects is complete, or once it lists an object of
that kind: a business that lists nothing may simply not have said yet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from clientcentric.engines.rules import FactType

from . import CONTROLLED_OBJECT, FactProvider, register

# fact name -> (type name of the rule engine's FactType, plain Russian-translatable label)
FACTS: dict[str, tuple[str, Any]] = {
    "has_premises": ("BOOL", _("whether the business uses premises")),
    "premises_area_total": ("DECIMAL", _("total area of premises, m²")),
    "premises_purposes": ("STR_SET", _("purposes of premises")),
    "has_electrical_installation": ("BOOL", _("whether the business has electrical installations")),
    "max_voltage_kv": ("DECIMAL", _("highest voltage of electrical installations, kV")),
    "has_hazardous_facility": ("BOOL", _("whether the business runs a hazardous production facility")),
    "max_hazard_class": ("INT", _("hazard class of the most hazardous facility (I is the most hazardous)")),
    "has_territory": ("BOOL", _("whether the business holds a land plot (territory)")),
}


def _premises(premises: list, facts: dict) -> None:
    facts["has_premises"] = bool(premises)
    facts["premises_purposes"] = frozenset(o.purpose for o in premises if o.purpose)
    if all(o.area is not None for o in premises):
        facts["premises_area_total"] = sum((o.area for o in premises), Decimal(0))


def _electrical(electrical: list, facts: dict) -> None:
    facts["has_electrical_installation"] = bool(electrical)
    voltages = [o.voltage_kv for o in electrical]
    if not electrical:
        facts["max_voltage_kv"] = Decimal(0)
    elif all(v is not None for v in voltages):
        facts["max_voltage_kv"] = max(voltages)


def _hazardous(hazardous: list, facts: dict) -> None:
    facts["has_hazardous_facility"] = bool(hazardous)
    if hazardous:
        facts["max_hazard_class"] = min(o.hazard_class for o in hazardous)


def _territory(territory: list, facts: dict) -> None:
    facts["has_territory"] = bool(territory)


_BY_KIND = {
    "premises": _premises,
    "electrical": _electrical,
    "hazardous": _hazardous,
    "territory": _territory,
}


def derive(objects, complete: bool) -> dict[str, Any]:
    """The object facts of one business from its ControlObject rows; `complete` says the list is whole."""
    by_kind: dict[str, list] = {kind: [] for kind in _BY_KIND}
    for obj in objects:
        by_kind.setdefault(obj.kind, []).append(obj)
    facts: dict[str, Any] = {}
    for kind, fill in _BY_KIND.items():
        if by_kind[kind] or complete:
            fill(by_kind[kind], facts)
    return facts


PROVIDER = register(
    FactProvider(
        CONTROLLED_OBJECT,
        {name: FactType[type_name] for name, (type_name, _label) in FACTS.items()},
        {name: label for name, (_type, label) in FACTS.items()},
        derive,
    )
)
