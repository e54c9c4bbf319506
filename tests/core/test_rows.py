"""core.rows: a new row and the rows pointing at it are written together or not at all, on every database."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from clientcentric.appeals import policies
from clientcentric.appeals.models import Appeal, AppealEvent
from clientcentric.core.models import AuditEvent
from clientcentric.core.services import audit, rows


def _appeal(**fields):
    now = timezone.now()
    return Appeal(
        channel="portal",
        kind="written",
        text=fields.pop("text", "Не горит фонарь"),
        registered_at=now,
        deadline_at=now,
        policy=policies.policy_for(channel="portal", kind="written", category=""),
        **fields,
    )


def test_the_parent_and_its_dependents_are_written_with_their_keys(db):
    appeal = _appeal()
    saved = []

    def remember(sender, instance, created, **kwargs):
        saved.append((sender, instance.pk, created))

    post_save.connect(remember, weak=False)
    try:
        event, entry = rows.insert_with_dependents(
            appeal,
            lambda appeal: [
                AppealEvent(appeal=appeal, to_status="registered", note="ok"),
                audit.entry(None, "test.inserted", appeal),
            ],
        )
    finally:
        post_save.disconnect(remember)
    assert appeal.pk and event.pk and entry.pk
    assert not appeal._state.adding and not event._state.adding
    assert Appeal.objects.get(pk=appeal.pk).text == "Не горит фонарь"
    assert AppealEvent.objects.get(pk=event.pk).appeal_id == appeal.pk
    stored = AuditEvent.objects.get(pk=entry.pk)
    assert stored.object_id == str(appeal.pk) and stored.summary == str(appeal) and stored.occurred_at
    assert saved == [(Appeal, appeal.pk, True), (AppealEvent, event.pk, True), (AuditEvent, entry.pk, True)]


@pytest.mark.parametrize("text", ["Первое обращение", "Второе: 'кавычки', %s и \\ обратная черта"])
def test_every_value_lands_in_its_column_on_first_and_later_inserts(db, text):
    # The statement's text is built once and reused with new values: both uses store exactly what was given.
    for attempt in range(2):
        appeal = _appeal(text=f"{text} {attempt}", district="Невский", latitude=Decimal("59.934280"))
        (entry,) = rows.insert_with_dependents(
            appeal,
            lambda appeal, attempt=attempt: [
                audit.entry(None, "test.inserted", appeal, attempt=attempt, text=text)
            ],
        )
        stored = Appeal.objects.get(pk=appeal.pk)
        assert (stored.text, stored.district, stored.latitude) == (
            f"{text} {attempt}",
            "Невский",
            Decimal("59.934280"),
        )
        assert stored.registered_at == appeal.registered_at and stored.policy_id == appeal.policy_id
        assert AuditEvent.objects.get(pk=entry.pk).data == {"attempt": attempt, "text": text}


def test_a_failing_dependent_leaves_no_row_and_the_callers_transaction_usable(db):
    before = Appeal.objects.count(), AppealEvent.objects.count()
    appeal = _appeal()
    with transaction.atomic():
        kept = _appeal()
        kept.save()
        with pytest.raises(IntegrityError):
            rows.insert_with_dependents(appeal, lambda appeal: [AppealEvent(appeal=appeal, to_status=None)])
        assert appeal.pk is None
        assert Appeal.objects.filter(pk=kept.pk).exists()  # the caller's work survives the failure
    assert (Appeal.objects.count(), AppealEvent.objects.count()) == (before[0] + 1, before[1])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one statement is PostgreSQL's data-modifying WITH"
)
def test_on_postgresql_it_is_two_round_trips(transactional_db):
    rows.insert_with_dependents(_appeal(), lambda appeal: [])  # the first use looks the sequence's name up
    appeal = _appeal()
    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)
    ):
        rows.insert_with_dependents(
            appeal, lambda appeal: [AppealEvent(appeal=appeal, to_status="registered")]
        )
    assert len(statements) == 2 and "nextval" in statements[0] and statements[1].startswith("WITH")

    # PostgreSQL parses and plans the statement once per connection: the next appeal runs the prepared one.
    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'WITH row0 AS%%'"
            )
            return sorted(row[0] for row in cursor.fetchall())

    before = prepared()
    rows.insert_with_dependents(
        _appeal(), lambda appeal: [AppealEvent(appeal=appeal, to_status="registered")]
    )
    assert any("appeals_appealevent" in statement for statement in before) and prepared() == before
