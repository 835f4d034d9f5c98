"""What each workflow action changes: one pure effect per action, and the checks on its fields.

An effect takes the report, the request's fields and a `Context` (the time,
the actor, the role it acts under, the province profile) and returns the
changes to make and the note for the audit row; it raises InvalidInput (400)
for a bad field and Conflict (409) when the report's own data forbids the
action (a pending request, a closed window). Whether the action may be taken
at all, from this state and by this actor, is decided before, by the table in
`rules.workflow`, which then applies the changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.rules.actors import Actor
from chalicelib.rules.calendar import local_iso as iso
from chalicelib.rules.errors import Conflict, InvalidInput
from chalicelib.rules.ids import normalise_report_id
from chalicelib.rules.media import MAX_EVIDENCE
from chalicelib.rules.nearby import merge_public_reason
from chalicelib.rules.notices import tracking_link
from chalicelib.rules.places import ward_for_point
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report
from chalicelib.rules.rounds import REOPEN_WINDOW_DAYS, reopen_deadline
from chalicelib.rules.routing import route_report
from chalicelib.rules.sla import after_due_change, due_after_pause, extend_due, next_check_at

MAX_EXTENSION_DAYS = 15
REJECT_REASONS: tuple[str, ...] = ("spam", "duplicate", "out_of_scope", "insufficient_information")
ENFORCEMENT_TYPES: tuple[str, ...] = ("reminder", "written_commitment", "record", "fine")


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


def check_required(fields: Mapping[str, Any], names: Iterable[str]) -> None:
    """Every field in `names` is present (not missing, blank or empty): 400 missing_field for the first that is not."""
    for name in names:
        if not _present(fields.get(name)):
            raise InvalidInput("missing_field", name)


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
        if c.profile.category(str(category)) is None:
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
    agency = _agency(c.profile, str(target), "agency_id")
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


def _reopen(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    if r.round - 1 >= c.profile.max_reopens:
        raise Conflict("reopen_limit_reached", "action", limit=c.profile.max_reopens)
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


# States in which the IOC still waits for the committee it routed to: a relocated report follows its new ward.
_STILL_ROUTED = frozenset({"received", "returned", "reopened"})


def _relocate(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    """The IOC corrects where it happened: a new point (which decides the ward) and/or a ward code.

    While the report still waits at the IOC and sits with the old ward's
    default committee, it follows to the new ward's; once an agency has it,
    the IOC reassigns explicitly. The audit note keeps both places.
    """
    lat, lng, code = f.get("lat"), f.get("lng"), f.get("ward_code")
    if (lat is None) != (lng is None):
        raise InvalidInput("missing_field", "lng" if lng is None else "lat")
    if lat is None and not _present(code):
        raise InvalidInput("missing_field", "location")
    if _present(code):
        ward = c.profile.ward(str(code))
        if ward is None:  # echoed as sent
            raise InvalidInput("ward_not_in_province", "ward_code", value=code, province=c.profile.name_vi)
        code = ward.code
    changes: dict[str, Any] = {}
    if lat is not None and lng is not None:
        code = ward_for_point(float(lat), float(lng), c.profile.province_code, c.profile.name_vi,
                              c.profile.name_en).code
        changes.update(lat=float(lat), lng=float(lng))
    changes["ward_code"] = str(code)
    if r.status in _STILL_ROUTED and r.agency_id == route_report(c.profile, r.category, r.ward_code):
        changes["agency_id"] = route_report(c.profile, r.category, str(code))
    moved = [f"ward={r.ward_code or '-'}->{code}"]
    if "lat" in changes:
        before = f"{r.lat:.5f},{r.lng:.5f}" if r.lat is not None and r.lng is not None else "-"
        moved.append(f"point={before}->{changes['lat']:.5f},{changes['lng']:.5f}")
    if changes.get("agency_id", r.agency_id) != r.agency_id:
        moved.append(f"agency={r.agency_id}->{changes['agency_id']}")
    return changes, _join(*moved, f.get("note"))


def _merge(r: Report, f: Mapping[str, Any], c: Context) -> Changes:
    """The IOC merges this report into another (`into`; the service checks it with rules.nearby.check_merge)."""
    into = normalise_report_id(str(f["into"]))
    if into == r.id:
        raise InvalidInput("merge_into_self", "into")
    vi, en = merge_public_reason(into, tracking_link(c.profile, into))
    merge = {"into": into, "public_reason": vi, "public_reason_en": en, "at": iso(c.now), "by": c.actor.id}
    return {"extra": {**r.extra, "merge": merge}}, _join(f"into={into}", f.get("note"))


EFFECTS: dict[str, Callable[[Report, Mapping[str, Any], Context], Changes]] = {
    "assign": _assign, "reject": _reject, "accept": _accept, "return_to_ioc": _return_to_ioc,
    "forward": _forward, "request_extension": _request_extension, "approve_extension": _approve_extension,
    "deny_extension": _deny_extension, "submit_result": _submit_result, "send_back_result": _send_back_result,
    "approve_result": _approve_result, "feedback": _feedback, "reopen": _reopen, "close": _close,
    "relocate": _relocate, "merge": _merge,
}
