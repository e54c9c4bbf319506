"""Minimal clients of the VK API and the Telegram Bot API: the calls the platform makes, nothing more.

Base URLs and tokens come from settings (env), so tests and a staging stand point them at a local server. Every
call is logged with the service, the method, the HTTP status, the outcome and the duration, never with the
addressee, the text or the token (the Bot API puts its token in the URL, so the URL is not logged either).
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from clientcentric.core.logging import get_logger

log = get_logger("clientcentric.core.messenger_api")


class ApiError(RuntimeError):
    """The far end refused the call (its error code and description are kept, never the request)."""


class ApiNotConfigured(RuntimeError):
    pass


@dataclass(frozen=True)
class Sent:
    provider_id: str


def _post(service: str, method: str, url: str, body: bytes, content_type: str) -> dict:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    clock = time.perf_counter()
    status, outcome = 0, "error"
    try:
        with urllib.request.urlopen(  # noqa: S310 (the base URL comes from settings)
            request, timeout=settings.CLIENTCENTRIC_MESSENGER_API_TIMEOUT
        ) as response:
            status = response.status
            raw = response.read(262144)
    except urllib.error.HTTPError as error:
        # The Bot API answers a refused call with 4xx and a JSON description: read it like a success.
        status = error.code
        raw = error.read(65536)
    except OSError as error:
        log.warning(
            "messenger_api_call", service=service, method=method, ok=False, error=type(error).__name__
        )
        raise
    finally:
        duration_ms = int((time.perf_counter() - clock) * 1000)
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        data = {}
    outcome = "ok" if 200 <= status < 300 and isinstance(data, dict) else "refused"
    log.info(
        "messenger_api_call",
        service=service,
        method=method,
        status=status,
        ok=outcome == "ok",
        duration_ms=duration_ms,
    )
    if not isinstance(data, dict):
        raise ApiError(f"{service} {method}: unreadable answer (HTTP {status})")
    return data


class Telegram:
    """Bot API: https://core.telegram.org/bots/api#sendmessage"""

    def __init__(self, token: str | None = None):
        self.token = token if token is not None else settings.CLIENTCENTRIC_TELEGRAM_BOT_TOKEN
        if not self.token:
            raise ApiNotConfigured("CLIENTCENTRIC_TELEGRAM_BOT_TOKEN is not set")
        self.base = settings.CLIENTCENTRIC_TELEGRAM_API_URL.rstrip("/")

    def send_message(self, chat_id: str, text: str, *, reply_to: str = "") -> Sent:
        payload: dict = {"chat_id": chat_id, "text": text[:4096]}
        if reply_to:
            payload["reply_parameters"] = {"message_id": int(reply_to), "allow_sending_without_reply": True}
        data = _post(
            "telegram",
            "sendMessage",
            f"{self.base}/bot{self.token}/sendMessage",
            json.dumps(payload, ensure_ascii=False).encode(),
            "application/json; charset=utf-8",
        )
        if not data.get("ok"):
            raise ApiError(
                f"telegram sendMessage: {data.get('error_code', '?')} {data.get('description', '')}"
            )
        return Sent(str((data.get("result") or {}).get("message_id", "")))


class Vk:
    """VK API methods messages.send and wall.createComment, called with the community's access token."""

    def __init__(self, token: str | None = None):
        self.token = token if token is not None else settings.CLIENTCENTRIC_VK_ACCESS_TOKEN
        if not self.token:
            raise ApiNotConfigured("CLIENTCENTRIC_VK_ACCESS_TOKEN is not set")
        self.base = settings.CLIENTCENTRIC_VK_API_URL.rstrip("/")

    def _call(self, method: str, params: dict) -> object:
        body = urllib.parse.urlencode(
            {**params, "access_token": self.token, "v": settings.CLIENTCENTRIC_VK_API_VERSION}
        ).encode()
        data = _post("vk", method, f"{self.base}/{method}", body, "application/x-www-form-urlencoded")
        if "error" in data:
            error = data["error"] or {}
            raise ApiError(f"vk {method}: {error.get('error_code', '?')} {error.get('error_msg', '')}")
        if "response" not in data:
            raise ApiError(f"vk {method}: no response in the answer")
        return data["response"]

    def send_message(self, peer_id: str, text: str, *, random_id: int) -> Sent:
        # random_id makes a repeated call a no-op on VK's side (it drops a second message with the same id).
        response = self._call("messages.send", {"peer_id": peer_id, "message": text, "random_id": random_id})
        return Sent(str(response))

    def create_comment(self, owner_id: str, post_id: str, text: str, *, reply_to_comment: str = "") -> Sent:
        params = {"owner_id": owner_id, "post_id": post_id, "message": text}
        if str(owner_id).startswith("-"):
            params["from_group"] = str(owner_id)[1:]
        if reply_to_comment:
            params["reply_to_comment"] = reply_to_comment
        response = self._call("wall.createComment", params)
        return Sent(
            str((response or {}).get("comment_id", "")) if isinstance(response, dict) else str(response)
        )
