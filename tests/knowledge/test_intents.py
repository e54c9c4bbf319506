import pytest

from clientcentric.engines.text import intents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("оператор", intents.HANDOVER),
        ("Позовите человека, пожалуйста", intents.HANDOVER),
        ("человек", intents.HANDOVER),
        ("Сколько человек может управлять каналом?", intents.QUESTION),
        ("Какой статус моего обращения?", intents.APPEAL_STATUS),
        ("Где моя заявка?", intents.APPEAL_STATUS),
        ("Хочу подать жалобу", intents.START_APPEAL),
        ("Спасибо!", intents.GOODBYE),
        ("Здравствуйте", intents.GREETING),
        ("Здравствуйте, как загрузить видео на канал?", intents.QUESTION),
    ],
)
def test_intents(text, expected):
    assert intents.detect(text).name == expected


def test_an_appeal_number_is_read_from_the_message():
    found = intents.detect("что с обращением 2026-000123?")
    assert found == intents.Intent(intents.APPEAL_STATUS, "2026-000123")
