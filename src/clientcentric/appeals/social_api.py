"""Webhooks of the official social-network accounts (VK Callback API, Telegram Bot API)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Body, Header, Router
from ninja.errors import HttpError

from . import channels, services, social
from .models import SocialAccount

router = Router(tags=["social networks"], auth=None)


def _account(account_id: int, network: str) -> SocialAccount:
    return get_object_or_404(SocialAccount, pk=account_id, network=network, is_active=True)


def _receive(data, account: SocialAccount, payload: dict) -> None:
    where = social.coordinates(account.network, payload)
    # A reply to one of our answers (or the author writing again in the same chat) joins that appeal.
    if where is not None and where["text"]:
        thread = social.thread_replied_to(account, where)
        if thread is not None:
            social.join(thread, where)
            return
    if data is not None:
        intake = services.receive_appeal(data, default_executor=account.agency)
        if where is not None and where.get("peer_id"):
            social.remember_thread(intake.appeal, account, where)


@router.post("/vk/{account_id}", summary="VK Callback API", include_in_schema=True)
def vk_callback(request, account_id: int, payload: dict = Body(...)):
    account = _account(account_id, SocialAccount.Network.VK)
    if payload.get("type") == "confirmation":
        if str(payload.get("group_id")) != account.community_id:
            raise HttpError(403, "group_id does not match")
        return HttpResponse(account.confirmation_code, content_type="text/plain")
    if not services.social_secret_matches(account, str(payload.get("secret", ""))):
        raise HttpError(403, "wrong secret")
    try:
        _receive(channels.parse_vk(payload, community_id=account.community_id), account, payload)
    except channels.PayloadError as error:
        raise HttpError(400, str(error)) from None
    # VK repeats an event until it gets exactly "ok"; a replay is answered the same way and stored once.
    return HttpResponse("ok", content_type="text/plain")


@router.post("/telegram/{account_id}", summary="Telegram Bot API webhook")
def telegram_update(
    request,
    account_id: int,
    update: dict = Body(...),
    secret: str = Header("", alias="X-Telegram-Bot-Api-Secret-Token"),
):
    account = _account(account_id, SocialAccount.Network.TELEGRAM)
    if not services.social_secret_matches(account, secret):
        raise HttpError(403, "wrong secret token")
    try:
        _receive(channels.parse_telegram(update, bot_username=account.community_id), account, update)
    except channels.PayloadError as error:
        raise HttpError(400, str(error)) from None
    return {"ok": True}
