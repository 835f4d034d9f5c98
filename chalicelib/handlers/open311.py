"""Open311 GeoReport v2 under /open311/v2/ (JSON and XML), and the province admin's API keys.

The format is the path's suffix. Chalice matches neither `services.{fmt}` nor any route with a parameter
inside a segment, so each document has two literal routes (`/services.json`, `/services.xml`) and a
resource one whole-segment route (`/requests/{id_fmt}`) split on the last dot. Errors are Open311's:
`[{"code", "description"}]` or `<errors><error>...`, every problem of a request at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import header, json_response, query, route
from chalicelib.handlers.xml_body import xml_response
from chalicelib.rules.errors import DomainError, InvalidInputs

bp = Blueprint(__name__)
V2 = "/open311/v2"
FORM = ["application/x-www-form-urlencoded"]
JSON_UTF8 = {"Content-Type": "application/json; charset=utf-8"}


def _items() -> dict[str, str]:
    from chalicelib.rules.open311 import ITEM_ELEMENTS

    return ITEM_ELEMENTS


def answer(fmt: str, root: str, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """`body` in the format asked for; `root` is the XML document's root element."""
    if fmt == "xml":
        return xml_response(root, body, _items(), status, headers)
    return json_response(body, status, {**JSON_UTF8, **(headers or {})})


def open311_errors(fmt_of: Callable[..., str]) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Domain errors as Open311's error list, in the format of the path (`fmt_of(**path parameters)`)."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            try:
                return view(*args, **kwargs)
            except DomainError as err:
                from chalicelib.observability import logger
                from chalicelib.views.open311 import error_item

                errors = err.errors if isinstance(err, InvalidInputs) else [err]
                logger.info("open311 request refused", extra={"codes": [e.code for e in errors],
                                                              "status": err.status})
                return answer(fmt_of(*args, **kwargs), "errors", [error_item(e) for e in errors], err.status,
                              err.headers)

        return wrapper

    return decorate


def refusal(path: str, status: int, code: str) -> Response:
    """What Chalice refused itself on an Open311 path (a wrong method, a body not a form), as Open311's errors."""
    from chalicelib.views.open311 import error_item

    error = DomainError("open311_form_required" if code == "unsupported_content_type" else code)
    error.status = status
    fmt = "xml" if path.endswith(".xml") else "json"
    return answer(fmt, "errors", [error_item(error)], status)


def _fixed(fmt: str) -> Callable[..., str]:
    return lambda *_a, **_k: fmt


def _from_segment(*args: Any, **kwargs: Any) -> str:
    segment = next(iter(kwargs.values()), args[0] if args else "")
    return "xml" if str(segment).endswith(".xml") else "json"


def open311_route(path: str, methods: list[str], fmt: str | None,
                  **options: Any) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """An Open311 route: `route()` (CORS, logging, the 500) around Open311's errors in the path's format."""
    fmt_of = _fixed(fmt) if fmt else _from_segment

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        return route(bp, path, methods, **options)(open311_errors(fmt_of)(view))

    return decorate


def _service() -> Any:
    container.open311().check_jurisdiction(query(bp.current_request).get("jurisdiction_id"))
    return container.open311()


def _split(segment: str) -> tuple[str, str]:
    from chalicelib.rules.open311 import split_format

    return split_format(segment)


def _base_url() -> str:
    """This endpoint's address as the caller reached it (API Gateway's stage path included)."""
    request = bp.current_request
    context: Any = request.context or {}
    host = header(request, "host") or context.get("domainName") or "localhost"
    proto = header(request, "x-forwarded-proto") or ("https" if context.get("domainName") else "http")
    path, resource = str(context.get("path") or ""), str(context.get("resourcePath") or "")
    prefix = path[: -len(resource)] if resource and path.endswith(resource) else ""
    return f"{proto}://{host}{prefix}{V2}"


# -- discovery, services --------------------------------------------------------------------------------------

