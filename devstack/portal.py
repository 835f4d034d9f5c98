"""The built portal (web/dist) served on `make run`, as CloudFront serves it: clean URLs, security headers.

`/config.json` tells the pages where the stage's API is (chalice local's port; "/api" behind CloudFront), and
the console where staff sign in (moto's Cognito and the stage's console app client).
Hashed assets are cached for a year, pages are revalidated. Only files under web/dist are ever served.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.portal import DIST, content_security_policy, load_routes, page_config, route_file, security_headers

IMMUTABLE = "public, max-age=31536000, immutable"


class PortalServer:
    """A threaded static server for one stage's portal."""

    def __init__(self, host: str, port: int, api_url: str, media_origin: str, dist: Path = DIST) -> None:
        self.host, self.port, self.dist = host, port, dist.resolve()
        self.api_url = api_url
        self.config = json.dumps(page_config(api_url)).encode()
        csp = content_security_policy(connect=[api_url, media_origin], images=[media_origin])
        self.headers = security_headers(csp, https=False)
        self.routes = load_routes(dist.parent)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def sign_in_with(self, cognito: str, console_client_id: str) -> PortalServer:
        """The stage's Cognito (moto's) and console app client in /config.json: the console signs in with them.
        Known only once the stage is provisioned, after the port was bound."""
        self.config = json.dumps(page_config(self.api_url, cognito=cognito, console_client_id=console_client_id)
                                 ).encode()
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def built(self) -> bool:
        return (self.dist / "index.html").is_file()

    def bind(self, fallback: bool) -> PortalServer:
        """Take the port now (before the stage is provisioned with this origin); a busy default port falls back
        to a free one when `fallback` (another stack took it meanwhile)."""
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                portal.answer(self, head=False)

            def do_HEAD(self) -> None:
                portal.answer(self, head=True)

            def log_message(self, format: str, *args: Any) -> None:  # quiet: the console is the banner's
                pass

        try:
            self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        except OSError:
            if not fallback:
                raise
            self._server = ThreadingHTTPServer((self.host, 0), Handler)
            self.port = int(self._server.server_address[1])
        self._server.daemon_threads = True
        return self

    def start(self) -> PortalServer:
        """Serve on the bound port (binding it first if needed)."""
        if self._server is None:
            self.bind(fallback=False)
        assert self._server is not None
        self._thread = threading.Thread(target=self._server.serve_forever, name="portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            if self._thread is not None:  # shutdown() waits for serve_forever: only when it runs
                self._server.shutdown()
                self._thread = None
            self._server.server_close()
            self._server = None

    def resolve(self, path: str) -> Path | None:
        """The file under dist for a request path, or None (never outside dist)."""
        mapped = route_file(path, self.routes)
        candidate = (self.dist / (mapped or path.lstrip("/"))).resolve()
        if not candidate.is_relative_to(self.dist) or not candidate.is_file():
            return None
        return candidate

    def answer(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        path = urlsplit(request.path).path
        if path == "/config.json":
            body, kind, cache = self.config, "application/json", "no-cache"
            status = HTTPStatus.OK
        elif (file := self.resolve(path)) is not None:
            body = file.read_bytes()
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            cache = IMMUTABLE if path.startswith("/assets/") else "no-cache"
            status = HTTPStatus.OK
        else:
            body, kind, cache = b"Not found / Khong tim thay", "text/plain", "no-cache"
            status = HTTPStatus.NOT_FOUND
        request.send_response(status)
        request.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", cache)
        for name, value in self.headers.items():
            request.send_header(name, value)
        request.end_headers()
        if not head:
            request.wfile.write(body)
