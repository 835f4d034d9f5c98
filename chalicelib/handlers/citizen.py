"""Citizen follow-up with the tracking token: rate the published result, or reopen it ("phản ánh lần 2");
"me too" on someone else's report; and the reporter's data rights (my-data, erase)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import header, json_response, read_json, route

bp = Blueprint(__name__)


@route(bp, "/reports/{report_id}/feedback", ["POST"])
def give_feedback(report_id: str) -> Response:
    from chalicelib.schemas.actions import FeedbackBody
    from chalicelib.schemas.common import parse_body

    request = bp.current_request
    body = parse_body(read_json(request.raw_body), FeedbackBody)
    token = header(request, "x-tracking-token")
    answer = container.cases().citizen_act(report_id, token, "feedback", body.model_dump(exclude_none=True))
    return json_response(answer, 201)


@route(bp, "/reports/{report_id}/reopen", ["POST"])
def reopen(report_id: str) -> Response:
    from chalicelib.schemas.actions import ReopenBody
    from chalicelib.schemas.common import parse_body

    request = bp.current_request
    body = parse_body(read_json(request.raw_body), ReopenBody)
    token = header(request, "x-tracking-token")
    return json_response(container.cases().citizen_act(report_id, token, "reopen", body.model_dump()))


@route(bp, "/reports/{report_id}/support", ["POST"])
def support_report(report_id: str) -> Response:
    """ "Me too": a phone (and name), or the supporter's own report and its token; once per phone (200 after)."""
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.intake import SupportRequest

    body = parse_body(read_json(bp.current_request.raw_body), SupportRequest)
    answer, counted = container.support().support(report_id, body)
    return json_response(answer, 201 if counted else 200)


@route(bp, "/reports/{report_id}/my-data", ["GET"])
def my_data(report_id: str) -> Response:
    """The personal data held about the reporter, why and until when (the tracking token proves it is theirs)."""
    token = header(bp.current_request, "x-tracking-token")
    return json_response(container.retention().my_data(report_id, token))


@route(bp, "/reports/{report_id}/erase", ["POST"])
def erase(report_id: str) -> Response:
    """Anonymise the reporter's contact now; 200 with what was removed and kept (again: erased false)."""
    token = header(bp.current_request, "x-tracking-token")
    return json_response(container.retention().erase(report_id, token))
