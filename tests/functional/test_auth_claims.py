"""Staff tokens with claims of the wrong type, and revoked sign-ins: always a 401, never a 500.

The tokens here are signed with a key of a JWKS the authenticator trusts, so
only the claims are at fault: a well-signed token from a misconfigured pool
(or a future Cognito change) must still be refused cleanly.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.adapters.auth import REVOCATION_CACHE_SECONDS, StaffAuthenticator
from chalicelib.config import Settings
from chalicelib.rules.errors import Unauthenticated, Unavailable
from chalicelib.rules.messages import ERRORS

POOL = "ap-southeast-1_TestPool"
CLIENT = "console-client"
ISSUER = f"https://cognito-idp.ap-southeast-1.amazonaws.com/{POOL}"
NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class _Keys:
    """A JWKS of one key, id "k1"."""

    def __init__(self) -> None:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(PRIVATE.public_key()))
        self.key = jwt.PyJWK.from_dict({**public, "kid": "k1", "alg": "RS256", "use": "sig"})

    def get(self, kid: str) -> Any:
        return self.key if kid == "k1" else None


def _claims(**over: Any) -> dict[str, Any]:
    at = int(NOW.timestamp())
    claims: dict[str, Any] = {"sub": "5f1c-officer", "iss": ISSUER, "aud": CLIENT, "token_use": "id",
                              "iat": at - 60, "auth_time": at - 60, "exp": at + 840,
                              "cognito:username": "officer", "cognito:groups": ["agency_officer"],
                              "custom:agency_id": "ubnd-24133"}
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not _DROP}


_DROP = object()


def _token(**over: Any) -> str:
    return jwt.encode(_claims(**over), PRIVATE, algorithm="RS256", headers={"kid": "k1"})


def _auth(revoked_at: Any = None, monotonic: Any = None) -> StaffAuthenticator:
    settings = Settings.from_env({"STAFF_USER_POOL_ID": POOL, "STAFF_CLIENT_IDS": CLIENT})
    kwargs = {"monotonic": monotonic} if monotonic else {}
    return StaffAuthenticator(settings, keys=_Keys(), clock=lambda: NOW, revoked_at=revoked_at,  # type: ignore[arg-type]
                              **kwargs)


def test_a_well_formed_token_signs_in():
    actor = _auth().authenticate(f"Bearer {_token()}")
    assert actor.id == "officer" and actor.roles == {"agency_officer"} and actor.agency_id == "ubnd-24133"


@pytest.mark.parametrize(("claim", "value"), [
    ("cognito:groups", "agency_officer"),             # a string, not a list
    ("cognito:groups", ["agency_officer", 7]),        # a list with a non-string
    ("cognito:groups", {"ioc_operator": True}),       # an object
    ("cognito:groups", None),
    ("custom:agency_id", ["ubnd-24133"]),             # not a string
    ("custom:agency_id", 24133),
    ("custom:agency_id", {"id": "ubnd-24133"}),
    ("cognito:username", ["officer"]),
    ("cognito:username", 42),
    ("exp", "9999999999"),                            # a numeric string is not a NumericDate
    ("exp", True),
    ("exp", [1]),
    ("exp", None),
    ("iat", "0"),
    ("iat", {"t": 0}),
    ("auth_time", "yesterday"),
    ("auth_time", False),
])
def test_a_claim_of_the_wrong_type_is_a_401_not_a_500(claim, value):
    with pytest.raises(Unauthenticated) as err:
        _auth().authenticate(f"Bearer {_token(**{claim: value})}")
    assert err.value.status == 401 and err.value.code == "invalid_token"


def test_without_a_username_or_sub_the_token_is_refused():
    with pytest.raises(Unauthenticated):
        _auth().authenticate(f"Bearer {_token(**{'cognito:username': _DROP, 'sub': _DROP})}")


def test_a_sign_in_before_the_users_revocation_is_refused_and_a_later_one_passes():
    markers = {"5f1c-officer": NOW - timedelta(seconds=30)}  # revoked 30 s ago; this token signed in 60 s ago
    auth = _auth(revoked_at=markers.get)
    with pytest.raises(Unauthenticated) as err:
        auth.authenticate(f"Bearer {_token()}")
    assert err.value.status == 401 and err.value.code == "token_revoked"
    # a token refreshed after the revocation keeps the old sign-in's auth_time: still refused
    with pytest.raises(Unauthenticated):
        auth.authenticate(f"Bearer {_token(iat=int(NOW.timestamp()) - 5)}")
    # signed in again after the revocation: accepted
    fresh = int(NOW.timestamp()) - 10
    assert auth.authenticate(f"Bearer {_token(iat=fresh, auth_time=fresh)}").id == "officer"
    # without auth_time the token's iat counts
    with pytest.raises(Unauthenticated):
        auth.authenticate(f"Bearer {_token(auth_time=_DROP)}")


def test_revocations_are_read_once_per_user_per_few_seconds():
    reads: list[str] = []
    markers: dict[str, datetime] = {}
    ticks = [0.0]

    def revoked_at(sub: str) -> datetime | None:
        reads.append(sub)
        return markers.get(sub)

    auth = _auth(revoked_at=revoked_at, monotonic=lambda: ticks[0])
    for _ in range(3):
        auth.authenticate(f"Bearer {_token()}")
    assert reads == ["5f1c-officer"]
    markers["5f1c-officer"] = NOW  # the admin revokes: within the cache window the old answer stands...
    ticks[0] = REVOCATION_CACHE_SECONDS + 0.1  # ...and no longer than that
    with pytest.raises(Unauthenticated):
        auth.authenticate(f"Bearer {_token()}")
    assert reads == ["5f1c-officer", "5f1c-officer"]
    assert REVOCATION_CACHE_SECONDS <= 5


def test_a_revocation_marker_that_cannot_be_read_refuses_for_now_with_a_503_and_lets_nothing_through():
    calls = [0]

    def unreadable(sub: str) -> datetime | None:
        calls[0] += 1
        raise ConnectionError("table unreachable")

    auth = _auth(revoked_at=unreadable)
    for _ in range(2):  # a failed read is not cached: each request asks again
        with pytest.raises(Unavailable) as err:
            auth.authenticate(f"Bearer {_token()}")
        assert err.value.status == 503 and err.value.code == "sign_in_check_unavailable"
    assert calls[0] == 2
    vi, en = ERRORS["sign_in_check_unavailable"]
    assert "thử lại" in vi and "try again" in en
