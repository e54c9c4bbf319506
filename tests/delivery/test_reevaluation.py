"""A client is re-evaluated at once after a consent, a situation they opened or a corrected fact (DEL-2, DEL-3);
the whole-base run is on the beat schedule and continues after a crash without duplicate offers."""

from datetime import date

from django.conf import settings

from clientcentric.delivery import population
from clientcentric.delivery.models import EligibilityRule, Offer, PopulationRun
from clientcentric.delivery.services import consents as consent_services
from clientcentric.delivery.services import population_runs
from clientcentric.delivery.services import profiles as profile_services
from clientcentric.delivery.services import rules as rule_services

from .conftest import make_client


def test_giving_a_consent_makes_the_offer_at_once(
    pensioner, registry, pension_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consent_services.give_consent(pensioner, life_situation=registry["pension"])
    offer = Offer.objects.get(client=pensioner)
    assert offer.kind == "offer" and offer.service == registry["service"] and offer.outcome == "eligible"


def test_correcting_a_fact_re_evaluates_the_client(
    consent_text, registry, pension_rule, django_capture_on_commit_callbacks
):
    young = make_client("young", snils_number=223456789, birth=date(1990, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        consent_services.give_consent(young, life_situation=registry["pension"])
    assert not Offer.objects.filter(client=young).exists()
    profile = young.client_profile
    profile.birth_date = date(1950, 4, 1)
    with django_capture_on_commit_callbacks(execute=True):
        profile_services.save_profile(profile, actor=young)
    assert Offer.objects.filter(client=young, service=registry["service"], status="open").exists()


def test_a_revoked_consent_stops_the_re_evaluation(
    consent_text, registry, pension_rule, django_capture_on_commit_callbacks
):
    young = make_client("young", snils_number=223456789, birth=date(1990, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        consent = consent_services.give_consent(young, life_situation=registry["pension"])
    consent_services.revoke_consent(consent, actor=young)
    profile = young.client_profile
    profile.birth_date = date(1950, 4, 1)
    with django_capture_on_commit_callbacks(execute=True):
        profile_services.save_profile(profile, actor=young)
    assert not Offer.objects.filter(client=young).exists()


def test_opening_a_life_situation_in_the_cabinet_informs_at_once(
    client, pensioner, registry, low_income, django_capture_on_commit_callbacks
):
    rule = rule_services.save_rule(
        EligibilityRule(
            rule_id="pension_info",
            service=registry["service"],
            text="age >= 60",
            valid_from=date(2016, 1, 1),
            inform_without_consent=True,
            examples=[{"on": "2026-01-01", "facts": {"age": 61}, "expect": "eligible"}],
        )
    )
    rule_services.publish_rule(rule)
    client.force_login(pensioner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/", {"life_situation": registry["pension"].pk})
    offer = Offer.objects.get(client=pensioner)
    assert offer.kind == "information"  # no consent: informed only, nothing evaluated


def test_the_whole_base_run_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["delivery-eligibility-run"]
    assert entry["task"] == "clientcentric.delivery.tasks.run_population"


def test_a_run_cut_short_continues_after_its_last_client_without_duplicates(
    consent_text, registry, pension_rule
):
    clients = [make_client(f"p{n}", snils_number=300000000 + n, birth=date(1950, 1, 1 + n)) for n in range(5)]
    for person in clients:
        consent_services.give_consent(person, life_situation=registry["pension"])
    on = date(2026, 6, 1)
    # The first two clients were done when the worker died: their offers exist, the checkpoint says so.
    population.run_chunk([c.pk for c in clients[:2]], on)
    run = population_runs.open_run(on)
    population_runs.checkpoint(run, clients[1].pk, clients=2, offers=2, information=0)
    report = population.run_population(on, chunk_size=2)
    assert report.clients == 3 and report.offers == 3
    run.refresh_from_db()
    assert run.finished_at is not None and run.clients == 5 and run.last_client_id == clients[-1].pk
    assert Offer.objects.filter(status="open").count() == 5
    again = population.run_population(on, chunk_size=2)
    assert again.clients == 5 and again.offers == 0
    assert PopulationRun.objects.filter(on=on).count() == 2
    assert Offer.objects.filter(status="open").count() == 5
