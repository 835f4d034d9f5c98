"""The case workflow: one table of who may do what from which state, and what each action changes.

Read `WORKFLOW` against the lifecycle in DESIGN.md §1:

    received ──assign──> assigned ──accept──> in_progress ──submit_result──> result_submitted
       │  ▲                 │  ▲                 │  ▲                           │        │
       │  └─assign (re-)────┘  │                 │  └──────send_back_result─────┘        │
       │                       │                 │                               approve_result
       │       return_to_ioc ──┴─────────────────┤                                      ▼
       │                       ▼                 └─(request/approve/deny_extension)  published ──close (30 d)──> closed
       │                   returned ──forward──> assigned                           │   ▲ feedback (once a round)
       └─reject─> rejected <──reject── returned, reopened                      reopen (≤ 30 d)
                                                  reopened <─────────────────────────┘ (round 2, "lần 2")
                                                  └──assign──> assigned ...

`closed` means the citizen's 30-day window to reopen a published result has
ended (the `close` action, taken by the system); a closed report stays public
and can still be rated once. A rating never closes the case by itself, so a
citizen who rates a result poorly can still reopen it inside the window.
`rejected` is final.

Everything here is pure: `now` and the province profile are parameters, and
`transition` returns the new report and its audit row without writing either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.rules.calendar import local_iso as iso
from chalicelib.rules.errors import Conflict, Forbidden, InvalidInput
from chalicelib.rules.ids import normalise_report_id
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.rules.sla import after_due_change, due_after_pause, extend_due, next_check_at

STATES: tuple[str, ...] = (
    "received", "assigned", "in_progress", "returned", "result_submitted",
    "published", "rejected", "reopened", "closed",
)

# Roles: the staff ones are Cognito groups; the citizen holds a tracking token; the system runs schedules.
IOC_OPERATOR = "ioc_operator"
AGENCY_OFFICER = "agency_officer"
AGENCY_LEAD = "agency_lead"
PROVINCE_ADMIN = "province_admin"
CITIZEN = "citizen"
SYSTEM = "system"
# Highest precedence first: the role an action is recorded under when a person holds several.
STAFF_ROLES: tuple[str, ...] = (IOC_OPERATOR, AGENCY_LEAD, AGENCY_OFFICER, PROVINCE_ADMIN)
ROLES: tuple[str, ...] = (*STAFF_ROLES, CITIZEN, SYSTEM)
IOC = frozenset({IOC_OPERATOR})
AGENCY = frozenset({AGENCY_OFFICER, AGENCY_LEAD})
PROVINCE_WIDE = frozenset({IOC_OPERATOR, PROVINCE_ADMIN})

REOPEN_WINDOW_DAYS = 30
MAX_EXTENSION_DAYS = 15
MAX_EVIDENCE = 10
REJECT_REASONS: tuple[str, ...] = ("spam", "duplicate", "out_of_scope", "insufficient_information")
ENFORCEMENT_TYPES: tuple[str, ...] = ("reminder", "written_commitment", "record", "fine")


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
         "Within 30 days of publication the citizen reopens it: a new round with a fresh due date (step 7)."),
    Step("close", _s("published"), "closed", _s(SYSTEM), (),
         "When the 30-day reopen window has passed, the case is closed."),
)
STEPS: dict[str, Step] = {s.action: s for s in WORKFLOW}
ACTIONS: tuple[str, ...] = tuple(STEPS)
STAFF_ACTIONS: tuple[str, ...] = tuple(s.action for s in WORKFLOW if s.roles & set(STAFF_ROLES))
CITIZEN_ACTIONS: tuple[str, ...] = tuple(s.action for s in WORKFLOW if CITIZEN in s.roles)


def may(state: str, action: str, role: str) -> bool:
    """The table itself: may `role` take `action` from `state` (ownership aside)?"""
    step = STEPS.get(action)
    return step is not None and state in step.sources and role in step.roles


def target_of(state: str, action: str) -> str:
    """The state `action` leads to from `state` (its own for actions that do not move it)."""
    return STEPS[action].target or state


# -- who sees and who acts ------------------------------------------------------------------


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


def _owns(actor: Actor, report: Report) -> bool:
    """An agency's people own a report once the IOC has assigned it to their agency."""
    return bool(actor.agency_id) and actor.agency_id == report.agency_id and report.assigned_at is not None