def _discovery(fmt: str) -> Response:
    return answer(fmt, "discovery", _service().discovery(_base_url()))


@open311_route(f"{V2}/discovery.json", ["GET"], "json")
def open311_discovery_json() -> Response:
    return _discovery("json")


@open311_route(f"{V2}/discovery.xml", ["GET"], "xml")
def open311_discovery_xml() -> Response:
    return _discovery("xml")


@open311_route(f"{V2}/services.json", ["GET"], "json")
def open311_services_json() -> Response:
    return answer("json", "services", _service().services())


@open311_route(f"{V2}/services.xml", ["GET"], "xml")
def open311_services_xml() -> Response:
    return answer("xml", "services", _service().services())


@open311_route(f"{V2}/services/{{code_fmt}}", ["GET"], None)
def open311_service_definition(code_fmt: str) -> Response:
    code, fmt = _split(code_fmt)
    return answer(fmt, "service_definition", _service().service_definition(code))


# -- requests ---------------------------------------------------------------------------------------------------

def _list(fmt: str) -> Response:
    from chalicelib.schemas.open311 import parse_requests_query

    params = query(bp.current_request)
    service = _service()
    return answer(fmt, "service_requests", service.requests(parse_requests_query(params)))


def _post(fmt: str) -> Response:
    from chalicelib.schemas.open311 import parse_post, read_form

    request = bp.current_request
    form = read_form(request.raw_body)
    jurisdiction = _first(form, "jurisdiction_id") or query(request).get("jurisdiction_id")
    service = container.open311()
    service.check_jurisdiction(jurisdiction)
    key = service.authenticate(_first(form, "api_key"))  # 403 before the fields: an unknown caller learns nothing
    answered = service.submit(key, parse_post(form, service.knows_service), lambda_context=bp.lambda_context)
    return answer(fmt, "service_requests", answered, 201)


def _first(form: dict[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


@open311_route(f"{V2}/requests.json", ["GET"], "json")
def open311_requests_json() -> Response:
    return _list("json")


@open311_route(f"{V2}/requests.xml", ["GET"], "xml")
def open311_requests_xml() -> Response:
    return _list("xml")


@open311_route(f"{V2}/requests.json", ["POST"], "json", content_types=FORM)
def open311_post_request_json() -> Response:
    return _post("json")


@open311_route(f"{V2}/requests.xml", ["POST"], "xml", content_types=FORM)
def open311_post_request_xml() -> Response:
    return _post("xml")


@open311_route(f"{V2}/requests/{{id_fmt}}", ["GET"], None)
def open311_request(id_fmt: str) -> Response:
    request_id, fmt = _split(id_fmt)
    return answer(fmt, "service_requests", _service().request(request_id))


@open311_route(f"{V2}/tokens/{{token_fmt}}", ["GET"], None)
def open311_token(token_fmt: str) -> Response:
    token, fmt = _split(token_fmt)
    return answer(fmt, "service_requests", _service().token(token))


# -- the province admin's API keys (staff JSON API) ----------------------------------------------------------------

def _admin() -> Any:
    return container.staff_auth().authenticate(header(bp.current_request, "authorization"))


@route(bp, "/staff/open311/keys", ["POST"])
def issue_open311_key() -> Response:
    from chalicelib.handlers.http import read_json
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.open311 import KeyRequest

    actor = _admin()
    body = parse_body(read_json(bp.current_request.raw_body), KeyRequest)
    return json_response(container.open311().issue_key(actor, body.name), 201)


@route(bp, "/staff/open311/keys", ["GET"])
def list_open311_keys() -> Response:
    actor = _admin()
    return json_response(container.open311().list_keys(actor))


@route(bp, "/staff/open311/keys/{key_id}", ["DELETE"])
def revoke_open311_key(key_id: str) -> Response:
    actor = _admin()
    return json_response(container.open311().revoke_key(actor, key_id))
