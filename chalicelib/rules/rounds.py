"""A report's rounds in time: when the current one began, how long the agency took, how long it may be reopened.

A citizen who reopens a published result starts a new round ("lần 2"); the
round's start is kept in `extra["round_started_at"]` (receipt for the first).
Pure: the province profile is a parameter.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report

REOPEN_WINDOW_DAYS = 30


def round_started_at(report: Report) -> datetime:
    """When the current round began: receipt, or the citizen's reopen."""
    started = report.extra.get("round_started_at")
    return datetime.fromisoformat(started) if started else report.received_at


def result_working_hours(report: Report, profile: ProvinceProfile) -> float | None:
    """Working hours from the round's start to the agency's result (TimeToResult)."""
    submitted = (report.result or {}).get("submitted_at")
    if not submitted:
        return None
    seconds = profile.working_calendar.working_seconds_between(round_started_at(report),
                                                               datetime.fromisoformat(submitted))
    return round(seconds / 3600, 2)


def reopen_deadline(report: Report) -> datetime | None:
    """Until when the citizen may reopen (and after which the case closes)."""
    return report.published_at + timedelta(days=REOPEN_WINDOW_DAYS) if report.published_at else None


def public_round(report: Report) -> Report:
    """The report whose result the public sees: itself, or as its last published round left it.

    Itself while its current round's result is published (or closed), and for a report never published; once
    the citizen reopens it (and until the new round is published), the report as the last published round in
    `extra["rounds"]` left it: that round's number, agency, due dates, result, rating and publication time.
    """
    if report.status in {"published", "closed"}:
        return report
    for past in reversed(report.extra.get("rounds", [])):
        if isinstance(past, dict) and past.get("published_at") and past.get("result"):
            return report.evolve(
                status="published", round=int(past.get("round") or 1),
                agency_id=past.get("agency_id") or report.agency_id,
                due_at=_moment(past.get("due_at")) or report.due_at,
                original_due_at=_moment(past.get("original_due_at")) or report.original_due_at,
                result=past["result"], feedback=past.get("feedback"), published_at=_moment(past["published_at"]),
                closed_at=None, rejection=None, extension_request=None, return_request=None,
                extensions=list(past.get("extensions") or []),
            )
    return report


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def round_label(round_no: int) -> str:
    """"lần 2" for a second round, as the provinces write it."""
    return f"lần {round_no}"
