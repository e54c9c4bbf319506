from clientcentric.appeals import selectors, services
from clientcentric.appeals.models import Status

from .conftest import written

TEXT = "Во дворе дома 5 по улице Лесной третью неделю не работает фонарь у подъезда"


def test_similar_open_appeals_are_found_and_closed_ones_drop_out(lift_rule, housing_operator):
    appeal = services.receive_appeal(written(TEXT, district="Невский", contact_email="a@b.ru")).appeal
    services.receive_appeal(
        written("В доме 8 течёт крыша над пятым этажом", district="Невский", contact_email="a@b.ru")
    )
    rewritten = "Третью неделю не работает фонарь у подъезда во дворе дома 5 по улице Лесной"
    assert [a.number for a, _score in selectors.similar_open_appeals(rewritten, district="Невский")] == [
        appeal.number
    ]
    assert selectors.similar_open_appeals(rewritten.replace("дома 5", "дома 7"), district="Невский") == []
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Заменили фонарь.")
    assert appeal.__class__.objects.get(pk=appeal.pk).status == Status.ANSWERED
    assert selectors.similar_open_appeals(rewritten, district="Невский") == []


def test_the_similar_fragment_offers_to_join(client, lift_rule):
    appeal = services.receive_appeal(written(TEXT, district="Невский", contact_email="a@b.ru")).appeal
    page = client.get("/appeals/similar/", {"text": TEXT, "district": "Невский"}).content.decode()
    assert appeal.get_absolute_url() in page
    assert client.get("/appeals/similar/", {"text": "коротко"}).content.decode().strip() == ""
