"""The province's map for citizens: ask which ward a point is in before submitting; list and draw the wards."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import header, json_response, query, route

bp = Blueprint(__name__)
# The ward map changes once in a generation: let browsers and CloudFront keep it a day, revalidating by ETag.
MAP_CACHE = "public, max-age=86400"


@route(bp, "/wards/lookup", ["GET"])
def lookup_ward() -> Response:
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.queries import WardLookupQuery

    q = parse_body(query(bp.current_request), WardLookupQuery)
    return json_response(container.places().lookup(q.lat, q.lng), headers={"Cache-Control": "public, max-age=3600"})


@route(bp, "/wards", ["GET"])
def list_wards() -> Response:
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.queries import WardListQuery

    q = parse_body(query(bp.current_request), WardListQuery)
    if q.format == "geojson":
        return _geojson()
    return json_response(container.places().wards(), headers={"Cache-Control": MAP_CACHE})


@route(bp, "/wards.geojson", ["GET"])
def wards_geojson() -> Response:
    return _geojson()


def _geojson() -> Response:
    doc = container.places().geojson()
    headers: dict[str, str | list[str]] = {"ETag": doc.etag, "Cache-Control": MAP_CACHE}
    if header(bp.current_request, "if-none-match") == doc.etag:
        return Response(body="", status_code=304, headers=headers)
    return Response(body=doc.body, status_code=200,
                    headers={**headers, "Content-Type": "application/geo+json; charset=utf-8"})
