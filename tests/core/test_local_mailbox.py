"""Without a mail server, outgoing letters land in a Maildir under var/ and operators open them on a page."""

import mailbox

import pytest
from django.core import mail

from clientcentric.core import local_mailbox
from clientcentric.core.models import AuditEvent


@pytest.fixture
def maildir(settings, tmp_path):
    settings.EMAIL_BACKEND = local_mailbox.BACKEND
    settings.CLIENTCENTRIC_MAILBOX_DIR = str(tmp_path / "mailbox")
    return tmp_path / "mailbox"


def _send(
    subject="Ваше обращение № 12 зарегистрировано", body="Здравствуйте!\n\nОтвет: https://example.org/a/12"
):
    return mail.send_mail(subject, body, "noreply@example.org", ["ivanova@example.org"])


def test_each_letter_is_one_file_in_the_maildir_and_nothing_is_printed(maildir, capsys):
    assert _send() == 1
    assert _send(subject="Второе письмо") == 1

    box = mailbox.Maildir(maildir, create=False)
    assert len(box) == 2
    assert capsys.readouterr().out == ""
    subjects = [message.subject for message in local_mailbox.messages()]
    assert sorted(subjects) == ["Ваше обращение № 12 зарегистрировано", "Второе письмо"]


def test_an_operator_lists_and_opens_a_letter_and_the_opening_is_audited(maildir, client, people):
    _send()
    client.force_login(people["operator"])

    listing = client.get("/staff/mailbox/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Ваше обращение № 12 зарегистрировано" in page
    assert "ivanova@example.org" in page

    key = local_mailbox.messages()[0].key
    opened = client.get(f"/staff/mailbox/{key}/")
    assert opened.status_code == 200
    letter = opened.content.decode()
    assert "Здравствуйте!" in letter
    assert 'href="https://example.org/a/12"' in letter
    event = AuditEvent.objects.get(action="mailbox.message_opened")
    assert event.actor_id == people["operator"].pk


@pytest.mark.parametrize(
    "role", ["client", "business_representative", "analyst", "methodologist", "inspector"]
)
def test_people_who_do_not_write_to_clients_cannot_open_the_mailbox(maildir, client, people, role):
    _send()
    client.force_login(people[role])
    assert client.get("/staff/mailbox/").status_code == 403
    assert client.get(f"/staff/mailbox/{local_mailbox.messages()[0].key}/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(maildir, client):
    assert client.get("/staff/mailbox/").status_code == 302


def test_an_unknown_letter_and_a_configured_mail_server_answer_404(maildir, client, people, settings):
    client.force_login(people["admin"])
    assert client.get("/staff/mailbox/no-such-key/").status_code == 404
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert client.get("/staff/mailbox/").status_code == 404
