"""What an appeal's place says to the models, without NumPy: the address's words and the kind of object.

Kept apart from :mod:`.routing` so that the web process can build the features of one appeal (and know how many
topics to ask for) without importing the numerical stack at start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TOPIC_TOP = 5  # the topics a caller passes per text (``predict_top(..., k=TOPIC_TOP)``)

TopicTop = Sequence[tuple[str, float]]


_ADDRESS_WORD = re.compile(r"[а-я]+")


def address_features(address: str | None) -> dict[str, float]:
    """The address's words as the topic model's extra features: «улица», «проспект», «дом», «корпус»…

    They tell a house from a street, a yard, an embankment or a park, which many topics hinge on (snow on the
    road or in the yard); an appeal without an address is a feature too. Numbers (house numbers) are left out.
    """
    words = _ADDRESS_WORD.findall((address or "").lower().replace("ё", "е"))
    if not words:
        return {"address:none": 1.0}
    return {f"address:{word}": 1.0 for word in sorted(set(words))}


def role_features(address: str | None, municipality: str | None = None) -> dict[str, float | str]:
    """The executor's role model's extra features: the address's words and the municipality (муниципальный округ).

    A yard, a lawn or a road has no address on the portal, so for half of the appeals the district is all the
    place there is; the municipality, a finer unit, tells the neighbourhoods whose yards the district's
    administration keeps from those its housing agency keeps (validation month: 0.804 → 0.809, see
    docs/appeals.md). An empty municipality adds nothing.
    """
    features: dict[str, float | str] = dict(address_features(address))
    if municipality:
        features["municipality"] = municipality.strip()
    return features


def object_key(object_kind: str | None) -> str:
    """The kind of object as the models count it: lowercase, ё as е, single spaces («Двор» → «двор»)."""
    return " ".join((object_kind or "").lower().replace("ё", "е").split())


_HOUSE_WORDS = frozenset({"дом", "квартира", "кв"})


_HOUSE_OBJECTS = frozenset({"дом", "квартира"})


def place_kinds(address: str | None, object_kind: str | None = None) -> tuple[str, ...]:
    """The kinds of place for the executor's place–topic table, the most telling first: the kind of object the
    citizen chose, when there is one («двор», «улица», «сооружение»…; a house or a flat is «house»), then what
    the address names («house», «street», «none»). A training appeal counts under each; an appeal to route
    uses the first one its table has counted."""
    by_address = address_kind(address)
    if kind := object_key(object_kind):
        by_object = "house" if kind in _HOUSE_OBJECTS else kind
        return (by_object,) if by_object == by_address else (by_object, by_address)
    return (by_address,)


def address_kind(address: str | None) -> str:
    """What kind of place the address names, for the executor's place–topic table: «house», «street» or «none».

    A house (or a flat in it) goes mostly to the district's housing agency or its management company; a street,
    a yard or a park mostly to the district's administration or a city committee.
    """
    words = set(_ADDRESS_WORD.findall((address or "").lower().replace("ё", "е")))
    if not words:
        return "none"
    return "house" if words & _HOUSE_WORDS else "street"
