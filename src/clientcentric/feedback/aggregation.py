"""Fill `Count` rows from raw answers: in full, or incrementally from where the last run stopped.

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

from django.db import connection, transaction
from django.db.models import Count as CountOf
from django.db.models import DateField, F, Max
from django.db.models.functions import Trunc
from django.utils import timezone

from .models import AggregationState, Answer, Count, Invitation, QuestionKind, Response, Source

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


def _collect(response_range: tuple[int, int], invitation_range: tuple[int, int]) -> dict:
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


def _columns() -> str:
    return ", ".join(connection.ops.quote_name(name) for name in (*KEY, "value"))


def _insert(totals: dict) -> None:
    """Write fresh counts: COPY on PostgreSQL (an ORM insert of 100,000 rows spends seconds in Python)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {Count._meta.db_table} ({_columns()}) FROM STDIN") as copy:
                for key, value in totals.items():
                    copy.write_row((*key, value))
        return
    rows = [Count(value=value, **dict(zip(KEY, key, strict=True))) for key, value in totals.items()]
    Count.objects.bulk_create(rows, batch_size=BATCH)


def _add(totals: dict) -> None:
    """Add to existing counts in one upsert per batch (PostgreSQL and SQLite both speak ON CONFLICT)."""
    quote = connection.ops.quote_name
    table = Count._meta.db_table
    placeholders = ", ".join(["%s"] * (len(KEY) + 1))
    sql = (
        f"INSERT INTO {table} ({_columns()}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(quote(name) for name in KEY)}) "
        f"DO UPDATE SET {quote('value')} = {table}.{quote('value')} + excluded.{quote('value')}"
    )
    rows = [(*key, value) for key, value in totals.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


@transaction.atomic
def aggregate_full() -> Result:
    """Recount everything; the page readers see the old counts until this transaction commits."""
    state, _created = AggregationState.objects.select_for_update().get_or_create(pk=1)
    response_high = Response.objects.aggregate(m=Max("id"))["m"] or 0
    invitation_high = Invitation.objects.aggregate(m=Max("id"))["m"] or 0
    totals = _collect((0, response_high), (0, invitation_high))
    Count.objects.all().delete()
    _insert(totals)
    state.last_response_id, state.last_invitation_id = response_high, invitation_high
    state.updated_at = timezone.now()
    state.save()
    return Result(len(totals), response_high, invitation_high)


@transaction.atomic
def aggregate_incremental() -> Result:
    """Add what arrived since the last run to the counts it touches."""
    state, _created = AggregationState.objects.select_for_update().get_or_create(pk=1)
    response_high = Response.objects.aggregate(m=Max("id"))["m"] or 0
    invitation_high = Invitation.objects.aggregate(m=Max("id"))["m"] or 0
    if response_high <= state.last_response_id and invitation_high <= state.last_invitation_id:
        return Result(0, 0, 0)
    totals = _collect(
        (state.last_response_id, max(response_high, state.last_response_id)),
        (state.last_invitation_id, max(invitation_high, state.last_invitation_id)),
    )
    _add(totals)
    processed_responses = response_high - state.last_response_id
    processed_invitations = invitation_high - state.last_invitation_id
    state.last_response_id = max(response_high, state.last_response_id)
    state.last_invitation_id = max(invitation_high, state.last_invitation_id)
    state.updated_at = timezone.now()
    state.save()
    return Result(len(totals), max(processed_responses, 0), max(processed_invitations, 0))
