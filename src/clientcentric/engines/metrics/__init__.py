"""CX statistics without Django: CSAT, CES, trust, NPS, ACSI, intervals, weighting, BH, suppression.

Formulas and their sources are in docs/satisfaction.md.
"""

from .funnel import Funnel, funnel
from .funnel import limits as funnel_limits
from .intervals import Interval, difference, two_proportion_p_value, wilson, z_for
from .multiple import benjamini_hochberg
from .objective import Effort, Share, Transaction, completion, effort, nearest_rank
from .scores import (
    CES,
    CSAT,
    NPS,
    TRUST,
    Scale,
    acsi_equal_weight,
    ces,
    ces_hard_share,
    csat,
    mean,
    nps,
    positive,
    share_positive,
    total,
    trust,
)
from .suppression import MAX_HALF_WIDTH, MIN_CELL, MIN_PUBLISHABLE, Verdict, suppress, verdict
from .weighting import Weighted, effective_n, stratum_weights, weighted_share

__all__ = [
    "CES",
    "Effort",
    "Funnel",
    "Share",
    "Transaction",
    "completion",
    "effort",
    "funnel",
    "funnel_limits",
    "nearest_rank",
    "CSAT",
    "MAX_HALF_WIDTH",
    "MIN_CELL",
    "MIN_PUBLISHABLE",
    "NPS",
    "TRUST",
    "Interval",
    "Scale",
    "Verdict",
    "Weighted",
    "acsi_equal_weight",
    "benjamini_hochberg",
    "ces",
    "ces_hard_share",
    "csat",
    "difference",
    "effective_n",
    "mean",
    "nps",
    "positive",
    "share_positive",
    "stratum_weights",
    "suppress",
    "total",
    "trust",
    "two_proportion_p_value",
    "verdict",
    "weighted_share",
    "wilson",
    "z_for",
]
