"""Lists of reports: the filters a caller may give, page sizes, and what of the province a caller may read.

Which index answers a list, and the cursors that page through it, are
storage's business (storage/queries.py); this module says only who may see
which reports, so the rule can be tested without a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.rules.actors import AGENCY, PROVINCE_WIDE, Actor
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.report import PUBLIC_STATES

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class StaffFilters:
    status: str | None = None
    agency_id: str | None = None
    category: str | None = None
    ward_code: str | None = None
    due_before: datetime | None = None


@dataclass(frozen=True)
class PublicFilters:
    status: str | None = None
    category: str | None = None
    ward_code: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None


@dataclass(frozen=True)
class StaffScope:
    """What of the province one staff member's list may read (and whom a cursor was issued to)."""

    actor_id: str
    roles: tuple[str, ...]
    agency_id: str | None
    province_wide: bool  # False: only the reports assigned to `agency_id`


def staff_scope(actor: Actor, f: StaffFilters) -> StaffScope | None:
    """The caller's reach for this list; None when they can see nothing of what was asked.

    The IOC and the admin read the whole province; an agency reads only the
    reports assigned to it, and asking for another agency's reads nothing.
    """
    roles = tuple(sorted(actor.roles))
    if actor.roles & PROVINCE_WIDE:
        return StaffScope(actor.id, roles, actor.agency_id, province_wide=True)
    if not actor.roles & AGENCY or not actor.agency_id:
        return None
    if f.agency_id and f.agency_id != actor.agency_id:
        return None
    return StaffScope(actor.id, roles, actor.agency_id, province_wide=False)


def check_public_status(f: PublicFilters) -> None:
    """Only published, closed and rejected reports are public: any other status is a 400 naming those."""
    if f.status and f.status not in PUBLIC_STATES:
        raise InvalidInput("invalid_choice", "status", choices=", ".join(sorted(PUBLIC_STATES)))


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("out_of_range", "limit", min=1, max=MAX_LIMIT)
    return limit
