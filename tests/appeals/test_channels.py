import io
import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from PIL import Image

from clientcentric.appeals import mail, services
from clientcentric.appeals.models import Appeal, Kind

SECRET = "a-long-webhook-secret-2026"


@pytest.fixture
def vk(housing):
    return services.create_social_account(
        network="vk",
        name="Администрация в VK",
        community_id="12345",
        secret=SECRET,
        confirmation_code="c0nf1rm",
        agency=housing,
    )


@pytest.fixture
def telegram(housing):
    return services.create_social_account(
        network="telegram", name="Бот района", community_id="district_bot", secret=SECRET, agency=housing
    )


def vk_event(kind="wall_reply_new", event_id="ev-1", text="Когда отремонтируют дорогу у школы № 3?", **extra):
    obj = {"id": 77, "from_id": 555, "text": text, **extra}
    if kind == "message_new":
        obj = {"message": obj}
    return {"type": kind, "group_id": 12345, "event_id": event_id, "secret": SECRET, "object": obj}


def test_vk_confirmation_returns_the_code(client, vk):
    response = client.post(
        f"/api/v1/social/vk/{vk.pk}",
        {"type": "confirmation", "group_id": 12345},
        content_type="application/json",
    )
    assert response.content == b"c0nf1rm"


@pytest.mark.parametrize(
    "event,kind,hours",
    [
        ("message_new", Kind.SOCIAL_APPEAL, 2),
        ("wall_reply_new", Kind.COMMENT, 2),
        ("wall_post_new", Kind.MENTION, 4),
    ],
)
def test_vk_events_become_appeals_with_social_deadlines(client, vk, housing, event, kind, hours):
    response = client.post(f"/api/v1/social/vk/{vk.pk}", vk_event(event), content_type="application/json")
    assert response.content == b"ok"
    appeal = Appeal.objects.get()
    assert appeal.kind == kind and appeal.channel == "social" and appeal.executor == housing
    assert (appeal.deadline_at - appeal.registered_at).total_seconds() == hours * 3600


def test_a_replayed_vk_event_is_stored_once(client, vk):
    for _ in range(3):
        assert (
            client.post(f"/api/v1/social/vk/{vk.pk}", vk_event(), content_type="application/json").content
            == b"ok"
        )
    assert Appeal.objects.count() == 1


def test_vk_with_a_wrong_secret_is_refused(client, vk):
    payload = {**vk_event(), "secret": "guess"}
    assert (
        client.post(f"/api/v1/social/vk/{vk.pk}", payload, content_type="application/json").status_code == 403
    )
    assert not Appeal.objects.exists()


def test_vk_community_own_post_is_ignored(client, vk):
    payload = vk_event("wall_post_new", from_id=-12345)
    assert (
        client.post(f"/api/v1/social/vk/{vk.pk}", payload, content_type="application/json").content == b"ok"
    )
    assert not Appeal.objects.exists()


def telegram_update(
    update_id=1, chat_type="private", text="Добрый день! На остановке разбито стекло", **message
):
    return {
        "update_id": update_id,
        "message": {
            "message_id": 5,
            "date": 1764000000,
            "text": text,
            "chat": {"id": 42, "type": chat_type},
            "from": {"id": 42, "first_name": "Ирина"},
            **message,
        },
    }


def post_telegram(client, account, update, secret=SECRET):
    return client.post(
        f"/api/v1/social/telegram/{account.pk}",
        update,
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret,
    )


def test_telegram_private_message_is_an_appeal_and_replay_is_idempotent(client, telegram):
    assert post_telegram(client, telegram, telegram_update()).json() == {"ok": True}
    assert post_telegram(client, telegram, telegram_update()).status_code == 200
    appeal = Appeal.objects.get()
    assert appeal.kind == Kind.SOCIAL_APPEAL and appeal.contact_name == "Ирина"


def test_telegram_comment_and_mention(client, telegram):
    post_telegram(
        client, telegram, telegram_update(2, "supergroup", reply_to_message={"is_automatic_forward": True})
    )
    post_telegram(client, telegram, telegram_update(3, "group", text="@district_bot посмотрите на двор"))
    post_telegram(client, telegram, telegram_update(4, "group", text="просто болтовня"))
    assert sorted(Appeal.objects.values_list("kind", flat=True)) == [Kind.COMMENT, Kind.MENTION]


