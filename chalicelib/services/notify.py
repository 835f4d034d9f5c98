"""The notifier: every change on the reports stream fans out to topics, e-mail and the reporter, once.

One invocation handles a batch of stream records in four steps:

1. plan (per record): decode the old and new images, apply rules.notices. A
   record that cannot be read fails alone, before anything is claimed; a
   write that is no transition plans nothing and costs nothing more. A published
   result of a report with "me too" supporters reads them (one query) and adds
   one SMS per supporter, each to that phone alone, with the reporter's text.
2. claim (per record, the ledger: Powertools idempotency keyed on the
   record's eventID): a record already handled sends nothing (a redelivery);
   one an earlier attempt left with undelivered notices sends only those; one
   another invocation holds fails, to be retried.
3. send (the whole batch at once): topic notices go out in PublishBatch calls
   of 10 entries across all records, so 100 records cost about 10 topic
   calls, not 100; entries SNS refuses for a passing reason are retried
   (bounded, with backoff); e-mail and SMS are one call each.
4. settle (per record): the ledger keeps the keys still undelivered (none,
   normally). A record with undelivered notices is reported failed, so Lambda
   redelivers it and only those go out again: a notice SNS or SES accepted is
   never sent twice, and a refused one is retried or reported, never dropped.

Batching across records is safe because outcomes are tracked per notice and
settled per record: one record's refused entry never fails another record,
and a partial batch response that makes Lambda redeliver the records after a
failed one (stream checkpoints are by sequence number) finds them settled.
The one window left is a crash (timeout) between send and settle, or a
settle the ledger's table refuses: the claim stays in progress until the
invocation's deadline (a redelivery before then fails that record, to be
retried), then the record is replayed whole, as with Powertools' own
decorator. That loses nothing but may repeat that record's notices once.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.observability import emit, logger
from chalicelib.ports import (
    Email,
    LedgerPort,
    LimitsPort,
    MailPort,
    StaffContactsPort,
    SupportPort,
    TopicEntry,
    TopicsPort,
)
from chalicelib.rules.directory import AgencyContacts
from chalicelib.rules.limits import SMS_DAY, quota
from chalicelib.rules.notices import (
    AGENCY_TOPIC,
    IOC_TOPIC,
    REPORTER_SMS,
    SUPPORTER_SMS,
    Contacts,
    Notice,
    notices_for,
    supporter_notices,
    wants_supporters,
)
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report
from chalicelib.rules.templates import Templates
from chalicelib.services.clock import Clock, utc_now

BATCH_SIZE = 10  # SNS PublishBatch's limit
DEFAULT_CLAIM_MS = 300_000  # how long a claim holds when the invocation's deadline is unknown (local runs)


class DeliveryFailed(Exception):
    """Some of a record's notices were refused after retries; they go out on the record's redelivery."""

    def __init__(self, event_id: str, pending: Sequence[str], reasons: Sequence[str]) -> None:
        super().__init__(f"record {event_id}: undelivered {', '.join(pending)} ({'; '.join(reasons)})")
        self.event_id = event_id
        self.pending = tuple(pending)


@dataclass
class _Staged:
    ticket: Any
    event_id: str
    notices: list[tuple[int, Notice]]


class NotifyService:
    """Turns stream records into notices and delivers them through the ports it is given."""

    def __init__(
        self,
        profile: ProvinceProfile,
        templates: Templates,
        *,
        topics: TopicsPort,
        mail: MailPort,
        ledger: LedgerPort,
        agency_topic_arn: str,
        ioc_topic_arn: str,
        attempts: int = 3,
        backoff_seconds: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        limits: LimitsPort | None = None,
        supporters: SupportPort | None = None,
        limits_key: bytes = b"",
        clock: Clock = utc_now,
        contacts: StaffContactsPort | None = None,
    ) -> None:
        self.profile = profile
        self.templates = templates
        self.topics = topics
        self.mail = mail
        self.ledger = ledger
        self.topic_arns = {AGENCY_TOPIC: agency_topic_arn, IOC_TOPIC: ioc_topic_arn}
        self.attempts = max(1, attempts)
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        self.supporters = supporters
        self.limits = limits
        self.limits_key = limits_key
        self.clock = clock
        self.contacts = contacts

    def sms_allowed(self, phone: str) -> bool:
        """Whether one more SMS may go to this phone today (profile limits.sms_per_phone_per_day).

        Counted on a keyed hash of the number (rules/limits.py). If the
        counter cannot be read the SMS goes out: the ceiling guards against
        abuse, it must not silence a reporter when its table is unavailable.
        """
        if self.limits is None:
            return True
        ceiling = self.profile.limits.sms_per_phone_per_day
        try:
            return self.limits.take(quota(SMS_DAY, self.limits_key, phone, ceiling, self.clock()))
        except Exception as exc:
            logger.warning("SMS ceiling not checked", extra={"error": type(exc).__name__})
            return True

    def plan(self, old: Report | None, new: Report | None, contacts: Contacts | None = None) -> list[Notice]:
        """The notices one stream record calls for (a deletion calls for none).

        An agency's addresses come from the staff directory (`contacts`, else one query of it); if the
        directory cannot be read the record fails before anything is claimed, and is retried.
        """
        if new is None:
            return []
        if contacts is None and self.contacts is not None:
            contacts = self.contacts.contacts
        notices = notices_for(old, new, self.profile, self.templates, contacts)
        if self.supporters is not None and wants_supporters(old, new):  # one query, only for news they hear of
            supporters = [(s.key, s.phone) for s in self.supporters.contacts(new.id)]
            notices += supporter_notices(old, new, self.profile, self.templates, supporters)
        return notices

    def batch(self, lambda_context: Any = None) -> FanOut:
        """A fan-out for one invocation: stage each record, then flush them all."""
        remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
        return FanOut(self, int(remaining()) if callable(remaining) else DEFAULT_CLAIM_MS)


@dataclass
class FanOut:
    """One invocation's outbox: notices of every staged record, sent together, settled per record."""

    service: NotifyService
    claim_ms: int
    _staged: list[_Staged] = field(default_factory=list)
    _count: int = 0
    _people: dict[str, AgencyContacts] = field(default_factory=dict)  # the batch's directory reads, by agency

    def contacts(self, agency_id: str) -> AgencyContacts:
        """An agency's people, read from the directory once per invocation (a batch often names one agency)."""
        if agency_id not in self._people:
            directory = self.service.contacts
            self._people[agency_id] = directory.contacts(agency_id) if directory is not None else AgencyContacts()
        return self._people[agency_id]

    def stage(self, event_id: str, old: Report | None, new: Report | None, ticket: Any = None) -> int:
        """Plan and claim one record; answers how many notices it adds (0 for a replay or a non-transition)."""
        notices = self.service.plan(old, new, self.contacts)
        if not notices:
            return 0
        pending = self.service.ledger.claim(event_id, self.claim_ms)
        if pending is not None:
            notices = [n for n in notices if n.key in pending]
            if not notices:
                if pending:  # keys an older version of the rule made: nothing left that can be sent
                    self.service.ledger.settle(event_id, ())
                return 0
        numbered = [(self._count + i, n) for i, n in enumerate(notices)]
        self._count += len(numbered)
        self._staged.append(_Staged(ticket, event_id, numbered))
        return len(numbered)

    def flush(self) -> list[tuple[Any, Exception]]:
        """Send everything staged, settle each record; answers (ticket, error) for records to retry."""
        everything = [item for staged in self._staged for item in staged.notices]
        delivery = _Delivery(self.service)
        failures = delivery.run(everything)
        retry: list[tuple[Any, Exception]] = []
        for staged in self._staged:
            undelivered = [n.key for i, n in staged.notices if i in failures]
            try:
                self.service.ledger.settle(staged.event_id, undelivered)
            except Exception as exc:
                # Sent but not recorded: the claim expires at the deadline. Only retry if something is owed.
                logger.exception("could not settle stream record", extra={"event_id": staged.event_id})
                if not undelivered:
                    continue
                retry.append((staged.ticket, exc))
                continue
            if undelivered:
                reasons = sorted({failures[i] for i, _ in staged.notices if i in failures})
                retry.append((staged.ticket, DeliveryFailed(staged.event_id, undelivered, reasons)))
        if self._staged:
            _count_metrics(self.service.profile.slug, everything, failures, delivery.skipped)
            logger.info("notices fanned out", extra={
                "records": len(self._staged), "notices": len(everything), "failed": len(failures),
                "skipped": len(delivery.skipped),
                "records_to_retry": len(retry),
            })
        self._staged.clear()
        return retry


