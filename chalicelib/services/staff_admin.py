"""What an administrator does to a staff account, and the revocation that makes it take effect at once.

Disabling a user or changing their groups in Cognito does not touch the ID
tokens already issued (valid up to 15 minutes, and renewable from a refresh
token with the sign-in's original `auth_time`). So every change here, after
Cognito has it, signs the user out everywhere (no new tokens from their
refresh tokens) and writes a revocation marker at the current time:
adapters/auth.py refuses any token whose sign-in is not later than it. The
user signs in again and gets a token with what they now are.

    .venv/bin/python scripts/staff_admin.py --stage daklak disable ward1.officer

The directory (`/staff/directory/...`, the province admin only) is the same
service: invite, disable, enable and move write the pool first (the truth),
then the revocation marker, then the directory index entry and its audit row
in one transaction (storage/directory.py). If that last write fails the
change is already in force (the pool, the marker) and the caller gets a 503
`directory_index_behind`: sending the same request again is safe (every step
is idempotent: an invitation that already exists with the same details only
rewrites the index) and finishes it; `reconcile` (POST
/staff/directory/reconcile, `make staff-admin ARGS=sync-directory`) rebuilds
the index from the pool whatever happened, writing an audit row for each entry it rewrites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.observability import emit, logger
from chalicelib.ports import DirectoryIndexPort, RevocationsPort, StaffDirectoryPort, StaffExists, UnknownStaff
from chalicelib.rules.actors import AGENCY, PROVINCE_ADMIN, STAFF_ROLES, Actor
from chalicelib.rules.directory import (
    DISABLE,
    ENABLE,
    INVITE,
    MOVE,
    RECONCILE,
    DirectoryAudit,
    StaffEntry,
    placement,
)
from chalicelib.rules.errors import Conflict, Forbidden, InvalidInput, NotFound, Unavailable
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.services.clock import Clock, utc_now

# What Cognito accepts as a username (1-128 letters, marks, symbols, digits, punctuation; no spaces).
POOL_USERNAME = re.compile(r"^[^\s\x00-\x1f\x7f]{1,128}$")
COMMAND_LINE = "command-line"  # the actor an audit row names for scripts/staff_admin.py (IAM credentials)


@dataclass(frozen=True)
class Revoked:
    """What was done: the user, their `sub`, the marker's time and their staff groups now."""

    username: str
    subject: str
    at: datetime
    groups: tuple[str, ...]
    entry: StaffEntry | None = None  # the user as the pool (and now the directory index) has them


@dataclass(frozen=True)
class Reconciled:
    """What a reconcile found: users written to the index, index entries dropped, entries already right."""

    written: tuple[str, ...]
    dropped: tuple[str, ...]
    unchanged: int


