"""Report ids a citizen can read over the phone, and tracking tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable

from chalicelib.rules.errors import NotFound

# Crockford's base32: no I, L, O, U, so nothing is misheard or misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_report_id(prefix: str, randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """'DLK-7KQ3-M9XD': province prefix and 40 random bits in two groups of four."""
    chars = "".join(ALPHABET[randbelow(32)] for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def normalise_report_id(raw: str) -> str:
    """Accept what a person types: lower case, spaces, O for 0, I/L for 1."""
    text = raw.strip().upper().replace(" ", "")
    head, sep, tail = text.partition("-")
    tail = tail.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{head}{sep}{tail}"


def new_tracking_token() -> str:
    """A random secret (160 bits, URL-safe); reports now get `tracking_token`, which is never stored."""
    return secrets.token_urlsafe(20)


def tracking_token(key: bytes, report_id: str) -> str:
    """The reporter's secret for one report: HMAC-SHA256 of its id under the stage's key (160 bits, URL-safe).

    Derived, not drawn, so it never has to be kept anywhere: the reports table
    holds its digest only, and a replayed submission recomputes it.
    """
    mac = hmac.new(key, f"tracking-token|{report_id}".encode(), hashlib.sha256).digest()[:20]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def token_digest(token: str) -> str:
    """What we store instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, digest: str | None) -> bool:
    """Constant-time check of a presented token against the stored digest."""
    if not token or not digest:
        return False
    return hmac.compare_digest(token_digest(token), digest)


def reporters_own[T](found: tuple[T, str | None] | None, token: str | None) -> T:
    """The report if the presented token is its own; else 404, word for word the answer to an unknown id,
    so report ids cannot be probed. `found` is (report, token digest) as the store reads it."""
    if found is None or not token_matches(token, found[1]):
        raise NotFound("report_not_found", "id")
    return found[0]
