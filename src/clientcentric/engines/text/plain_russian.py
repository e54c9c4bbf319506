"""The plain-Russian check's verdict on an analysed text, and the text cut into pieces for display.

Pure: it reads a ``readability.Readability`` and the text it came from. The agency's limits, the form errors and
the translated problem labels are the Django side, ``clientcentric.core.plain_russian``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .readability import Readability

# The problems that put an answer past the agency's limits; the others are advice.
OVER_LIMIT = frozenset({"hard_to_read", "grade_too_high"})


def is_over_limit(result: Readability) -> bool:
    return bool(OVER_LIMIT.intersection(result.problems))


@dataclass(frozen=True)
class Piece:
    text: str
    suggestion: str = ""
    phrase: str = ""


def highlighted(text: str, result: Readability) -> list[Piece]:
    """The text cut into plain pieces and stop-phrase pieces, for a template to mark up (it escapes them)."""
    pieces, position = [], 0
    for found in result.stop_phrases:
        if found.start < position:
            continue
        if found.start > position:
            pieces.append(Piece(text[position : found.start]))
        pieces.append(Piece(text[found.start : found.end], found.suggestion, found.phrase))
        position = found.end
    if position < len(text):
        pieces.append(Piece(text[position:]))
    return pieces


def long_sentence_excerpts(text: str, result: Readability, limit: int = 10) -> list[tuple[int, str]]:
    excerpts = []
    for sentence in result.long_sentences[:limit]:
        fragment = " ".join(text[sentence.start : sentence.end].split())
        excerpts.append((sentence.words, fragment if len(fragment) <= 140 else fragment[:137] + "…"))
    return excerpts
