"""Who acts on a case: the roles, the Actor, and what a role lets someone see or own.

The staff roles are Cognito groups; the citizen holds a tracking token; the
system runs schedules. Which role may take which action, from which state, is
the workflow table's business (`rules.workflow`); this module only says who
someone is and which reports are theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.rules.report import Report

IOC_OPERATOR = "ioc_operator"
AGENCY_OFFICER = "agency_officer"
AGENCY_LEAD = "agency_lead"
PROVINCE_ADMIN = "province_admin"
HOTLINE_OPERATOR = "hotline_operator"  # records callers' reports at the hotline desk; reads no case
CITIZEN = "citizen"
SYSTEM = "system"
# Highest precedence first: the role an action is recorded under when a person holds several.
STAFF_ROLES: tuple[str, ...] = (IOC_OPERATOR, AGENCY_LEAD, AGENCY_OFFICER, PROVINCE_ADMIN, HOTLINE_OPERATOR)
ROLES: tuple[str, ...] = (*STAFF_ROLES, CITIZEN, SYSTEM)
IOC = frozenset({IOC_OPERATOR})
AGENCY = frozenset({AGENCY_OFFICER, AGENCY_LEAD})
PROVINCE_WIDE = frozenset({IOC_OPERATOR, PROVINCE_ADMIN})
# Who may record a report on a caller's behalf (POST /staff/intake): the hotline desk and the IOC.
INTAKE_DESK = frozenset({HOTLINE_OPERATOR, IOC_OPERATOR})


@dataclass(frozen=True)
class Actor:
    """Someone taking an action: a staff member (from the sign-in token), the citizen, or the system."""

    id: str
    roles: frozenset[str]
    agency_id: str | None = None

    @property
    def role(self) -> str:
        """The highest-precedence role held (what lists and views are cut by)."""
        for role in ROLES:
            if role in self.roles:
                return role
        return next(iter(sorted(self.roles)), "")


CITIZEN_ACTOR = Actor("citizen", frozenset({CITIZEN}))
SYSTEM_ACTOR = Actor("system", frozenset({SYSTEM}))


def channel_actor(channel: str) -> Actor:
    """The system actor a trusted channel's own intake (the e-mail inbox, the Zalo OA) records reports under."""
    return Actor(f"{channel}-inbox", frozenset({SYSTEM}))


def may_take_calls(actor: Actor) -> bool:
    """May this staff member record a report for a caller (the hotline desk)?"""
    return bool(actor.roles & INTAKE_DESK)


def owns(actor: Actor, report: Report) -> bool:
    """An agency's people own a report once the IOC has assigned it to their agency."""
    return bool(actor.agency_id) and actor.agency_id == report.agency_id and report.assigned_at is not None


def can_see(actor: Actor, report: Report) -> bool:
    """The IOC and the admin see the province; an agency sees what has been assigned to it."""
    if actor.roles & PROVINCE_WIDE:
        return True
    return bool(actor.roles & AGENCY) and owns(actor, report)


def can_see_reporter(actor: Actor, report: Report) -> bool:
    """The reporter's name and phone: the IOC and the assigned agency only (not the admin)."""
    return IOC_OPERATOR in actor.roles or (bool(actor.roles & AGENCY) and owns(actor, report))


def acts_as(actor: Actor, role: str, report: Report) -> bool:
    """May the actor use `role` on this report? An agency role only on a report the agency owns."""
    if role in AGENCY:
        return owns(actor, report)
    return True
