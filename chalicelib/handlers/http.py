"""What every HTTP handler shares: JSON bodies, bilingual errors, no 500 on input."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, CORSConfig, Response
from chalice.app import Request

from chalicelib.observability import logger
from chalicelib.rules.errors import DomainError, InvalidInput, TooLarge
from chalicelib.rules.messages import ERRORS

# The portal's origin (PORTAL_ORIGIN: the stack's PortalOrigin, the profile's public_base_url; on `make run` the
# local portal's URL) is the only one allowed; "*" is left for a process with no stage environment (unit tests).
CORS = CORSConfig(
    allow_origin=os.environ.get("PORTAL_ORIGIN") or "*",
    allow_headers=["Content-Type", "Authorization", "Idempotency-Key", "X-Tracking-Token", "X-Correlation-Id"],
    max_age=600,
)
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_response(error: DomainError) -> Response:
    return json_response(error.to_dict(), error.status, error.headers)


def internal_error_response() -> Response:
    vi, en = ERRORS["internal_error"]
    return json_response({"code": "internal_error", "message": vi, "message_en": en}, 500)


def header(request: Request, name: str) -> str | None:
    """One request header (case-insensitive), or None."""
    headers: Any = request.headers or {}
    value = headers.get(name.lower())
    return str(value) if value is not None else None


def query(request: Request) -> dict[str, str]:
    """The query string's parameters (the last value of a repeated one)."""
    return {str(k): str(v) for k, v in (request.query_params or {}).items()}


MAX_BODY_BYTES = 256 * 1024  # the largest legitimate body (a 20,000-character description) is far smaller
MAX_JSON_DEPTH = 32  # our deepest shape is 3 levels; Python's parser recurses and overflows near 1,000
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _nesting_depth(text: str, limit: int) -> int:
    """How deep arrays and objects nest in JSON text (strings skipped); 0 if it cannot pass `limit`, and
    counting stops once it does.

    An unterminated string is not skipped, so its brackets count: conservative, and json.loads refuses it anyway.
    """
    if text.count("[") + text.count("{") <= limit:
        return 0
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _has_lone_surrogate(value: Any) -> bool:
    """True if a string anywhere in the decoded body holds a lone UTF-16 surrogate (\\ud800): not encodable text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def read_json(raw: str | bytes | None) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 a person can act on.

    Refused before parsing: a body over MAX_BODY_BYTES (413) and nesting deeper than MAX_JSON_DEPTH
    (the parser would recurse until RecursionError). Refused as not JSON: NaN/Infinity, invalid
    UTF-8, and strings holding a lone surrogate (nothing downstream can encode them).
    """
    if not raw:
        raise InvalidInput("invalid_json")
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if size > MAX_BODY_BYTES:
        raise TooLarge("body_too_large", max=MAX_BODY_BYTES // 1024)
    try:
        text = raw.decode(json.detect_encoding(raw)) if isinstance(raw, bytes) else raw
    except (ValueError, LookupError) as exc:  # UnicodeDecodeError is a ValueError
        raise InvalidInput("invalid_json") from exc
    if _nesting_depth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise InvalidInput("json_too_deep", max=MAX_JSON_DEPTH)
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput("invalid_json") from exc
    if _has_lone_surrogate(body):
        raise InvalidInput("invalid_json")
    if not isinstance(body, dict):
        raise InvalidInput("body_not_object")
    return body


def guarded(blueprint: Blueprint) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Wrap a view: correlation id in logs, domain errors as JSON 4xx, a real bug as a logged 500."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            request = blueprint.current_request
            context: dict[str, Any] = request.context or {}
            logger.set_correlation_id(header(request, "x-correlation-id") or context.get("requestId"))
            try:
                return view(*args, **kwargs)
            except DomainError as err:
                logger.info("request refused", extra={"code": err.code, "field": err.field, "status": err.status})
                return error_response(err)
            except Exception:
                logger.exception("unhandled error")
                return internal_error_response()

        return wrapper

    return decorate


def route(blueprint: Blueprint, path: str, methods: list[str],
          **options: Any) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """`@blueprint.route(path, cors=CORS)` and `@guarded(blueprint)` in one: how every HTTP view is declared."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        return blueprint.route(path, methods=methods, cors=CORS, **options)(guarded(blueprint)(view))

    return decorate


# Chalice answers a few requests itself (wrong method, wrong content type)
# before any view runs; give those the same bilingual body as ours.
_CHALICE_CODES = {
    "UnsupportedMediaType": "unsupported_content_type",
    "MethodNotAllowedError": "method_not_allowed",
    "BadRequestError": "invalid_value",
    "BadRequest": "invalid_value",
}


def register_error_bodies(app: Any) -> None:
    """Rewrite Chalice's own {"Code", "Message"} errors into our error body."""

    @app.middleware("http")
    def _bilingual_errors(event: Any, get_response: Callable[[Any], Response]) -> Response:
        response = get_response(event)
        body = response.body
        if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
            code = _CHALICE_CODES.get(body["Code"], "invalid_value")
            path = str(getattr(event, "path", "") or "")
            if path.startswith("/open311/"):  # Open311's clients read Open311's error list, in the path's format
                from chalicelib.handlers.open311 import refusal

                return refusal(path, response.status_code, code)
            vi, en = ERRORS[code]
            response.body = json.dumps({"code": code, "message": vi, "message_en": en, "detail": body.get("Message")},
                                       ensure_ascii=False)
            response.headers = {**(response.headers or {}), **JSON_HEADERS}
        return response
