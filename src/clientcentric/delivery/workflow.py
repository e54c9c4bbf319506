"""Delivery's status tables: offers, service requests, appointments, life events and eligibility rules.

Each status changes only through ``core.services.status`` (or a ``check`` plus the service's own write and a
``history_entry``), so every change is allowed here first and leaves an append-only history row.
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import Appointment, BusinessOffer, EligibilityRule, LifeEvent, Offer, ServiceRequest

OFFER = register(
    Workflow(
        "delivery.offer",
        table(
            {
                Offer.Status.OPEN: [Offer.Status.ACCEPTED, Offer.Status.WITHDRAWN],
                Offer.Status.ACCEPTED: [],
                Offer.Status.WITHDRAWN: [],
            }
        ),
        # A consent revoked or a death registered withdraws an offer; the client only accepts one.
        system_only=frozenset({Offer.Status.WITHDRAWN}),
    )
)

SERVICE_REQUEST = register(
    Workflow(
        "delivery.service_request",
        table(
            {
                ServiceRequest.Status.SUBMITTED: [
                    ServiceRequest.Status.APPROVED,
                    ServiceRequest.Status.REFUSED,
                ],
                ServiceRequest.Status.APPROVED: [],
                ServiceRequest.Status.REFUSED: [],
            }
        ),
    )
)

# Rescheduling cancels the booking and books the new slot: a cancelled appointment is never booked again.
APPOINTMENT = register(
    Workflow(
        "delivery.appointment",
        table({Appointment.Status.BOOKED: [Appointment.Status.CANCELLED], Appointment.Status.CANCELLED: []}),
    )
)

LIFE_EVENT = register(
    Workflow(
        "delivery.life_event",
        table(
            {
                LifeEvent.State.HELD: [LifeEvent.State.APPLIED, LifeEvent.State.NO_CLIENT],
                LifeEvent.State.APPLIED: [],
                LifeEvent.State.NO_CLIENT: [],
            }
        ),
        system_only=frozenset({LifeEvent.State.APPLIED, LifeEvent.State.NO_CLIENT}),
    )
)

# A rule is written as a draft and published after its check, or imported from a rulebook already published;
# a published version is never edited, only retired when a newer one replaces it.
ELIGIBILITY_RULE = register(
    Workflow(
        "delivery.eligibility_rule",
        table(
            {
                EligibilityRule.Status.DRAFT: [EligibilityRule.Status.PUBLISHED],
                EligibilityRule.Status.PUBLISHED: [EligibilityRule.Status.RETIRED],
                EligibilityRule.Status.RETIRED: [],
            }
        ),
    )
)

# A support measure offered to a business: its representative accepts (a request) or declines it; a revoked
# consent withdraws it.
BUSINESS_OFFER = register(
    Workflow(
        "delivery.business_offer",
        table(
            {
                BusinessOffer.Status.OPEN: [
                    BusinessOffer.Status.ACCEPTED,
                    BusinessOffer.Status.DECLINED,
                    BusinessOffer.Status.WITHDRAWN,
                ],
                BusinessOffer.Status.ACCEPTED: [],
                BusinessOffer.Status.DECLINED: [],
                BusinessOffer.Status.WITHDRAWN: [],
            }
        ),
        system_only=frozenset({BusinessOffer.Status.WITHDRAWN}),
    )
)
