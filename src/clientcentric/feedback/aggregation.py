"""What fills the `Count` rows: raw answers counted per cell, in full or from where the last run stopped.

The writes (`aggregate_full`, `aggregate_incremental`) are in `services`.

The dashboards read only these rows (DESIGN.md §5, Zulip `analytics`). A cell is instrument × month ×
sample × end point × touchpoint × agency × service × segment × life situation; a property is `offered`,
`answered`, `answered_offered` (answers to an invitation: the response-rate numerator), `q:<question>`
with the scale level as subgroup, or `d:<question>` with the driver code as subgroup.

The incremental run reads ids above the stored watermark up to the maximum it saw at start. A row whose
transaction commits after a later id was counted would be skipped; answers commit in milliseconds and the
run is every ten minutes, and `--full` (nightly) recounts everything from scratch.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count as CountOf
from django.db.models import DateField, F
from django.db.models.functions import Trunc

from .models import Answer, Invitation, QuestionKind, Response, Source

CELL = (
    "instrument_id",
    "month",
    "sample",
    "end_point",
    "touchpoint",
    "agency_id",
    "service_id",
    "segment_id",
    "life_situation_id",
)
KEY = ("property", "subgroup", *CELL)
BATCH = 5000


@dataclass(frozen=True)
class Result:
    rows_written: int
    responses: int
    invitations: int


def _month(field: str):
    return Trunc(field, "month", output_field=DateField())


DIMENSIONS = (
    "instrument_id",
    "end_point",
    "touchpoint",
    "agency_id",
    "service_id",
    "segment_id",
    "life_situation_id",
)


def _dims(prefix: str) -> dict:
    """The cell's fields reached through a relation, under their own names."""
    return {name: F(f"{prefix}{name}") for name in DIMENSIONS}


def _cell(row: dict, sample: str) -> tuple:
    return (
        row["instrument_id"],
        row["month"],
        sample,
        row["end_point"],
        row["touchpoint"],
        row["agency_id"] or 0,
        row["service_id"] or 0,
        row["segment_id"] or 0,
        row["life_situation_id"] or 0,
    )


def _sample(source: str) -> str:
    return "widget" if source == Source.WIDGET else "solicited"


def collect(response_range: tuple[int, int], invitation_range: tuple[int, int]) -> dict:
    totals: dict[tuple, int] = defaultdict(int)
    low, high = invitation_range
    offered = (
        Invitation.objects.filter(pk__gt=low, pk__lte=high)
        .values(*DIMENSIONS, month=_month("created_at"))
        .annotate(n=CountOf("id"))
        .order_by()
    )
    for row in offered:
        totals[("offered", "", *_cell(row, "solicited"))] += row["n"]

    low, high = response_range
    answered = (
        Response.objects.filter(pk__gt=low, pk__lte=high)
        .values("source", *DIMENSIONS, month=_month("submitted_at"))
        .annotate(n=CountOf("id"))
        .order_by()
    )
    for row in answered:
        cell = _cell(row, _sample(row["source"]))
        totals[("answered", "", *cell)] += row["n"]
        if row["source"] in (Source.INVITATION, Source.IVR):
            totals[("answered_offered", "", *cell)] += row["n"]

    answers = Answer.objects.filter(response_id__gt=low, response_id__lte=high)
    levels = (
        answers.filter(question__kind__in=(QuestionKind.SCALE, QuestionKind.YES_NO))
        .values(
            "value",
            code=F("question__code"),
            source=F("response__source"),
            **_dims("response__"),
            month=_month("response__submitted_at"),
        )
        .annotate(n=CountOf("id"))
        .order_by()
    )
    for row in levels:
        totals[(f"q:{row['code']}", str(row["value"]), *_cell(row, _sample(row["source"])))] += row["n"]

    # Driver lists are JSON arrays: counted here rather than in SQL, to stay portable across databases.
    drivers = answers.filter(question__kind=QuestionKind.DRIVERS).values(
        "choices",
        code=F("question__code"),
        source=F("response__source"),
        **_dims("response__"),
        month=_month("response__submitted_at"),
    )
    for row in drivers.iterator(chunk_size=BATCH):
        cell = _cell(row, _sample(row["source"]))
        for choice in row["choices"]:
            totals[(f"d:{row['code']}", str(choice), *cell)] += 1
    return totals
