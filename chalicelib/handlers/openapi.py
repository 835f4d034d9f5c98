"""`GET /openapi.json`: the API's OpenAPI 3.1 document, built from the route table on first request and kept."""

from __future__ import annotations

import json
from typing import Any

from chalice import Blueprint, Response

from chalicelib.handlers.http import JSON_HEADERS, route

bp = Blueprint(__name__)
_BODY: list[str] = []  # the serialised document, once built (the route table does not change while we run)


def document_body(routes: dict[str, dict[str, Any]]) -> str:
    if not _BODY:
        from chalicelib.handlers.openapi_doc import build  # pydantic's schema machinery: not on the cold start

        _BODY.append(json.dumps(build(routes), ensure_ascii=False))
    return _BODY[0]


@route(bp, "/openapi.json", ["GET"])
def openapi() -> Response:
    app = bp._current_app  # the app this blueprint is registered on (set by register_blueprint)
    assert app is not None, "the blueprint is registered"
    routes = app.routes
    return Response(body=document_body(routes), status_code=200,
                    headers={**JSON_HEADERS, "Cache-Control": "public, max-age=300"})
