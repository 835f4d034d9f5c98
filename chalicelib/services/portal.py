"""The public portal's reads: published results and rejections, never the reporter, one index query a page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.ports import ReportListPort, ReportsPort
from chalicelib.rules import ids
from chalicelib.rules.errors import NotFound
from chalicelib.rules.listing import PublicFilters, check_limit, check_public_status
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report, is_public
from chalicelib.rules.rounds import public_round
from chalicelib.views import public as views
from chalicelib.views.common import page

if TYPE_CHECKING:
    from chalicelib.services.media import MediaService


class PortalService:
    """What anyone may read of a province's reports."""

    def __init__(self, profile: ProvinceProfile, reports: ReportsPort, lists: ReportListPort,
                 media: MediaService | None = None) -> None:
        self.profile = profile
        self._reports = reports
        self._lists = lists
        self._media = media

    def public_report(self, report_id: str) -> dict[str, Any]:
        """A published, closed or rejected report (or one reopened after publication) as anyone may see it; else 404."""
        found = self._reports.get(ids.normalise_report_id(report_id))
        if found is None or not is_public(found[0]):
            raise NotFound("report_not_found", "id", text="public_report_not_found")
        report = found[0]
        return views.public_report(self.profile, report, self._evidence(report), self._reports.history(report.id))

    def public_list(self, filters: PublicFilters, limit: int | None = None,
                    cursor: str | None = None) -> dict[str, Any]:
        """One page of public results and rejections, newest first."""
        check_public_status(filters)
        reports, next_cursor = self._lists.public_page(filters, check_limit(limit), cursor)
        return page([views.public_item(self.profile, r) for r in reports], next_cursor)

    def _evidence(self, report: Report) -> list[dict[str, Any]]:
        """The published result's evidence photos (the last published round's): clean renditions only."""
        shown = public_round(report)
        wanted = set((shown.result or {}).get("media_ids", []))
        if not wanted or shown.status not in {"published", "closed"} or self._media is None:
            return []
        return [m for m in self._media.public_media(report.id, ("evidence",)) if m["media_id"] in wanted]
