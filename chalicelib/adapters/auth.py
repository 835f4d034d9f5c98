"""Staff sign-in, verified in the app: a Cognito ID token checked against the pool's published keys.

On a deployed stage API Gateway checks the token first: infra/build.py puts a
Cognito user-pool authorizer on every /staff route of the packaged template
(a second lock, not the only one). `chalice local` and the tests have no such
authorizer, so this module's check is the one every stage always runs, with
the same rules everywhere. A token passes only if it is RS256-signed by a key
of the pool's JWKS, names the pool as issuer and one of our app clients as
audience, is an ID token (`token_use` = "id": it carries the groups and the
agency attribute), has not expired, has claims of the right types (a wrong
type is a 401, never a 500), and was not issued before the user's revocation
marker (`revoked#<sub>`, written by services/staff_admin.py when an admin
disables or regroups the user: the token's `auth_time`, else `iat`, must be
later). Role = Cognito group; agency = `custom:agency_id`.

The keys are fetched once per process and again only when a token names an
unknown key id (key rotation), at most once a minute; a container's first staff request starts
the first fetch in the background (`JwksKeys.prefetch`, from a middleware in handlers/staff.py), so the
round trip overlaps that request's imports. Revocation markers are
read per user and cached for REVOCATION_CACHE_SECONDS at most. The JWKS
address is a setting of its own: moto's tokens name the AWS host as issuer
while a local moto server serves the keys at its own address.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalicelib.config import Settings
from chalicelib.observability import logger
from chalicelib.rules.actors import STAFF_ROLES, Actor
from chalicelib.rules.errors import Forbidden, Unauthenticated, Unavailable

AGENCY_CLAIM = "custom:agency_id"
LEEWAY_SECONDS = 30
REFRESH_AT_MOST_EVERY = 60.0
REVOCATION_CACHE_SECONDS = 5.0
PREFETCH_WAIT_SECONDS = 6.0  # longer than fetch_json's own timeout: a prefetch always ends first

# When a user's sign-ins were revoked (None: never); raises nothing for an unknown user.
RevokedAt = Callable[[str], datetime | None]


def fetch_json(url: str, timeout: float = 5.0) -> dict[str, Any]:
    """GET a JSON document (the JWKS); only http(s) addresses."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) address: {url}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


