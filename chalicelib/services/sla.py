"""The SLA sweep: raise each due report's escalation level, exactly once per level.

Run on a schedule. It reads only the reports whose next SLA check is due
(the sparse `sla-due` index), and for each whose level should rise writes one
conditional update (level as read, still open, same version) with its audit
row. Two sweeps at once, or a sweep re-run after a crash, therefore raise
each level once: the loser's condition fails and it moves on. The rise is a
change of the report; the notifier turns it into notices from the stream.

Metrics count what this sweep changed, so their Sum over a period is how many
reports crossed a threshold in it: `ReportsDueSoon` (entered the warning
window; province), `ReportsOverdue` (became overdue; province and agency),
and `SweepDuration` (milliseconds). How many are overdue *now* is in the
public statistics (`open_overdue`), not in these counts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.observability import emit, logger
from chalicelib.ports import SlaPort
from chalicelib.rules.calendar import iso_local
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.rules.sla import ESCALATED, OVERDUE, SYSTEM_ACTOR, WARNING, level_action, plan_check
from chalicelib.services.clock import Clock, utc_now


@dataclass
class SweepResult:
    """What one sweep did (also what its log line and metrics say)."""

    read: int = 0
    raised: Counter[int] = field(default_factory=Counter)  # new level -> reports raised to it
    overdue_by_agency: Counter[str] = field(default_factory=Counter)  # reports that became overdue now
    lost: int = 0  # someone else changed the report first: skipped
    rescheduled: int = 0
    dropped: int = 0
    seconds: float = 0.0


class SlaSweeper:
    """Sweeps one province's reports on its working calendar and SLA settings."""

    def __init__(self, profile: ProvinceProfile, store: SlaPort, clock: Clock = utc_now,
                 timer: Callable[[], float] = time.perf_counter) -> None:
        self.profile = profile
        self._store = store
        self._clock = clock
        self._timer = timer

    def run(self) -> SweepResult:
        """The scheduled entry: sweep at the clock's now."""
        return self.sweep(self._clock())

    def sweep(self, now: datetime) -> SweepResult:
        """Look at every report due for a check at `now`; raise, reschedule or drop each as the rules say."""
        started = self._timer()
        calendar, sla = self.profile.working_calendar, self.profile.sla
        result = SweepResult()
        for report in self._store.due(now):
            result.read += 1
            check = plan_check(report.due_at, report.escalation_level, report.sla_next_at, report.is_open,
                               now, calendar, sla)
            if check.kind == "raise_to":
                self._raise(report, check.level, check.next_check, now, result)
            elif check.kind == "reschedule":
                result.rescheduled += self._store.reschedule(report, check.next_check)
            elif check.kind == "drop":
                result.dropped += self._store.drop(report)
        result.seconds = self._timer() - started
        self._report(result)
        return result

    def _raise(self, report: Report, level: int, next_check: datetime | None, now: datetime,
               result: SweepResult) -> None:
        action = level_action(level)
        audit = AuditEntry(report.id, now, SYSTEM_ACTOR, SYSTEM_ACTOR, action, report.status, report.status,
                           round=report.round,
                           note=f"SLA level {report.escalation_level} -> {level}; due {iso_local(report.due_at)}")
        if not self._store.raise_level(report, level, next_check, action, now, audit):
            result.lost += 1
            logger.info("sla rise skipped: report changed meanwhile", extra={"report_id": report.id})
            return
        result.raised[level] += 1
        if report.escalation_level < OVERDUE <= level:
            result.overdue_by_agency[report.agency_id] += 1
        logger.info("sla level raised", extra={"report_id": report.id, "agency_id": report.agency_id,
                                               "from_level": report.escalation_level, "to_level": level})

    def _report(self, result: SweepResult) -> None:
        slug = self.profile.slug
        emit("ReportsDueSoon", result.raised[WARNING], province=slug)
        for agency_id, count in sorted(result.overdue_by_agency.items()):
            emit("ReportsOverdue", count, province=slug, agency=agency_id)
        emit("SweepDuration", result.seconds * 1000, MetricUnit.Milliseconds, province=slug)
        logger.info("sla sweep done", extra={
            "read": result.read, "warned": result.raised[WARNING], "overdue": result.raised[OVERDUE],
            "escalated": result.raised[ESCALATED], "lost": result.lost, "rescheduled": result.rescheduled,
            "dropped": result.dropped, "seconds": round(result.seconds, 3)})
