"""What every HTTP handler shares: JSON bodies, bilingual errors, no 500 on input."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, CORSConfig, Response
from chalice.app import Request

from chalicelib.observability import logger
from chalicelib.rules.errors import DomainError, InvalidInput
from chalicelib.rules.messages import ERRORS

CORS = CORSConfig(
    allow_origin="*",
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


def read_json(raw: str | bytes | None) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 a person can act on."""
    if not raw:
        raise InvalidInput("invalid_json")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("invalid_json") from exc
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
            vi, en = ERRORS[code]
            response.body = json.dumps({"code": code, "message": vi, "message_en": en, "detail": body.get("Message")},
                                       ensure_ascii=False)
            response.headers = {**(response.headers or {}), **JSON_HEADERS}
        return response