class _Delivery:
    """Sends one invocation's notices: topic entries in batches of 10, e-mail and SMS one by one."""

    def __init__(self, service: NotifyService) -> None:
        self.s = service
        self.failures: dict[int, str] = {}
        self.skipped: set[int] = set()  # reporter SMS over the phone's daily ceiling: not sent, not owed

    def run(self, items: list[tuple[int, Notice]]) -> dict[int, str]:
        """Deliver numbered notices; answers the reason for each one that did not go out."""
        for audience, arn in self.s.topic_arns.items():
            entries = [(i, n) for i, n in items if n.audience == audience]
            if entries:
                self._publish(audience, arn, entries)
        for i, n in items:
            if n.channel == "email":
                self._attempt(i, functools.partial(self.s.mail.send, Email(to=n.to, subject=n.subject, text=n.text)))
            elif n.audience in (REPORTER_SMS, SUPPORTER_SMS):
                if self.s.sms_allowed(n.to[0]):
                    self._attempt(i, functools.partial(self.s.topics.send_sms, n.to[0], n.text))
                else:
                    self.skipped.add(i)
        return self.failures

    def _attempt(self, index: int, send: Callable[[], Any]) -> None:
        """One call (botocore already retried throttling and 5xx); a refusal is recorded, not raised."""
        try:
            send()
        except Exception as exc:
            logger.warning("notice refused", extra={"error": type(exc).__name__})
            self.failures[index] = type(exc).__name__

    def _publish(self, audience: str, arn: str, items: list[tuple[int, Notice]]) -> None:
        if not arn:
            logger.error("topic not configured", extra={"audience": audience})
            self.failures.update({i: "TopicNotConfigured" for i, _ in items})
            return
        pending = items
        for attempt in range(self.s.attempts):
            if attempt:
                self.s.sleep(self.s.backoff_seconds * 2 ** (attempt - 1))
            again: list[tuple[int, Notice]] = []
            for chunk in _chunks(pending, BATCH_SIZE):
                again.extend(self._publish_chunk(arn, chunk))
            pending = again
            if not pending:
                return
        self.failures.update({i: "RetriesExhausted" for i, _ in pending})

    def _publish_chunk(self, arn: str, chunk: list[tuple[int, Notice]]) -> list[tuple[int, Notice]]:
        """One PublishBatch call; answers the entries worth another try."""
        by_id = {f"n{i}": (i, n) for i, n in chunk}
        entries = [TopicEntry(id=f"n{i}", subject=n.subject, text=n.text, attributes=n.attributes())
                   for i, n in chunk]
        try:
            failed = self.s.topics.publish_batch(arn, entries)
        except Exception as exc:  # the whole call, after botocore's own retries
            logger.warning("PublishBatch refused", extra={"error": type(exc).__name__, "entries": len(chunk)})
            self.failures.update({i: type(exc).__name__ for i, _ in chunk})
            return []
        again = []
        for entry in failed:
            item = by_id.get(entry.get("Id", ""))
            if item is None:
                continue
            if entry.get("SenderFault"):  # the same entry would be refused again
                self.failures[item[0]] = str(entry.get("Code") or "SenderFault")
            else:
                again.append(item)
        return again


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _count_metrics(province: str, items: list[tuple[int, Notice]], failures: Mapping[int, str],
                   skipped: Collection[int] = ()) -> None:
    """NoticesSent, NoticesFailed and SmsSkipped (over the daily ceiling) by event and channel: one EMF line each."""
    sent = Counter((n.event, n.channel) for i, n in items if i not in failures and i not in skipped)
    failed = Counter((n.event, n.channel) for i, n in items if i in failures)
    over = Counter((n.event, n.channel) for i, n in items if i in skipped)
    for name, counts in (("NoticesSent", sent), ("NoticesFailed", failed), ("SmsSkipped", over)):
        for (event, channel), value in sorted(counts.items()):
            emit(name, value, province=province, event=event, channel=channel)
