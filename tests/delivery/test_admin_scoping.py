"""Consents and life events name a person: the back office lists them only to those who may open that profile."""

from clientcentric.delivery.models import Consent, LifeEvent
from clientcentric.delivery.services import consents, life_events

from .conftest import event_input


def test_staff_unrelated_to_the_client_see_neither_consents_nor_life_events(
    client, people, pensioner, registry
):
    snils = pensioner.client_profile.snils
    event, _created = life_events.receive_life_event(event_input(snils))
    consents.give_consent(pensioner, service=registry["service"])
    assert Consent.objects.count() == 1 and LifeEvent.objects.count() == 1

    client.force_login(people["methodologist"])
    for path in ("/admin/delivery/consent/", "/admin/delivery/lifeevent/"):
        page = client.get(path)
        assert page.status_code == 200
        assert page.context["cl"].result_count == 0
        assert snils not in page.content.decode()
    assert client.get(f"/admin/delivery/lifeevent/{event.pk}/change/").status_code == 302

    client.force_login(people["admin"])
    for path in ("/admin/delivery/consent/", "/admin/delivery/lifeevent/"):
        assert client.get(path).context["cl"].result_count == 1
