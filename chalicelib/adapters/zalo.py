"""The Zalo OA's outside world: its secret, its message API, and the attachments users send (stdlib HTTP only).

- `ZaloSecret`: the stage's Zalo secret in Secrets Manager (ZALO_SECRET_ARN), a JSON object with
  `oa_secret_key` (webhook signatures) and `access_token` (the OA message API); read once per process.
- `ZaloOa`: `POST {ZALO_API_BASE_URL}/v3.0/oa/message/cs` with the `access_token` header, the OA's
  customer-service message to a user who wrote to it. Zalo answers 200 with `{"error": 0}` on success and a
  non-zero `error` otherwise.
- `AttachmentFetcher`: GETs an attachment URL without following redirects, only from public addresses
  (every address the name resolves to must be globally routable, and the connection goes to the address
  that was checked, so a name cannot be re-pointed at a private one in between) or from a host:port
  ZALO_MEDIA_ALLOWED_HOSTS names (the local test server); the declared type must be one asked for and
  the body no larger than asked.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from chalicelib.adapters.secrets import StageSecrets
from chalicelib.ports import AttachmentRefused, Fetched

TIMEOUT_SECONDS = 8
MESSAGE_PATH = "/v3.0/oa/message/cs"


class ZaloSecret(StageSecrets):
    """The stage's Zalo secret (a JSON object), one GetSecretValue per process."""

    @property
    def arn(self) -> str:
        return str(self._settings.zalo_secret_arn)


class OaError(RuntimeError):
    """The OA message API refused or failed (the queue message is retried)."""


class ZaloOa:
    """The ZaloOaPort over the OA's HTTP API."""

    def __init__(self, base_url: str, access_token: Any) -> None:
        """`access_token`: a callable giving the token (read from the secret on first send)."""
        self._base = base_url.rstrip("/")
        self._token = access_token

    def send_text(self, user_id: str, text: str) -> None:
        body = json.dumps({"recipient": {"user_id": user_id}, "message": {"text": text}}, ensure_ascii=False)
        status, answer = _request("POST", self._base + MESSAGE_PATH, body.encode(),
                                  {"Content-Type": "application/json", "access_token": self._token()})
        try:
            error = json.loads(answer or b"{}").get("error", -1)
        except (ValueError, AttributeError):
            error = -1
        if status != 200 or error != 0:
            raise OaError(f"OA message API answered {status} with error {error}")


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(64 * 1024)
    except OSError as exc:
        raise OaError(f"OA message API unreachable: {type(exc).__name__}") from exc
    finally:
        conn.close()


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to one checked address, whatever the name resolves to later."""

    def __init__(self, host: str, address: str, port: int) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to one checked address; the certificate is checked against the URL's host name."""

    def __init__(self, host: str, address: str, port: int) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class AttachmentFetcher:
    """The AttachmentsPort: one GET per attachment, refused before connecting when the address is not public."""

    def __init__(self, allowed_hosts: Collection[str] = ()) -> None:
        self._allowed = {h.lower() for h in allowed_hosts}

    def fetch(self, url: str, max_bytes: int, content_types: Collection[str]) -> Fetched:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
            raise AttachmentRefused("address")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise AttachmentRefused("address") from None
        host = parts.hostname.lower()
        address = host if f"{host}:{port}" in self._allowed else _public_address(host, port)
        cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        conn = cls(host, address, port)
        try:
            conn.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                         headers={"Accept": ", ".join(content_types)})
            response = conn.getresponse()
            if response.status != 200:
                raise AttachmentRefused("fetch")
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if content_type not in content_types:
                raise AttachmentRefused("type")
            declared = response.getheader("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise AttachmentRefused("size")
            data = response.read(max_bytes + 1)
        except OSError as exc:
            raise AttachmentRefused("fetch") from exc
        except http.client.HTTPException as exc:
            raise AttachmentRefused("fetch") from exc
        finally:
            conn.close()
        if len(data) > max_bytes:
            raise AttachmentRefused("size")
        if not data:
            raise AttachmentRefused("fetch")
        return Fetched(data, content_type)


def _public_address(host: str, port: int) -> str:
    """The first address `host` resolves to, if every one of them is globally routable; else refused."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise AttachmentRefused("address") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise AttachmentRefused("address")
    for a in addresses:
        ip = ipaddress.ip_address(a.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise AttachmentRefused("address")
    return addresses[0]
