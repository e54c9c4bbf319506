"""Headline scores from counts per scale level (measurement.md §4).

Every function takes `counts`: a mapping of scale level → number of answers. Levels outside the scale
are a programming error here (the instrument refuses them at the door), so they raise.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from .intervals import Interval, wilson


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    positive_from: int  # the first level counted as positive ("top-2 box" for 1–5)

    def check(self, counts: Mapping[int, int]) -> None:
        for level, count in counts.items():
            if not self.low <= level <= self.high:
                raise ValueError(f"level {level} is outside the scale {self.low}–{self.high}")
            if count < 0:
                raise ValueError("counts cannot be negative")


CSAT = Scale(1, 5, 4)  # «Насколько вы довольны», stars; 4–5 = satisfied
CES = Scale(1, 7, 5)  # CES 2.0 agreement «получить услугу было легко»; 5–7 = easy
TRUST = Scale(1, 5, 4)  # A-11 trust item; 4–5 = agrees
NPS = Scale(0, 10, 9)


def total(counts: Mapping[int, int]) -> int:
    return sum(counts.values())


def mean(counts: Mapping[int, int]) -> float | None:
    n = total(counts)
    return sum(level * count for level, count in counts.items()) / n if n else None


def positive(counts: Mapping[int, int], scale: Scale) -> int:
    scale.check(counts)
    return sum(count for level, count in counts.items() if level >= scale.positive_from)


def share_positive(counts: Mapping[int, int], scale: Scale, confidence: float = 0.95) -> Interval | None:
    """% positive (CSAT top-2 box, CES 5–7, trust 4–5) with its Wilson interval; None without answers."""
    n = total(counts)
    return wilson(positive(counts, scale), n, confidence) if n else None


def csat(counts: Mapping[int, int]) -> Interval | None:
    return share_positive(counts, CSAT)


def ces(counts: Mapping[int, int]) -> float | None:
    """CES 2.0 is reported as a mean on 1–7; `share_positive(counts, CES)` gives % easy."""
    CES.check(counts)
    return mean(counts)


def ces_hard_share(counts: Mapping[int, int]) -> float | None:
    CES.check(counts)
    n = total(counts)
    return sum(c for level, c in counts.items() if level <= 3) / n if n else None


def trust(counts: Mapping[int, int]) -> Interval | None:
    return share_positive(counts, TRUST)


def nps(counts: Mapping[int, int]) -> float | None:
    """%(9–10) − %(0–6), from −100 to +100."""
    NPS.check(counts)
    n = total(counts)
    if not n:
        return None
    promoters = sum(c for level, c in counts.items() if level >= 9)
    detractors = sum(c for level, c in counts.items() if level <= 6)
    return 100 * (promoters - detractors) / n


def acsi_equal_weight(satisfaction: float, expectations: float, ideal: float) -> float:
    """Equal-weight ACSI from the three 1–10 means: (S + E + I − 3) / 27 × 100, from 0 to 100."""
    for value in (satisfaction, expectations, ideal):
        if not 1 <= value <= 10:
            raise ValueError("ACSI items are means on a 1–10 scale")
    return (satisfaction + expectations + ideal - 3) / 27 * 100
