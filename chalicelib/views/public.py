"""What anyone may see: published results and rejections, never the reporter, as JSON or GeoJSON."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.calendar import iso_local
from chalicelib.rules.privacy import public_text
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.rules.rounds import public_round, round_label
from chalicelib.views.common import (
    agency,
    category,
    history_entry,
    place,
    public_merge,
    public_rejection,
    public_result,
)


def public_view(profile: ProvinceProfile, report: Report) -> dict[str, Any]:
    """What anyone may see: never the reporter, and masked free text.

    A reopened report keeps showing its last published round (`rules.rounds.public_round`): that round's
    result, agency, due dates and rating, with `reopened` set, `round` the current round and `result_round`
    the round the result is from.
    """
    shown = public_round(report)
    where = place(profile, report)
    where["address"] = public_text(where["address"], report) if where["address"] else None
    result = public_result(shown)
    return {
        "id": report.id,
        "status": report.status,
        "round": report.round,
        "reopened": shown.round < report.round,
        "result_round": shown.round if result else None,
        "category": category(profile, report.category),
        "description": public_text(report.description, report),
        "location": where,
        "agency": agency(profile, shown.agency_id),
        "occurred_at": iso_local(report.occurred_at),
        "received_at": iso_local(report.received_at),
        "due_at": iso_local(shown.due_at),
        "original_due_at": iso_local(shown.original_due_at),
        "result": result,
        "rejection": public_rejection(report),
        "rating": shown.feedback.get("rating") if shown.feedback else None,
        "support_count": report.support_count,
        "merge": public_merge(report),
    }


def public_item(profile: ProvinceProfile, report: Report) -> dict[str, Any]:
    """One public list item: the public view with its round and publication times (the shown round's)."""
    return {**public_view(profile, report), "round_label": round_label(report.round),
            "published_at": iso_local(public_round(report).published_at), "closed_at": iso_local(report.closed_at)}


def public_report(profile: ProvinceProfile, report: Report, evidence: list[dict[str, Any]],
                  history: list[AuditEntry]) -> dict[str, Any]:
    """A public report's page: the item, its evidence photos, its history without actors."""
    return {**public_item(profile, report), "evidence": evidence,
            "history": [history_entry(e, with_actor=False) for e in history]}


def as_geojson(page: dict[str, Any]) -> dict[str, Any]:
    """A FeatureCollection of points for maps (RFC 7946: [lng, lat]); the cursor rides along."""
    features = []
    for item in page["items"]:
        props = {k: v for k, v in item.items() if k != "location"}
        where = item["location"]
        props.update(address=where.get("address"), ward_code=where.get("ward_code"), ward_name=where.get("ward_name"))
        point = [where["lng"], where["lat"]] if where.get("lat") is not None else None
        features.append({"type": "Feature", "id": item["id"],
                         "geometry": {"type": "Point", "coordinates": point} if point else None,
                         "properties": props})
    return {"type": "FeatureCollection", "features": features, "next_cursor": page["next_cursor"]}


def nearby_item(profile: ProvinceProfile, report: Report, distance_m: float) -> dict[str, Any]:
    """One nearby candidate: its public view (never the reporter) and how far it is, in whole metres."""
    return {**public_view(profile, report), "distance_m": round(distance_m)}


def nearby_list(profile: ProvinceProfile, chosen: list[tuple[Report, float]]) -> dict[str, Any]:
    """The body of GET /reports/nearby: the candidates nearest first, and the radius and limit they obey."""
    return {"radius_m": profile.nearby.radius_m, "limit": profile.nearby.limit,
            "items": [nearby_item(profile, r, d) for r, d in chosen]}


def support_taken(report: Report, count: int, counted: bool) -> dict[str, Any]:
    """The answer to a "me too": the report, its support count, and whether this one was new (never a contact)."""
    return {"id": report.id, "status": report.status, "support_count": count, "counted": counted}
