"""Nearby reports before a submission, and "me too" supports.

A nearby query reads the nearby-cell index once per covered cell (rules/geo.cover:
at most 4 for the default 250 m) and keeps the candidates within the radius,
nearest first (rules/nearby.choose). A support is one consistent read of the
report and one transaction (storage/support.py): the supporter's item,
conditional on its keyed hash being new, and the report's count, an atomic
ADD. With a tracking token instead of a phone, the supporter's own report is
read too (its reporter's phone is the supporter's): one more read.
"""

from __future__ import annotations

from typing import Any

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import MissingReference, NearbyPort, ReportsPort, Supporter, SupportPort
from chalicelib.rules import ids
from chalicelib.rules.errors import InvalidInput, NotFound
from chalicelib.rules.nearby import cells_for, check_supportable, choose, supporter_key
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report
from chalicelib.schemas.intake import SupportRequest
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import public as views


class SupportService:
    """The citizen's nearby list and "me too", over the reports store, the nearby index and the supporters."""

    def __init__(self, profile: ProvinceProfile, reports: ReportsPort, nearby: NearbyPort, supporters: SupportPort,
                 clock: Clock = utc_now, *, token_key: bytes, limits_key: bytes) -> None:
        self.profile = profile
        self._reports = reports
        self._nearby = nearby
        self._supporters = supporters
        self._clock = clock
        self._token_key = token_key
        self._limits_key = limits_key

    def candidates(self, lat: float, lng: float, category: str,
                   exclude: str | None = None) -> list[tuple[Report, float]]:
        """The open and recent reports of `category` within the profile's radius, nearest first."""
        found = self._nearby.nearby(category, cells_for(lat, lng, self.profile))
        return choose(lat, lng, found, self._clock(), self.profile, exclude)

    @trace_use_case
    def nearby(self, lat: float, lng: float, category: str) -> dict[str, Any]:
        """GET /reports/nearby: at most the profile's limit of candidates, each with its public view."""
        if self.profile.any_category(category) is None:
            raise InvalidInput("unknown_category", "category", value=category)
        return views.nearby_list(self.profile, self.candidates(lat, lng, category))

    @trace_use_case
    def support(self, report_id: str, req: SupportRequest) -> tuple[dict[str, Any], bool]:
        """(answer, counted): a "me too" on an open or recently published report, once per phone."""
        found = self._reports.get(ids.normalise_report_id(report_id))
        if found is None:
            raise NotFound("report_not_found", "id", text="public_report_not_found")
        report, now = found[0], self._clock()
        check_supportable(report, now, self.profile)
        if req.phone is not None:
            phone, name, via, source = req.phone, req.name, "phone", None
        else:
            own = ids.reporters_own(self._reports.get(ids.normalise_report_id(str(req.own_report_id))),
                                    req.tracking_token)
            if own.id == report.id:
                raise InvalidInput("support_own_report", "own_report_id")
            if not own.reporter.phone:  # erased at the reporter's request, or sent by e-mail without one
                raise InvalidInput("support_report_without_phone", "own_report_id")
            phone, name, via, source = own.reporter.phone, own.reporter.name, "report", own.id
        if phone == report.reporter.phone:
            raise InvalidInput("support_own_report", "phone" if req.phone is not None else "own_report_id")
        supporter = Supporter(report.id, supporter_key(self._limits_key, phone), phone, name,
                              via, now, source)  # type: ignore[arg-type]  # via is one of the literals
        try:
            counted = self._supporters.add(supporter)
        except MissingReference as exc:
            raise NotFound("report_not_found", "id", text="public_report_not_found") from exc
        count = report.support_count + (1 if counted else 0)
        if counted:
            emit("ReportSupported", province=self.profile.slug, category=report.category, via=via)
        logger.info("report supported", extra={"report_id": report.id, "via": via, "counted": counted})
        return views.support_taken(report, count, counted), counted

    def carry_over(self, merged: Report, into: str) -> int:
        """The merged report's supporters become the survivor's (how many were new there).

        Run from the reports stream on the merge's record, so a crash half-way is retried; each support is
        the same conditional transaction as a "me too", so a redelivered record counts nobody twice (one
        read per supporter first, one transaction per new one). The survivor's own reporter is skipped, like
        a "me too" on one's own report.
        """
        found = self._reports.get(into)
        if found is None:
            logger.warning("merge survivor not found", extra={"report_id": merged.id, "into": into})
            return 0
        survivor, now = found[0], self._clock()
        own = supporter_key(self._limits_key, survivor.reporter.phone)
        carried = 0
        for s in self._supporters.contacts(merged.id):
            if s.key == own or self._supporters.has(survivor.id, s.key):
                continue  # a redelivered record finds them there and writes nothing (a refused write costs more)
            try:
                carried += self._supporters.add(Supporter(survivor.id, s.key, s.phone, s.name, "merge", now, merged.id))
            except MissingReference:
                return carried
        logger.info("supporters carried over", extra={"report_id": merged.id, "into": survivor.id, "carried": carried})
        return carried

