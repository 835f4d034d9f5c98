"""Staff API: the signed-in officer's queue, a case file, workflow actions, and evidence uploads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import header, json_response, query, read_json, route

if TYPE_CHECKING:
    from chalicelib.rules.actors import Actor

bp = Blueprint(__name__)


@bp.middleware("http")
def _staff_keys_on_their_way(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """A staff request first needs the pool's signing keys: a cold container starts fetching them before the
    view's imports and reads, which then overlap the round trip (a warm one has them: this does nothing)."""
    if str(getattr(event, "path", "") or "").startswith("/staff") and header(event, "authorization"):
        container.staff_keys().prefetch()
    return get_response(event)


def _actor() -> Actor:
    """The signed-in staff member (401/403 before anything else is looked at)."""
    return container.staff_auth().authenticate(header(bp.current_request, "authorization"))


@route(bp, "/staff/me", ["GET"])
def whoami() -> Response:
    actor = _actor()
    return json_response({"username": actor.id, "role": actor.role, "roles": sorted(actor.roles),
                          "agency_id": actor.agency_id})


@route(bp, "/staff/agencies", ["GET"])
def agencies() -> Response:
    """Every signed-in officer may read who can be assigned (no contact addresses)."""
    from chalicelib.views.staff import agency_list

    _actor()
    return json_response(agency_list(container.profile()))


@route(bp, "/staff/reports", ["GET"])
def list_reports() -> Response:
    from chalicelib.rules.listing import StaffFilters
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.queries import StaffListQuery

    actor = _actor()
    q = parse_body(query(bp.current_request), StaffListQuery)
    filters = StaffFilters(status=q.status, agency_id=q.agency, category=q.category, ward_code=q.ward,
                           due_before=q.due_before)
    return json_response(container.cases().staff_list(actor, filters, q.limit, q.cursor))


@route(bp, "/staff/reports/{report_id}", ["GET"])
def get_report(report_id: str) -> Response:
    actor = _actor()
    return json_response(container.cases().staff_report(actor, report_id))


@route(bp, "/staff/reports/{report_id}/actions", ["POST"])
def take_action(report_id: str) -> Response:
    from chalicelib.schemas.actions import parse_action

    actor = _actor()
    action, fields, version = parse_action(read_json(bp.current_request.raw_body))
    return json_response(container.cases().act(actor, report_id, action, fields, expected_version=version))


@route(bp, "/staff/reports/{report_id}/location", ["POST"])
def relocate(report_id: str) -> Response:
    """The IOC corrects where it happened: `{"lat", "lng"}` and/or `{"ward_code"}`, optional `note`, `version`."""
    from chalicelib.schemas.actions import parse_relocation

    actor = _actor()
    fields, version = parse_relocation(read_json(bp.current_request.raw_body))
    return json_response(container.cases().act(actor, report_id, "relocate", fields, expected_version=version))


@route(bp, "/staff/reports/{report_id}/media", ["POST"])
def upload_evidence(report_id: str) -> Response:
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.intake import MediaRequest

    actor = _actor()
    body = parse_body(read_json(bp.current_request.raw_body), MediaRequest)
    answer = container.cases().request_evidence_upload(actor, report_id, body.content_type, body.size)
    return json_response(answer, 201)