class StaffAdminService:
    """Disable, enable, regroup or sign out a staff user; each ends with a revocation marker."""

    def __init__(self, directory: StaffDirectoryPort, revocations: RevocationsPort, clock: Clock = utc_now,
                 index: DirectoryIndexPort | None = None, profile: ProvinceProfile | None = None) -> None:
        self._directory = directory
        self._revocations = revocations
        self._clock = clock
        self._index = index
        self._profile = profile

    def disable(self, username: str, by: Actor | None = None) -> Revoked:
        self._may_change(by, username)
        before = self._before(username, by)
        subject = self._directory.subject_of(username)
        self._directory.disable(username)
        return self._synced(self._revoke(username, subject), DISABLE, by, before)

    def enable(self, username: str, by: Actor | None = None) -> Revoked:
        """Enable again (a marker too: any token from before the account was disabled stays refused)."""
        self._may_change(by, username)
        before = self._before(username, by)
        subject = self._directory.subject_of(username)
        self._directory.enable(username)
        return self._synced(self._revoke(username, subject), ENABLE, by, before)

    def set_role(self, username: str, role: str, by: Actor | None = None) -> Revoked:
        """Make `role` the user's only staff group."""
        if role not in STAFF_ROLES:
            raise InvalidInput("invalid_value", field="role")
        self._may_change(by, username)
        before = self._before(username, by)
        subject = self._directory.subject_of(username)
        self._set_group(username, role)
        return self._synced(self._revoke(username, subject), MOVE, by, before)

    def remove_role(self, username: str, role: str, by: Actor | None = None) -> Revoked:
        self._may_change(by, username)
        before = self._before(username, by)
        subject = self._directory.subject_of(username)
        self._directory.remove_from_group(username, role)
        return self._synced(self._revoke(username, subject), MOVE, by, before)

    # -- the directory (the province admin) ---------------------------------------------------------

    def invite(self, by: Actor | None, username: str, email: str, name: str, role: str,
               agency_id: str | None) -> tuple[StaffEntry, bool]:
        """A new user with an e-mail invitation (Cognito sends the temporary password); answers (user, created).

        The same invitation again (same e-mail, role and agency) creates nothing and sends nothing: it
        only writes the index again, which finishes an invitation whose index write had failed.
        """
        self._may_change(by, None)
        agency = placement(self._need_profile(), role, agency_id)
        wanted = StaffEntry(username=username, email=email.lower(), name=name, role=role, agency_id=agency,
                            enabled=True, status="FORCE_CHANGE_PASSWORD")
        try:
            self._directory.create(wanted)
        except StaffExists:
            existing = self._directory.user(username)
            if ((existing.email or "").lower(), existing.role, existing.agency_id) != (wanted.email, role, agency):
                raise Conflict("staff_exists", "username", value=username) from None
            self._write(replace(existing, updated_at=self._clock()), None, None)
            return existing, False
        entry = replace(wanted, updated_at=self._clock())
        self._write(entry, self._audit(by, INVITE, entry), None)
        return entry, True

    def move(self, username: str, role: str | None, agency_id: str | None, by: Actor | None = None) -> Revoked:
        """Another role and/or agency: the pool's group and attribute, then the marker (old tokens refused)."""
        self._may_change(by, username)
        if role is None and agency_id is None:
            raise InvalidInput("nothing_to_move")
        before = self._before(username, by) or self._directory.user(username)
        new_role = role or before.role
        if new_role is None:
            raise InvalidInput("missing_field", "role")
        kept = before.agency_id if new_role in AGENCY else None
        agency = placement(self._need_profile(), new_role, agency_id if agency_id is not None else kept)
        subject = self._directory.subject_of(username)
        if new_role != before.role:
            self._set_group(username, new_role)
        if agency != before.agency_id:
            self._directory.set_agency(username, agency)
        return self._synced(self._revoke(username, subject), MOVE, by, before)

    def directory_page(self, by: Actor, agency_id: str | None, limit: int,
                       cursor: str | None) -> tuple[list[StaffEntry], str | None]:
        self._may_change(by, None)
        return self._need_index().page(agency_id, limit, cursor)

    def audit(self, by: Actor, month: str, limit: int) -> list[DirectoryAudit]:
        self._may_change(by, None)
        return self._need_index().audit_month(month, limit)

    def reconcile(self, by: Actor | None = None) -> Reconciled:
        """Make the index what the pool says: write what differs or is missing, drop what the pool lacks.

        Costs one paged ListUsers, one paged ListUsersInGroup per role and one paged Query; safe to run at
        any time and as often as wanted (a second run right after finds nothing to do).
        """
        self._may_change(by, None)
        index = self._need_index()
        pool = {e.username: e for e in self._directory.users()}
        held: dict[str, list[StaffEntry]] = {}
        for entry in index.entries():
            held.setdefault(entry.username, []).append(entry)
        written, dropped, unchanged = [], [], 0
        now = self._clock()
        for username, entry in sorted(pool.items()):
            have = held.pop(username, [])
            if len(have) == 1 and have[0].same_as(entry):
                unchanged += 1
                continue
            keep = next((h for h in have if h.agency_id == entry.agency_id), None)
            for stale in have:
                if stale is not keep:
                    index.drop(stale)
            index.record(replace(entry, updated_at=now), self._audit(by, RECONCILE, entry, note="index repaired"),
                         keep)
            written.append(username)
        for username, stale_entries in sorted(held.items()):
            for stale in stale_entries:
                index.drop(stale)
            dropped.append(username)
        if written or dropped:
            logger.warning("directory index repaired from the pool", extra={"written": written, "dropped": dropped})
        return Reconciled(tuple(written), tuple(dropped), unchanged)

    # -- the steps ----------------------------------------------------------------------------------

    def _may_change(self, by: Actor | None, username: str | None) -> None:
        """The province admin only (None: the command line, on the administrator's own AWS credentials)."""
        if by is None:
            return
        if PROVINCE_ADMIN not in by.roles:
            raise Forbidden("directory_admin_only")
        if username is not None and by.id == username:
            raise Conflict("own_account")

    def _before(self, username: str, by: Actor | None) -> StaffEntry | None:
        """The user as the pool has them before a change (None without an index to keep in step).

        An unknown user is UnknownStaff for the command line, the bilingual 404 for the API.
        """
        if self._index is None:
            return None
        if by is not None and not POOL_USERNAME.match(username):  # Cognito would refuse the call itself
            raise NotFound("unknown_staff", "username", value=username[:64])
        try:
            return self._directory.user(username)
        except UnknownStaff:
            if by is None:
                raise
            raise NotFound("unknown_staff", "username", value=username) from None

    def _set_group(self, username: str, role: str) -> None:
        self._directory.add_to_group(username, role)
        for group in self._directory.groups_of(username):
            if group in STAFF_ROLES and group != role:
                self._directory.remove_from_group(username, group)

    def _synced(self, done: Revoked, action: str, by: Actor | None, before: StaffEntry | None) -> Revoked:
        """After the pool and the marker: the index entry as the pool now has it, and the audit row."""
        if self._index is None:
            return done
        after = replace(self._directory.user(done.username), updated_at=done.at)
        self._write(after, self._audit(by, action, after), before)
        return replace(done, entry=after)

    def _write(self, entry: StaffEntry, audit: DirectoryAudit | None, before: StaffEntry | None) -> None:
        try:
            self._need_index().record(entry, audit, before)
        except Exception:
            logger.exception("directory index not written; the pool has the change",
                             extra={"username": entry.username, "action": audit.action if audit else "repair"})
            emit("DirectoryIndexBehind", 1, province=self._profile.slug if self._profile else "-")
            raise Unavailable("directory_index_behind") from None

    def _audit(self, by: Actor | None, action: str, entry: StaffEntry, note: str | None = None) -> DirectoryAudit:
        return DirectoryAudit(at=entry.updated_at or self._clock(), actor=by.id if by else COMMAND_LINE,
                              action=action, username=entry.username, role=entry.role, agency_id=entry.agency_id,
                              enabled=entry.enabled, note=note)

    def _need_index(self) -> DirectoryIndexPort:
        if self._index is None:
            raise RuntimeError("StaffAdminService built without a directory index")
        return self._index

    def _need_profile(self) -> ProvinceProfile:
        if self._profile is None:
            raise RuntimeError("StaffAdminService built without the province profile")
        return self._profile

    def revoke(self, username: str) -> Revoked:
        """Only sign the user out (a lost device, a shared password): they must sign in again."""
        return self._revoke(username, self._directory.subject_of(username))

    def _revoke(self, username: str, subject: str) -> Revoked:
        self._directory.sign_out_everywhere(username)
        at = self._clock()
        self._revocations.revoke(subject, at)
        groups = tuple(g for g in self._directory.groups_of(username) if g in STAFF_ROLES)
        return Revoked(username, subject, at, groups)
