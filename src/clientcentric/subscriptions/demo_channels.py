"""The demo client's channels (issue 20): the messenger (Telegram) first, then e-mail, then the personal cabinet,
with one message already in the cabinet's inbox."""

from django.contrib.auth import get_user_model

from clientcentric.core.models import InboxMessage
from clientcentric.core.services import chains

from . import services as subscriptions


def load() -> str:
    client = get_user_model().objects.filter(username="client").first()
    if client is None:
        return "Channels: no demo client"
    _client_channels(client)
    return "Channels: the demo client hears first in the messenger, then by e-mail, then in the cabinet"


def _client_channels(client) -> None:
    subscriptions.save_preferences(
        client,
        subscriptions.Preferences(
            topics=[("appeals.status", "")],
            channels={
                "messenger": ("@demo_client_2026", True),
                "email": (client.email or "client@demo.example", True),
                "cabinet": ("", True),
            },
            order=["messenger", "email", "cabinet"],
        ),
    )
    if not InboxMessage.objects.filter(person=client).exists():
        chains.enqueue_chain(
            [
                {
                    "channel": "cabinet",
                    "address": str(client.pk),
                    "subject": "Запись к врачу подтверждена",
                    "body": "Вы записаны в поликлинику № 2 на 14 декабря, 10:30. Возьмите паспорт и полис ОМС.",
                }
            ],
            event="demo",
        )
