"""Published appeal texts and answers carry no personal data; the author still reads the original."""

from clientcentric.appeals import services
from clientcentric.appeals.models import Appeal

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
