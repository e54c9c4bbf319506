"""The demo's two-way channels: the region's VK community with a comment waiting for an answer and the
client's reply in it; the demo client who put Telegram first, with a message in their personal cabinet."""

import secrets

from django.contrib.auth import get_user_model

from . import services, social
from .models import SocialAccount

COMMUNITY = "220000001"


def load() -> str:
    User = get_user_model()
    operator = User.objects.filter(username="operator").select_related("agency").first()
    if operator is None or operator.agency is None:
        return "Two-way channels: no demo operator, nothing loaded"
    account = SocialAccount.objects.filter(network=SocialAccount.Network.VK, community_id=COMMUNITY).first()
    if account is None:
        account = services.create_social_account(
            network=SocialAccount.Network.VK,
            name="Администрация Демонстрационной области во ВКонтакте",
            community_id=COMMUNITY,
            secret=secrets.token_urlsafe(24),
            agency=operator.agency,
        )
    where = {
        "peer_id": "310245",
        "author_id": "310245",
        "post_owner_id": f"-{COMMUNITY}",
        "post_id": "1842",
        "message_id": "5531",
        "is_public": True,
        "reply_to": "",
        "text": "Подскажите, когда заработает пандус у поликлиники на Садовой? Мама на коляске не может попасть к врачу.",
        "event_id": "demo-wall-reply-5531",
    }
    data = services.AppealInput(
        channel="social",
        kind="comment",
        text=where["text"],
        external_id=f"vk:{COMMUNITY}:{where['event_id']}",
        contact_name="vk.com/id310245",
    )
    intake = services.receive_appeal(data, default_executor=account.agency)
    social.remember_thread(intake.appeal, account, where)
    return f"Two-way channels: VK community {account.name}, appeal № {intake.appeal.number} to answer"
