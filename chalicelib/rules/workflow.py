"""The case workflow: one table of who may do what from which state, and the transition that applies it.

Read `WORKFLOW` against the case lifecycle:

    received ──assign──> assigned ──accept──> in_progress ──submit_result──> result_submitted
       │  ▲                 │  ▲                 │  ▲                           │        │
       │  └─assign (re-)────┘  │                 │  └──────send_back_result─────┘        │
       │                       │                 │                               approve_result
       │       return_to_ioc ──┴─────────────────┤                                      ▼
       │                       ▼                 └─(request/approve/deny_extension)  published ──close (30 d)──> closed
       │                   returned ──forward──> assigned                           │   ▲ feedback (once a round)
       └─reject─> rejected <──reject── returned, reopened                      reopen (≤ 30 d)
       (merge: any open state before a result ──> merged, into another open report; rules.nearby)
                                                  reopened <─────────────────────────┘ (round 2, "lần 2")
                                                  └──assign──> assigned ...

`closed` means the citizen's 30-day window to reopen a published result has
ended (the `close` action, taken by the system); a closed report stays public
and can still be rated once. A rating never closes the case by itself, so a
citizen who rates a result poorly can still reopen it inside the window, at
most `max_reopens` times (the profile; 2 by default). A reopened report stays
public with its last published round's result until the new one is published
(`rules.report.is_public`, `rules.rounds.public_round`). `rejected` is final.
An action is offered (`allowed_actions`) only when its state, the actor's role
and the report's own data allow it: an extension is decided only while one waits.

Who the actors are and which reports they own is `rules.actors`; what each
action changes, and the checks on its fields, is `rules.actions`; a round's
start and reopen window are `rules.rounds`.

Everything here is pure: `now` and the province profile are parameters, and
`transition` returns the new report and its audit row without writing either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.rules.actions import EFFECTS, Context, check_required
from chalicelib.rules.actors import AGENCY, CITIZEN, IOC, ROLES, STAFF_ROLES, SYSTEM, Actor, acts_as
from chalicelib.rules.errors import Conflict, Forbidden, InvalidInput
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report

STATES: tuple[str, ...] = (
    "received", "assigned", "in_progress", "returned", "result_submitted",
    "published", "rejected", "reopened", "closed", "merged",
)


@dataclass(frozen=True)
class Step:
    """One row of the workflow: an action, where it may start, where it ends, who may take it."""

    action: str
    sources: frozenset[str]
    target: str | None  # None: the state stays as it is
    roles: frozenset[str]
    requires: tuple[str, ...]
    rule: str


def _s(*states: str) -> frozenset[str]:
    return frozenset(states)


WORKFLOW: tuple[Step, ...] = (
    Step("assign", _s("received", "reopened", "assigned"), "assigned", IOC, ("agency_id",),
         "The IOC confirms the routing proposal or routes elsewhere (step 2); it may re-assign until accepted."),
    Step("reject", _s("received", "returned", "reopened"), "rejected", IOC, ("reason_code", "public_reason"),
         "The IOC rejects spam, a duplicate, an out-of-scope or under-specified report, with a public reason."),
    Step("accept", _s("assigned"), "in_progress", AGENCY, (),
         "The assigned agency takes the report on (step 3)."),
    Step("return_to_ioc", _s("assigned", "in_progress"), "returned", AGENCY, ("reason", "suggested_agency_id"),
         "The agency returns a report it is not competent for, naming the agency it believes is (step 3)."),
    Step("forward", _s("returned"), "assigned", IOC, (),
         "The IOC forwards a returned report: to the suggested agency unless it names another (step 3)."),
    Step("request_extension", _s("in_progress"), None, AGENCY, ("working_days", "reason"),
         "The agency asks for more working days; one request waits at a time."),
    Step("approve_extension", _s("in_progress"), None, IOC, (),
         "The IOC grants the waiting request: the due date moves by its working days."),
    Step("deny_extension", _s("in_progress"), None, IOC, (),
         "The IOC refuses the waiting request: the due date stays."),
    Step("submit_result", _s("in_progress"), "result_submitted", AGENCY, ("text",),
         "The agency submits its result: text, evidence, enforcement taken (step 4)."),
    Step("send_back_result", _s("result_submitted"), "in_progress", IOC, ("reason",),
         "The IOC sends a result it cannot accept back to the agency (step 5)."),
    Step("approve_result", _s("result_submitted"), "published", IOC, (),
         "The IOC accepts the result and publishes it (step 6)."),
    Step("feedback", _s("published", "closed"), None, _s(CITIZEN), ("rating",),
         "The citizen rates the published result, once per round (step 7)."),
    Step("reopen", _s("published"), "reopened", _s(CITIZEN), ("reason",),
         "Within 30 days of publication the citizen reopens it: a new round with a fresh due date (step 7), "
         "at most the profile's max_reopens times."),
    Step("close", _s("published"), "closed", _s(SYSTEM), (),
         "When the 30-day reopen window has passed, the case is closed."),
    Step("merge", _s("received", "assigned", "in_progress", "returned", "reopened"), "merged", IOC, ("into",),
         "The IOC merges a duplicate into another open report of the same ward or category: it ends with a "
         "public reason linking the survivor, and its reporter becomes the survivor's supporter."),
)
# Corrections change the facts of a case, not its state: they are audited and versioned like an action,
# but are not steps of the workflow, so they do not appear among a case's allowed actions.
CORRECTIONS: tuple[Step, ...] = (
    Step("relocate", _s("received", "assigned", "in_progress", "returned", "reopened"), None, IOC, (),
         "The IOC corrects where it happened (a point, which decides the ward, or a ward) until a result is in."),
)
STEPS: dict[str, Step] = {s.action: s for s in (*WORKFLOW, *CORRECTIONS)}
ACTIONS: tuple[str, ...] = tuple(s.action for s in WORKFLOW)
STAFF_ACTIONS: tuple[str, ...] = tuple(s.action for s in WORKFLOW if s.roles & set(STAFF_ROLES))
STAFF_CORRECTIONS: tuple[str, ...] = tuple(s.action for s in CORRECTIONS)
assert set(EFFECTS) == set(STEPS), "every action in the table has its effect in rules.actions"


def may(state: str, action: str, role: str) -> bool:
    """The table itself: may `role` take `action` from `state` (ownership aside)?"""
    step = STEPS.get(action)
    return step is not None and state in step.sources and role in step.roles


def target_of(state: str, action: str) -> str:
    """The state `action` leads to from `state` (its own for actions that do not move it)."""
    return STEPS[action].target or state


# -- who may act ----------------------------------------------------------------------------


def roles_for(actor: Actor, action: str, report: Report) -> list[str]:
    """The actor's roles, by precedence, under which the table lets them take `action` on this report."""
    step = STEPS.get(action)
    if step is None:
        return []
    return [r for r in ROLES if r in actor.roles and r in step.roles and acts_as(actor, r, report)]


