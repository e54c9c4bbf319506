"""Publication rules: small-cell suppression with complementary suppression, and «недостаточно данных».

A cell with 1–9 answers is not published (measurement.md §6.4). When a group's total is published, one
hidden cell could be recovered by subtraction, so a second cell of the same group is hidden too (the
smallest remaining one, losing the least information); this repeats until every group with a hidden cell
has at least two, or nothing else is left to hide.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from .intervals import wilson

MIN_CELL = 10
MIN_PUBLISHABLE = 30
MAX_HALF_WIDTH = 0.15


def suppress(
    counts: Mapping[Hashable, int],
    groups: Iterable[Iterable[Hashable]] = (),
    minimum: int = MIN_CELL,
    unpublished: Iterable[Hashable] = (),
) -> set:
    """Cells to hide: primary (0 < n < minimum) plus complementary cells within each group.

    `unpublished` cells are never shown anyway (e.g. a remainder not broken down): they protect a hidden
    cell of their group, are protected themselves when small, and are not part of the answer. A large
    unpublished cell that is the only one hidden in its group may be recovered, which discloses nothing.
    """
    unpublished = set(unpublished)
    protect = {cell for cell, n in counts.items() if 0 < n < minimum}
    groups = [list(dict.fromkeys(group)) for group in groups]  # a cell listed twice is still one cell
    changed = True
    while changed:
        changed = False
        hidden = protect | unpublished
        for group in groups:
            inside = [cell for cell in group if cell in hidden]
            if len(inside) != 1 or inside[0] not in protect:
                continue
            candidates = sorted(
                (cell for cell in group if cell not in hidden and counts.get(cell, 0) > 0),
                key=lambda cell: (counts[cell], str(cell)),
            )
            if candidates:
                protect.add(candidates[0])
                hidden.add(candidates[0])
                changed = True
    return protect - unpublished


@dataclass(frozen=True)
class Verdict:
    """How a share may be shown: `suppressed` (hide even n), `insufficient` (n only), or `published`."""

    status: str
    reason: str = ""


def verdict(positive: int, n: int, minimum: int = MIN_CELL) -> Verdict:
    if n < minimum:
        return Verdict("suppressed", f"fewer than {minimum} answers")
    if n < MIN_PUBLISHABLE:
        return Verdict("insufficient", f"fewer than {MIN_PUBLISHABLE} answers")
    if wilson(positive, n).half_width > MAX_HALF_WIDTH:
        return Verdict("insufficient", "the interval is wider than ±15 pp")
    return Verdict("published")
