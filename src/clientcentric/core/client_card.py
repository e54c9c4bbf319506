"""The sections of the operator's client card (appeals/client_card.py). Apps above appeals in the layers, or beside
it, each register the part of the card they know (requests and offers, ratings, the contacts a client allows), so
appeals never imports them."""

from collections.abc import Callable

LIMIT = 10  # rows per list on the card

# (person, agency id) → the card's fields this app fills: "contacts" (extended), "requests", "offers", "ratings"…
Section = Callable[[object, int | None], dict]
_SECTIONS: list[Section] = []


def register_section(section: Section) -> Section:
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def sections() -> tuple[Section, ...]:
    return tuple(_SECTIONS)
