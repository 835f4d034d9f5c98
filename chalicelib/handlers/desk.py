"""The hotline desk: an operator records a caller's report (POST /staff/intake, channel `hotline`)."""

from __future__ import annotations

import re

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import header, json_response, read_json, route
from chalicelib.rules.errors import InvalidInput

bp = Blueprint(__name__)
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


@route(bp, "/staff/intake", ["POST"])
def record_call() -> Response:
    """The body of POST /reports without `channel`; the caller's SMS carries the code, the answer the receipt."""
    from chalicelib.rules.actors import may_take_calls
    from chalicelib.rules.errors import Forbidden
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.intake import DeskIntakeRequest

    request = bp.current_request
    actor = container.staff_auth().authenticate(header(request, "authorization"))
    if not may_take_calls(actor):
        raise Forbidden("not_intake_desk")
    key = header(request, "idempotency-key")
    if key is not None and not _IDEMPOTENCY_KEY.match(key):
        raise InvalidInput("invalid_idempotency_key", "Idempotency-Key")
    body = parse_body(read_json(request.raw_body), DeskIntakeRequest)
    answer, replayed = container.intake().submit_from("hotline", actor, body.submission(), idempotency_key=key,
                                                      lambda_context=bp.lambda_context)
    headers = {"Location": f"/staff/reports/{answer['id']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return json_response(answer, 201, headers)
