"""Bodies of the workflow's actions: the staff's, and the citizen's feedback and reopen
(shape and format only).

Which action is allowed (`rules.workflow`) and the ranges that depend on the
rules (rating, working days, fine amounts: `rules.actions`) are checked by the
rules, so the same messages come back whether a request or a test drives it.
Everything here answers a problem with the same bilingual 400 body as intake.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StrictStr

from chalicelib.rules.actions import ENFORCEMENT_TYPES, REJECT_REASONS
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.workflow import STAFF_ACTIONS
from chalicelib.schemas.common import Body, CleanText, Code, WardCode, parse_body

Note = Annotated[CleanText, Field(max_length=2000)]
Reason = Annotated[CleanText, Field(min_length=5, max_length=2000)]
Version = Annotated[StrictInt, Field(ge=1)]


class _Action(Body):
    version: Version | None = None


class AssignBody(_Action):
    action: Literal["assign"]
    agency_id: Code
    category: Code | None = None
    note: Note | None = None


class ForwardBody(_Action):
    action: Literal["forward"]
    agency_id: Code | None = None
    note: Note | None = None


class RejectBody(_Action):
    action: Literal["reject"]
    reason_code: Literal[REJECT_REASONS]  # type: ignore[valid-type]
    public_reason: Reason
    duplicate_of: Annotated[StrictStr, Field(min_length=3, max_length=32)] | None = None


class AcceptBody(_Action):
    action: Literal["accept"]
    note: Note | None = None


class ReturnBody(_Action):
    action: Literal["return_to_ioc"]
    reason: Reason
    suggested_agency_id: Code


class RequestExtensionBody(_Action):
    action: Literal["request_extension"]
    working_days: StrictInt
    reason: Reason


class ApproveExtensionBody(_Action):
    action: Literal["approve_extension"]
    note: Note | None = None


class DenyExtensionBody(_Action):
    action: Literal["deny_extension"]
    reason: Note | None = None


class Enforcement(Body):
    """One measure taken: a reminder, a written commitment, a record (biên bản), or a fine in VND."""

    type: Literal[ENFORCEMENT_TYPES]  # type: ignore[valid-type]
    note: Note | None = None
    amount_vnd: StrictInt | None = None


class SubmitResultBody(_Action):
    action: Literal["submit_result"]
    text: Annotated[CleanText, Field(min_length=10, max_length=8000)]
    media_ids: list[Annotated[StrictStr, Field(min_length=1, max_length=64)]] = Field(default_factory=list)
    enforcement: list[Enforcement] = Field(default_factory=list)


class SendBackBody(_Action):
    action: Literal["send_back_result"]
    reason: Reason


class ApproveResultBody(_Action):
    action: Literal["approve_result"]
    note: Note | None = None


class MergeBody(_Action):
    """The IOC merges this report into another open one (same ward or category): `into` names the survivor."""

    action: Literal["merge"]
    into: Annotated[StrictStr, Field(min_length=3, max_length=32)]
    note: Note | None = None


class RelocateBody(_Action):
    """Where it happened, corrected by the IOC: a point (it decides the ward), or a ward code, or both."""

    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    lng: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    ward_code: WardCode | None = None
    note: Note | None = None


def parse_relocation(body: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """(fields, expected version) of a relocation; 400 naming the field otherwise."""
    parsed = parse_body(body, RelocateBody)
    return parsed.model_dump(exclude={"version"}, exclude_none=True), parsed.version


class FeedbackBody(Body):
    rating: StrictInt
    comment: Annotated[CleanText, Field(max_length=2000)] | None = None


class ReopenBody(Body):
    reason: Annotated[CleanText, Field(min_length=10, max_length=4000)]


STAFF_BODIES: dict[str, type[_Action]] = {
    "assign": AssignBody, "forward": ForwardBody, "reject": RejectBody, "accept": AcceptBody,
    "return_to_ioc": ReturnBody, "request_extension": RequestExtensionBody,
    "approve_extension": ApproveExtensionBody, "deny_extension": DenyExtensionBody,
    "submit_result": SubmitResultBody, "send_back_result": SendBackBody, "approve_result": ApproveResultBody,
    "merge": MergeBody,
}
assert set(STAFF_BODIES) == set(STAFF_ACTIONS), "every staff action of the workflow has a body"


def parse_action(body: dict[str, Any]) -> tuple[str, dict[str, Any], int | None]:
    """(action, its fields, expected version) from a staff action body; 400 naming the field otherwise."""
    action = body.get("action")
    if action is None:
        raise InvalidInput("missing_field", "action")
    if not isinstance(action, str) or action not in STAFF_BODIES:
        raise InvalidInput("invalid_choice", "action", choices=", ".join(STAFF_BODIES))
    parsed = parse_body(body, STAFF_BODIES[action])
    fields = parsed.model_dump(exclude={"action", "version"}, exclude_none=True)
    return action, fields, parsed.version
