"""Support-measure offers that wait for a fact are checked again once the business completes its profile
(issue 19): the grant that asks for the registration date becomes a real offer, or is closed with the reason."""

from datetime import date

from clientcentric.business import services as business_services
from clientcentric.core.models import AuditEvent, Notification
from clientcentric.delivery.models import BusinessOffer
from clientcentric.delivery.services import business_support

from .test_support_measures import TODAY, measures  # noqa: F401  (the fixture)


def _grant():
    return BusinessOffer.objects.get(service__code="grant-young")


def test_filling_the_registration_date_turns_the_waiting_grant_into_an_offer(
    business_profile,
    measures,  # noqa: F811
    people,
    django_capture_on_commit_callbacks,
):
    business_support.give_consent(
        business_profile.business, person=people["business_representative"], on=TODAY
    )
    assert _grant().outcome == "unknown"
    sent_before = Notification.objects.filter(object_type="delivery.businessoffer").count()
    business_profile.registered_on = date(2025, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        business_services.save_profile(business_profile)
    grant = _grant()
    assert grant.status == "open" and grant.outcome == "eligible" and grant.missing == []
    assert grant.explanation == "Подходит: grant-young."
    assert any("2025" in reason for reason in grant.reasons)
    assert AuditEvent.objects.filter(
        action="delivery.business_offer_confirmed", object_id=str(grant.pk)
    ).exists()
    # The representative hears that the measure now fits.
    assert Notification.objects.filter(object_type="delivery.businessoffer").count() > sent_before


def test_a_registration_date_too_old_closes_the_waiting_grant_with_the_reason(
    business_profile,
    measures,  # noqa: F811
    people,
    django_capture_on_commit_callbacks,
):
    business_support.give_consent(
        business_profile.business, person=people["business_representative"], on=TODAY
    )
    business_profile.registered_on = date(2015, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        business_services.save_profile(business_profile)
    grant = _grant()
    assert grant.status == "withdrawn" and grant.closed_at is not None
    assert grant.explanation.startswith("По данным бизнеса эта мера не подходит")
    assert AuditEvent.objects.filter(
        action="delivery.business_offer_closed", object_id=str(grant.pk)
    ).exists()
    # The other offer is untouched; nothing is offered twice.
    bakery = BusinessOffer.objects.get(service__code="bakery")
    assert bakery.status == "open"
    assert BusinessOffer.objects.filter(service__code="grant-young").count() == 1


def test_without_a_consent_a_changed_profile_evaluates_nothing(
    business_profile,
    measures,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    business_profile.registered_on = date(2025, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        business_services.save_profile(business_profile)
    assert not BusinessOffer.objects.exists()
