"""How long personal data lives, and what "anonymised" means (the Personal Data Protection Law, Decree 13/2023).

The reporter's (and supporters') name and phone serve the case: they are kept
until the case has ended (closed, rejected or merged) plus the profile's
`retention.contacts_months`, then replaced by a marker. A citizen may ask for
it sooner with the tracking token (`POST /reports/{id}/erase`). The case itself
(description masked as the public reads it, result, evidence renditions) stays
for the public record.

The media originals (the byte streams citizens and staff uploaded, with their
EXIF) are kept `retention.originals_days` after the report is published, then
every stored version is deleted; the renditions (stripped of metadata) stay
with the public case, and the EXIF facts read at thumbnailing stay in the
staff-only media record. Pure: the clock is a parameter.

A daily run handles due cases until none is left or its invocation's time
runs short (`run_goes_on`): the time left is a parameter too, so a province
with more due cases than one run holds catches up over the next runs and says
so, instead of timing out half-way.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.rules.actors import Actor
from chalicelib.rules.privacy import mask_reporter
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report, Reporter

ANONYMISED = "anonymised"  # what stands where the name was; the phone and e-mail are removed
ENDED_STATES = frozenset({"closed", "rejected", "merged"})
RETENTION_NOTE = "anonymised under the retention rule"
ERASURE_NOTE = "anonymised at the reporter's request"
ORIGINALS_NOTE = "originals removed under the retention rule"
# A run starts no further case once less than this is left of its invocation. One case is an index
# page at most, a query (its supporters) or a listing (its S3 versions) and a DeleteObjects, and one
# TransactWriteItems: well under a second on a healthy table, a few seconds when botocore retries a
# throttled call. The rest pays for the run's log line, metrics and answer. Any less and Lambda's
# timeout could kill the run mid-case: nothing would be written twice (every write is conditional),
# but the run would answer nothing and nobody would learn that cases are still due.
RUN_MARGIN_MS = 30_000
# The backstop: at most this many cases a run, whatever the time left says, so a wrong clock or a
# case that never leaves its index cannot keep a run going until the timeout every day. It is above
# what .chalice/config.json's 900 s hold: bench/anonymise.py measures 0.017 s a contact and 0.048 s a
# case's originals on moto (1 and 5 AWS calls a case), a few times that against AWS: thousands a run.
RUN_MOST = 20_000
# Due cases a run reads from its index at a time (one Query page): a run the time stops has read at most
# this many it did not handle, and a case is written soon after it was read (fewer races lost to staff).
RUN_PART = 100


def run_goes_on(handled: int, time_left_ms: float | None, most: int = RUN_MOST,
                margin_ms: float = RUN_MARGIN_MS) -> bool:
    """Whether a retention run starts one more due case, having handled `handled` (written or lost to a race):
    under its ceiling `most`, and, when it is timed, with at least `margin_ms` of its invocation left."""
    if handled >= most:
        return False
    return time_left_ms is None or time_left_ms >= margin_ms


def keeping(time_left: Callable[[], float], reserved_ms: float) -> Callable[[], float]:
    """`time_left` less `reserved_ms`: a run given it leaves that much of the invocation to what runs after."""
    return lambda: time_left() - reserved_ms


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months, the day clamped to the target month's last (31 Jan + 1 = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def is_anonymised(reporter: Reporter) -> bool:
    """Whether the contact was already replaced by the marker (by the retention rule or an erase request)."""
    return reporter.name == ANONYMISED and not reporter.phone and not reporter.email


def ended_at(report: Report) -> datetime | None:
    """When the case stopped needing its reporter: closed (or merged) at, or rejected at; None while it runs."""
    if report.status not in ENDED_STATES:
        return None
    if report.closed_at is not None:
        return report.closed_at
    at = (report.rejection or {}).get("at")
    return datetime.fromisoformat(at) if isinstance(at, str) else report.updated_at


def contact_due_at(report: Report, profile: ProvinceProfile) -> datetime | None:
    """When the contact must be anonymised under the retention rule (None: not while the case runs, or done)."""
    end = ended_at(report)
    if end is None or is_anonymised(report.reporter):
        return None
    return add_months(end, profile.retention.contacts_months)


def contact_due(report: Report, now: datetime, profile: ProvinceProfile) -> bool:
    """Whether the retention rule anonymises this report's contact at `now` (the due moment itself included)."""
    due = contact_due_at(report, profile)
    return due is not None and now >= due


