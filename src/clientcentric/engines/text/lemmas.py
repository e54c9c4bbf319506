"""Russian word forms → lemmas, for search that finds «пенсии» when asked for «пенсия».

Tokenisation is razdel's, lemmas are pymorphy3's most probable normal form. Short function words are
dropped so that a query does not demand «в» or «и» to be present.
"""

from functools import lru_cache

import pymorphy3
from razdel import tokenize

_STOP_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ"})


@lru_cache(maxsize=1)
def _analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str | None:
    word = word.lower().replace("ё", "е")
    if not any(ch.isalnum() for ch in word):
        return None
    parse = _analyzer().parse(word)[0]
    if parse.tag.POS in _STOP_POS:
        return None
    return parse.normal_form.replace("ё", "е")


def lemmas(text: str) -> list[str]:
    return [lem for token in tokenize(text or "") if (lem := lemma(token.text))]


def search_document(*texts: str) -> str:
    """A space-padded, de-duplicated run of lemmas: a query lemma matches as ' lemma '."""
    seen = dict.fromkeys(lem for text in texts for lem in lemmas(text))
    return f" {' '.join(seen)} " if seen else ""
