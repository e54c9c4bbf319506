"""A business's personal list: each requirement applies, does not, or is unknown, from its rules.

A requirement is decided by the conjunction of its rules (the act's scope, then the item's own rule) in
three-valued logic: one «no» decides «not applicable»; otherwise one «unknown» leaves it unknown. Each distinct
rule text is evaluated once per business — thousands of items share a few dozen rules.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence

APPLIES = "applies"
NOT_APPLICABLE = "not_applicable"
UNKNOWN = "unknown"


def build(
    items: Iterable[tuple[Hashable, Sequence[str]]], evaluate: Callable[[str], bool | None]
) -> dict[Hashable, str]:
    """``items``: (key, rule texts); ``evaluate(text)``: True / False / None for this business."""
    memo: dict[str, bool | None] = {}
    result: dict[Hashable, str] = {}
    for key, texts in items:
        status = APPLIES
        for text in texts:
            if not text:
                continue
            if text not in memo:
                memo[text] = evaluate(text)
            value = memo[text]
            if value is False:
                status = NOT_APPLICABLE
                break
            if value is None:
                status = UNKNOWN
        result[key] = status
    return result
