"""The public statistics of a month: each agency's figures, the province's, and the ranking."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.messages import STATS_NOTES
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.stats import RANKING_WEIGHTS, WILSON_CONFIDENCE, Figures, Ranked, province_total


def figures(f: Figures) -> dict[str, Any]:
    return {
        "received": f.received,
        "resolved": f.resolved,
        "resolved_on_time": f.resolved_on_time,
        "resolved_late": f.resolved_late,
        "on_time_rate": f.on_time_rate,
        "open_overdue": f.open_overdue,
        "median_working_days_to_result": f.median_days_to_result,
        "median_hours_to_result": f.median_hours_to_result,
        "resolution_rate": f.resolution_rate,
        "mean_rating": f.mean_rating,
        "ratings": f.rating_count,
        "merged": f.merged,
    }


def _named(profile: ProvinceProfile, f: Figures) -> dict[str, Any]:
    agency = profile.agency(f.agency_id)
    return {"agency_id": f.agency_id, "name": agency.name_vi if agency else f.agency_id,
            "name_en": agency.name_en if agency else f.agency_id, **figures(f)}


def _ranked(profile: ProvinceProfile, ranked: list[Ranked]) -> list[dict[str, Any]]:
    return [{"rank": i, **_named(profile, r.figures), "score": r.score, "score_parts": dict(r.parts)}
            for i, r in enumerate(ranked, 1)]


def month(profile: ProvinceProfile, chosen: str, cells: list[Figures], ranked: list[Ranked],
          min_sample: int) -> dict[str, Any]:
    """The body of GET /public/stats: the month, the province's totals, every agency, and the ranked ones."""
    return {
        "month": chosen,
        "province": {"code": profile.province_code, "name": profile.name_vi, **figures(province_total(cells))},
        "agencies": [_named(profile, f) for f in sorted(cells, key=lambda f: f.agency_id)],
        "ranking": _ranked(profile, ranked),
        "ranking_min_sample": min_sample,
        "notes": {"vi": STATS_NOTES["month_figures"][0], "en": STATS_NOTES["month_figures"][1]},
    }


def month_ranking(profile: ProvinceProfile, chosen: str, ranked: list[Ranked], min_sample: int) -> dict[str, Any]:
    """The body of GET /public/ranking: the month's ranked agencies, each with its score and parts, and the rule."""
    return {
        "month": chosen,
        "ranking": _ranked(profile, ranked),
        "ranking_min_sample": min_sample,
        "rule": {"weights": dict(RANKING_WEIGHTS), "confidence": WILSON_CONFIDENCE,
                 "min_sample": max(1, min_sample)},
        "notes": {"vi": STATS_NOTES["ranking"][0], "en": STATS_NOTES["ranking"][1]},
    }
