"""Citizen API: submit a report, follow it, attach photos and video."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib import container
from chalicelib.handlers.http import header, json_response, read_json, route
from chalicelib.rules.errors import InvalidInput

bp = Blueprint(__name__)
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


@route(bp, "/reports", ["POST"])
def submit_report() -> Response:
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.intake import IntakeRequest

    request = bp.current_request
    key = header(request, "idempotency-key")
    if key is not None and not _IDEMPOTENCY_KEY.match(key):
        raise InvalidInput("invalid_idempotency_key", "Idempotency-Key")
    body = parse_body(read_json(request.raw_body), IntakeRequest)
    answer, replayed = container.intake().submit(body, idempotency_key=key, lambda_context=bp.lambda_context,
                                                 source_ip=source_ip(request))
    headers = {"Location": f"/reports/{answer['id']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return json_response(answer, 201, headers)


def source_ip(request: Request) -> str | None:
    """The caller's address as API Gateway saw it (requestContext.identity.sourceIp), or None."""
    context: Any = request.context or {}
    identity = context.get("identity") or {}
    ip = identity.get("sourceIp") if isinstance(identity, dict) else None
    return str(ip) if ip else None


@route(bp, "/reports/{report_id}", ["GET"])
def track_report(report_id: str) -> Response:
    token = header(bp.current_request, "x-tracking-token")
    return json_response(container.intake().track(report_id, token))


@route(bp, "/reports/{report_id}/media", ["POST"])
def request_upload(report_id: str) -> Response:
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.intake import MediaRequest

    request = bp.current_request
    body = parse_body(read_json(request.raw_body), MediaRequest)
    token = header(request, "x-tracking-token")
    return json_response(container.intake().request_upload(report_id, token, body), 201)
