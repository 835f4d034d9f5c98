"""The agency leads' morning digest: one e-mail per agency, working days only.

Reads the open reports due by the end of the "due soon" horizon from the
sparse `open-due` index (overdue ones included, whatever their level), so it
costs what it lists, and the agencies' leads from the staff directory index
(one query for all of them). Each agency's message is guarded by a once-a-day marker:
a re-delivered schedule event or a retry after a failure sends only what was
not sent yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.observability import emit, logger
from chalicelib.ports import ClaimPort, Email, MailPort, OpenDuePort, StaffContactsPort
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.digest import DueItem, horizon_end, is_digest_day, plan_digests
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.services.clock import Clock, utc_now

CLAIM_KIND = "digest"


class DigestFailed(Exception):
    """Some digests could not be sent; the schedule's retry sends just those."""


@dataclass
class DigestResult:
    working_day: bool = True
    sent: list[str] = field(default_factory=list)  # agency ids
    already_sent: list[str] = field(default_factory=list)
    unaddressed: list[str] = field(default_factory=list)  # agencies with due reports but no lead e-mail
    failed: list[str] = field(default_factory=list)


class DigestService:
    """Builds the digests from what is due and sends them through the mailer."""

    def __init__(self, profile: ProvinceProfile, reports: OpenDuePort, mailer: MailPort,
                 claims: ClaimPort | None = None, clock: Clock = utc_now,
                 contacts: StaffContactsPort | None = None) -> None:
        self.profile = profile
        self._contacts = contacts
        self._reports = reports
        self._mailer = mailer
        self._claims = claims
        self._clock = clock

    def run(self) -> DigestResult:
        """The scheduled entry: the digest for the clock's today."""
        return self.send(self._clock())

    def send(self, now: datetime) -> DigestResult:
        """Send today's digests; nothing at all on a non-working day."""
        calendar = self.profile.working_calendar
        if not is_digest_day(now, calendar):
            logger.info("no digest: not a working day", extra={"day": now.astimezone(VN_TZ).date().isoformat()})
            return DigestResult(working_day=False)
        items = [DueItem(r.id, r.agency_id, r.category, r.ward_code, r.due_at)
                 for r in self._reports.open_due_by(horizon_end(now, calendar)) if r.is_open]
        # Every agency's leads in one (paged) query of the staff directory, only if something is due.
        people = self._contacts.all_contacts() if self._contacts is not None and items else {}
        leads = {agency: contacts.leads for agency, contacts in people.items()}
        messages, unaddressed = plan_digests(self.profile, items, now, leads)
        result = DigestResult(unaddressed=unaddressed)
        day = now.astimezone(VN_TZ).date().isoformat()
        for message in messages:
            if self._claims is not None and not self._claims.claim(CLAIM_KIND, day, message.agency_id, now):
                result.already_sent.append(message.agency_id)
                continue
            try:
                self._mailer.send(Email(to=message.to, subject=message.subject, text=message.text))
            except Exception:
                logger.exception("digest not sent", extra={"agency_id": message.agency_id})
                if self._claims is not None:
                    self._claims.release(CLAIM_KIND, day, message.agency_id)
                result.failed.append(message.agency_id)
                continue
            result.sent.append(message.agency_id)
        emit("DigestsSent", len(result.sent), province=self.profile.slug)
        logger.info("digests done", extra={"day": day, "sent": len(result.sent), "items": len(items),
                                           "already_sent": len(result.already_sent),
                                           "unaddressed": result.unaddressed, "failed": result.failed})
        if result.failed:
            raise DigestFailed(f"{len(result.failed)} digests not sent: {', '.join(result.failed)}")
        return result
