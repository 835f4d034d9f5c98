"""Public portal API: published results and rejections, never the reporter, with typed-in contacts masked."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import json_response, query, route

bp = Blueprint(__name__)
GEOJSON_HEADERS = {"Content-Type": "application/geo+json; charset=utf-8"}


@route(bp, "/public/reports", ["GET"])
def list_public_reports() -> Response:
    from chalicelib.rules.listing import PublicFilters
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.queries import PublicListQuery

    q = parse_body(query(bp.current_request), PublicListQuery)
    filters = PublicFilters(status=q.status, category=q.category, ward_code=q.ward, received_from=q.from_,
                            received_to=q.to)
    page = container.portal().public_list(filters, q.limit, q.cursor)
    if q.format == "geojson":
        from chalicelib.views.public import as_geojson

        return json_response(as_geojson(page), headers=GEOJSON_HEADERS)
    return json_response(page)


@route(bp, "/public/reports/{report_id}", ["GET"])
def get_public_report(report_id: str) -> Response:
    return json_response(container.portal().public_report(report_id))


@route(bp, "/public/stats", ["GET"])
def public_stats() -> Response:
    month = query(bp.current_request).get("month")
    return json_response(container.statistics().month_view(month), headers={"Cache-Control": "public, max-age=300"})


@route(bp, "/public/ranking", ["GET"])
def public_ranking() -> Response:
    month = query(bp.current_request).get("month")
    return json_response(container.statistics().ranking_view(month), headers={"Cache-Control": "public, max-age=300"})


@route(bp, "/reports/nearby", ["GET"])
def nearby_reports() -> Response:
    """Open and recent reports of a category near a point, before a citizen submits (never the reporter)."""
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.queries import NearbyQuery

    q = parse_body(query(bp.current_request), NearbyQuery)
    return json_response(container.support().nearby(q.lat, q.lng, q.category))
