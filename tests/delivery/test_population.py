"""The population run gives the same offers as the life-event path, and still only within consent."""

from datetime import date

from clientcentric.delivery import population
from clientcentric.delivery.models import Offer
from clientcentric.delivery.services import consents as consent_services
from clientcentric.delivery.services import life_events as life_event_services

from .conftest import make_client


def test_population_run_offers_only_to_consenting_eligible_clients(db, consent_text, registry, pension_rule):
    consenting = make_client("a", snils_number=111222333, birth=date(1950, 1, 1))
    silent = make_client("b", snils_number=111222334, birth=date(1950, 1, 1))
    young = make_client("c", snils_number=111222335, birth=date(1995, 1, 1))
    unknown = make_client("d", snils_number=111222336, birth=None)
    for person in (consenting, young, unknown):
        consent_services.give_consent(person, life_situation=registry["pension"])
    seen = []
    report = population.run_population(date(2026, 3, 1), chunk_size=2, progress=seen.append)
    assert report.clients == 4 and sum(seen) == 4
    offers = {o.client.username: o for o in Offer.objects.select_related("client")}
    assert set(offers) == {"a", "d"}
    assert (
        offers["a"].outcome == "eligible"
        and offers["d"].outcome == "unknown"
        and offers["d"].missing == ["age"]
    )
    assert not Offer.objects.filter(client=silent).exists()
    again = population.run_population(date(2026, 3, 1))
    assert again.offers == 0 and Offer.objects.count() == 2


def test_population_run_informs_without_consent_only_within_open_situations(
    db, consent_text, registry, pension_rule
):
    pension_rule.inform_without_consent = True
    pension_rule.save(update_fields=["inform_without_consent"])
    outside = make_client("e", snils_number=111222337, birth=date(1950, 1, 1))
    inside = make_client("f", snils_number=111222338, birth=date(1950, 1, 1))
    life_event_services.open_life_situation(inside, registry["pension"])
    report = population.run_population(date(2026, 3, 1))
    assert report.information == 1
    assert Offer.objects.get().client == inside and not Offer.objects.filter(client=outside).exists()


def test_eligibility_run_command_prints_the_counts(db, consent_text, registry, pension_rule):
    from io import StringIO

    from django.core.management import call_command

    person = make_client("g", snils_number=111222339, birth=date(1950, 1, 1))
    consent_services.give_consent(person, service=registry["service"])
    out = StringIO()
    call_command("eligibility", "run", "--on", "2026-03-01", "--in-process", stdout=out)
    assert "1 offer(s)" in out.getvalue()
    assert Offer.objects.filter(client=person, kind="offer").count() == 1


def test_population_run_in_celery_chunks_sums_the_same_counts(
    db, consent_text, registry, pension_rule, monkeypatch
):
    from clientcentric.config.celery import app

    # No worker runs beside the tests: the chunks run in-process, also when Redis is configured.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    for number in range(5):
        person = make_client(f"p{number}", snils_number=311222330 + number, birth=date(1950, 1, 1))
        consent_services.give_consent(person, life_situation=registry["pension"])
    seen = []
    report = population.run_population(date(2026, 3, 1), chunk_size=2, parallel=True, progress=seen.append)
    assert (report.clients, report.offers, sum(seen)) == (5, 5, 5)
    assert report.per_rule == {"old_age_pension": 5}


def test_a_chunk_run_again_by_another_worker_creates_no_offer_twice(
    db, consent_text, registry, pension_rule, monkeypatch
):
    """A redelivered chunk (its worker died after the commit) may have read the clients before the first run
    committed: its offers are dropped, not an IntegrityError that would fail the run."""
    from clientcentric.delivery.services import rulebook

    for number in range(3):
        person = make_client(f"r{number}", snils_number=411222330 + number, birth=date(1950, 1, 1))
        consent_services.give_consent(person, life_situation=registry["pension"])
    ids = population.client_ids()
    assert population.run_chunk(ids, date(2026, 3, 1)).offers == 3
    late = [
        Offer(
            client_id=o.client_id,
            service=o.service,
            kind=o.kind,
            rule=o.rule,
            consent=o.consent,
            outcome=o.outcome,
        )
        for o in Offer.objects.all()
    ]
    assert rulebook.create_offers(late, ids) == []
    assert Offer.objects.count() == 3
    assert population.run_chunk(ids, date(2026, 3, 1)).offers == 0
    # When some of its offers were dropped, the chunk reports only what it created.
    Offer.objects.all().delete()
    monkeypatch.setattr(population.rulebook, "create_offers", lambda offers, ids: offers[:1])
    report = population.run_chunk(ids, date(2026, 3, 1))
    assert (report.offers, dict(report.per_rule)) == (1, {"old_age_pension": 1})
