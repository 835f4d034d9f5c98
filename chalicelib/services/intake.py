"""Citizen intake: accept a report, route it, set its deadline, answer in one round trip."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import DuplicateId, OncePort, QuotaExceeded, ReportsPort
from chalicelib.rules import ids
from chalicelib.rules.errors import TooManyRequests
from chalicelib.rules.intake import check_submission
from chalicelib.rules.limits import IP_HOUR, PHONE_DAY, REFUSAL_CODES, Quota, quota
from chalicelib.rules.media import check_citizen_uploads
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.routing import route_report
from chalicelib.rules.sla import next_check_at
from chalicelib.rules.urgency import is_urgent
from chalicelib.schemas.intake import IntakeRequest, MediaRequest
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import citizen as views
from chalicelib.views.public import nearby_item

if TYPE_CHECKING:
    from chalicelib.services.media import MediaService
    from chalicelib.services.support import SupportService

ID_ATTEMPTS = 5


class IntakeService:
    """Use cases a citizen drives: submit, follow, attach media."""

    def __init__(
        self,
        profile: ProvinceProfile,
        reports: ReportsPort,
        media: MediaService,
        once: OncePort | None = None,
        clock: Clock = utc_now,
        *,
        token_key: bytes,
        limits_key: bytes,
        nearby: SupportService | None = None,
    ) -> None:
        self.profile = profile
        self._reports = reports
        self._media = media
        self._once = once
        self._clock = clock
        self._token_key = token_key
        self._limits_key = limits_key
        self._nearby = nearby

    @trace_use_case
    def submit(
        self, request: IntakeRequest, idempotency_key: str | None = None, lambda_context: Any = None,
        source_ip: str | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """(answer, replayed). With a key, a retried submit returns the first answer and writes nothing
        (and counts against no limit).

        The saved answer holds no tracking token: the token is derived from
        the report id (rules/ids.tracking_token) and added here, to the first
        answer and to every replay alike, so it is never at rest anywhere.
        """
        if idempotency_key and self._once is not None:
            payload = request.model_dump(mode="json")
            answer, replayed = self._once.once(idempotency_key, payload, lambda: self._submit(request, source_ip),
                                               lambda_context)
        else:
            answer, replayed = self._submit(request, source_ip), False
        return views.with_token(answer, ids.tracking_token(self._token_key, answer["id"])), replayed

    def _quotas(self, req: IntakeRequest, source_ip: str | None, now: datetime) -> list[Quota]:
        """The abuse-limit counters this submission takes: its reporter's phone today, its address this hour."""
        limits, key = self.profile.limits, self._limits_key
        quotas = [quota(PHONE_DAY, key, req.reporter.phone, limits.reports_per_phone_per_day, now)]
        if source_ip:
            quotas.append(quota(IP_HOUR, key, source_ip, limits.reports_per_ip_per_hour, now))
        return quotas

    def _submit(self, req: IntakeRequest, source_ip: str | None = None) -> dict[str, Any]:
        profile, now = self.profile, self._clock()
        accepted = check_submission(profile, category=req.category, ward_code=req.ward_code, channel=req.channel,
                                    address=req.location.address, occurred_at=req.occurred_at, now=now,
                                    lat=req.location.lat, lng=req.location.lng)
        category, ward_code = accepted.category, accepted.ward_code

        due = profile.working_calendar.due_after(now, profile.sla_days(req.channel))
        draft = Report(
            id="",
            province_code=profile.province_code,
            status="received",
            channel=req.channel,
            category=category.code,
            description=req.description,
            lat=req.location.lat,
            lng=req.location.lng,
            address=req.location.address,
            ward_code=ward_code,
            agency_id=route_report(profile, category.code, ward_code),
            reporter=Reporter(name=req.reporter.name, phone=req.reporter.phone),
            received_at=now,
            occurred_at=req.occurred_at,
            due_at=due,
            original_due_at=due,
            updated_at=now,
            last_action="submit",
            last_actor_role="citizen",
            urgent=is_urgent(profile, category, req.description),
            sla_next_at=next_check_at(due, 0, profile.working_calendar, profile.sla),
        )
        nearby = self._candidates(draft)
        try:
            report = self._create_with_fresh_id(draft, self._quotas(req, source_ip, now))
        except QuotaExceeded as exc:
            q = exc.quota
            emit("IntakeLimited", province=profile.slug, limit=q.kind)
            logger.info("report refused: limit reached", extra={"limit": q.kind, "window": q.window})
            raise TooManyRequests(REFUSAL_CODES[q.kind], retry_after=q.retry_after(now), limit=q.limit) from exc
        emit("ReportsReceived", province=profile.slug, channel=report.channel, category=report.category)
        logger.info("report received", extra={"report_id": report.id, "channel": report.channel,
                                              "category": report.category, "urgent": report.urgent})
        return views.receipt(self.profile, report, [nearby_item(profile, r, d) for r, d in nearby])

    def _candidates(self, draft: Report) -> list[tuple[Report, float]]:
        """Open and recent reports of the category near the new one (one index query per covered cell, at most
        4): offered to the citizen to support instead. The report is accepted whatever this finds, or if it fails."""
        if self._nearby is None or draft.lat is None or draft.lng is None:
            return []
        try:
            return self._nearby.candidates(draft.lat, draft.lng, draft.category)
        except Exception as exc:
            logger.warning("nearby candidates not read", extra={"error": type(exc).__name__})
            return []

    def _create_with_fresh_id(self, draft: Report, quotas: list[Quota]) -> Report:
        for _ in range(ID_ATTEMPTS):
            report = draft.evolve(id=ids.new_report_id(self.profile.id_prefix))
            audit = AuditEntry(report.id, report.received_at, "citizen", "citizen", "submit", None, "received",
                               note=f"channel={report.channel}")
            digest = ids.token_digest(ids.tracking_token(self._token_key, report.id))
            try:
                return self._reports.create(report, digest, audit, quotas)
            except DuplicateId:
                continue
        raise RuntimeError("could not draw a free report id")

    def _own_report(self, report_id: str, token: str | None) -> Report:
        """The report if the token is its own; otherwise 404, the same as an unknown id."""
        return ids.reporters_own(self._reports.get(ids.normalise_report_id(report_id)), token)

    @trace_use_case
    def track(self, report_id: str, token: str | None) -> dict[str, Any]:
        """The reporter's own view: status, agency, due date, history, media."""
        report = self._own_report(report_id, token)
        return views.tracked(self.profile, report, self._reports.history(report.id),
                             self._media.reporter_media(report.id))

    @trace_use_case
    def request_upload(self, report_id: str, token: str | None, req: MediaRequest) -> dict[str, Any]:
        """A presigned POST for one more photo or video of the reporter's own report."""
        report = self._own_report(report_id, token)
        check_citizen_uploads(report.status)
        return self._media.offer_upload(report.id, "report", req.content_type, req.size)
