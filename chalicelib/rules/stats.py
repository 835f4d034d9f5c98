"""Agency statistics, kept incrementally from the reports' stream, as pure functions.

Each report image *contributes* to one (month, agency) cell: received 1;
resolved on time or late (with a time-to-result bucket) once published;
open-and-overdue while open at escalation level 2 or more; its rating once
rated. A stream event adds `contribution(new) - contribution(old)`, so the
cells always equal the sum of the reports' latest contributions, whatever
happened in between (re-routing to another agency, reopen, a changed rating),
and no event ever needs a scan.

The month is the month the report was received (Vietnam time) and the agency
the one handling it now: a cell reads "of the reports agency A received in
March, so many were resolved on time, so many late, so many are still open and
overdue". A resolution is on time when the result was submitted no later than
the due date in force then (approved extensions count). A reopened report
leaves the resolved counts until it is resolved again, against its new due
date. Time to result is working time from receipt to the result.

The median time to result is kept as a histogram of working-day buckets
(`TTR_BOUNDS_DAYS`); the median is interpolated inside its bucket, so it is
exact to half a working day up to 4 days, one day up to 8, two up to 10, five
up to 20; past 20 working days it reads as 20 (the lower bound of the last bucket).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.rules.calendar import VN_TZ, WorkingCalendar
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.report import Report

# Upper bounds (working days) of the time-to-result buckets; one more, open-ended bucket follows.
TTR_BOUNDS_DAYS: tuple[float, ...] = (0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10, 15, 20)
TTR_BUCKETS = len(TTR_BOUNDS_DAYS) + 1
COUNTERS: tuple[str, ...] = ("received", "resolved_on_time", "resolved_late", "open_overdue",
                             "rating_sum", "rating_count")
RESOLVED_STATES = frozenset({"published", "closed"})
OVERDUE_LEVEL = 2
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

Cell = tuple[str, str]  # (month "YYYY-MM", agency_id)
# The province's live gauges (how many reports are open, how many of them overdue, right now), kept
# the same way in one more cell, so the sweep reads both with one GetItem instead of counting an index.
NOW_CELL: Cell = ("now", "province")


def ttr_field(bucket: int) -> str:
    """Name of a time-to-result bucket counter."""
    return f"ttr_{bucket:02d}"


TTR_FIELDS: tuple[str, ...] = tuple(ttr_field(i) for i in range(TTR_BUCKETS))


def month_of(moment: datetime) -> str:
    """The month a moment falls in, in Vietnam's time ("YYYY-MM")."""
    return moment.astimezone(VN_TZ).strftime("%Y-%m")


def parse_month(text: str | None) -> str:
    """A "YYYY-MM" month from a query string, or a 400 that says the format."""
    match = _MONTH.match(text or "")
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise InvalidInput("invalid_month", "month", value=text)
    return match.group(0)


def ttr_bucket(working_days: float) -> int:
    """The histogram bucket of a time to result, in working days."""
    for i, bound in enumerate(TTR_BOUNDS_DAYS):
        if working_days <= bound:
            return i
    return TTR_BUCKETS - 1


def result_time(report: Report) -> datetime | None:
    """When the result was submitted (the time judged against the due date)."""
    submitted = (report.result or {}).get("submitted_at")
    if isinstance(submitted, str):
        try:
            parsed = datetime.fromisoformat(submitted)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    if isinstance(submitted, datetime) and submitted.tzinfo is not None:
        return submitted
    return report.published_at


def contribution(report: Report | None, calendar: WorkingCalendar) -> tuple[Cell, dict[str, int]] | None:
    """What one report image adds to its (month, agency) cell (see the module's docstring)."""
    if report is None:
        return None
    counts = {"received": 1}
    if report.status in RESOLVED_STATES and report.result:
        done = result_time(report)
        if done is not None:
            counts["resolved_on_time" if done <= report.due_at else "resolved_late"] = 1
            days = max(0.0, calendar.working_days_between(report.received_at, done))
            counts[ttr_field(ttr_bucket(days))] = 1
    if report.is_open and report.escalation_level >= OVERDUE_LEVEL:
        counts["open_overdue"] = 1
    rating = (report.feedback or {}).get("rating")
    if isinstance(rating, int | float) and not isinstance(rating, bool):
        counts["rating_sum"] = int(rating)
        counts["rating_count"] = 1
    return (month_of(report.received_at), report.agency_id), counts