class JwksKeys:
    """The pool's signing keys by key id, cached for the life of the process."""

    def __init__(self, url: str, fetch: Callable[[str], dict[str, Any]] = fetch_json,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self._fetch = fetch
        self._monotonic = monotonic
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()
        self._prefetch: threading.Thread | None = None

    def prefetch(self) -> None:
        """Start the first fetch in the background: a cold function's first staff request goes on importing
        and building while the keys travel (from Cognito, a TLS round trip), and `get` waits for them."""
        with self._lock:
            if self._fetched_at is not None or self._prefetch is not None:
                return
            self._prefetch = threading.Thread(target=self._refresh_locked, name="jwks-prefetch", daemon=True)
            self._prefetch.start()

    def get(self, kid: str) -> Any:
        """The key (a PyJWK) for `kid`, or None; fetches on first use and on an unknown id."""
        key = self._keys.get(kid)
        if key is not None:
            return key
        pending = self._prefetch
        if pending is not None:
            pending.join(PREFETCH_WAIT_SECONDS)  # its failure is logged, and counts as this minute's fetch
        with self._lock:
            stale = self._fetched_at is None or self._monotonic() - self._fetched_at >= REFRESH_AT_MOST_EVERY
            if kid not in self._keys and stale:
                self._refresh()
        return self._keys.get(kid)

    def _refresh_locked(self) -> None:
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        from jwt import PyJWKSet
        from jwt.exceptions import PyJWKSetError

        self._fetched_at = self._monotonic()
        try:
            keys = PyJWKSet.from_dict(self._fetch(self.url)).keys
        except (OSError, ValueError, PyJWKSetError) as exc:
            logger.warning("staff keys could not be fetched", extra={"jwks_url": self.url, "error": str(exc)})
            return
        self._keys = {k.key_id: k for k in keys if k.key_id}


def issuer_of(settings: Settings) -> str:
    """The pool's issuer: as configured, else Cognito's address for the pool (its region is the id's prefix)."""
    if settings.staff_issuer:
        return settings.staff_issuer.rstrip("/")
    pool = settings.staff_user_pool_id
    region = pool.split("_", 1)[0] if "_" in pool else settings.region
    return f"https://cognito-idp.{region}.amazonaws.com/{pool}"


def jwks_url_of(settings: Settings) -> str:
    """Where the keys are: as configured; on a local stack, the moto server; else the issuer's well-known path."""
    if settings.staff_jwks_url:
        return settings.staff_jwks_url
    if settings.endpoint_url:
        return f"{settings.endpoint_url.rstrip('/')}/{settings.staff_user_pool_id}/.well-known/jwks.json"
    return f"{issuer_of(settings)}/.well-known/jwks.json"


class StaffAuthenticator:
    """Turns an `Authorization: Bearer <ID token>` header into the Actor the workflow rules reason about."""

    def __init__(self, settings: Settings, keys: JwksKeys | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 revoked_at: RevokedAt | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.pool_id = settings.staff_user_pool_id
        self.client_ids = tuple(settings.staff_client_ids)
        self.issuer = issuer_of(settings)
        self.keys = keys or JwksKeys(jwks_url_of(settings))
        self._clock = clock
        self._revoked_at = revoked_at
        self._monotonic = monotonic
        self._revocations: dict[str, tuple[float, datetime | None]] = {}

    def authenticate(self, authorization: str | None) -> Actor:
        """The signed-in staff member; 401 without a valid, current ID token, 403 without a staff group."""
        claims = self._verified_claims(authorization)
        groups = claims.get("cognito:groups", [])
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise Unauthenticated("invalid_token")
        username = claims.get("cognito:username") or claims.get("sub")
        agency = claims.get(AGENCY_CLAIM)
        if not isinstance(username, str) or not username or not (agency is None or isinstance(agency, str)):
            raise Unauthenticated("invalid_token")
        self._refuse_if_revoked(claims)
        roles = frozenset(g for g in groups if g in STAFF_ROLES)
        if not roles:
            logger.info("staff sign-in without a staff group", extra={"actor": username})
            raise Forbidden("not_staff")
        return Actor(id=username, roles=roles, agency_id=agency or None)

    def _refuse_if_revoked(self, claims: dict[str, Any]) -> None:
        """401 if the user's sign-ins were revoked after this token's sign-in (auth_time, else iat)."""
        if self._revoked_at is None:
            return
        sub = claims.get("sub")
        signed_in = claims.get("auth_time", claims["iat"])
        if not isinstance(sub, str) or not sub or not _is_number(signed_in):
            raise Unauthenticated("invalid_token")
        revoked = self._revocation_of(sub)
        if revoked is not None and float(signed_in) <= revoked.timestamp():
            logger.info("staff token issued before its user's revocation", extra={"actor": sub})
            raise Unauthenticated("token_revoked")

    def _revocation_of(self, sub: str) -> datetime | None:
        now = self._monotonic()
        cached = self._revocations.get(sub)
        if cached is not None and now - cached[0] < REVOCATION_CACHE_SECONDS:
            return cached[1]
        assert self._revoked_at is not None
        try:
            revoked = self._revoked_at(sub)
        except Exception as exc:  # the table unreachable or throttled: refuse for now, never let a token through
            logger.warning("revocation marker not read", extra={"actor": sub, "error": type(exc).__name__})
            raise Unavailable("sign_in_check_unavailable") from exc
        if len(self._revocations) > 10_000:  # a bounded cache: staff are hundreds, not millions
            self._revocations.clear()
        self._revocations[sub] = (now, revoked)
        return revoked

    def _verified_claims(self, authorization: str | None) -> dict[str, Any]:
        import jwt

        scheme, _, token = (authorization or "").strip().partition(" ")
        if not authorization:
            raise Unauthenticated("auth_required")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("invalid_token")
        if not self.pool_id or not self.client_ids:
            logger.warning("staff sign-in is not configured (STAFF_USER_POOL_ID / STAFF_CLIENT_IDS)")
            raise Unauthenticated("invalid_token")
        token = token.strip()
        try:
            header = jwt.get_unverified_header(token)
            key = self.keys.get(str(header.get("kid", ""))) if header.get("alg") == "RS256" else None
            if key is None:
                raise Unauthenticated("invalid_token")
            claims = jwt.decode(
                token, key.key, algorithms=["RS256"], audience=list(self.client_ids), issuer=self.issuer,
                options={"verify_exp": False, "verify_iat": False,
                         "require": ["exp", "iat", "iss", "aud", "token_use"]},
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated("invalid_token") from exc
        if claims.get("token_use") != "id":
            raise Unauthenticated("invalid_token")
        now = self._clock().timestamp()
        if not (_is_number(claims["exp"]) and _is_number(claims["iat"])
                and ("auth_time" not in claims or _is_number(claims["auth_time"]))):
            raise Unauthenticated("invalid_token")
        exp, iat = float(claims["exp"]), float(claims["iat"])
        if now >= exp + LEEWAY_SECONDS:
            raise Unauthenticated("token_expired")
        if iat > now + LEEWAY_SECONDS:
            raise Unauthenticated("invalid_token")
        return claims


def _is_number(value: Any) -> bool:
    """A JSON number (a NumericDate): not a string, not a boolean, not NaN or infinite."""
    import math

    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