def originals_held(report: Report) -> bool:
    """Whether a published report's media originals are still stored: not removed since it was (last) published.

    A reopened report is not published (its new round may need them); published again, the originals
    uploaded since the last removal are due in their turn.
    """
    if report.published_at is None:
        return False
    return report.originals_removed_at is None or report.originals_removed_at < report.published_at


def originals_due_at(report: Report, profile: ProvinceProfile) -> datetime | None:
    """When the media originals (with their EXIF) may go: publication plus `retention.originals_days`
    (None: not published, or already removed)."""
    if not originals_held(report) or report.published_at is None:
        return None
    return report.published_at + timedelta(days=profile.retention.originals_days)


def originals_due(report: Report, now: datetime, profile: ProvinceProfile) -> bool:
    """Whether the retention rule deletes this report's media originals at `now` (the due moment included)."""
    due = originals_due_at(report, profile)
    return due is not None and now >= due


def remove_originals(report: Report, actor: Actor, now: datetime, count: int) -> tuple[Report, AuditEntry]:
    """The report marked "originals removed" at `now`, and the audit row that says why (with how many went).

    Raises ValueError if its originals are not held (never published, or removed already): the caller
    writes nothing rather than a second audit row.
    """
    if not originals_held(report):
        raise ValueError(f"{report.id}: no originals held")
    after = report.evolve(originals_removed_at=now, updated_at=now)
    audit = AuditEntry(report.id, now, actor.id, actor.role, "remove_originals", report.status, report.status,
                       report.round, f"{ORIGINALS_NOTE}; media={count}")
    return after, audit


def anonymise(report: Report, actor: Actor, now: datetime, note: str) -> tuple[Report, AuditEntry]:
    """The report with its contact replaced by the marker, and the audit row that says why; the state is kept.

    Raises ValueError if the contact is already anonymised: the caller answers
    "already done" instead of writing a second audit row.
    """
    if is_anonymised(report.reporter):
        raise ValueError(f"{report.id}: already anonymised")
    # The free text is masked with the real contact while it is still known: once it is gone, nothing could.
    texts = {name: _masked(getattr(report, name), report.reporter) for name in MASKED_PARTS}
    after = report.evolve(reporter=Reporter(name=ANONYMISED, phone="", email=None), updated_at=now, **texts)
    audit = AuditEntry(report.id, now, actor.id, actor.role, "anonymise", report.status, report.status,
                       report.round, note)
    return after, audit


def held(report: Report) -> dict[str, Any]:
    """The personal data held about a report's reporter, field by field (None where there is none)."""
    gone = is_anonymised(report.reporter)
    return {
        "name": None if gone else report.reporter.name,
        "phone": (report.reporter.phone or None) if not gone else None,
        "email": None if gone else report.reporter.email,
        "anonymised": gone,
    }


# The report's parts holding free text someone may have written the reporter's name or number into.
MASKED_PARTS = ("description", "result", "return_request", "extension_request", "extensions", "rejection",
                "feedback", "extra")


def _masked(value: Any, reporter: Reporter) -> Any:
    """`value` with the reporter's name and number masked in every string inside it (ids and codes carry neither)."""
    if isinstance(value, str):
        return mask_reporter(value, reporter)
    if isinstance(value, dict):
        return {k: _masked(v, reporter) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, reporter) for v in value]
    return value
