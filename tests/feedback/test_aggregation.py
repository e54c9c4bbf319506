"""Pre-aggregated counts: incremental runs add up to the full recount; versions and samples never pool."""

import random
from datetime import UTC, datetime

from django.core.management import call_command

from clientcentric.feedback import selectors, services
from clientcentric.feedback.instrument import current_instrument
from clientcentric.feedback.models import Count, Instrument, Question
from clientcentric.feedback.services import Rating

from .conftest import office_answers


def _snapshot():
    return sorted(
        (
            c.property,
            c.subgroup,
            c.instrument_id,
            c.month,
            c.sample,
            c.end_point,
            c.touchpoint,
            c.agency_id,
            c.service_id,
            c.value,
        )
        for c in Count.objects.all()
    )


def _random_answers(agency, service, seed, count):
    rng = random.Random(seed)
    for i in range(count):
        when = datetime(2026, rng.choice([4, 5, 6, 7]), rng.randint(1, 28), 12, tzinfo=UTC)
        rating = Rating(
            satisfaction=rng.randint(1, 5),
            effort=rng.choice([None, rng.randint(1, 7)]),
            need_met=rng.choice([None, True, False]),
            went_well=rng.sample(["fast", "polite", "result"], rng.randint(0, 2)),
        )
        if i % 3 == 0:
            invitation = services.invite(
                end_point="service_completed",
                transaction_kind="request",
                transaction_ref=f"{seed}-{i}",
                touchpoint="portal",
                service=service,
                now=when,
            )
            services.answer_invitation(services.token_for(invitation), rating, now=when)
        else:
            services.answer_at_office(agency, rating, service=service if i % 2 else None, now=when)


def test_incremental_runs_add_up_to_the_full_recount(registry, agency):
    _random_answers(agency, registry["service"], seed=1, count=40)
    services.aggregate_incremental()
    _random_answers(agency, registry["service"], seed=2, count=35)
    services.invite(
        end_point="service_refused",
        transaction_kind="request",
        transaction_ref="unanswered",
        touchpoint="portal",
        service=registry["service"],
    )
    services.aggregate_incremental()
    incremental = _snapshot()
    services.aggregate_full()
    assert incremental == _snapshot()


def test_a_second_run_without_new_answers_changes_nothing(agency):
    office_answers(agency, [5, 4, 3])
    services.aggregate_incremental()
    before = _snapshot()
    assert services.aggregate_incremental().rows_written == 0
    assert _snapshot() == before


def test_counts_hold_offered_answered_levels_and_drivers(registry, agency):
    when = datetime(2026, 5, 3, 10, tzinfo=UTC)
    invitation = services.invite(
        end_point="service_completed",
        transaction_kind="request",
        transaction_ref="A",
        touchpoint="portal",
        service=registry["service"],
        now=when,
    )
    services.invite(
        end_point="service_completed",
        transaction_kind="request",
        transaction_ref="B",
        touchpoint="portal",
        service=registry["service"],
        now=when,
    )
    services.answer_invitation(
        services.token_for(invitation), Rating(satisfaction=4, went_well=["fast", "polite"]), now=when
    )
    services.aggregate_full()
    cell = selectors.cells([datetime(2026, 5, 1).date()], ("service_id",))[(registry["service"].pk,)]
    assert (cell["offered"], cell["answered"], cell["answered_offered"]) == (2, 1, 1)
    assert cell["levels"]["satisfaction"] == {4: 1}
    assert cell["drivers"]["went_well"] == {"fast": 1, "polite": 1}
    assert selectors.figures(cell)["response_rate"] == 0.5


def test_widget_ratings_are_counted_apart(agency):
    office_answers(agency, [5])
    services.answer_unprompted(Rating(satisfaction=1), page="/")
    services.aggregate_full()
    months = selectors.months_with_data()
    solicited = selectors.cells(months, ("agency_id",))
    assert sum(c["answered"] for c in solicited.values()) == 1
    widget = selectors.cells(months, ("agency_id",), sample="widget")
    assert sum(c["answered"] for c in widget.values()) == 1


def test_instrument_versions_are_never_pooled(agency):
    office_answers(agency, [5, 5])
    old = current_instrument()
    Instrument.objects.filter(pk=old.pk).update(is_current=False)
    new = Instrument.objects.create(version="v2-test", name="Новая анкета", is_current=True)
    for q in old.questions.all():
        Question.objects.create(
            instrument=new,
            code=q.code,
            position=q.position,
            kind=q.kind,
            text=q.text + " (v2)",
            scale_min=q.scale_min,
            scale_max=q.scale_max,
            positive_from=q.positive_from,
        )
    office_answers(agency, [1])
    services.aggregate_full()
    months = selectors.months_with_data()
    assert selectors.cells(months, ("agency_id",), instrument=new)[(agency.pk,)]["answered"] == 1
    assert selectors.cells(months, ("agency_id",), instrument=old)[(agency.pk,)]["answered"] == 2


def test_the_cli_aggregates(agency, capsys):
    office_answers(agency, [4, 4])
    call_command("feedback", "aggregate")
    call_command("feedback", "aggregate", "--full")
    out = capsys.readouterr().out
    assert "Incremental aggregation" in out and "Full aggregation" in out
    assert Count.objects.filter(property="answered").get().value == 2


def test_the_periodic_task_is_scheduled_and_runs(agency, settings):
    from clientcentric.feedback.tasks import aggregate

    assert settings.CELERY_BEAT_SCHEDULE["feedback-aggregate"]["task"] == aggregate.name
    office_answers(agency, [3])
    assert aggregate.apply().get() > 0
