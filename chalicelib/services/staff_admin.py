"""What an administrator does to a staff account, and the revocation that makes it take effect at once.

Disabling a user or changing their groups in Cognito does not touch the ID
tokens already issued (valid up to 15 minutes, and renewable from a refresh
token with the sign-in's original `auth_time`). So every change here, after
Cognito has it, signs the user out everywhere (no new tokens from their
refresh tokens) and writes a revocation marker at the current time:
adapters/auth.py refuses any token whose sign-in is not later than it. The
user signs in again and gets a token with what they now are.

    .venv/bin/python scripts/staff_admin.py --stage daklak disable ward1.officer
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.ports import RevocationsPort, StaffDirectoryPort
from chalicelib.rules.actors import STAFF_ROLES
from chalicelib.rules.errors import InvalidInput
from chalicelib.services.clock import Clock, utc_now


@dataclass(frozen=True)
class Revoked:
    """What was done: the user, their `sub`, the marker's time and their staff groups now."""

    username: str
    subject: str
    at: datetime
    groups: tuple[str, ...]


class StaffAdminService:
    """Disable, enable, regroup or sign out a staff user; each ends with a revocation marker."""

    def __init__(self, directory: StaffDirectoryPort, revocations: RevocationsPort, clock: Clock = utc_now) -> None:
        self._directory = directory
        self._revocations = revocations
        self._clock = clock

    def disable(self, username: str) -> Revoked:
        subject = self._directory.subject_of(username)
        self._directory.disable(username)
        return self._revoke(username, subject)

    def enable(self, username: str) -> Revoked:
        """Enable again (a marker too: any token from before the account was disabled stays refused)."""
        subject = self._directory.subject_of(username)
        self._directory.enable(username)
        return self._revoke(username, subject)

    def set_role(self, username: str, role: str) -> Revoked:
        """Make `role` the user's only staff group."""
        if role not in STAFF_ROLES:
            raise InvalidInput("invalid_value", field="role")
        subject = self._directory.subject_of(username)
        self._directory.add_to_group(username, role)
        for group in self._directory.groups_of(username):
            if group in STAFF_ROLES and group != role:
                self._directory.remove_from_group(username, group)
        return self._revoke(username, subject)

    def remove_role(self, username: str, role: str) -> Revoked:
        subject = self._directory.subject_of(username)
        self._directory.remove_from_group(username, role)
        return self._revoke(username, subject)

    def revoke(self, username: str) -> Revoked:
        """Only sign the user out (a lost device, a shared password): they must sign in again."""
        return self._revoke(username, self._directory.subject_of(username))

    def _revoke(self, username: str, subject: str) -> Revoked:
        self._directory.sign_out_everywhere(username)
        at = self._clock()
        self._revocations.revoke(subject, at)
        groups = tuple(g for g in self._directory.groups_of(username) if g in STAFF_ROLES)
        return Revoked(username, subject, at, groups)
