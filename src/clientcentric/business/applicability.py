"""Which items of an act apply to which businesses: the reviewed table, the fact catalogue, «why it applies».

The table is ``data/requirements/applicability.csv`` — for each act, chapter (or items, or a pattern in the item's
text), the rule over the business facts, and the object or activity the part governs. It was written by reading
each chapter's scope and items (a flax-processing chapter governs agriculture, not a bakery; welding governs
businesses that do hot works). The first row that matches an item decides; an act's own scope rule still applies
on top. Rows are data: a methodologist edits the CSV and reloads.

«Why it applies» is generated from the facts the rule reads, each in Russian words with the business's value —
never the rule's syntax.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from clientcentric.core import formats
from clientcentric.rules import business as rules

SUBJECT_KINDS = {
    "object": gettext_lazy("by object"),
    "activity": gettext_lazy("by activity"),
    "general": gettext_lazy("for every business"),
}

# The activities of engines.requirements.activities, in the words a business owner uses.
ACTIVITY_LABELS = {
    "food_production": gettext_lazy("food production"),
    "catering": gettext_lazy("catering"),
    "retail": gettext_lazy("retail trade"),
    "fuel_retail": gettext_lazy("fuel retail (filling stations)"),
    "wholesale": gettext_lazy("wholesale trade"),
    "agriculture": gettext_lazy("agriculture"),
    "forestry": gettext_lazy("forestry"),
    "woodworking": gettext_lazy("woodworking and furniture"),
    "printing": gettext_lazy("printing"),
    "chemicals": gettext_lazy("chemical production"),
    "explosives": gettext_lazy("explosives and pyrotechnics production"),
    "metalworking": gettext_lazy("metallurgy and metalworking"),
    "hot_works": gettext_lazy("hot works: welding, cutting, open flame"),
    "construction": gettext_lazy("construction"),
    "roofing": gettext_lazy("roofing"),
    "building_construction": gettext_lazy("building construction"),
    "finishing": gettext_lazy("finishing works"),
    "weapons_retail": gettext_lazy("retail of weapons and ammunition"),
    "electrical_works": gettext_lazy("electrical installation and repair works"),
    "electrical_network": gettext_lazy("power lines and networks"),
    "power_generation": gettext_lazy("power generation"),
    "heat_supply": gettext_lazy("heat supply, boiler houses"),
    "gas_supply": gettext_lazy("gas and liquefied gas"),
    "transport": gettext_lazy("transport"),
    "rail_transport": gettext_lazy("rail transport"),
    "warehousing": gettext_lazy("warehousing"),
    "telecom": gettext_lazy("telecommunications"),
    "accommodation": gettext_lazy("accommodation"),
    "children_recreation": gettext_lazy("children's recreation camps"),
    "education": gettext_lazy("education"),
    "healthcare": gettext_lazy("healthcare"),
    "social_care": gettext_lazy("social care with accommodation"),
    "culture": gettext_lazy("culture, entertainment, events"),
    "religion": gettext_lazy("religious organisations"),
    "public_administration": gettext_lazy("public administration"),
    "cleaning": gettext_lazy("cleaning of buildings"),
}


@dataclass(frozen=True)
class Row:
    act: str
    chapter: str  # a chapter number («IX»), «name:<start of the heading>», or empty for any
    items: frozenset[str]
    pattern: re.Pattern | None
    rule: str
    subject: str
    subject_kind: str

    def matches(self, act: str, chapter: str, item_no: str, text: str) -> bool:
        if act != self.act:
            return False
        if self.chapter.startswith("name:"):
            if not chapter.startswith(self.chapter[5:]):
                return False
        elif self.chapter and chapter.split(" ", 1)[0] != self.chapter:
            return False
        if self.items and item_no not in self.items:
            return False
        return self.pattern is None or bool(self.pattern.search(text))


def _items(spec: str) -> frozenset[str]:
    found = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        if re.fullmatch(r"\d+-\d+", part):
            low, high = map(int, part.split("-"))
            found.update(str(n) for n in range(low, high + 1))
        else:
            found.add(part)
    return frozenset(found)


def table_path() -> Path:
    return settings.DATA_DIR / "requirements" / "applicability.csv"


@lru_cache(maxsize=4)
def load_table(path: Path | None = None) -> tuple[Row, ...]:
    """The reviewed rows, each rule checked against the fact catalogue (a typo fails loudly, naming the row)."""
    path = path or table_path()
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            rule = raw["rule"].strip()
            try:
                rules.check(rule, "rule")
            except Exception as error:
                raise ValueError(f"{path.name}, row {number}: {error}") from None
            rows.append(
                Row(
                    act=raw["act"].strip(),
                    chapter=raw["chapter"].strip(),
                    items=_items(raw["items"]),
                    pattern=re.compile(raw["pattern"], re.IGNORECASE) if raw["pattern"].strip() else None,
                    rule=rule,
                    subject=raw["subject"].strip(),
                    subject_kind=raw["subject_kind"].strip() or "general",
                )
            )
    return tuple(rows)


def decide(act: str, chapter: str, item_no: str, text: str, table=None) -> Row | None:
    """The first reviewed row that governs this item, or None when the table says nothing of it."""
    for row in table if table is not None else load_table():
        if row.matches(act, chapter, item_no, text):
            return row
    return None


# ---- why it applies, in words --------------------------------------------------------------------------------


# The purposes of premises as a sentence names them (the model's labels are short, for a select).
PURPOSE_LABELS = {
    "production": pgettext_lazy("premises purpose", "production"),
    "warehouse": pgettext_lazy("premises purpose", "warehouse"),
    "retail": pgettext_lazy("premises purpose", "retail"),
    "catering": pgettext_lazy("premises purpose", "catering"),
    "office": pgettext_lazy("premises purpose", "office"),
    "public": pgettext_lazy("premises purpose", "public assembly"),
}


def _purposes(values) -> str:
    names = PURPOSE_LABELS
    return ", ".join(str(names.get(v, v)) for v in sorted(values)) or "—"


def _activities(values) -> str:
    return ", ".join(sorted(str(ACTIVITY_LABELS.get(v, v)) for v in values)) or "—"


def _kv(value) -> str:
    return formats.number(Decimal(value), 3 if Decimal(value) % 1 else 0) if value is not None else "—"


def _class(value) -> str:
    return ("I", "II", "III", "IV")[int(value) - 1] if value else "—"


# fact → how its value reads in a sentence about the business
_PHRASES = {
    "has_premises": lambda v: _("you use premises") if v else _("you use no premises"),
    "premises_purposes": lambda v: _("your premises are used for: %(list)s") % {"list": _purposes(v)},
    "premises_area_total": lambda v: _("your premises total %(area)s m²") % {"area": formats.number(v, 0)},
    "has_electrical_installation": lambda v: (
        _("you have electrical installations") if v else _("you have no electrical installations")
    ),
    "max_voltage_kv": lambda v: _("the highest voltage of your installations is %(kv)s kV") % {"kv": _kv(v)},
    "has_hazardous_facility": lambda v: (
        _("you run a hazardous production facility") if v else _("you run no hazardous production facility")
    ),
    "max_hazard_class": lambda v: _("your most hazardous facility is of class %(c)s") % {"c": _class(v)},
    "employees": lambda v: _("you employ %(n)s people") % {"n": v},
    "has_employees": lambda v: _("you are an employer") if v else _("you have no employees"),
    "works_at_height": lambda v: (
        _("your staff work at height (1.8 m and more)") if v else _("your staff do not work at height")
    ),
    "multistorey_glazing": lambda v: (
        _("your building has glazed walls higher than one storey")
        if v
        else _("your building has no glazed walls higher than one storey")
    ),
    "activities": lambda v: _("your activities by OKVED: %(list)s") % {"list": _activities(v)},
    "has_territory": lambda v: _("you hold a land plot (territory)") if v else _("you hold no land plot"),
    "okved": lambda v: _("your OKVED codes: %(codes)s") % {"codes": ", ".join(sorted(v)) or "—"},
    "size": lambda v: _("your size category: %(size)s") % {"size": v},
}


def why(texts, facts: dict) -> list[str]:
    """Sentences that say why the rules ``texts`` hold for this business, from the facts they read.

    A fact the business has not given reads «we do not know yet: …». An empty list means the item governs every
    business the act applies to.
    """
    from clientcentric.rules.facts import business as catalogue

    sentences: list[str] = []
    for text in texts:
        if not (text or "").strip():
            continue
        for name in sorted(rules.compiled(text.strip()).facts_used):
            if name not in facts:
                line = _("we do not know yet: %(fact)s") % {"fact": catalogue.label(name)}
            else:
                phrase = _PHRASES.get(name)
                line = phrase(facts[name]) if phrase else f"{catalogue.label(name)}: {facts[name]}"
            if line not in sentences:
                sentences.append(line)
    return [s[:1].upper() + s[1:] for s in sentences]
