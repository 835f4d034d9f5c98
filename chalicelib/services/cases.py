"""Case handling: staff and citizens move a report through the workflow; staff and the public list and read it.

A transition is one consistent read and one DynamoDB transaction (the report
at the version read, its audit row, and any reference it names); nothing else
is written. What a caller may see or do comes from `rules.workflow`; what the
public sees from `rules.views`, with personal data masked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.observability import emit, logger
from chalicelib.rules import ids
from chalicelib.rules.actors import CITIZEN_ACTOR, SYSTEM_ACTOR, Actor, can_see, can_see_reporter
from chalicelib.rules.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.rules.listing import (
    IndexQuery,
    PublicFilters,
    StaffFilters,
    check_limit,
    decode_cursor,
    encode_cursor,
    plan_public,
    plan_staff,
)
from chalicelib.rules.media import plan_upload, raw_key
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import PUBLIC_STATES, AuditEntry, Report
from chalicelib.rules.rounds import REOPEN_WINDOW_DAYS, reopen_deadline, result_working_hours, round_label
from chalicelib.rules.views import history_entry, iso_local, public_view, staff_view
from chalicelib.rules.workflow import STATES, allowed_actions, evidence_allowed, roles_for, transition
from chalicelib.services.clock import Clock, utc_now


class CasesPort(Protocol):
    def get(self, report_id: str) -> tuple[Report, str] | None: ...
    def history(self, report_id: str) -> list[AuditEntry]: ...
    def apply(self, before: Report, after: Report, audit: AuditEntry, references: Sequence[Any] = ()) -> Report: ...
    def page(self, query: IndexQuery, limit: int,
             start_key: dict[str, Any] | None = None) -> tuple[list[Report], dict[str, Any] | None]: ...


class MediaPort(Protocol):
    def add_pending(self, report_id: str, media_id: str, kind: str, declared_type: str, key: str,
                    purpose: str, now: Any) -> None: ...
    def list(self, report_id: str) -> list[dict[str, Any]]: ...


class UploadsPort(Protocol):
    def presigned_post(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]: ...


class MediaLinksPort(Protocol):
    """What of a report's media staff and the public may see, with short-lived links (services/media.py)."""

    def staff_media(self, report_id: str) -> list[dict[str, Any]]: ...
    def public_media(self, report_id: str, purposes: tuple[str, ...] = ...) -> list[dict[str, Any]]: ...