def gauge_contribution(report: Report | None) -> dict[str, int]:
    """What one report image adds to the province's live gauges: open, and open at the overdue level."""
    if report is None or not report.is_open:
        return {}
    counts = {"open_now": 1}
    if report.escalation_level >= OVERDUE_LEVEL:
        counts["open_overdue"] = 1
    return counts


def deltas(old: Report | None, new: Report | None, calendar: WorkingCalendar) -> dict[Cell, dict[str, int]]:
    """Counter changes one stream event makes: new image's contribution minus the old one's, zeros dropped."""
    out: dict[Cell, dict[str, int]] = {}
    for sign, image in ((-1, old), (1, new)):
        found = contribution(image, calendar)
        cells = [found] if found is not None else []
        if image is not None:
            cells.append((NOW_CELL, gauge_contribution(image)))
        for cell, counts in cells:
            target = out.setdefault(cell, {})
            for name, value in counts.items():
                target[name] = target.get(name, 0) + sign * value
    cleaned = {cell: {k: v for k, v in counts.items() if v} for cell, counts in out.items()}
    return {cell: counts for cell, counts in cleaned.items() if counts}


def median_days(histogram: Iterable[int]) -> float | None:
    """Median time to result (working days) from bucket counts, interpolated inside its bucket."""
    counts = [max(0, int(c)) for c in histogram]
    total = sum(counts)
    if total == 0:
        return None
    half = total / 2
    seen = 0
    for i, count in enumerate(counts):
        if count and seen + count >= half:
            low = TTR_BOUNDS_DAYS[i - 1] if i else 0.0
            if i >= len(TTR_BOUNDS_DAYS):
                return float(low)
            return round(low + (half - seen) / count * (TTR_BOUNDS_DAYS[i] - low), 2)
        seen += count
    return None  # pragma: no cover - unreachable when total > 0


@dataclass(frozen=True)
class Figures:
    """One agency's (or the province's) figures for a month."""

    agency_id: str
    received: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    open_overdue: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    histogram: tuple[int, ...] = field(default=(0,) * TTR_BUCKETS)

    @classmethod
    def from_counters(cls, agency_id: str, counters: Mapping[str, int | None]) -> Figures:
        return cls(
            agency_id=agency_id,
            **{name: int(counters.get(name) or 0) for name in COUNTERS},
            histogram=tuple(int(counters.get(f) or 0) for f in TTR_FIELDS),
        )

    @property
    def resolved(self) -> int:
        return self.resolved_on_time + self.resolved_late

    @property
    def on_time_rate(self) -> float | None:
        return round(self.resolved_on_time / self.resolved, 4) if self.resolved else None

    @property
    def mean_rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def median_days_to_result(self) -> float | None:
        return median_days(self.histogram)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            agency_id=self.agency_id,
            **{name: getattr(self, name) + getattr(other, name) for name in COUNTERS},
            histogram=tuple(a + b for a, b in zip(self.histogram, other.histogram, strict=True)),
        )


def province_total(figures: Iterable[Figures], label: str = "province") -> Figures:
    """The province's figures: the agencies' counters and histograms added up."""
    total = Figures(agency_id=label)
    for f in figures:
        total = total + f
    return total


def ranking(figures: Iterable[Figures], min_sample: int) -> list[Figures]:
    """Agencies best first by on-time rate, then faster median, then more resolved.

    Agencies with fewer than `min_sample` resolved reports are left out, so one
    quick fix cannot top the table.
    """
    eligible = [f for f in figures if f.resolved >= max(1, min_sample)]
    return sorted(eligible, key=lambda f: (-(f.on_time_rate or 0.0), f.median_days_to_result or 0.0,
                                           -f.resolved, f.agency_id))
