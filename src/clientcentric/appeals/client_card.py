"""What the operator answering an appeal sees of its client: the contacts they allow, their earlier appeals and
requests, open offers and ratings — all within the operator's agency. Opening it is a read of personal data and
is audited (DESIGN.md §6).

The appeals app sits below delivery and feedback in the layers and beside subscriptions, so it does not read them:
each of those apps registers a section (core/client_card.py) that adds its part of the card for a known person.
"""

from clientcentric.core import client_card as sections
from clientcentric.core.models import Channel
from clientcentric.core.services import audit

from .models import Appeal, SocialThread

LIMIT = sections.LIMIT


def client_card(appeal: Appeal, viewer) -> dict:
    """Reads only; the audit event is the one write, made by `note_read`."""
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
        for section in sections.sections():
            for key, value in section(person, agency_id).items():
                if key == "contacts":
                    card["contacts"] += [contact for contact in value if contact not in card["contacts"]]
                else:
                    card[key] = value
        earlier = earlier.filter(author=person)
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
