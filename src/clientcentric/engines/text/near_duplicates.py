"""Near-duplicate appeals: «the same problem at the same place, said in other words».

Used at intake to offer "+1 and follow" on an existing appeal instead of a new one (join, don't merge).
Pure Python, no Django.

How a match is found:

1. **Candidates** — MinHash LSH (datasketch) over word shingles of the normalised text. The shingles are the
   lemmas of its words (:func:`.lemmas.lemma`; numbers and Latin words kept as they are), so «не вывозят мусор»
   and «мусор не вывозится» share them; single words rather than word pairs, so a change of word order does
   not hide a rewording.
2. **Verification** — every candidate must have (a) rapidfuzz ``token_set_ratio`` of the two lemma strings
   ≥ ``threshold`` (typos and inflections forgiven), (b) an exact Jaccard overlap of the shingle sets
   ≥ ``min_overlap``, so that a two-word text does not match every long text that happens to contain those
   two words (``token_set_ratio`` alone scores a subset as 100), and
3. **Same address** — the house, flat and building numbers («д. 5», «дом 5», «кв. 12», «квартира 12»,
   «корп. 2», «к. 2», «5к2») must be equal wherever both texts state them: «сломан лифт в доме 5» is not a
   duplicate of «сломан лифт в доме 7».

The score returned is ``token_set_ratio / 100`` (0–1).
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from .lemmas import lemma

if TYPE_CHECKING:
    from datasketch import MinHash

__all__ = ["NearDuplicateIndex", "address_numbers", "shingles"]

_MASK = re.compile(r"x{3,}")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[а-я]")

# A number as written in an address: «5», «5а», «5/2»; a letter only when it stands alone («5к2» is house 5).
_NUMBER = r"(\d+(?:[а-я](?![а-я\d]))?(?:/\d+)?)"
_ADDRESS_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "house": (re.compile(rf"(?<![а-я])д(?:ом[а-я]*)?\.?\s*№?\s*{_NUMBER}"),),
    "flat": (re.compile(rf"(?<![а-я])кв(?:артир[а-я]*)?\.?\s*№?\s*{_NUMBER}"),),
    "building": (
        re.compile(rf"(?<![а-я])корп(?:ус[а-я]*)?\.?\s*№?\s*{_NUMBER}"),
        re.compile(rf"(?<![а-я])к\.\s*{_NUMBER}"),
        re.compile(r"(?<=\d)\s?к\.?\s?(\d+)(?![а-я\d])"),
    ),
}


def _normalise(text: str | None) -> str:
    text = (text or "").lower().replace("ё", "е")
    return _SPACE.sub(" ", _MASK.sub(" ", text)).strip()


def _tokens(normalised: str) -> list[str]:
    tokens = []
    for word in _WORD.findall(normalised):
        if _CYRILLIC.search(word):
            if lem := lemma(word):
                tokens.append(lem)
        else:
            tokens.append(word)
    return tokens


def shingles(text: str | None) -> frozenset[str]:
    """The word shingles of a text: the set of its lemmas (function words dropped, numbers kept)."""
    return frozenset(_tokens(_normalise(text)))


def address_numbers(text: str | None) -> dict[str, frozenset[str]]:
    """House, flat and building numbers the text states, e.g. ``{"house": {"5"}, "flat": {"12"}}``."""
    normalised = _normalise(text)
    found: dict[str, frozenset[str]] = {}
    for kind, patterns in _ADDRESS_PATTERNS.items():
        numbers = {
            match.group(1).replace(" ", "") for pattern in patterns for match in pattern.finditer(normalised)
        }
        if numbers:
            found[kind] = frozenset(numbers)
    return found


def _same_address(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]]) -> bool:
    return all(a[kind] == b[kind] for kind in a.keys() & b.keys())


@dataclass(frozen=True)
class _Entry:
    lemmas: str
    shingles: frozenset[str]
    numbers: dict[str, frozenset[str]]


class NearDuplicateIndex:
    """An in-memory index of texts by key; ``similar(text)`` returns the keys of near-duplicates, best first.

    ``threshold`` is the rapidfuzz ``token_set_ratio`` (0–100) a candidate must reach; ``min_overlap`` the
    Jaccard overlap of shingle sets; ``lsh_threshold`` the Jaccard level around which MinHash LSH starts to
    propose candidates (kept at or below ``min_overlap`` so that LSH rarely misses a pair verification would
    accept); ``same_address=False`` drops the house/flat/building rule (to find reworded templates, e.g. when
    checking that an evaluation's test set is really new).
    """

    def __init__(
        self,
        *,
        threshold: float = 80.0,
        min_overlap: float = 0.3,
        lsh_threshold: float = 0.3,
        num_perm: int = 128,
        seed: int = 1,
        same_address: bool = True,
    ) -> None:
        if not 0 < lsh_threshold <= 1 or not 0 <= min_overlap <= 1 or not 0 <= threshold <= 100:
            raise ValueError("thresholds out of range")
        self.threshold = threshold
        self.min_overlap = min_overlap
        self.same_address = same_address
        self._num_perm = num_perm
        self._seed = seed
        # datasketch pulls SciPy in (about a second): an index is built when first needed, not at import.
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=lsh_threshold, num_perm=num_perm)
        self._entries: dict[Hashable, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def _minhash(self, items: frozenset[str]) -> MinHash:
        from datasketch import MinHash

        minhash = MinHash(num_perm=self._num_perm, seed=self._seed)
        minhash.update_batch([item.encode("utf-8") for item in sorted(items)])
        return minhash

    @staticmethod
    def _entry(text: str | None) -> _Entry:
        tokens = _tokens(_normalise(text))
        return _Entry(lemmas=" ".join(tokens), shingles=frozenset(tokens), numbers=address_numbers(text))

    def add(self, key: Hashable, text: str | None) -> None:
        """Index ``text`` under ``key`` (an existing ``key`` is replaced). A text without words is not indexed."""
        self.remove(key)
        entry = self._entry(text)
        if not entry.shingles:
            return
        self._entries[key] = entry
        self._lsh.insert(key, self._minhash(entry.shingles))

    def remove(self, key: Hashable) -> bool:
        """Forget ``key``; ``False`` if it was not indexed."""
        if self._entries.pop(key, None) is None:
            return False
        self._lsh.remove(key)
        return True

    def similar(
        self, text: str | None, limit: int = 5, *, exclude: Hashable | None = None
    ) -> list[tuple[Hashable, float]]:
        """Keys of indexed near-duplicates of ``text`` with their score (0–1), best first, at most ``limit``."""
        if limit < 1:
            return []
        query = self._entry(text)
        if not query.shingles:
            return []
        found = []
        for key in self._lsh.query(self._minhash(query.shingles)):
            if key == exclude:
                continue
            entry = self._entries[key]
            overlap = len(query.shingles & entry.shingles) / len(query.shingles | entry.shingles)
            if overlap < self.min_overlap:
                continue
            if self.same_address and not _same_address(query.numbers, entry.numbers):
                continue
            ratio = fuzz.token_set_ratio(query.lemmas, entry.lemmas)
            if ratio >= self.threshold:
                found.append((key, ratio / 100))
        found.sort(key=lambda pair: (-pair[1], str(pair[0])))
        return found[:limit]
