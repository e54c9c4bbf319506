"""What the operator answering an appeal sees of its client: the contacts they allow, their earlier appeals and
requests, open offers and ratings — all within the operator's agency. Opening it is a read of personal data and
is audited (DESIGN.md §6)."""

from django.db.models import Avg

from clientcentric.core.models import Channel
from clientcentric.core.services import audit

from .models import Appeal, SocialThread

LIMIT = 10


def client_card(appeal: Appeal, viewer) -> dict:
    """Reads only; the audit event is the one write, made by `note_read`."""
    from clientcentric.delivery.models import Offer, ServiceRequest
    from clientcentric.feedback.models import Response
    from clientcentric.subscriptions.models import Subscription

    agency_id = appeal.executor_id
    person = appeal.author
    card = {"person": person, "contacts": [], "appeals": [], "requests": [], "offers": [], "ratings": None}
    if appeal.contact_email:
        card["contacts"].append((str(Channel.EMAIL.label), appeal.contact_email))
    if appeal.contact_phone:
        card["contacts"].append((str(Channel.SMS.label), appeal.contact_phone))
    earlier = Appeal.objects.filter(executor_id=agency_id).exclude(pk=appeal.pk)
    thread = SocialThread.objects.filter(appeal=appeal).select_related("account").first()
    if person is not None:
        subscription = Subscription.objects.filter(person=person).prefetch_related("channels").first()
        if subscription is not None:
            # Only what the client switched on for us to use, in their order; the cabinet has no address to show.
            for row in sorted(subscription.channels.all(), key=lambda c: (c.position, c.channel)):
                if (
                    row.is_enabled
                    and row.address
                    and (Channel(row.channel).label, row.address) not in card["contacts"]
                ):
                    card["contacts"].append((str(Channel(row.channel).label), row.address))
        earlier = earlier.filter(author=person)
        card["requests"] = list(
            ServiceRequest.objects.filter(client=person, service__agency_id=agency_id)
            .select_related("service")
            .order_by("-id")[:LIMIT]
        )
        card["offers"] = list(
            Offer.objects.filter(client=person, service__agency_id=agency_id, status=Offer.Status.OPEN)
            .select_related("service")
            .order_by("-id")[:LIMIT]
        )
        ratings = Response.objects.filter(person=person, agency_id=agency_id)
        card["ratings"] = {
            "count": ratings.count(),
            "average": ratings.filter(answers__value__isnull=False).aggregate(v=Avg("answers__value"))["v"],
            "latest": list(ratings.order_by("-submitted_at").values_list("submitted_at", "comment")[:3]),
        }
    elif thread is not None and thread.author_id:
        # A social-network author without an account: their earlier appeals through the same community.
        earlier = earlier.filter(
            social_thread__account=thread.account, social_thread__author_id=thread.author_id
        )
    elif appeal.contact_email:
        earlier = earlier.filter(contact_email__iexact=appeal.contact_email)
    else:
        earlier = earlier.none()
    card["appeals"] = list(earlier.select_related("policy").order_by("-registered_at")[:LIMIT])
    return card


def note_read(viewer, appeal: Appeal) -> None:
    """The operator opened the client's card: who, which appeal, whose data."""
    audit.record(viewer, "appeals.client_card_read", appeal, client=appeal.author_id)