def can_see(actor: Actor, report: Report) -> bool:
    """The IOC and the admin see the province; an agency sees what has been assigned to it."""
    if actor.roles & PROVINCE_WIDE:
        return True
    return bool(actor.roles & AGENCY) and _owns(actor, report)


def can_see_reporter(actor: Actor, report: Report) -> bool:
    """The reporter's name and phone: the IOC and the assigned agency only (not the admin)."""
    return IOC_OPERATOR in actor.roles or (bool(actor.roles & AGENCY) and _owns(actor, report))


def _acts_as(actor: Actor, role: str, report: Report) -> bool:
    if role in AGENCY:
        return _owns(actor, report)
    return True


def roles_for(actor: Actor, action: str, report: Report) -> list[str]:
    """The actor's roles, by precedence, under which the table lets them take `action` on this report."""
    step = STEPS.get(action)
    if step is None:
        return []
    return [r for r in ROLES if r in actor.roles and r in step.roles and _acts_as(actor, r, report)]


def allowed_actions(report: Report, actor: Actor) -> list[str]:
    """What this actor may do to this report now (in table order)."""
    return [s.action for s in WORKFLOW if report.status in s.sources and roles_for(actor, s.action, report)]


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


# -- what each action changes ---------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What an effect may look at besides the report and the fields."""

    now: datetime
    actor: Actor
    role: str
    profile: ProvinceProfile


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict):
        return bool(value)
    return True


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def _agency(profile: ProvinceProfile, agency_id: str, field: str) -> str:
    if profile.agency(agency_id) is None:
        raise InvalidInput("unknown_agency", field, value=agency_id)
    return agency_id


