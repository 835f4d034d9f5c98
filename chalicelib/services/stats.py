"""Agency statistics: fed by the reports' stream, read by the public portal.

Each stream event adds the difference its old and new images make to the
(month, agency) counters (rules/stats.py), once per event id; the public
figures are one query of a month's cells, summed for the province and ranked
among agencies with enough resolved reports. No scan anywhere, and nothing
personal: the cells hold counts only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from chalicelib.observability import emit, logger
from chalicelib.rules.messages import STATS_NOTES
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report
from chalicelib.rules.stats import Cell, Figures, deltas, month_of, parse_month, province_total, ranking
from chalicelib.services.clock import Clock, utc_now


class StatsPort(Protocol):
    def apply(self, event_id: str, changes: dict[Cell, dict[str, int]], now: datetime) -> bool: ...
    def month(self, month: str) -> list[Figures]: ...
    def gauges(self) -> tuple[int, int]: ...


def _figures(f: Figures) -> dict[str, Any]:
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


class StatisticsService:
    """Keeps and shows one province's monthly agency figures."""

    def __init__(self, profile: ProvinceProfile, store: StatsPort, clock: Clock = utc_now) -> None:
        self.profile = profile
        self._store = store
        self._clock = clock

    def record(self, event_id: str, old: Report | None, new: Report | None) -> bool:
        """Apply one stream event; False when it changes no figure or was applied before."""
        changes = deltas(old, new, self.profile.working_calendar)
        if not changes:
            return False
        applied = self._store.apply(event_id, changes, self._clock())
        if not applied:
            logger.info("stream event already counted", extra={"event_id": event_id})
        return applied

    def publish_gauges(self) -> tuple[int, int]:
        """Emit OpenReports and OverdueReports (province only): what the dashboard and the overdue alarm read."""
        open_now, overdue = self._store.gauges()
        emit("OpenReports", open_now, province=self.profile.slug)
        emit("OverdueReports", overdue, province=self.profile.slug)
        return open_now, overdue

    def month_view(self, month: str | None) -> dict[str, Any]:
        """The public figures of a month (default: this month): per agency, province, ranking."""
        chosen = parse_month(month) if month is not None else month_of(self._clock())
        cells = [f for f in self._store.month(chosen) if f.received or f.resolved or f.rating_count]
        min_sample = self.profile.sla.ranking_min_sample

        def named(f: Figures) -> dict[str, Any]:
            agency = self.profile.agency(f.agency_id)
            return {"agency_id": f.agency_id, "name": agency.name_vi if agency else f.agency_id,
                    "name_en": agency.name_en if agency else f.agency_id, **_figures(f)}

        ranked = ranking(cells, min_sample)
        notes_vi, notes_en = STATS_NOTES["month_figures"]
        return {
            "month": chosen,
            "province": {"code": self.profile.province_code, "name": self.profile.name_vi,
                         **_figures(province_total(cells))},
            "agencies": [named(f) for f in sorted(cells, key=lambda f: f.agency_id)],
            "ranking": [{"rank": i, **named(f)} for i, f in enumerate(ranked, 1)],
            "ranking_min_sample": min_sample,
            "notes": {"vi": notes_vi, "en": notes_en},
        }