class CaseService:
    """The workflow's use cases over a report store, a media store and the media bucket."""

    def __init__(
        self,
        profile: ProvinceProfile,
        reports: CasesPort,
        media: MediaPort,
        uploads: UploadsPort,
        links: MediaLinksPort | None = None,
        clock: Clock = utc_now,
        cursor_secret: bytes = b"",
        stale_errors: tuple[type[Exception], ...] = (),
        missing_errors: tuple[type[Exception], ...] = (),
        reference: Callable[..., Any] | None = None,
        metric: Callable[..., None] = emit,
    ) -> None:
        self.profile = profile
        self._reports = reports
        self._media = media
        self._uploads = uploads
        self._links = links
        self._clock = clock
        self._secret = cursor_secret or f"phananh:{profile.slug}".encode()
        self._stale = stale_errors
        self._missing = missing_errors
        self._reference = reference or _plain_reference
        self._metric = metric

    # -- staff ----------------------------------------------------------------------------

    def act(self, actor: Actor, report_id: str, action: str, fields: Mapping[str, Any],
            expected_version: int | None = None) -> dict[str, Any]:
        """Take one staff action on a report the actor can see; the report as it now stands."""
        report = self._visible(actor, report_id)
        saved, audit = self._take(report, action, fields, actor, expected_version)
        view = staff_view(self.profile, saved, [], with_reporter=can_see_reporter(actor, saved))
        view.pop("history", None)
        view.update(round_label=round_label(saved.round), allowed_actions=allowed_actions(saved, actor),
                    transition=_transition_view(audit, saved.version))
        return view

    def staff_report(self, actor: Actor, report_id: str) -> dict[str, Any]:
        """The full case file: report, reporter (IOC and the assigned agency), media, result, audit trail."""
        report = self._visible(actor, report_id)
        view = staff_view(self.profile, report, self._reports.history(report.id),
                          with_reporter=can_see_reporter(actor, report))
        view.update(round_label=round_label(report.round), allowed_actions=allowed_actions(report, actor),
                    media=self._links.staff_media(report.id) if self._links else [])
        return view

    def staff_list(self, actor: Actor, filters: StaffFilters, limit: int | None = None,
                   cursor: str | None = None) -> dict[str, Any]:
        """One page of the caller's queue, from one index query."""
        if filters.status is not None and filters.status not in STATES:
            raise InvalidInput("invalid_choice", "status", choices=", ".join(STATES))
        size = check_limit(limit)
        query = plan_staff(actor, filters, self.profile.province_code)
        if query is None:
            return {"items": [], "next_cursor": None}
        reports, last = self._reports.page(query, size, decode_cursor(cursor, query, self._secret))
        now = self._clock()
        return {"items": [self._staff_row(r, now) for r in reports],
                "next_cursor": encode_cursor(last, query, self._secret)}

    def request_evidence_upload(self, actor: Actor, report_id: str, content_type: str,
                                size: int | None) -> dict[str, Any]:
        """A presigned POST for one photo or video of the agency's result (thumbnailed like any upload)."""
        report = self._visible(actor, report_id)
        if not evidence_allowed(report, actor):
            if roles_for(actor, "submit_result", report):
                raise Conflict("evidence_not_allowed_now", "action", state=report.status)
            raise Forbidden("action_forbidden", "action", action="upload_evidence")
        existing = [m["kind"] for m in self._media.list(report.id)
                    if m.get("purpose") == "evidence" and m.get("status") != "rejected"]
        plan = plan_upload(content_type, size, existing)
        media_id = uuid.uuid4().hex
        key = raw_key(report.id, media_id)
        self._media.add_pending(report.id, media_id, plan.kind, plan.content_type, key, "evidence", self._clock())
        post = self._uploads.presigned_post(key, plan.content_type, plan.max_bytes)
        logger.info("evidence upload planned", extra={"report_id": report.id, "media_id": media_id,
                                                      "kind": plan.kind, "actor": actor.id})
        return {"media_id": media_id, "kind": plan.kind, "purpose": "evidence", "url": post["url"],
                "fields": post["fields"], "max_bytes": plan.max_bytes, "expires_in": 900}

    # -- citizen --------------------------------------------------------------------------

    def citizen_act(self, report_id: str, token: str | None, action: str,
                    fields: Mapping[str, Any]) -> dict[str, Any]:
        """Feedback or reopen by the reporter, proven by the tracking token (404 otherwise)."""
        report = ids.reporters_own(self._reports.get(ids.normalise_report_id(report_id)), token)
        saved, _ = self._take(report, action, fields, CITIZEN_ACTOR, None)
        deadline = reopen_deadline(saved)
        return {
            "id": saved.id,
            "status": saved.status,
            "round": saved.round,
            "round_label": round_label(saved.round),
            "due_at": iso_local(saved.due_at),
            "feedback": saved.feedback,
            "reopen_until": iso_local(deadline) if deadline and saved.status == "published" else None,
        }

    # -- public ---------------------------------------------------------------------------

    def public_report(self, report_id: str) -> dict[str, Any]:
        """A published, closed or rejected report as anyone may see it; 404 for anything else."""
        found = self._reports.get(ids.normalise_report_id(report_id))
        if found is None or found[0].status not in PUBLIC_STATES:
            raise NotFound("report_not_found", "id")
        report = found[0]
        view = self._public(report)
        view["evidence"] = self._evidence(report)
        view["history"] = [history_entry(e, with_actor=False) for e in self._reports.history(report.id)]
        return view

    def public_list(self, filters: PublicFilters, limit: int | None = None,
                    cursor: str | None = None) -> dict[str, Any]:
        """One page of public results and rejections, newest first."""
        query = plan_public(filters)
        reports, last = self._reports.page(query, check_limit(limit), decode_cursor(cursor, query, self._secret))
        return {"items": [self._public(r) for r in reports], "next_cursor": encode_cursor(last, query, self._secret)}

    # -- system ---------------------------------------------------------------------------

    def close_expired(self, limit: int = 50) -> int:
        """Close published reports whose reopen window has passed (run on a schedule); how many were closed."""
        cutoff = self._clock() - timedelta(days=REOPEN_WINDOW_DAYS)
        query = IndexQuery("status-received", "published", received_to=cutoff, published_before=cutoff,
                           newest_first=False)
        reports, _ = self._reports.page(query, limit)
        closed = 0
        for report in reports:
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
        try:
            saved = self._reports.apply(report, after, audit, references)
        except self._stale:
            self._conflict(report)
        except self._missing as exc:
            field, value = getattr(exc, "field", "id"), getattr(exc, "value", "")
            raise InvalidInput("unknown_reference", field, value=value) from exc
        self._record(report, saved, audit)
        return saved, audit

    @staticmethod
    def _conflict(report: Report) -> None:
        err = Conflict("version_conflict", "version")
        err.details = {"state": report.status}
        raise err

    def _references(self, before: Report, action: str, after: Report) -> list[Any]:
        refs: list[Any] = []
        if action == "submit_result" and after.result:
            refs += [self._reference("evidence", "media_ids", m, before.id) for m in after.result["media_ids"]]
        if action == "reject" and after.rejection and after.rejection.get("duplicate_of"):
            refs.append(self._reference("report", "duplicate_of", after.rejection["duplicate_of"]))
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
            raise NotFound("report_not_found", "id")
        return found[0]

    def _staff_row(self, r: Report, now: datetime) -> dict[str, Any]:
        return {
            "id": r.id, "status": r.status, "round": r.round, "urgent": r.urgent, "channel": r.channel,
            "category": r.category, "ward_code": r.ward_code, "agency_id": r.agency_id,
            "assigned": r.assigned_at is not None, "received_at": iso_local(r.received_at),
            "due_at": iso_local(r.due_at), "overdue": r.is_open and now > r.due_at,
            "escalation_level": r.escalation_level, "extension_requested": bool(r.extension_request),
            "version": r.version, "description": r.description[:200],
        }

    def _public(self, r: Report) -> dict[str, Any]:
        view = public_view(self.profile, r)
        view.update(round_label=round_label(r.round), published_at=iso_local(r.published_at),
                    closed_at=iso_local(r.closed_at))
        return view

    def _evidence(self, report: Report) -> list[dict[str, Any]]:
        """The published result's evidence photos: clean renditions only (never the upload itself)."""
        wanted = set((report.result or {}).get("media_ids", []))
        if not wanted or report.status not in {"published", "closed"} or self._links is None:
            return []
        return [m for m in self._links.public_media(report.id, ("evidence",)) if m["media_id"] in wanted]


def _plain_reference(kind: str, field: str, value: str, report_id: str = "") -> dict[str, str]:
    """A reference as plain data (the store's own type is injected by the composition root)."""
    return {"kind": kind, "field": field, "value": value, "report_id": report_id}


def _transition_view(audit: AuditEntry, version: int | None) -> dict[str, Any]:
    return {"action": audit.action, "from": audit.from_status, "to": audit.to_status, "round": audit.round,
            "at": iso_local(audit.at), "version": version}
