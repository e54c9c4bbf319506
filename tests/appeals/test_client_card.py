"""The operator answering an appeal sees the client — only within their agency — and the read is audited."""

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.appeals import services
from clientcentric.core.models import AuditEvent
from clientcentric.subscriptions import services as subscriptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return accounts_services.create_person(
        username="anna", password="x" * 12, role="client", email="anna@example.ru", first_name="Анна"
    )


def _appeal(author, agency, text):
    return services.receive_appeal(
        services.AppealInput(channel="portal", text=text), default_executor=agency, author=author
    ).appeal


def test_the_card_shows_allowed_contacts_and_earlier_appeals_of_this_agency_only(
    client, housing, housing_operator, author
):
    other = accounts_services.save_agency(
        Agency(code="water", name="Водоканал", level="municipal", kind="institution")
    )
    subscriptions.save_preferences(
        author,
        subscriptions.Preferences(
            channels={"email": ("anna@example.ru", True), "sms": ("+79001112233", False)}, order=["email"]
        ),
    )
    earlier = _appeal(author, housing, "Протекает крыша над квартирой 12")
    elsewhere = _appeal(author, other, "Нет горячей воды третий день")
    appeal = _appeal(author, housing, "Снова протекает крыша над квартирой 12")
    client.force_login(housing_operator)
    page = client.get(f"/operator/appeals/{appeal.number}/").content.decode()
    card = page[page.index('class="client-card"') :]
    assert "anna@example.ru" in card and "+79001112233" not in card  # the switched-off channel is not offered
    assert earlier.number in card and elsewhere.number not in card
    read = AuditEvent.objects.get(action="appeals.client_card_read")
    assert read.actor_id == housing_operator.pk and read.data["client"] == author.pk


def test_an_operator_of_another_agency_cannot_open_the_card(client, housing, author):
    other = accounts_services.save_agency(
        Agency(code="water", name="Водоканал", level="municipal", kind="institution")
    )
    stranger = accounts_services.create_person(
        username="w-op", password="x" * 12, role="operator", agency=other
    )
    appeal = _appeal(author, housing, "Протекает крыша над квартирой 12")
    client.force_login(stranger)
    assert client.get(f"/operator/appeals/{appeal.number}/").status_code == 403
    assert not AuditEvent.objects.filter(action="appeals.client_card_read").exists()