def test_telegram_wrong_secret_and_garbage(client, telegram):
    assert post_telegram(client, telegram, telegram_update(), secret="nope").status_code == 403
    assert post_telegram(client, telegram, {"hello": 1}).status_code == 400
    assert not Appeal.objects.exists()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="JPEG")
    return out.getvalue()


JPEG = _jpeg()


def make_mail(message_id="<m1@example.ru>", body="Во дворе дома 4 не вывозят мусор две недели.", attach=True):
    message = EmailMessage()
    message["From"] = "Пётр Сидоров <petr@example.ru>"
    message["To"] = "appeals@region.example"
    message["Subject"] = "Мусор во дворе"
    message["Message-ID"] = message_id
    message.set_content(body)
    if attach:
        message.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="двор.jpg")
    return message


def test_maildir_messages_become_appeals_with_attachments_and_are_marked_read(tmp_path, settings, lift_rule):
    settings.MEDIA_ROOT = tmp_path / "media"
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(make_mail())
    box.add(b"this is not an e-mail at all")
    run = mail.ingest_maildir(str(tmp_path / "inbox"))
    assert run.created == 1 and len(run.failed) == 1
    appeal = Appeal.objects.get()
    assert appeal.channel == "email" and appeal.contact_email == "petr@example.ru"
    assert appeal.text.startswith("Мусор во дворе")
    attachment = appeal.attachments.get()
    assert attachment.name == "двор.jpg" and attachment.file.read().startswith(b"\xff\xd8\xff")
    again = mail.ingest_maildir(str(tmp_path / "inbox"))
    assert again.created == 0 and len(again.failed) == 1  # the bad one stays unread, the good one is done


def test_the_same_message_id_twice_is_one_appeal(tmp_path, settings, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(make_mail(attach=False))
    box.add(make_mail(attach=False))
    run = mail.ingest_maildir(str(tmp_path / "inbox"))
    assert run.created == 1 and run.replayed == 1 and Appeal.objects.count() == 1


class FakeImap:
    """Stands in for imaplib.IMAP4 with two unseen messages."""

    stored = []

    def __init__(self, host, port=None):
        self.messages = {b"1": make_mail("<a@x>").as_bytes(), b"2": make_mail("<b@x>", body="").as_bytes()}

    def login(self, user, password):
        assert password == "secret"

    def select(self, folder):
        return "OK", [b"2"]

    def uid(self, command, *args):
        if command == "SEARCH":
            return "OK", [b"1 2"]
        if command == "FETCH":
            return "OK", [(b"1 (BODY[] {100}", self.messages[args[0]]), b")"]
        FakeImap.stored.append(args[0])
        return "OK", []

    def logout(self):
        pass


def test_imap_marks_only_registered_messages_as_seen(tmp_path, settings, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    FakeImap.stored = []
    run = mail.ingest_imap(host="mail.example", user="u", password="secret", connection_factory=FakeImap)
    assert run.created == 2 and FakeImap.stored == [b"1", b"2"]


def test_mail_command_reports_and_exits_nonzero_on_a_bad_message(tmp_path, settings, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(b"garbage")
    with pytest.raises(SystemExit):
        call_command("appeals", "ingest-mail", "--maildir", str(tmp_path / "inbox"))


def test_cli_registers_a_webhook_and_a_client(housing, monkeypatch, capsys):
    monkeypatch.setenv("CLIENTCENTRIC_WEBHOOK_SECRET", SECRET)
    call_command(
        "appeals",
        "add-social",
        "--network",
        "telegram",
        "--name",
        "Бот",
        "--community-id",
        "bot",
        "--agency",
        housing.code,
    )
    call_command("appeals", "add-client", "Система 112", "--agency", housing.code)
    out = capsys.readouterr().out
    assert "/api/v1/social/telegram/" in out and "Система 112: " in out


def test_the_ingest_mail_command_reports_and_exits_1_while_a_message_is_left_unread(
    tmp_path, settings, lift_rule, capsys
):

    settings.MEDIA_ROOT = tmp_path / "media"
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(make_mail(attach=False))
    box.add(b"this is not an e-mail at all")
    with pytest.raises(SystemExit) as stop:
        call_command("appeals", "ingest-mail", "--maildir", str(tmp_path / "inbox"))
    out = capsys.readouterr()
    assert stop.value.code == 1 and "registered 1, already registered 0, left unread 1" in out.out
    assert Appeal.objects.count() == 1