def _int_in(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput("out_of_range", field, min=low, max=high)
    return value


Changes = tuple[dict[str, Any], str | None]


def _assign(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    agency = _agency(c.profile, f["agency_id"], "agency_id")
    changes: dict[str, Any] = {"agency_id": agency, "assigned_at": c.now}
    category = f.get("category")
    if _present(category):
        if c.profile.category(category) is None:
            raise InvalidInput("unknown_category", "category", value=category)
        changes["category"] = category
    return changes, _join(f"agency={agency}", f"category={category}" if category else None, f.get("note"))


def _reject(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    code = f["reason_code"]
    if code not in REJECT_REASONS:
        raise InvalidInput("invalid_choice", "reason_code", choices=", ".join(REJECT_REASONS))
    duplicate_of = None
    if code == "duplicate":
        if not _present(f.get("duplicate_of")):
            raise InvalidInput("missing_field", "duplicate_of")
        duplicate_of = normalise_report_id(f["duplicate_of"])
        if duplicate_of == r.id:
            raise InvalidInput("duplicate_of_self", "duplicate_of")
    rejection = {"reason_code": code, "public_reason": f["public_reason"], "duplicate_of": duplicate_of,
                 "at": iso(c.now), "by": c.actor.id}
    return {"rejection": rejection}, _join(f"reason={code}", f"duplicate_of={duplicate_of}" if duplicate_of else None)


def _accept(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    return {}, f.get("note")


def _return_to_ioc(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    suggested = _agency(c.profile, f["suggested_agency_id"], "suggested_agency_id")
    if suggested == r.agency_id:
        raise InvalidInput("same_agency", "suggested_agency_id")
    request = {"reason": f["reason"], "suggested_agency_id": suggested, "agency_id": r.agency_id,
               "by": c.actor.id, "at": iso(c.now)}
    return {"return_request": request}, _join(f"suggested={suggested}", f["reason"])


def _forward(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    returned = r.return_request or {}
    target = f.get("agency_id") or returned.get("suggested_agency_id")
    if not _present(target):
        raise InvalidInput("missing_field", "agency_id")
    agency = _agency(c.profile, target, "agency_id")
    changes: dict[str, Any] = {"agency_id": agency, "assigned_at": c.now, "return_request": None}
    if returned.get("at"):
        cal, sla = c.profile.working_calendar, c.profile.sla
        due = due_after_pause(r.due_at, datetime.fromisoformat(returned["at"]), c.now, cal, sla)
        if due != r.due_at:
            level, next_check = after_due_change(due, r.escalation_level, c.now, cal, sla)
            changes.update(due_at=due, escalation_level=level, sla_next_at=next_check)
    return changes, _join(f"agency={agency}", f.get("note"))


def _request_extension(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    days = _int_in(f["working_days"], "working_days", 1, MAX_EXTENSION_DAYS)
    if r.extension_request:
        raise Conflict("extension_pending", "working_days")
    request = {"working_days": days, "reason": f["reason"], "requested_by": c.actor.id,
               "requested_at": iso(c.now), "agency_id": r.agency_id}
    return {"extension_request": request}, _join(f"working_days={days}", f["reason"])


def _pending_extension(r: Report) -> dict[str, Any]:
    if not r.extension_request:
        raise Conflict("no_extension_request", "action")
    return r.extension_request


def _approve_extension(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    request = _pending_extension(r)
    cal, sla = c.profile.working_calendar, c.profile.sla
    due = extend_due(r.due_at, int(request["working_days"]), cal)
    level, next_check = after_due_change(due, r.escalation_level, c.now, cal, sla)
    granted = {**request, "approved_by": c.actor.id, "approved_at": iso(c.now), "due_before": iso(r.due_at),
               "due_after": iso(due), "round": r.round}
    changes = {"due_at": due, "escalation_level": level, "sla_next_at": next_check,
               "extension_request": None, "extensions": [*r.extensions, granted]}
    return changes, _join(f"working_days={request['working_days']}", f"due={iso(due)}", f.get("note"))


def _deny_extension(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    request = _pending_extension(r)
    return {"extension_request": None}, _join(f"working_days={request['working_days']}", f.get("reason"))


def _enforcement(items: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items or []):
        kind = item.get("type") if isinstance(item, Mapping) else None
        if kind not in ENFORCEMENT_TYPES:
            raise InvalidInput("invalid_choice", f"enforcement.{i}.type", choices=", ".join(ENFORCEMENT_TYPES))
        entry = {k: v for k, v in item.items() if v is not None}
        if kind == "fine":
            if "amount_vnd" not in entry:
                raise InvalidInput("missing_field", f"enforcement.{i}.amount_vnd")
            _int_in(entry["amount_vnd"], f"enforcement.{i}.amount_vnd", 1, 10**12)
        out.append(entry)
    return out


def _submit_result(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    media_ids = list(dict.fromkeys(f.get("media_ids") or []))
    if len(media_ids) > MAX_EVIDENCE:
        raise InvalidInput("out_of_range", "media_ids", min=0, max=MAX_EVIDENCE)
    result = {"text": f["text"], "media_ids": media_ids, "enforcement": _enforcement(f.get("enforcement")),
              "submitted_at": iso(c.now), "submitted_by": c.actor.id, "agency_id": r.agency_id, "round": r.round}
    return {"result": result, "extension_request": None}, _join(
        f"media={len(media_ids)}", f"enforcement={len(result['enforcement'])}")


def _send_back_result(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    result = {**(r.result or {}), "sent_back": {"reason": f["reason"], "at": iso(c.now), "by": c.actor.id}}
    return {"result": result}, f["reason"]


def _approve_result(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    result = {**(r.result or {}), "approved_at": iso(c.now), "approved_by": c.actor.id}
    result.pop("sent_back", None)
    return {"result": result, "published_at": c.now, "closed_at": None}, f.get("note")


def _feedback(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    rating = _int_in(f["rating"], "rating", 1, 5)
    if r.feedback and r.feedback.get("round") == r.round:
        raise Conflict("feedback_already_given", "rating")
    feedback = {"rating": rating, "comment": f.get("comment") or None, "at": iso(c.now), "round": r.round}
    return {"feedback": feedback}, f"rating={rating}"


def reopen_deadline(report: Report) -> datetime | None:
    """Until when the citizen may reopen (and after which the case closes)."""
    return report.published_at + timedelta(days=REOPEN_WINDOW_DAYS) if report.published_at else None


def _reopen(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    deadline = reopen_deadline(r)
    if deadline is None or c.now > deadline:
        raise Conflict("reopen_window_over", "action", days=REOPEN_WINDOW_DAYS)
    cal = c.profile.working_calendar
    due = cal.due_after(c.now, c.profile.sla_days(r.channel))
    finished = {
        "round": r.round, "agency_id": r.agency_id, "started_at": r.extra.get("round_started_at") or iso(r.received_at),
        "due_at": iso(r.due_at), "original_due_at": iso(r.original_due_at), "result": r.result,
        "published_at": iso(r.published_at) if r.published_at else None, "feedback": r.feedback,
        "extensions": r.extensions,
    }
    extra = {**r.extra, "rounds": [*r.extra.get("rounds", []), finished], "round_started_at": iso(c.now),
             "reopen_reason": f["reason"]}
    changes = {
        "round": r.round + 1, "due_at": due, "original_due_at": due, "escalation_level": 0,
        "sla_next_at": next_check_at(due, 0, cal, c.profile.sla), "result": None, "feedback": None,
        "published_at": None, "closed_at": None, "extensions": [], "extension_request": None,
        "return_request": None, "extra": extra,
    }
    return changes, f"round={r.round + 1}"


def _close(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    deadline = reopen_deadline(r)
    if deadline is None or c.now <= deadline:
        raise Conflict("close_too_early", "action", days=REOPEN_WINDOW_DAYS)
    return {"closed_at": c.now}, None


EFFECTS: dict[str, Callable[[Report, Mapping[str, Any], Context], Changes]] = {
    "assign": _assign, "reject": _reject, "accept": _accept, "return_to_ioc": _return_to_ioc,
    "forward": _forward, "request_extension": _request_extension, "approve_extension": _approve_extension,
    "deny_extension": _deny_extension, "submit_result": _submit_result, "send_back_result": _send_back_result,
    "approve_result": _approve_result, "feedback": _feedback, "reopen": _reopen, "close": _close,
}


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
    for name in step.requires:
        if not _present(fields.get(name)):
            raise InvalidInput("missing_field", name)
    changes, note = EFFECTS[action](report, fields, Context(now, actor, role, profile))
    status = step.target or report.status
    after = report.evolve(status=status, updated_at=now, last_action=action, last_actor_role=role, **changes)
    if not after.is_open:
        after = after.evolve(sla_next_at=None)
    audit = AuditEntry(report.id, now, actor.id, role, action, report.status, status, round=after.round, note=note)
    return after, audit



def round_started_at(report: Report) -> datetime:
    """When the current round began: receipt, or the citizen's reopen."""
    started = report.extra.get("round_started_at")
    return datetime.fromisoformat(started) if started else report.received_at


def result_working_hours(report: Report, profile: ProvinceProfile) -> float | None:
    """Working hours from the round's start to the agency's result (TimeToResult)."""
    submitted = (report.result or {}).get("submitted_at")
    if not submitted:
        return None
    seconds = profile.working_calendar.working_seconds_between(round_started_at(report),
                                                               datetime.fromisoformat(submitted))
    return round(seconds / 3600, 2)


def evidence_allowed(report: Report, actor: Actor) -> bool:
    """Evidence is uploaded by the assigned agency while it handles the report."""
    return report.status == "in_progress" and bool(roles_for(actor, "submit_result", report))


def round_label(round_no: int) -> str:
    """"lần 2" for a second round, as the provinces write it."""
    return f"lần {round_no}"


def allowed_roles(action: str) -> Iterable[str]:
    """Every role that may take `action` somewhere (for docs and tests)."""
    return sorted(STEPS[action].roles)
