"""Case handling: staff and citizens move a report through the workflow; staff list and read it.

A transition is one consistent read and one DynamoDB transaction (the report
at the version read, its audit row, and any reference it names); nothing else
is written. A transition that names references (evidence media, the report a
rejection duplicates) reads them first, in one consistent batch read: an
unknown one is refused before anything is written (so no stream record, no
notice), and the transaction checks them again against a race.

What a caller may see comes from `rules.actors`, what they may do from
`rules.workflow`; what the public sees from `views/`, with personal data masked by `rules.privacy`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.observability import emit, logger
from chalicelib.ports import (
    MergePort,
    MissingReference,
    Reference,
    ReferencesPort,
    ReportListPort,
    ReportsPort,
    StaleVersion,
    Supporter,
    SupportPort,
)
from chalicelib.rules import ids
from chalicelib.rules.actors import CITIZEN_ACTOR, SYSTEM_ACTOR, Actor, can_see, can_see_reporter
from chalicelib.rules.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.rules.listing import StaffFilters, check_limit, staff_scope
from chalicelib.rules.nearby import check_merge, supporter_key
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.rules.rounds import REOPEN_WINDOW_DAYS, reopen_deadline, result_working_hours
from chalicelib.rules.workflow import (
    STATES,
    allowed_actions,
    allowed_corrections,
    evidence_allowed,
    roles_for,
    transition,
)
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import citizen as citizen_views
from chalicelib.views import staff as staff_views
from chalicelib.views.common import page

if TYPE_CHECKING:
    from chalicelib.services.media import MediaService


class CaseStore(ReportsPort, ReportListPort, ReferencesPort, Protocol):
    """The report store as the case use cases need it: reads, transitions, their references and index pages."""


class CaseService:
    """The workflow's use cases over a report store, a media store and the media bucket."""

    def __init__(
        self,
        profile: ProvinceProfile,
        reports: CaseStore,
        media: MediaService | None = None,
        clock: Clock = utc_now,
        metric: Callable[..., None] = emit,
        *,
        merger: MergePort | None = None,
        supporters: SupportPort | None = None,
        limits_key: bytes = b"",
    ) -> None:
        self.profile = profile
        self._reports = reports
        self._media = media
        self._clock = clock
        self._metric = metric
        self._merger = merger
        self._supporters = supporters
        self._limits_key = limits_key

    # -- staff ----------------------------------------------------------------------------

    def act(self, actor: Actor, report_id: str, action: str, fields: Mapping[str, Any],
            expected_version: int | None = None) -> dict[str, Any]:
        """Take one staff action on a report the actor can see; the report as it now stands."""
        report = self._visible(actor, report_id)
        if action == "merge":
            saved, audit = self._merge(report, fields, actor, expected_version)
        else:
            saved, audit = self._take(report, action, fields, actor, expected_version)
        return staff_views.action_taken(self.profile, saved, audit, with_reporter=can_see_reporter(actor, saved),
                                        allowed_actions=allowed_actions(saved, actor))

    def staff_report(self, actor: Actor, report_id: str) -> dict[str, Any]:
        """The full case file: report, reporter (IOC and the assigned agency), media, result, audit trail."""
        report = self._visible(actor, report_id)
        return staff_views.case_file(self.profile, report, self._reports.history(report.id),
                                     with_reporter=can_see_reporter(actor, report),
                                     allowed_actions=allowed_actions(report, actor),
                                     allowed_corrections=allowed_corrections(report, actor),
                                     media=self._media.staff_media(report.id) if self._media else [])

    def staff_list(self, actor: Actor, filters: StaffFilters, limit: int | None = None,
                   cursor: str | None = None) -> dict[str, Any]:
        """One page of the caller's queue, from one index query."""
        if filters.status is not None and filters.status not in STATES:
            raise InvalidInput("invalid_choice", "status", choices=", ".join(STATES))
        size = check_limit(limit)
        scope = staff_scope(actor, filters)
        if scope is None:
            return page([], None)
        reports, next_cursor = self._reports.staff_page(scope, filters, self.profile.province_code, size, cursor)
        now = self._clock()
        return page([staff_views.queue_row(r, now, with_reporter=can_see_reporter(actor, r)) for r in reports],
                    next_cursor)

    def request_evidence_upload(self, actor: Actor, report_id: str, content_type: str,
                                size: int | None) -> dict[str, Any]:
        """A presigned POST for one photo or video of the agency's result (thumbnailed like any upload)."""
        report = self._visible(actor, report_id)
        if not evidence_allowed(report, actor):
            if roles_for(actor, "submit_result", report):
                raise Conflict("evidence_not_allowed_now", "action", state=report.status)
            raise Forbidden("action_forbidden", "action", action="upload_evidence")
        if self._media is None:
            raise RuntimeError("this CaseService was built without media")
        offer = self._media.offer_upload(report.id, "evidence", content_type, size)
        logger.info("evidence upload planned", extra={"report_id": report.id, "media_id": offer["media_id"],
                                                      "kind": offer["kind"], "actor": actor.id})
        return offer

    # -- citizen --------------------------------------------------------------------------

    def citizen_act(self, report_id: str, token: str | None, action: str,
                    fields: Mapping[str, Any]) -> dict[str, Any]:
        """Feedback or reopen by the reporter, proven by the tracking token (404 otherwise)."""
        report = ids.reporters_own(self._reports.get(ids.normalise_report_id(report_id)), token)
        saved, _ = self._take(report, action, fields, CITIZEN_ACTOR, None)
        return citizen_views.citizen_action(saved, reopen_deadline(saved))

    # -- system ---------------------------------------------------------------------------

    def close_expired(self, limit: int = 50) -> int:
        """Close published reports whose reopen window has passed (run on a schedule); how many were closed."""
        cutoff = self._clock() - timedelta(days=REOPEN_WINDOW_DAYS)
        closed = 0
        for report in self._reports.published_before(cutoff, limit):
            try:
                self._take(report, "close", {}, SYSTEM_ACTOR, report.version)
            except Conflict:
                continue  # someone reopened or closed it meanwhile
            closed += 1
        return closed

    def close_all_expired(self, page: int = 50, most: int = 5000) -> int:
        """Close every expired published report, a page at a time (bounded, so one run cannot run away)."""
        total = 0
        while total < most:
            closed = self.close_expired(page)
            total += closed
            if closed < page:
                return total
        return total

    # -- the one write path ---------------------------------------------------------------

    def _take(self, report: Report, action: str, fields: Mapping[str, Any], actor: Actor,
              expected_version: int | None) -> tuple[Report, AuditEntry]:
        if expected_version is not None and expected_version != report.version:
            self._conflict(report)
        after, audit = transition(report, action, fields, actor, self._clock(), self.profile)
        references = self._references(report, action, after)
        if references:  # refused before the transaction: a cancelled one must not leave a trace anywhere
            unknown = self._reports.unresolved(references)
            if unknown is not None:
                raise InvalidInput("unknown_reference", unknown.field, value=unknown.value)
        try:
            saved = self._reports.apply(report, after, audit, references)
        except StaleVersion:
            self._conflict(report)
        except MissingReference as exc:  # the race guard: a reference went away after it was read
            raise InvalidInput("unknown_reference", exc.field, value=exc.value) from exc
        self._record(report, saved, audit)
        return saved, audit

    def _merge(self, report: Report, fields: Mapping[str, Any], actor: Actor,
               expected_version: int | None) -> tuple[Report, AuditEntry]:
        """Merge into another open report: both reports, both audit rows and the reporter's support, one write.

        The merged reporter becomes a supporter of the survivor (unless they
        report or support it already), so the survivor's published result
        reaches them; their SMS now links the survivor (rules/notices.py).
        """
        if self._merger is None or self._supporters is None:
            raise RuntimeError("this CaseService was built without the merge store")
        if expected_version is not None and expected_version != report.version:
            self._conflict(report)
        now = self._clock()
        after, audit = transition(report, "merge", fields, actor, now, self.profile)
        into = after.extra["merge"]["into"]
        found = self._reports.get(into)
        if found is None:
            raise InvalidInput("unknown_reference", "into", value=into)
        survivor = found[0]
        check_merge(report, survivor)
        survivor_audit = AuditEntry(survivor.id, now, actor.id, audit.role, "merge_in", survivor.status,
                                    survivor.status, round=survivor.round, note=f"from={report.id}")
        phone = report.reporter.phone
        key = supporter_key(self._limits_key, phone)
        supporter: Supporter | None = None
        if phone != survivor.reporter.phone and not self._supporters.has(survivor.id, key):
            supporter = Supporter(survivor.id, key, phone, report.reporter.name, "merge", now, report.id)
        try:
            saved = self._merger.merge(report, after, audit, survivor, survivor_audit, supporter)
        except StaleVersion:
            self._conflict(report)
        self._record(report, saved, audit)
        return saved, audit

    @staticmethod
    def _conflict(report: Report) -> None:
        err = Conflict("version_conflict", "version")
        err.details = {"state": report.status}
        raise err

    @staticmethod
    def _references(before: Report, action: str, after: Report) -> list[Reference]:
        refs: list[Reference] = []
        if action == "submit_result" and after.result:
            refs += [Reference("evidence", "media_ids", m, before.id) for m in after.result["media_ids"]]
        if action == "reject" and after.rejection and after.rejection.get("duplicate_of"):
            refs.append(Reference("report", "duplicate_of", after.rejection["duplicate_of"]))
        return refs

    def _record(self, before: Report, saved: Report, audit: AuditEntry) -> None:
        """Metrics and a log line per transition; never the reporter's data."""
        slug = self.profile.slug
        self._metric("ReportTransitions", 1, province=slug, agency=saved.agency_id, action=audit.action)
        if audit.action == "approve_result":
            hours = result_working_hours(saved, self.profile)
            if hours is not None:
                from aws_lambda_powertools.metrics import MetricUnit

                self._metric("TimeToResult", hours, MetricUnit.NoUnit, province=slug, agency=saved.agency_id)
        logger.info("report transition", extra={
            "report_id": saved.id, "action": audit.action, "role": audit.role, "actor": audit.actor,
            "from": audit.from_status, "to": audit.to_status, "round": saved.round, "version": saved.version,
            "agency": saved.agency_id,
        })

    # -- reads ----------------------------------------------------------------------------

    def _visible(self, actor: Actor, report_id: str) -> Report:
        """The report if this actor may see it; otherwise 404, the same as an unknown id."""
        found = self._reports.get(ids.normalise_report_id(report_id))
        if found is None or not can_see(actor, found[0]):
            raise NotFound("report_not_found", "id", text="staff_report_not_found")
        return found[0]
