"""The public statistics of a month: each agency's figures, the province's, and the ranking."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.messages import STATS_NOTES
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.stats import Figures, province_total


def figures(f: Figures) -> dict[str, Any]:
    return {
        "received": f.received,
        "resolved": f.resolved,
        "resolved_on_time": f.resolved_on_time,
        "resolved_late": f.resolved_late,
        "on_time_rate": f.on_time_rate,
        "open_overdue": f.open_overdue,
        "median_working_days_to_result": f.median_days_to_result,
        "mean_rating": f.mean_rating,
        "ratings": f.rating_count,
    }


def _named(profile: ProvinceProfile, f: Figures) -> dict[str, Any]:
    agency = profile.agency(f.agency_id)
    return {"agency_id": f.agency_id, "name": agency.name_vi if agency else f.agency_id,
            "name_en": agency.name_en if agency else f.agency_id, **figures(f)}


def month(profile: ProvinceProfile, chosen: str, cells: list[Figures], ranked: list[Figures],
          min_sample: int) -> dict[str, Any]:
    """The body of GET /public/stats: the month, the province's totals, every agency, and the ranked ones."""
    return {
        "month": chosen,
        "province": {"code": profile.province_code, "name": profile.name_vi, **figures(province_total(cells))},
        "agencies": [_named(profile, f) for f in sorted(cells, key=lambda f: f.agency_id)],
        "ranking": [{"rank": i, **_named(profile, f)} for i, f in enumerate(ranked, 1)],
        "ranking_min_sample": min_sample,
        "notes": {"vi": STATS_NOTES["month_figures"][0], "en": STATS_NOTES["month_figures"][1]},
    }
