"""The population run gives the same offers as the life-event path, and still only within consent."""

from datetime import date

from clientcentric.delivery import population, services
from clientcentric.delivery.models import Offer

from .conftest import make_client


def test_population_run_offers_only_to_consenting_eligible_clients(db, consent_text, registry, pension_rule):
    consenting = make_client("a", snils_number=111222333, birth=date(1950, 1, 1))
    silent = make_client("b", snils_number=111222334, birth=date(1950, 1, 1))
    young = make_client("c", snils_number=111222335, birth=date(1995, 1, 1))
    unknown = make_client("d", snils_number=111222336, birth=None)
    for person in (consenting, young, unknown):
        services.give_consent(person, life_situation=registry["pension"])
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
