"""Staff revocation markers in the stats table: pk "revoked#<sub>", sk "staff", with the time of revocation.

Written by services/staff_admin.py when an administrator disables, regroups
or signs out a user; read by adapters/auth.py, which refuses an ID token whose
sign-in (`auth_time`) is not later than the marker. A marker outlives every
token it can refuse: a refresh token lasts at most REFRESH_TOKEN_HOURS from
its sign-in, and an ID token it mints at most ID_TOKEN_MINUTES more; then TTL
deletes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from chalicelib.storage.models import MarkerModel

REFRESH_TOKEN_HOURS = 12  # infra/province.json: StaffConsoleClient.RefreshTokenValidity (hours)
ID_TOKEN_MINUTES = 15  # infra/province.json: StaffConsoleClient.IdTokenValidity (minutes)
MARKER_TTL = timedelta(hours=REFRESH_TOKEN_HOURS, minutes=ID_TOKEN_MINUTES + 30)
SORT_KEY = "staff"


def marker_key(subject: str) -> str:
    return f"revoked#{subject}"


class RevocationStore:
    """The RevocationsPort over the stats table (one PutItem to revoke, one GetItem to check)."""

    def revoke(self, subject: str, at: datetime) -> None:
        MarkerModel(marker_key(subject), SORT_KEY, at=at, expires_at=at + MARKER_TTL).save()

    def revoked_at(self, subject: str) -> datetime | None:
        try:
            return MarkerModel.get(marker_key(subject), SORT_KEY, consistent_read=True).at
        except DoesNotExist:
            return None
