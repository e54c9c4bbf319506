from clientcentric.appeals import classification, selectors, services
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
    page = client.post("/appeals/similar/", {"text": TEXT, "district": "Невский"}).content.decode()
    assert appeal.get_absolute_url() in page
    assert client.post("/appeals/similar/", {"text": "коротко"}).content.decode().strip() == ""


def test_an_open_appeal_on_the_same_topic_close_by_is_offered(lift_rule, monkeypatch):
    near = services.receive_appeal(
        written(
            "Светофор на перекрёстке мигает жёлтым",
            district="Невский",
            contact_email="a@example.ru",
            topic="Неисправный светофор",
            latitude=59.90000,
            longitude=30.40000,
        )
    ).appeal
    services.receive_appeal(
        written(
            "Светофор у метро не переключается",
            district="Невский",
            contact_email="b@example.ru",
            topic="Неисправный светофор",
            latitude=59.92000,  # about 2 km north
            longitude=30.40000,
        )
    )
    monkeypatch.setattr(
        classification,
        "classify",
        lambda text, district="", k=3, **place: classification.Prediction("Неисправный светофор"),
    )
    typed = "Не работает светофор, пешеходы не могут перейти дорогу"
    found = selectors.similar_open_appeals(typed, latitude=59.90150, longitude=30.40100)  # ~180 m away
    assert [appeal.pk for appeal, _score in found] == [near.pk]
    assert selectors.similar_open_appeals(typed) == []  # without a point, the texts are too different
