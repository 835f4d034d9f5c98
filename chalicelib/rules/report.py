"""A report as the rules see it: plain data, no storage types."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

OPEN_STATES = frozenset({"received", "assigned", "in_progress", "returned", "result_submitted", "reopened"})
# What the public portal shows: results (published, then closed) and rejections with their public reason.
PUBLIC_STATES = frozenset({"published", "closed", "rejected", "merged"})
# Where "me too" supports and nearby candidates come from: open reports, and published ones (rules/nearby.py).
SUPPORTABLE_STATES = OPEN_STATES | {"published"}


@dataclass(frozen=True)
class Reporter:
    """The citizen behind a report: confidential, staff-only."""

    name: str
    phone: str  # E.164; "" when the channel lets an e-mail address stand in (profile: phone_optional_channels)
    email: str | None = None  # the sender of an e-mailed report: where its answers go


@dataclass(frozen=True)
class Report:
    id: str
    province_code: int
    status: str
    channel: str
    category: str
    description: str
    lat: float | None
    lng: float | None
    address: str | None
    ward_code: str | None
    agency_id: str
    reporter: Reporter
    received_at: datetime
    due_at: datetime
    original_due_at: datetime
    updated_at: datetime
    last_action: str
    last_actor_role: str
    urgent: bool = False
    occurred_at: datetime | None = None
    round: int = 1
    escalation_level: int = 0
    # When the SLA sweep must look at this report next (None: nothing left to
    # raise, or closed). Only reports with a next check carry the sparse index key.
    sla_next_at: datetime | None = None
    # The case file; each is a plain JSON-safe dict (times as ISO 8601 strings).
    result: dict[str, Any] | None = None  # text, media_ids, enforcement[], submitted_at, submitted_by
    return_request: dict[str, Any] | None = None  # reason, suggested_agency_id, by, at
    extension_request: dict[str, Any] | None = None  # working_days, reason, requested_by, requested_at
    extensions: list[dict[str, Any]] = field(default_factory=list)  # approved ones, with due before/after
    rejection: dict[str, Any] | None = None  # reason_code, public_reason, duplicate_of
    feedback: dict[str, Any] | None = None  # rating, comment, at, round
    published_at: datetime | None = None
    closed_at: datetime | None = None
    # When the retention rule deleted the media originals (rules/retention.py); a later publication's media
    # are due again.
    originals_removed_at: datetime | None = None
    # When the IOC confirmed `agency_id` (None while it is only the routing rule's
    # proposal): an agency sees a report only once it has been assigned to it.
    assigned_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    version: int | None = None
    # "Me too" supports (one per phone), kept by atomic ADDs beside the workflow: no transition writes it.
    support_count: int = 0

    @property
    def is_open(self) -> bool:
        """Open reports are on an SLA clock."""
        return self.status in OPEN_STATES

    def evolve(self, **changes: Any) -> Report:
        return replace(self, **changes)


@dataclass(frozen=True)
class AuditEntry:
    """One state change, written atomically with the report it changes."""

    report_id: str
    at: datetime
    actor: str
    role: str
    action: str
    from_status: str | None
    to_status: str
    round: int = 1
    note: str | None = None


def is_public(report: Report) -> bool:
    """On the public portal: published, closed or rejected now, or reopened after an earlier round was published.

    A published result stays public when the citizen reopens it: the portal keeps showing the last published
    round (`rules.rounds.public_round`), marked as reopened, whatever state the new round is in.
    """
    return report.status in PUBLIC_STATES or any(
        isinstance(past, dict) and past.get("published_at") for past in report.extra.get("rounds", []))
