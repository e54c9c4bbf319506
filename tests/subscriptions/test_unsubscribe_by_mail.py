"""Unsubscribe by e-mail: the List-Unsubscribe mailto of our e-mails, read from a mailbox by a command."""

import json
import mailbox
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from clientcentric.core.transports import unsubscribe_mailto
from clientcentric.subscriptions import services


@pytest.fixture
def subscribed(people):
    prefs = services.Preferences(
        topics=[("appeals.status", ""), ("registry.news", "")],
        channels={"email": ("anna@example.ru", True)},
    )
    return services.save_preferences(people["client"], prefs)


def mail_from_mailto(mailto: str, *, decode: bool = True) -> EmailMessage:
    """The message a mail program writes when its Unsubscribe button uses the mailto."""
    parts = urlsplit(mailto)
    query = parse_qs(parts.query)
    message = EmailMessage()
    message["From"] = "anna@example.ru"
    message["To"] = parts.path
    message["Subject"] = query["subject"][0]
    message.set_content(query["body"][0] if decode else parts.query.split("body=", 1)[1])
    return message


def ingest(path, capsys):
    try:
        call_command("notifications", "ingest-unsubscribes", "--maildir", str(path))
        code = 0
    except SystemExit as stop:
        code = stop.code
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_a_mail_to_the_unsubscribe_address_stops_its_topic_and_is_marked_read(subscribed, tmp_path, capsys):
    url = services.unsubscribe_url(subscribed.pk, "registry.news")
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(mail_from_mailto(unsubscribe_mailto(url)))
    box.add(mail_from_mailto(unsubscribe_mailto(url), decode=False))  # still percent-encoded: the same topic
    code, counts, _err = ingest(tmp_path / "inbox", capsys)
    assert code == 0 and counts == {"unsubscribed": 1, "already": 1, "left_unread": 0}
    assert list(subscribed.topics.values_list("topic", flat=True)) == ["appeals.status"]
    assert all("S" in message.get_flags() for message in box)
    assert ingest(tmp_path / "inbox", capsys)[1] == {"unsubscribed": 0, "already": 0, "left_unread": 0}


def test_a_mail_without_a_valid_link_stays_unread_and_is_reported(subscribed, tmp_path, capsys):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    plain = EmailMessage()
    plain["Subject"] = "unsubscribe"
    plain.set_content("Отпишите меня, пожалуйста")
    genuine = services.unsubscribe_url(subscribed.pk, "appeals.status")
    box.add(plain)
    box.add(mail_from_mailto(unsubscribe_mailto(genuine[:-4] + "xx/")))
    code, counts, err = ingest(tmp_path / "inbox", capsys)
    assert code == 1 and counts["left_unread"] == 2
    assert "no unsubscribe link" in err and "damaged or forged" in err
    assert not any("S" in message.get_flags() for message in box)
    assert subscribed.topics.count() == 2
