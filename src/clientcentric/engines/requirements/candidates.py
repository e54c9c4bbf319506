"""Duplicate and contradiction candidates among mandatory requirements of different acts.

A business flags a requirement as duplicating or contradicting another; the platform suggests which one.

- **Duplicate**: the two items say the same thing in other words — the near-duplicate index of
  :mod:`clientcentric.engines.text.near_duplicates` over lemmas (addresses ignored), strict thresholds.
- **Contradiction**: the two items speak of the same subject (a looser lemma overlap) and
  (a) state different numbers in the same unit (1,8 м against 2 м; 30 дней against 10 дней; 1000 В against 50 В),
      where neither item's numbers for that unit include the other's, or
  (b) one obliges («обязан», «должен», «необходимо», «следует») and the other forbids («не допускается»,
      «запрещается», «не разрешается», «не должен») while sharing the subject.

Only pairs from different acts are proposed: within one act the drafter already reconciled the items.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from clientcentric.engines.text.near_duplicates import NearDuplicateIndex, shingles

__all__ = ["Candidate", "Item", "find_candidates", "measures", "modality"]

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_UNITS: dict[str, tuple[str, ...]] = {
    "мм": ("мм", "миллиметр"),
    "см": ("см", "сантиметр"),
    "м": ("м", "метр", "метра", "метров"),
    "м²": ("м2", "м²", "кв. м", "кв.м", "квадратных метров"),
    "км": ("км", "километр"),
    "В": ("в", "вольт"),
    "кВ": ("кв", "киловольт"),
    "кВт": ("квт", "киловатт"),
    "А": ("а", "ампер"),
    "мА": ("ма", "миллиампер"),
    "Ом": ("ом", "мом"),
    "°C": ("°c", "°с", "градус"),
    "%": ("%", "процент"),
    "кг": ("кг", "килограмм"),
    "ч": ("ч", "час", "часа", "часов"),
    "мин": ("мин", "минут"),
    "дн": ("дней", "дня", "день", "суток", "сут"),
    "мес": ("месяц", "месяца", "месяцев", "мес"),
    "лет": ("лет", "год", "года"),
}
_UNIT_PATTERNS = [
    (unit, re.compile(rf"(?<![\d.,]){_NUMBER}\s?(?:{'|'.join(re.escape(s) for s in spellings)})(?![а-яa-z])"))
    for unit, spellings in _UNITS.items()
]
_OBLIGATION = re.compile(r"\b(обязан\w*|долж(?:ен|на|но|ны)|необходимо|следует|требуется)\b")
_PROHIBITION = re.compile(
    r"\b(не допускается|запрещается|не разрешается|не долж(?:ен|на|но|ны)|не следует|запрещено)\b"
)


@dataclass(frozen=True)
class Item:
    key: Hashable
    act: str
    text: str


@dataclass(frozen=True)
class Candidate:
    kind: str  # "duplicate" | "contradiction"
    a: Hashable
    b: Hashable
    score: float  # 0–1: lemma similarity of the pair
    reason: dict = field(default_factory=dict, compare=False)


# Units of one quantity compare after conversion: «30 суток» and «1 года» are two different storage periods.
_DIMENSION: dict[str, tuple[str, float]] = {
    "мм": ("length, m", 0.001),
    "см": ("length, m", 0.01),
    "м": ("length, m", 1),
    "км": ("length, m", 1000),
    "В": ("voltage, V", 1),
    "кВ": ("voltage, V", 1000),
    "А": ("current, A", 1),
    "мА": ("current, A", 0.001),
    "ч": ("time, days", 1 / 24),
    "мин": ("time, days", 1 / 1440),
    "дн": ("time, days", 1),
    "мес": ("time, days", 30),
    "лет": ("time, days", 365),
}


def measures(text: str) -> dict[str, frozenset[float]]:
    """Values the text states per quantity, in one unit each: ``{"length, m": {1.8, 5.0}, "voltage, V": {1000.0}}``."""
    low = (text or "").lower().replace("ё", "е")
    found: dict[str, set[float]] = {}
    for unit, pattern in _UNIT_PATTERNS:
        dimension, factor = _DIMENSION.get(unit, (unit, 1))
        for match in pattern.finditer(low):
            found.setdefault(dimension, set()).add(round(float(match.group(1).replace(",", ".")) * factor, 6))
    return {dimension: frozenset(values) for dimension, values in found.items()}


def modality(text: str) -> set[str]:
    """ "obligation" and/or "prohibition", as the text words it."""
    low = (text or "").lower().replace("ё", "е")
    kinds = set()
    without_prohibitions = _PROHIBITION.sub(" ", low)
    if _PROHIBITION.search(low):
        kinds.add("prohibition")
    if _OBLIGATION.search(without_prohibitions):
        kinds.add("obligation")
    return kinds


def _measure_conflict(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]]) -> dict | None:
    for unit in sorted(a.keys() & b.keys()):
        if not (a[unit] & b[unit]):
            return {"quantity": unit, "a": sorted(a[unit]), "b": sorted(b[unit])}
    return None


def find_candidates(
    items: Iterable[Item],
    *,
    duplicate_similarity: float = 0.7,
    duplicate_overlap: float = 0.35,
    subject_similarity: float = 0.6,
    subject_overlap: float = 0.2,
    measure_similarity: float = 0.65,
    limit_per_item: int = 15,
) -> list[Candidate]:
    """Duplicate and contradiction candidates across acts, each pair once, best first within its kind.

    One lemma index proposes pairs about the same subject; each pair is then judged, in this order: the
    same measure with different values → contradiction (a reworded copy that changed a number is the most
    useful find); close enough in wording → duplicate; opposite modality → contradiction.
    """
    items = [item for item in items if (item.text or "").strip()]
    by_key = {item.key: item for item in items}
    index = NearDuplicateIndex(
        threshold=subject_similarity * 100,
        min_overlap=subject_overlap,
        lsh_threshold=subject_overlap,
        same_address=False,
    )
    for item in items:
        index.add(item.key, item.text)

    found: dict[tuple[Hashable, Hashable], Candidate] = {}
    measure_cache: dict[Hashable, dict] = {}
    modality_cache: dict[Hashable, set[str]] = {}
    shingle_cache: dict[Hashable, frozenset[str]] = {}

    def facts(key: Hashable):
        text = by_key[key].text
        if key not in measure_cache:
            measure_cache[key] = measures(text)
            modality_cache[key] = modality(text)
            shingle_cache[key] = shingles(text)
        return measure_cache[key], modality_cache[key], shingle_cache[key]

    for item in items:
        for other, score in index.similar(item.text, limit=limit_per_item, exclude=item.key):
            if by_key[other].act == item.act:
                continue
            first, second = sorted((item.key, other), key=str)
            pair = (first, second)
            if pair in found:
                continue
            m1, mod1, sh1 = facts(pair[0])
            m2, mod2, sh2 = facts(pair[1])
            overlap = len(sh1 & sh2) / len(sh1 | sh2)
            conflict = _measure_conflict(m1, m2) if score >= measure_similarity else None
            if conflict:
                found[pair] = Candidate(
                    "contradiction", *pair, round(score, 3), {"type": "measure", **conflict}
                )
            elif score >= duplicate_similarity and overlap >= duplicate_overlap:
                found[pair] = Candidate(
                    "duplicate",
                    *pair,
                    round(score, 3),
                    {"similarity": round(score, 3), "overlap": round(overlap, 3)},
                )
            elif len(mod1) == 1 and len(mod2) == 1 and mod1 != mod2:
                found[pair] = Candidate(
                    "contradiction",
                    *pair,
                    round(score, 3),
                    {"type": "modality", "a": next(iter(mod1)), "b": next(iter(mod2))},
                )
    return sorted(found.values(), key=lambda c: (c.kind, -c.score, str(c.a), str(c.b)))
