"""OKVED 2 (ОК 029-2014) codes: the format and the classes the classifier has.

A code is a class (two digits) optionally refined to subclass, group, subgroup and kind: ``56``, ``56.1``,
``56.10``, ``47.11``, ``10.71.1``, ``01.11.11``. The classes are the classifier's own list; numbers it skips
(04, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89) are unknown codes.
"""

from __future__ import annotations

import re

_FORMAT = re.compile(r"^\d{2}(\.\d{1,2}(\.\d{1,2})?)?$")
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}
CLASSES = frozenset(
    f"{n:02d}"
    for low, high in SECTIONS.values()
    for n in range(low, high + 1)
    if n not in (4, 34, 40, 83, 89)
)


def normalise(code: str) -> str:
    return (code or "").strip().replace(",", ".")


def is_known(code: str) -> bool:
    """The code is well formed and its class exists in OKVED 2."""
    code = normalise(code)
    if not _FORMAT.match(code):
        return False
    if code[:2] not in CLASSES:
        return False
    # A two-level code's second part is one digit (subclass, "56.1") or two (group, "56.10"); "56.1.1" is no code.
    parts = code.split(".")
    return not (len(parts) == 3 and len(parts[1]) != 2)


def section(code: str) -> str:
    number = int(normalise(code)[:2])
    for letter, (low, high) in SECTIONS.items():
        if low <= number <= high:
            return letter
    return ""
