"""Delivery's statuses change only as their tables allow, and every change leaves a history row."""

from datetime import date

import pytest

from clientcentric.core.services import status
from clientcentric.core.workflow import REGISTRY, TransitionNotAllowed
from clientcentric.delivery import workflow
from clientcentric.delivery.models import LifeEvent, Offer
from clientcentric.delivery.services import consents as consent_services
from clientcentric.delivery.services import life_events as life_event_services

from .conftest import event_input, make_client


def test_delivery_tables_are_registered():
    assert {
        "delivery.offer",
        "delivery.service_request",
        "delivery.appointment",
        "delivery.life_event",
    } <= set(REGISTRY)


def test_an_open_offer_may_be_accepted_but_a_withdrawn_one_not():
    assert workflow.OFFER.can("open", "accepted")
    with pytest.raises(TransitionNotAllowed):
        workflow.OFFER.check("withdrawn", "accepted")


def test_a_submitted_request_is_decided_once():
    assert workflow.SERVICE_REQUEST.can("submitted", "refused")
    with pytest.raises(TransitionNotAllowed):
        workflow.SERVICE_REQUEST.check("approved", "refused")


def test_a_cancelled_appointment_is_not_booked_again():
    assert workflow.APPOINTMENT.can("booked", "cancelled")
    with pytest.raises(TransitionNotAllowed):
        workflow.APPOINTMENT.check("cancelled", "booked")


def test_a_held_life_event_is_applied_once():
    assert workflow.LIFE_EVENT.can("held", "no_client")
    with pytest.raises(TransitionNotAllowed):
        workflow.LIFE_EVENT.check("applied", "held")


def test_an_applied_life_event_has_its_history(db, consent_text, registry):
    event, _created = life_event_services.receive_life_event(event_input("123-456-789 64", event_id="x"))
    assert event.state == LifeEvent.State.NO_CLIENT
    [change] = status.history(event)
    assert (change.workflow, change.from_status, change.to_status) == (
        "delivery.life_event",
        "held",
        "no_client",
    )


def test_a_revoked_consent_withdraws_the_offer_with_a_history_row(db, consent_text, registry, pension_rule):
    client = make_client("granny", snils_number=723456789, birth=date(1950, 1, 1))
    consent = consent_services.give_consent(client, life_situation=registry["pension"])
    life_event_services.receive_life_event(event_input(client.client_profile.snils, event_id="p"))
    offer = Offer.objects.get(client=client, status="open")
    consent_services.revoke_consent(consent, actor=client)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert [c.to_status for c in status.history(offer)] == ["withdrawn"]
