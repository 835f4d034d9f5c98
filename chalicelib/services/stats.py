"""Agency statistics: fed by the reports' stream, read by the public portal.

Each stream event adds the difference its old and new images make to the
(month, agency) counters (rules/stats.py), once per event id; the public
figures are one query of a month's cells, summed for the province and ranked
among agencies with enough resolved reports. No scan anywhere, and nothing
personal: the cells hold counts only.
"""

from __future__ import annotations

from typing import Any

from chalicelib.observability import emit, logger
from chalicelib.ports import StatsPort
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report
from chalicelib.rules.stats import Figures, deltas, month_of, parse_month, ranking
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import stats as views


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

    def _cells(self, month: str | None) -> tuple[str, list[Figures]]:
        chosen = parse_month(month) if month is not None else month_of(self._clock())
        return chosen, [f for f in self._store.month(chosen) if f.received or f.resolved or f.rating_count]

    def month_view(self, month: str | None) -> dict[str, Any]:
        """The public figures of a month (default: this month): per agency, province, ranking."""
        chosen, cells = self._cells(month)
        return views.month(self.profile, chosen, cells, ranking(cells, self.profile.sla.ranking_min_sample),
                           self.profile.sla.ranking_min_sample)

    def ranking_view(self, month: str | None) -> dict[str, Any]:
        """The month's ranking alone (default: this month), each row with its score and the score's parts."""
        chosen, cells = self._cells(month)
        min_sample = self.profile.sla.ranking_min_sample
        return views.month_ranking(self.profile, chosen, ranking(cells, min_sample), min_sample)
