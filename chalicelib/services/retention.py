"""The reporter's own data rights with the tracking token: see the contact held (my-data), have it removed (erase).

An erase anonymises the contact at once (rules/retention.anonymise: the free
text masked with the real contact first) in one conditional transaction
(storage/erasure.py). Every supporter record the reporter's phone holds is
stripped of its phone and name in the same write: the one it became when their
report was merged into another, and every "me too" the same phone gave other
reports directly, found by the phone's key on the supporters' by-supporter
index (keys only). The supports still count; they just hold no contact. The
index is eventually consistent: a support given in the last moment before the
erase may be missed, and then goes with its case under the retention rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import ErasurePort, ReportsPort, StaleVersion, SupportPort
from chalicelib.rules import ids
from chalicelib.rules.actors import CITIZEN_ACTOR, SYSTEM_ACTOR
from chalicelib.rules.nearby import supporter_key
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report
from chalicelib.rules.retention import (
    ERASURE_NOTE,
    RETENTION_NOTE,
    RUN_MOST,
    RUN_PART,
    add_months,
    anonymise,
    contact_due,
    contact_due_at,
    is_anonymised,
    run_goes_on,
)
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import retention as views

_ATTEMPTS = 3
_MONTH_END_SLACK_DAYS = 3


@dataclass
class RetentionRun:
    """What one anonymiser run did: items read from the index, contacts anonymised, writes lost to a race,
    supporter records stripped with their cases."""

    read: int = 0
    anonymised: int = 0
    lost: int = 0  # a staff action landed between the read and the write: the case stays due for the next run
    supporters: int = 0
    stopped_early: bool = False  # the time or the ceiling ran out with a due case read and left for the next run


class RetentionService:
    """GET /reports/{id}/my-data and POST /reports/{id}/erase."""

    def __init__(self, profile: ProvinceProfile, reports: ReportsPort, erasure: ErasurePort, supporters: SupportPort,
                 clock: Clock = utc_now, *, limits_key: bytes) -> None:
        self.profile = profile
        self._reports = reports
        self._erasure = erasure
        self._supporters = supporters
        self._clock = clock
        self._limits_key = limits_key

    def _own(self, report_id: str, token: str | None) -> Report:
        return ids.reporters_own(self._reports.get(ids.normalise_report_id(report_id)), token)

    @trace_use_case
    def my_data(self, report_id: str, token: str | None) -> dict[str, Any]:
        """The personal data held about the reporter of this report, why, and until when."""
        report = self._own(report_id, token)
        return views.my_data(report, contact_due_at(report, self.profile), self.profile.retention.contacts_months)

    @trace_use_case
    def erase(self, report_id: str, token: str | None) -> dict[str, Any]:
        """The contact anonymised at once (`erased: true`); asking again changes nothing and says so."""
        for attempt in range(_ATTEMPTS):
            report = self._own(report_id, token)
            if is_anonymised(report.reporter):
                return views.erased(report, report, False, None)
            after, audit = anonymise(report, CITIZEN_ACTOR, self._clock(), ERASURE_NOTE)
            merged_into = self._merged_support(report)
            supports = self._supports_given(report, merged_into)
            try:
                saved = self._erasure.anonymise(report, after, audit, supports)
            except StaleVersion:
                if attempt + 1 == _ATTEMPTS:
                    raise
                continue
            logger.info("contact anonymised on request", extra={"report_id": report.id,
                                                                 "merged_support": bool(merged_into),
                                                                 "supports_anonymised": len(supports)})
            return views.erased(report, saved, True, merged_into[0] if merged_into else None, len(supports))
        raise AssertionError("unreachable")

    @trace_use_case
    def apply_retention(self, time_left: Callable[[], float] | None = None, *, part: int = RUN_PART,
                        most: int = RUN_MOST) -> RetentionRun:
        """Anonymise every contact the retention rule says is due now, part after part, until none is left or
        the run must stop (rules/retention.run_goes_on: `time_left()`, the invocation's milliseconds left,
        under the margin, or `most` cases handled); then `stopped_early` says the next run has more to do.

        Reads the sparse retention-due index only, `part` items a page. Each
        write is conditional on the version read, so a re-run after a crash,
        or two runs at once, anonymise each case once: a report already done
        has left the index, or is skipped when the index still shows it (it is
        eventually consistent). A run stopped early leaves its due cases on the
        index, oldest first: the next run starts with them.
        """
        now = self._clock()
        months = self.profile.retention.contacts_months
        # A month-end case (31 Jan + 1 month = 28 Feb) ended a little after "now minus the months": the slack
        # reads those few days too, and the pure rule decides.
        ended_by = add_months(now, -months) + timedelta(days=_MONTH_END_SLACK_DAYS)
        run = RetentionRun()
        for report in self._erasure.due(ended_by, part):
            run.read += 1
            if is_anonymised(report.reporter) or not contact_due(report, now, self.profile):
                continue
            if not run_goes_on(run.anonymised + run.lost, time_left() if time_left else None, most):
                run.stopped_early = True
                break
            after, audit = anonymise(report, SYSTEM_ACTOR, now, RETENTION_NOTE)
            supporters = ([(s.report_id, s.key) for s in self._supporters.contacts(report.id)]
                          if report.support_count else [])
            try:
                self._erasure.anonymise(report, after, audit, supporters, forget_token=True)
            except StaleVersion:
                run.lost += 1  # changed since the index was read: still due, the next run takes it
                continue
            run.anonymised += 1
            run.supporters += len(supporters)
        emit("RetentionBehind", int(run.stopped_early), province=self.profile.slug, rule="contacts")
        logger.info("retention applied", extra={"read": run.read, "anonymised": run.anonymised, "lost": run.lost,
                                                "supporters": run.supporters, "stopped_early": run.stopped_early})
        return run

    def _supports_given(self, report: Report, merged_into: tuple[str, str] | None) -> list[tuple[str, str]]:
        """Every (report id, key) supporter record of the reporter's phone: the merged one (read consistently)
        first, then the supports it gave, once each."""
        found = [merged_into] if merged_into else []
        if report.reporter.phone:
            found += self._supporters.given_by(supporter_key(self._limits_key, report.reporter.phone))
        return list(dict.fromkeys(found))

    def _merged_support(self, report: Report) -> tuple[str, str] | None:
        """The (survivor, key) supporter record this report's phone became when it was merged, if it exists."""
        into = (report.extra.get("merge") or {}).get("into") if report.status == "merged" else None
        if not isinstance(into, str) or not report.reporter.phone:
            return None
        key = supporter_key(self._limits_key, report.reporter.phone)
        return (into, key) if self._supporters.has(into, key) else None
