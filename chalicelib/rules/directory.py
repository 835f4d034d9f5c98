"""The staff directory as rules: who a staff member is, where they may sit, and whom an agency's mail reaches.

A staff member is a user of the province's Cognito pool: their role is their
one staff group, their agency the `custom:agency_id` attribute. Agency roles
(officer, lead) sit in one of the profile's agencies other than the IOC; an
IOC operator sits in the IOC; the province admin in none. The directory index
(storage/directory.py) keeps one entry per user so that an agency's officers
and leads are one query away; `contacts_of` reads that query's entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.rules.actors import (
    AGENCY_LEAD,
    AGENCY_OFFICER,
    HOTLINE_OPERATOR,
    IOC_OPERATOR,
    PROVINCE_ADMIN,
    STAFF_ROLES,
)
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.profile import IOC_AGENCY_ID, ProvinceProfile

# What an audit row of the directory says was done.
INVITE, DISABLE, ENABLE, MOVE, RECONCILE = "invite", "disable", "enable", "move", "reconcile"
DIRECTORY_ACTIONS = (INVITE, DISABLE, ENABLE, MOVE, RECONCILE)


@dataclass(frozen=True)
class StaffEntry:
    """One staff user as the directory lists them (the pool's truth, copied into the index)."""

    username: str
    email: str | None
    name: str | None
    role: str | None  # their staff group (None: none, e.g. a user made by hand in the console)
    agency_id: str | None
    enabled: bool = True
    status: str | None = None  # Cognito's UserStatus: FORCE_CHANGE_PASSWORD until the first sign-in
    updated_at: datetime | None = None

    def same_as(self, other: StaffEntry) -> bool:
        """Equal in everything the index keeps but its own write time."""
        fields = ("username", "email", "name", "role", "agency_id", "enabled", "status")
        return all(getattr(self, f) == getattr(other, f) for f in fields)


@dataclass(frozen=True)
class AgencyContacts:
    """The e-mail addresses of an agency's enabled officers and leads in the directory."""

    officers: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()


@dataclass(frozen=True)
class DirectoryAudit:
    """One change to the directory: who did what to whom, when, and what the user is now."""

    at: datetime
    actor: str
    action: str
    username: str
    role: str | None = None
    agency_id: str | None = None
    enabled: bool | None = None
    note: str | None = None


def contacts_of(entries: Iterable[StaffEntry]) -> AgencyContacts:
    """The addresses mail to an agency goes to: enabled officers and leads with an e-mail, sorted, once each."""
    officers, leads = set(), set()
    for e in entries:
        if not e.enabled or not e.email:
            continue
        if e.role == AGENCY_OFFICER:
            officers.add(e.email.lower())
        elif e.role == AGENCY_LEAD:
            leads.add(e.email.lower())
    return AgencyContacts(tuple(sorted(officers)), tuple(sorted(leads)))


def placement(profile: ProvinceProfile, role: str, agency_id: str | None) -> str | None:
    """The agency a user of `role` sits in, checked against the profile; 400 naming the field otherwise.

    Officers and leads need one of the province's agencies (not the IOC); an IOC operator sits in the IOC
    (given or not); the province admin and the hotline desk's operators belong to no agency.
    """
    if role not in STAFF_ROLES:
        raise InvalidInput("invalid_staff_role", "role", value=role, roles=", ".join(STAFF_ROLES))
    if role in (PROVINCE_ADMIN, HOTLINE_OPERATOR):
        if agency_id:
            raise InvalidInput("agency_not_for_role", "agency_id", role=role)
        return None
    if role == IOC_OPERATOR:
        if agency_id not in (None, IOC_AGENCY_ID):
            raise InvalidInput("agency_not_for_role", "agency_id", role=role)
        return IOC_AGENCY_ID
    if not agency_id:
        raise InvalidInput("agency_required", "agency_id", role=role)
    if agency_id == IOC_AGENCY_ID or profile.agency(agency_id) is None:
        raise InvalidInput("unknown_agency", "agency_id", value=agency_id)
    return agency_id


def staff_role(groups: Iterable[str]) -> str | None:
    """The staff role a user's groups give (the highest in precedence if several)."""
    held = set(groups)
    return next((r for r in STAFF_ROLES if r in held), None)
