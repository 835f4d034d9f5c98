"""A stand-in for the Zalo OA's HTTP API on this machine: `make run` and the tests talk to it instead of Zalo.

It answers the OA message API (`POST /v3.0/oa/message/cs`, Zalo's `{"error": 0}` on success, Zalo's
`-216` "access token is invalid" without a token or when told to fail) and keeps what it was sent, and it
serves image attachments (`GET /media/<name>`) the way Zalo's CDN does, so the channel's adapter is
exercised over real HTTP. `GET /_devstack/zalo/sent` lists the messages sent (the play script reads it).
"""

from __future__ import annotations

import io
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SENT_PATH = "/_devstack/zalo/sent"
MESSAGE_PATH = "/v3.0/oa/message/cs"


def demo_photo(size: tuple[int, int] = (640, 480)) -> bytes:
    """A small JPEG for a demo conversation (drawn here, so no binary sits in the repository)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (90, 110, 120))
    ImageDraw.Draw(img).ellipse((size[0] // 4, size[1] // 3, size[0] * 3 // 4, size[1] * 2 // 3), fill=(40, 40, 40))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


class ZaloOaStandIn:
    """The stand-in server, on a thread; `url` is what ZALO_API_BASE_URL and attachment URLs point at."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sent: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []  # every call: method, path, headers (tests read them)
        self.media: dict[str, tuple[bytes, str]] = {}
        self.redirects: dict[str, str] = {}  # /media/<name> -> a Location the server answers 302 with
        self.failures = 0  # the next this many message calls answer Zalo's error
        self._lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                standin._note(self)
                if self.path == SENT_PATH:
                    with standin._lock:
                        self._answer(200, json.dumps(standin.sent, ensure_ascii=False).encode())
                    return
                name = self.path.removeprefix("/media/")
                if self.path.startswith("/media/") and name in standin.redirects:
                    self.send_response(302)
                    self.send_header("Location", standin.redirects[name])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path.startswith("/media/") and name in standin.media:
                    data, content_type = standin.media[name]
                    self._answer(200, data, content_type)
                    return
                self._answer(404, b'{"error": 404}')

            def do_POST(self) -> None:
                standin._note(self)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != MESSAGE_PATH:
                    self._answer(404, b'{"error": 404}')
                    return
                with standin._lock:
                    failing = standin.failures > 0 or not self.headers.get("access_token")
                    if standin.failures > 0:
                        standin.failures -= 1
                    if not failing:
                        body = json.loads(raw or b"{}")
                        standin.sent.append({"user_id": body.get("recipient", {}).get("user_id"),
                                             "text": body.get("message", {}).get("text")})
                if failing:
                    self._answer(200, b'{"error": -216, "message": "Access token is invalid"}')
                    return
                answer = {"error": 0, "message": "Success", "data": {"message_id": uuid.uuid4().hex}}
                self._answer(200, json.dumps(answer).encode())

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="zalo-oa-standin", daemon=True)

    def _note(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append({"method": handler.command, "path": handler.path, "headers": dict(handler.headers)})

    @property
    def host_port(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.host_port}"

    def start(self) -> ZaloOaStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def texts_to(self, user_id: str) -> list[str]:
        with self._lock:
            return [m["text"] for m in self.sent if m["user_id"] == user_id]
