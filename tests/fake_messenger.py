"""A local stand-in for the VK API and the Telegram Bot API: a thread serving 127.0.0.1, speaking their HTTP.

It records every request (method, parsed parameters) and answers with the networks' response shapes:
VK `{"response": …}` or `{"error": {"error_code", "error_msg"}}`, Telegram `{"ok": true, "result": {…}}` or
`{"ok": false, "error_code", "description"}`. `fail_next` makes the next call of a method fail like the network.
"""

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class FakeMessengerApi:
    def __init__(self, *, vk_token="vk-token", telegram_token="123:tg-token"):
        self.vk_token, self.telegram_token = vk_token, telegram_token
        self.calls: list[dict] = []
        self.fail: dict[str, int] = {}
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = api._answer(
                    urlsplit(self.path).path, self.headers.get("Content-Type", ""), raw
                )
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, method: str, times: int = 1):
        self.fail[method] = times

    def of(self, method: str) -> list[dict]:
        return [c["params"] for c in self.calls if c["method"] == method]

    def _answer(self, path: str, content_type: str, raw: bytes):
        if content_type.startswith("application/json"):
            params = json.loads(raw or b"{}")
        else:
            params = dict(parse_qsl(raw.decode()))
        if path.startswith("/telegram/bot"):
            token, _, method = path[len("/telegram/bot") :].partition("/")
            return self._telegram(token, method, params)
        if path.startswith("/vk/method/"):
            return self._vk(path[len("/vk/method/") :], params)
        return 404, {"error": "unknown path"}

    def _record(self, method, params) -> bool:
        with self._lock:
            self.calls.append({"method": method, "params": params})
            if self.fail.get(method):
                self.fail[method] -= 1
                return False
        return True

    def _telegram(self, token, method, params):
        if token != self.telegram_token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if not self._record(method, params):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        if method == "sendMessage":
            return 200, {
                "ok": True,
                "result": {
                    "message_id": next(self._ids),
                    "chat": {"id": params.get("chat_id")},
                    "text": params.get("text"),
                },
            }
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _vk(self, method, params):
        if params.get("access_token") != self.vk_token:
            return 200, {"error": {"error_code": 5, "error_msg": "User authorization failed"}}
        params = {k: v for k, v in params.items() if k != "access_token"}
        if not self._record(method, params):
            return 200, {
                "error": {"error_code": 901, "error_msg": "Can't send messages for users without permission"}
            }
        if method == "messages.send":
            return 200, {"response": next(self._ids)}
        if method == "wall.createComment":
            return 200, {"response": {"comment_id": next(self._ids), "parents_stack": []}}
        return 200, {"error": {"error_code": 3, "error_msg": "Unknown method passed"}}


def configure(settings, api: FakeMessengerApi) -> None:
    """Point the platform's settings at the fake."""
    settings.CLIENTCENTRIC_TELEGRAM_API_URL = f"{api.base}/telegram"
    settings.CLIENTCENTRIC_TELEGRAM_BOT_TOKEN = api.telegram_token
    settings.CLIENTCENTRIC_VK_API_URL = f"{api.base}/vk/method"
    settings.CLIENTCENTRIC_VK_ACCESS_TOKEN = api.vk_token
