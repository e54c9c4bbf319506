"""Kinds of activity an applicability rule speaks of, read from a business's OKVED codes.

The acts govern activities («производственные объекты», «пожароопасные работы», «объекты торговли»), not codes:
each activity here is the OKVED classes (prefixes, OK 029-2014) whose businesses carry it on. A business has an
activity when one of its codes starts with one of the activity's prefixes. The Russian names live in the business
app (they are UI text); this table is the reviewed mapping.
"""

from __future__ import annotations

from collections.abc import Iterable

ACTIVITY_OKVED: dict[str, tuple[str, ...]] = {
    "food_production": ("10", "11"),
    "catering": ("56",),
    "retail": ("47",),
    "fuel_retail": ("47.3",),
    "wholesale": ("46",),
    "agriculture": ("01",),
    "forestry": ("02",),
    "woodworking": ("16", "31"),
    "printing": ("18",),
    "chemicals": ("20", "21"),
    "explosives": ("20.51",),
    "metalworking": ("24", "25", "28", "29", "30"),
    # Welding, cutting, soldering, open flame: metal trades, repair, construction trades, vehicle repair.
    "hot_works": ("24", "25", "28", "29", "30", "33.1", "42", "43.2", "43.9", "45.2"),
    "construction": ("41", "42", "43"),
    "roofing": ("43.91",),
    # Building trades proper (not electrical or plumbing installation): frames, masonry, concrete, roofs.
    "building_construction": ("41", "42", "43.1", "43.9"),
    "finishing": ("43.3",),
    "weapons_retail": ("47.78.9",),
    "electrical_works": ("33.14", "35.12", "35.13", "42.22", "43.21"),
    "electrical_network": ("35.12", "35.13", "42.22"),
    "power_generation": ("35.11",),
    "heat_supply": ("35.3",),
    "gas_supply": ("35.2", "46.71", "47.3"),
    "transport": ("49", "50", "51", "52.2", "53"),
    "rail_transport": ("49.1", "49.2", "52.21.1"),
    "warehousing": ("52.1",),
    "telecom": ("61",),
    "accommodation": ("55",),
    "children_recreation": ("55.20",),
    "education": ("85",),
    "healthcare": ("86",),
    "social_care": ("87", "88"),
    "culture": ("59.14", "90", "91", "93"),
    "religion": ("94.91",),
    "public_administration": ("84",),
    "cleaning": ("81.2",),
}


def activities(okved: Iterable[str]) -> frozenset[str]:
    """The activities whose OKVED prefixes one of the codes starts with (a prefix matches whole groups only)."""
    codes = [str(code).strip() for code in okved or () if str(code).strip()]
    found = set()
    for name, prefixes in ACTIVITY_OKVED.items():
        for code in codes:
            if any(
                code == p or code.startswith(p + ".") or (len(p) == 4 and code.startswith(p))
                for p in prefixes
            ):
                found.add(name)
                break
    return frozenset(found)