# What the report's own data must hold for an action to be offered at all (its effect refuses it otherwise):
# the IOC decides only a waiting extension request, and the agency asks for one only when none waits.
_READY: dict[str, Callable[[Report], bool]] = {
    "request_extension": lambda r: not r.extension_request,
    "approve_extension": lambda r: bool(r.extension_request),
    "deny_extension": lambda r: bool(r.extension_request),
}


def allowed_actions(report: Report, actor: Actor) -> list[str]:
    """What this actor may do to this report now (in table order): the state, the role and the report's own data."""
    return [s.action for s in WORKFLOW if report.status in s.sources and roles_for(actor, s.action, report)
            and _READY.get(s.action, lambda r: True)(report)]


def allowed_corrections(report: Report, actor: Actor) -> list[str]:
    """The corrections (relocate) this actor may make now: offered apart from the workflow's actions, so the
    console can draw their forms without a correction ever counting as a step."""
    return [s.action for s in CORRECTIONS if report.status in s.sources and roles_for(actor, s.action, report)]


def authorise(report: Report, action: str, actor: Actor) -> str:
    """The role the action is taken under; 400 unknown action, 403 not theirs, 409 not in this state."""
    step = STEPS.get(action)
    if step is None:
        raise InvalidInput("invalid_choice", "action", choices=", ".join(ACTIONS))
    roles = roles_for(actor, action, report)
    if not roles:
        raise Forbidden("action_forbidden", "action", action=action)
    if report.status not in step.sources:
        allowed = allowed_actions(report, actor)
        err = Conflict("action_not_allowed", "action", action=action, state=report.status,
                       allowed=", ".join(allowed) or "—")
        err.details = {"state": report.status, "allowed_actions": allowed}
        raise err
    return roles[0]


def evidence_allowed(report: Report, actor: Actor) -> bool:
    """Evidence is uploaded by the assigned agency while it handles the report."""
    return report.status == "in_progress" and bool(roles_for(actor, "submit_result", report))


# -- taking an action ------------------------------------------------------------------------


def transition(
    report: Report, action: str, fields: Mapping[str, Any], actor: Actor, now: datetime, profile: ProvinceProfile
) -> tuple[Report, AuditEntry]:
    """Take one action: the new report and its audit row (nothing is written here).

    Raises InvalidInput (400) for an unknown action or a missing/invalid field,
    Forbidden (403) when none of the actor's roles may take it on this report,
    Conflict (409) when the report's state (or a pending request) does not allow it.
    """
    role = authorise(report, action, actor)
    step = STEPS[action]
    check_required(fields, step.requires)
    changes, note = EFFECTS[action](report, fields, Context(now, actor, role, profile))
    status = step.target or report.status
    after = report.evolve(status=status, updated_at=now, last_action=action, last_actor_role=role, **changes)
    if not after.is_open:
        after = after.evolve(sla_next_at=None)
    audit = AuditEntry(report.id, now, actor.id, role, action, report.status, status, round=after.round, note=note)
    return after, audit
