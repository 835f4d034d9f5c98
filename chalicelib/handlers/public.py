"""Public portal API: published results and rejections, never the reporter, with typed-in contacts masked."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import CORS, guarded, json_response

bp = Blueprint(__name__)
GEOJSON_HEADERS = {"Content-Type": "application/geo+json; charset=utf-8"}


@bp.route("/public/reports", methods=["GET"], cors=CORS)
@guarded(bp)
def list_public_reports() -> Response:
    from chalicelib.rules.listing import PublicFilters
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.queries import PublicListQuery

    q = parse_body(dict(bp.current_request.query_params or {}), PublicListQuery)
    filters = PublicFilters(status=q.status, category=q.category, ward_code=q.ward, received_from=q.from_,
                            received_to=q.to)
    page = container.cases().public_list(filters, q.limit, q.cursor)
    if q.format == "geojson":
        return json_response(as_geojson(page), headers=GEOJSON_HEADERS)
    return json_response(page)


@bp.route("/public/reports/{report_id}", methods=["GET"], cors=CORS)
@guarded(bp)
def get_public_report(report_id: str) -> Response:
    return json_response(container.cases().public_report(report_id))


def as_geojson(page: dict[str, Any]) -> dict[str, Any]:
    """A FeatureCollection of points for maps (RFC 7946: [lng, lat]); the cursor rides along."""
    features = []
    for item in page["items"]:
        props = {k: v for k, v in item.items() if k != "location"}
        place = item["location"]
        props.update(address=place.get("address"), ward_code=place.get("ward_code"), ward_name=place.get("ward_name"))
        features.append({"type": "Feature", "id": item["id"],
                         "geometry": {"type": "Point", "coordinates": [place["lng"], place["lat"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features, "next_cursor": page["next_cursor"]}
