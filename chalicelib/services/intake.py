"""Intake: accept a report, route it, set its deadline, answer in one round trip.

Two entry points: `submit`, the public POST /reports (channel app or web, the citizen as actor), and
`submit_from`, the trusted channels (the hotline desk, the e-mail inbox, the Zalo OA) naming their
channel and their actor. Both share one core, one idempotency runner and one set of abuse limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import DuplicateId, OncePort, QuotaExceeded, ReportsPort
from chalicelib.rules import ids
from chalicelib.rules.actors import CITIZEN_ACTOR, Actor, may_take_calls
from chalicelib.rules.errors import Forbidden, TooManyRequests
from chalicelib.rules.intake import check_contact, check_submission
from chalicelib.rules.limits import IP_HOUR, PHONE_DAY, REFUSAL_CODES, Quota, quota
from chalicelib.rules.media import check_citizen_uploads
from chalicelib.rules.profile import CHANNELS, IOC_AGENCY_ID, PUBLIC_CHANNELS, ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.routing import route_report
from chalicelib.rules.sla import next_check_at
from chalicelib.rules.urgency import is_urgent
from chalicelib.schemas.intake import IntakeRequest, MediaRequest, Submission
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import citizen as views
from chalicelib.views.public import nearby_item

if TYPE_CHECKING:
    from chalicelib.services.media import MediaService
    from chalicelib.services.support import SupportService

ID_ATTEMPTS = 5


@dataclass(frozen=True)
class IntakeClient:
    """A client submitting on its own key (Open311): its name is the channel's client, recorded on the report
    and its first audit row; its quotas replace the source address's (an aggregator posts from one address)."""

    name: str
    quotas: tuple[Quota, ...] = ()
    media_urls: tuple[str, ...] = ()  # links the client sent (kept for staff, never fetched)


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
        self._once_runner = once
        self._clock = clock
        self._token_key = token_key
        self._limits_key = limits_key
        self._nearby = nearby

    @trace_use_case
    def submit(
        self, request: IntakeRequest, idempotency_key: str | None = None, lambda_context: Any = None,
        source_ip: str | None = None, client: IntakeClient | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """The public POST /reports (channel app or web, the citizen as actor): (answer, replayed).

        With a key, a retried submit returns the first answer and writes nothing
        (and counts against no limit).

        The saved answer holds no tracking token: the token is derived from
        the report id (rules/ids.tracking_token) and added here, to the first
        answer and to every replay alike, so it is never at rest anywhere. A `client` (an Open311 key)
        is recorded on the report and takes its key's quotas instead of the address's.
        """
        submission = request.submission()
        payload = request.model_dump(mode="json")
        if client is not None:
            payload["client"] = client.name
        return self._once(idempotency_key, payload,
                          lambda: self._submit(submission, request.channel, CITIZEN_ACTOR, source_ip, client),
                          lambda_context)

    @trace_use_case
    def submit_from(
        self, channel: str, actor: Actor, submission: Submission, idempotency_key: str | None = None,
        lambda_context: Any = None,
    ) -> tuple[dict[str, Any], bool]:
        """A trusted channel's intake: the hotline desk (an operator as `actor`), the e-mail inbox and the
        Zalo OA (their own `rules.actors.channel_actor`). (answer, replayed), as `submit`.

        The channel is the caller's word, never the body's: only these entry points may file a report under
        a channel that is not the public one. The audit trail records `actor`'s id and role. The key is
        namespaced by channel and actor, so an operator's key, an SES message id and a Zalo msg_id never
        meet each other or a citizen's; no address-based limit applies (the desk is one address), the
        reporter's phone (or the sender's address) limit does.
        """
        if channel in PUBLIC_CHANNELS or channel not in CHANNELS:
            raise ValueError(f"submit_from takes a channel with its own intake, not {channel!r}")
        if channel == "hotline" and not may_take_calls(actor):
            raise Forbidden("not_intake_desk")
        key = f"{channel}:{actor.id}:{idempotency_key}" if idempotency_key else None
        payload = {"channel": channel, "actor": actor.id, **submission.model_dump(mode="json")}
        return self._once(key, payload, lambda: self._submit(submission, channel, actor, None), lambda_context)

    def _once(self, key: str | None, payload: dict[str, Any], make: Callable[[], dict[str, Any]],
              lambda_context: Any) -> tuple[dict[str, Any], bool]:
        if key and self._once_runner is not None:
            answer, replayed = self._once_runner.once(key, payload, make, lambda_context)
        else:
            answer, replayed = make(), False
        return views.with_token(answer, ids.tracking_token(self._token_key, answer["id"])), replayed

    def _quotas(self, req: Submission, source_ip: str | None, now: datetime,
                client: IntakeClient | None = None) -> list[Quota]:
        """The abuse-limit counters this submission takes: its reporter's phone (or, with none, the sender's
        address) today, its network address this hour (or, for a client on its own key, the key's quotas)."""
        limits, key = self.profile.limits, self._limits_key
        contact = req.reporter.phone or req.reporter.email or ""
        quotas = [quota(PHONE_DAY, key, contact, limits.reports_per_phone_per_day, now)]
        if client is not None:
            quotas.extend(client.quotas)
        elif source_ip:
            quotas.append(quota(IP_HOUR, key, source_ip, limits.reports_per_ip_per_hour, now))
        return quotas

    def _submit(self, req: Submission, channel: str, actor: Actor, source_ip: str | None = None,
                client: IntakeClient | None = None) -> dict[str, Any]:
        profile, now = self.profile, self._clock()
        check_contact(profile, channel, req.reporter.phone, req.reporter.email)
        accepted = check_submission(profile, category=req.category, ward_code=req.ward_code, channel=channel,
                                    address=req.location.address, occurred_at=req.occurred_at, now=now,
                                    lat=req.location.lat, lng=req.location.lng)
        category, ward_code = accepted.category, accepted.ward_code

        due = profile.working_calendar.due_after(now, profile.sla_days(channel))
        draft = Report(
            id="",
            province_code=profile.province_code,
            status="received",
            channel=channel,
            category=category.code,
            description=req.description,
            lat=req.location.lat,
            lng=req.location.lng,
            address=req.location.address,
            ward_code=ward_code,
            # Not placed (an address, or nothing): the IOC's to place first (POST /staff/reports/{id}/location).
            agency_id=route_report(profile, category.code, ward_code) if ward_code else IOC_AGENCY_ID,
            reporter=Reporter(name=req.reporter.name, phone=req.reporter.phone or "", email=req.reporter.email),
            received_at=now,
            occurred_at=req.occurred_at,
            due_at=due,
            original_due_at=due,
            updated_at=now,
            last_action="submit",
            last_actor_role=actor.role,
            urgent=is_urgent(profile, category, req.description),
            sla_next_at=next_check_at(due, 0, profile.working_calendar, profile.sla),
            extra=({"channel_client": client.name, **({"client_media_urls": list(client.media_urls)}
                                                      if client.media_urls else {})} if client is not None else {}),
        )
        nearby = self._candidates(draft)
        try:
            report = self._create_with_fresh_id(draft, actor, self._quotas(req, source_ip, now, client))
        except QuotaExceeded as exc:
            q = exc.quota
            emit("IntakeLimited", province=profile.slug, limit=q.kind)
            logger.info("report refused: limit reached", extra={"limit": q.kind, "window": q.window,
                                                                "channel": channel})
            raise TooManyRequests(REFUSAL_CODES[q.kind], retry_after=q.retry_after(now), limit=q.limit) from exc
        emit("ReportsReceived", province=profile.slug, channel=report.channel, category=report.category)
        logger.info("report received", extra={"report_id": report.id, "channel": report.channel,
                                              "category": report.category, "urgent": report.urgent,
                                              "actor_role": actor.role, "placed": report.ward_code is not None})
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

    def _create_with_fresh_id(self, draft: Report, actor: Actor, quotas: list[Quota]) -> Report:
        for _ in range(ID_ATTEMPTS):
            report = draft.evolve(id=ids.new_report_id(self.profile.id_prefix))
            client = report.extra.get("channel_client")
            note = f"channel={report.channel}" + (f" client={client}" if client else "")
            audit = AuditEntry(report.id, report.received_at, actor.id, actor.role, "submit", None, "received",
                               note=note)
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
