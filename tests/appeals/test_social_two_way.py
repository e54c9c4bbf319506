"""Answers to social-network appeals leave through the VK API and the Telegram Bot API (a local server here),
with their delivery status recorded; what the client writes back joins the same appeal."""

import pytest

from clientcentric.appeals import services, social
from clientcentric.appeals.models import Appeal, SocialMessage
from clientcentric.core.models import AuditEvent
from tests.fake_messenger import FakeMessengerApi, configure

from .test_channels import SECRET, post_telegram, telegram_update

pytestmark = pytest.mark.django_db(transaction=True)
Status = SocialMessage.Status


@pytest.fixture(autouse=True)
def api(settings, monkeypatch):
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    fake = FakeMessengerApi().start()
    configure(settings, fake)
    yield fake
    fake.stop()


@pytest.fixture
def vk(housing):
    return services.create_social_account(
        network="vk", name="Администрация в VK", community_id="12345", secret=SECRET, agency=housing
    )


@pytest.fixture
def telegram(housing):
    return services.create_social_account(
        network="telegram", name="Бот района", community_id="district_bot", secret=SECRET, agency=housing
    )


def post_vk(client, account, kind, obj, event_id):
    if kind == "message_new":
        obj = {"message": obj}
    payload = {"type": kind, "group_id": 12345, "event_id": event_id, "secret": SECRET, "object": obj}
    response = client.post(f"/api/v1/social/vk/{account.pk}", payload, content_type="application/json")
    assert response.content == b"ok"


def vk_comment_appeal(client, vk, housing_operator):
    post_vk(
        client,
        vk,
        "wall_reply_new",
        {
            "id": 77,
            "from_id": 555,
            "owner_id": -12345,
            "post_id": 10,
            "text": "Когда починят дорогу у школы?",
        },
        "ev-1",
    )
    appeal = Appeal.objects.get()
    services.take(appeal, operator=housing_operator)
    return appeal


def test_a_public_reply_and_the_private_answer_leave_through_the_vk_api(client, vk, housing_operator, api):
    appeal = vk_comment_appeal(client, vk, housing_operator)
    services.public_reply(appeal, operator=housing_operator, text="Ответили вам в личных сообщениях.")
    (comment,) = api.of("wall.createComment")
    assert comment["owner_id"] == "-12345" and comment["post_id"] == "10"
    assert comment["reply_to_comment"] == "77" and comment["from_group"] == "12345"
    services.answer(appeal, operator=housing_operator, text="Дорогу починят до 1 июня. Работы уже начались.")
    (message,) = api.of("messages.send")
    assert message["peer_id"] == "555" and "1 июня" in message["message"] and message["random_id"]
    sent = list(appeal.social_thread.messages.filter(direction="out").values_list("is_public", "status"))
    assert sent == [(True, Status.SENT), (False, Status.SENT)]
    assert (
        AuditEvent.objects.filter(action="appeals.social_message_sent", object_id=str(appeal.pk)).count() == 2
    )


def test_a_refused_call_is_recorded_as_failed_and_can_be_sent_again(client, vk, housing_operator, api):
    appeal = vk_comment_appeal(client, vk, housing_operator)
    api.fail_next("wall.createComment")
    services.public_reply(appeal, operator=housing_operator, text="Ответили вам в личных сообщениях.")
    message = appeal.social_thread.messages.get(direction="out")
    assert message.status == Status.FAILED and "901" in message.error
    social.retry(message, operator=housing_operator)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.provider_id and message.attempts == 2


def test_replies_on_vk_join_the_same_appeal(client, vk, housing_operator, api):
    appeal = vk_comment_appeal(client, vk, housing_operator)
    services.public_reply(appeal, operator=housing_operator, text="Ответили вам в личных сообщениях.")
    our_comment = appeal.social_thread.messages.get(direction="out").provider_id
    services.answer(appeal, operator=housing_operator, text="Дорогу починят до 1 июня.")
    post_vk(
        client,
        vk,
        "wall_reply_new",
        {
            "id": 90,
            "from_id": 555,
            "owner_id": -12345,
            "post_id": 10,
            "reply_to_comment": int(our_comment),
            "text": "Спасибо, а тротуар тоже?",
        },
        "ev-2",
    )
    post_vk(
        client, vk, "message_new", {"id": 3, "from_id": 555, "peer_id": 555, "text": "И освещение?"}, "ev-3"
    )
    post_vk(
        client, vk, "message_new", {"id": 3, "from_id": 555, "peer_id": 555, "text": "И освещение?"}, "ev-3"
    )
    assert Appeal.objects.count() == 1
    received = list(appeal.social_thread.messages.filter(direction="in").values_list("text", flat=True))
    assert received == ["Когда починят дорогу у школы?", "Спасибо, а тротуар тоже?", "И освещение?"]


def test_someone_else_writing_starts_a_new_appeal(client, vk, housing_operator, api):
    appeal = vk_comment_appeal(client, vk, housing_operator)
    services.answer(appeal, operator=housing_operator, text="Дорогу починят до 1 июня.")
    post_vk(
        client,
        vk,
        "message_new",
        {"id": 4, "from_id": 777, "peer_id": 777, "text": "Нет воды в доме 3"},
        "ev-4",
    )
    assert Appeal.objects.count() == 2


def test_telegram_answer_goes_to_the_chat_and_a_reply_to_it_joins_the_appeal(
    client, telegram, housing_operator, api
):
    post_telegram(client, telegram, telegram_update())
    appeal = Appeal.objects.get()
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Мы проверим двор завтра.")
    (call,) = api.of("sendMessage")
    assert call["chat_id"] == "42" and call["text"] == "Мы проверим двор завтра."
    ours = appeal.social_thread.messages.get(direction="out")
    assert ours.status == Status.SENT
    post_telegram(
        client,
        telegram,
        telegram_update(9, text="Спасибо, жду", reply_to_message={"message_id": int(ours.provider_id)}),
    )
    assert Appeal.objects.count() == 1
    assert appeal.social_thread.messages.filter(direction="in", text="Спасибо, жду").exists()


def test_without_a_token_the_answer_is_kept_as_not_delivered(client, telegram, housing_operator, settings):
    settings.CLIENTCENTRIC_TELEGRAM_BOT_TOKEN = ""
    post_telegram(client, telegram, telegram_update())
    appeal = Appeal.objects.get()
    services.take(appeal, operator=housing_operator)
    services.answer(appeal, operator=housing_operator, text="Мы проверим двор завтра.")
    message = appeal.social_thread.messages.get(direction="out")
    assert message.status == Status.FAILED and "TOKEN" in message.error
