"""Citizen follow-up with the tracking token: rate the published result, or reopen it ("phản ánh lần 2")."""

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
