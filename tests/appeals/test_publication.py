"""Published appeal texts and answers carry no personal data; the author still reads the original."""

import re

import pytest
from django.core.exceptions import ValidationError

from clientcentric.appeals import services
from clientcentric.appeals.models import Appeal

from .conftest import written

URL = "/api/v1/appeals"
TEXT = (
    "Во дворе д. 12к2 не работает фонарь. Пишите на ivan.petrov@mail.ru или звоните +7 (921) 123-45-67, "
    "Петров Иван Сергеевич, кв. 15"
)
SECRETS = ("ivan.petrov@mail.ru", "123-45-67", "Петров Иван", "12к2", "кв. 15")


def test_api_list_and_tracker_mask_the_text_and_the_answer(client, lift_rule, people, housing_operator):
    client.force_login(people["client"])
    number = client.post(URL, {"text": TEXT, "district": "Невский"}, content_type="application/json").json()[
        "number"
    ]
    client.logout()
    appeal = Appeal.objects.with_number(number).get()
    services.take(appeal, operator=housing_operator)
    services.answer(
        appeal,
        operator=housing_operator,
        text="Здравствуйте, Иван! Фонарь у дома заменён, работы выполнены в срок.",
    )
    body = client.get(f"{URL}/{number}").json()
    listed = client.get(URL).json()["items"][0]
    for shown in (body["text"], listed["text"]):
        assert "XXXX" in shown and not any(secret in shown for secret in SECRETS)
    assert body["answers"][0]["text"].startswith("Здравствуйте! Фонарь")


def test_the_page_masks_for_everyone_but_the_author(client, lift_rule, people):
    client.force_login(people["client"])
    number = client.post(URL, {"text": TEXT, "district": "Невский"}, content_type="application/json").json()[
        "number"
    ]
    assert "ivan.petrov@mail.ru" in client.get(f"/appeals/{number}/").content.decode()
    client.logout()
    page = client.get(f"/appeals/{number}/").content.decode()
    assert "XXXX" in page and not any(secret in page for secret in SECRETS)
    client.force_login(people["operator"])
    page = client.get(f"/appeals/{number}/").content.decode()
    assert not any(secret in page for secret in SECRETS)


def test_the_similar_fragment_is_masked_and_refuses_get(client, lift_rule, people):
    client.force_login(people["client"])
    client.post(URL, {"text": TEXT, "district": "Невский"}, content_type="application/json")
    client.logout()
    assert client.get("/appeals/similar/", {"text": TEXT}).status_code == 405
    fragment = client.post("/appeals/similar/", {"text": TEXT, "district": "Невский"}).content.decode()
    assert "XXXX" in fragment and "ivan.petrov@mail.ru" not in fragment


@pytest.mark.parametrize(
    ("channel", "kind", "publish", "published", "basis"),
    [
        ("portal", "written", None, True, "public_channel"),
        ("email", "written", None, False, "private_channel"),
        ("phone", "written", None, False, "private_channel"),
        ("chatbot", "written", None, False, "private_channel"),
        ("social", "social_appeal", None, False, "private_channel"),
        ("social", "comment", None, True, "public_channel"),
        ("email", "written", True, True, "author_consent"),
        ("portal", "written", False, False, "author_refusal"),
    ],
)
def test_private_channels_stay_private_unless_the_author_agrees(channel, kind, publish, published, basis):
    data = services.AppealInput(channel=channel, kind=kind, text="x", publish=publish)
    assert services.publication_for(data) == (published, basis)


def test_an_unpublished_appeal_is_seen_only_by_its_author(client, lift_rule, people):
    client.force_login(people["client"])
    intake = services.receive_appeal(
        written(district="Невский", channel="email", contact_email="a@example.ru"), author=people["client"]
    )
    number = intake.appeal.number
    assert not intake.appeal.is_published
    assert client.get(f"/appeals/{number}/").status_code == 200
    client.logout()
    assert client.get(f"/appeals/{number}/").status_code == 404
    assert client.get(f"{URL}/{number}").status_code == 404
    assert client.get(URL).json()["count"] == 0
    assert client.post("/appeals/similar/", {"text": intake.appeal.text}).content.decode().strip() == ""


def test_an_operator_publishes_with_a_reason_kept_in_the_history(client, lift_rule, people, housing_operator):
    appeal = services.receive_appeal(
        written(district="Невский", channel="phone", contact_phone="+7 921 000-00-00")
    ).appeal
    with pytest.raises(ValidationError):
        services.set_publication(appeal, published=True, operator=housing_operator, reason=" ")
    client.force_login(housing_operator)
    response = client.post(
        f"/operator/appeals/{appeal.number}/", {"action": "publish", "note": "Автор согласился по телефону"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.is_published and appeal.publication_basis == "operator"
    event = appeal.events.order_by("-pk").first()
    assert "Автор согласился по телефону" in event.note and not event.is_public
    client.logout()
    assert client.get(f"{URL}/{appeal.number}").status_code == 200


def test_the_portal_form_asks_for_consent_and_the_chatbot_hand_over_starts_unticked(
    client, lift_rule, people
):
    def publish_box(page) -> str:
        return re.search(r"<input[^>]*name=\"publish\"[^>]*>", page.content.decode()).group()

    assert "checked" in publish_box(client.get("/appeals/new/"))
    assert "checked" not in publish_box(client.get("/appeals/new/", {"text": "Не работает лифт"}))
    client.force_login(people["client"])
    client.post("/appeals/new/", {"text": "Сломан лифт в парадной", "district": "Невский"})
    assert not Appeal.objects.get().is_published
