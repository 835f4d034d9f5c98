"""Agency statistics, kept incrementally from the reports' stream, as pure functions.

Each report image *contributes* to one (month, agency) cell: received 1;
resolved on time or late (with a time-to-result bucket) once published;
open-and-overdue while open at escalation level 2 or more; merged once merged
into another report (never resolved or late; out of the resolution rate); each round's rating
once rated (a reopen moves the round's feedback into `extra["rounds"]`, where
it still counts, so a reopen never takes an earlier round's rating away).
A stream event adds `contribution(new) - contribution(old)`, so the cells
always equal the sum of the reports' latest contributions, whatever happened
in between (re-routing to another agency, reopen, a changed rating),
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
Results within one working day are also counted in half-hour buckets
(`TTR_HOUR_BOUNDS`), so a median under a day is given in working hours, to half
an hour (`median_hours`), instead of as a fraction of a day.

The ranking's rule is `ranking`'s docstring (and the README's "ranking rule").
"""

from __future__ import annotations

import math
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
# Upper bounds (working hours) of the under-a-working-day buckets, half an hour each; the last is open-ended.
TTR_HOUR_BOUNDS: tuple[float, ...] = tuple(0.5 * i for i in range(1, 25))
TTR_HOUR_BUCKETS = len(TTR_HOUR_BOUNDS)
COUNTERS: tuple[str, ...] = ("received", "resolved_on_time", "resolved_late", "open_overdue",
                             "rating_sum", "rating_count", "merged")
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


def ttr_hours_field(bucket: int) -> str:
    """Name of an under-a-working-day bucket counter (half hours)."""
    return f"ttrh_{bucket:02d}"


TTR_HOUR_FIELDS: tuple[str, ...] = tuple(ttr_hours_field(i) for i in range(TTR_HOUR_BUCKETS))


def ttr_hours_bucket(working_hours: float) -> int:
    """The half-hour bucket of a time to result under one working day (the last bucket is open-ended)."""
    for i, bound in enumerate(TTR_HOUR_BOUNDS):
        if working_hours <= bound:
            return i
    return TTR_HOUR_BUCKETS - 1


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


def _rating(feedback: object) -> int | None:
    rating = feedback.get("rating") if isinstance(feedback, Mapping) else None
    if isinstance(rating, int | float) and not isinstance(rating, bool):
        return int(rating)
    return None


def round_ratings(report: Report) -> dict[int, int]:
    """Each round's rating, by round number: the finished rounds' (kept in `extra["rounds"]` by a reopen)
    and the current round's. A round counts once, so a reopen (which moves the round's feedback into
    `extra["rounds"]`) leaves the month's ratings as they were."""
    out: dict[int, int] = {}
    for finished in report.extra.get("rounds") or []:
        if isinstance(finished, Mapping):
            number = finished.get("round")
            rating = _rating(finished.get("feedback"))
            if isinstance(number, int) and not isinstance(number, bool) and rating is not None:
                out[number] = rating
    current = _rating(report.feedback)
    if current is not None:
        out[report.round] = current
    return out


def counts_hours(report: Report, calendar: WorkingCalendar) -> int | None:
    """The under-a-working-day histogram bucket (half hours) of a resolved report, or None."""
    if report.status not in RESOLVED_STATES or not report.result:
        return None
    done = result_time(report)
    if done is None:
        return None
    seconds = max(0.0, calendar.working_seconds_between(report.received_at, done))
    if ttr_bucket(seconds / calendar.seconds_per_day) > 1:  # more than one working day: days tell it
        return None
    return ttr_hours_bucket(seconds / 3600)


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
    if report.status == "merged":  # once, as merged: never resolved, late or overdue (it has no result)
        counts["merged"] = 1
    ratings = round_ratings(report)
    if ratings:
        counts["rating_sum"] = sum(ratings.values())
        counts["rating_count"] = len(ratings)
    hours = counts_hours(report, calendar)
    if hours is not None:
        counts[ttr_hours_field(hours)] = 1
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
    value = _at_rank(counts, TTR_BOUNDS_DAYS, total / 2)
    return round(value, 2) if value is not None else None


def _at_rank(counts: list[int], bounds: tuple[float, ...] | list[float], rank: float) -> float | None:
    """The value at `rank` in bucket counts, interpolated inside its bucket (an open last bucket: its lower bound)."""
    seen = 0
    for i, count in enumerate(counts):
        if count and seen + count >= rank:
            low = bounds[i - 1] if i else 0.0
            if i >= len(bounds):
                return float(low)
            return low + (rank - seen) / count * (bounds[i] - low)
        seen += count
    return None


def median_hours(histogram: Iterable[int], hours_histogram: Iterable[int]) -> float | None:
    """Median time to result in working hours (to half an hour) when it is under one working day, else None.

    The hours histogram counts exactly the results of the day histogram's first two buckets (up to one
    working day); the median is read in it at the same rank, interpolated, and rounded to 0.5 h. Where
    the two disagree (results counted before the hours were kept) nothing is claimed.
    """
    days = [max(0, int(c)) for c in histogram]
    hours = [max(0, int(c)) for c in hours_histogram]
    total, under_a_day = sum(days), sum(days[:2])
    if total == 0 or under_a_day < total / 2 or sum(hours) != under_a_day:
        return None
    value = _at_rank(hours, TTR_HOUR_BOUNDS, total / 2)
    if value is not None:
        return max(0.5, round(value * 2) / 2)
    return None  # pragma: no cover - unreachable when the totals agree


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
    merged: int = 0  # received, then merged into another report: out of the resolution rate
    histogram: tuple[int, ...] = field(default=(0,) * TTR_BUCKETS)
    hours_histogram: tuple[int, ...] = field(default=(0,) * TTR_HOUR_BUCKETS)

    @classmethod
    def from_counters(cls, agency_id: str, counters: Mapping[str, int | None]) -> Figures:
        return cls(
            agency_id=agency_id,
            **{name: int(counters.get(name) or 0) for name in COUNTERS},
            histogram=tuple(int(counters.get(f) or 0) for f in TTR_FIELDS),
            hours_histogram=tuple(int(counters.get(f) or 0) for f in TTR_HOUR_FIELDS),
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

    @property
    def median_hours_to_result(self) -> float | None:
        return median_hours(self.histogram, self.hours_histogram)

    @property
    def handled(self) -> int:
        """Reports received and not merged into another: what the resolution rate is out of."""
        return max(0, self.received - self.merged)

    @property
    def resolution_rate(self) -> float | None:
        return round(self.resolved / self.handled, 4) if self.handled else None

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            agency_id=self.agency_id,
            **{name: getattr(self, name) + getattr(other, name) for name in COUNTERS},
            histogram=tuple(a + b for a, b in zip(self.histogram, other.histogram, strict=True)),
            hours_histogram=tuple(a + b for a, b in zip(self.hours_histogram, other.hours_histogram, strict=True)),
        )


def province_total(figures: Iterable[Figures], label: str = "province") -> Figures:
    """The province's figures: the agencies' counters and histograms added up."""
    total = Figures(agency_id=label)
    for f in figures:
        total = total + f
    return total


# The ranking rule's weights (they add up to 1) and the confidence of its intervals (95 %).
RANKING_WEIGHTS: dict[str, float] = {"on_time": 0.5, "satisfaction": 0.3, "resolution": 0.2}
WILSON_CONFIDENCE = 0.95
WILSON_Z = 1.96  # the normal quantile of WILSON_CONFIDENCE


def wilson_lower(successes: float, trials: int, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval of a proportion (0 when there are no trials)."""
    if trials <= 0:
        return 0.0
    p = min(1.0, max(0.0, successes / trials))
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, (centre - margin) / (1 + z2 / trials))


@dataclass(frozen=True)
class Ranked:
    """One ranked agency: its figures, its score and the parts the score is made of."""

    figures: Figures
    score: float
    parts: dict[str, float]

    @property
    def agency_id(self) -> str:
        return self.figures.agency_id


def score_parts(f: Figures) -> dict[str, float]:
    """The three parts of the ranking score, each a Wilson lower bound in [0, 1] (see `ranking`)."""
    satisfaction = (f.rating_sum - f.rating_count) / 4 if f.rating_count else 0.0  # mean 1..5 -> 0..1, x n
    return {
        "on_time": round(wilson_lower(f.resolved_on_time, f.resolved), 4),
        "satisfaction": round(wilson_lower(satisfaction, f.rating_count), 4),
        "resolution": round(wilson_lower(f.resolved, f.handled), 4),
    }


def ranking(figures: Iterable[Figures], min_sample: int) -> list[Ranked]:
    """Agencies best first by a score that weighs on-time rate, satisfaction and resolution.

    The rule:
    - only agencies with at least `min_sample` resolved reports (the profile's `ranking_min_sample`,
      at least 1) are ranked;
    - each part is the lower bound of the 95 % Wilson interval of a proportion, so a rate measured on
      few reports counts for less than the same rate on many:
      on time = resolved on time / resolved; satisfaction = the mean rating mapped from 1..5 to 0..1
      (rating sum - count) / 4 over the ratings given (0 with no rating); resolution = resolved / (received
      less merged);
    - score = 0.5 x on time + 0.3 x satisfaction + 0.2 x resolution (`RANKING_WEIGHTS`), in [0, 1],
      rounded to 4 places;
    - ties: higher score, then more resolved, then the faster median time to result, then agency id.
    """
    ranked = []
    for f in figures:
        if f.resolved < max(1, min_sample):
            continue
        parts = score_parts(f)
        score = round(sum(RANKING_WEIGHTS[name] * value for name, value in parts.items()), 4)
        ranked.append(Ranked(f, score, parts))
    return sorted(ranked, key=lambda r: (-r.score, -r.figures.resolved,
                                         r.figures.median_days_to_result or 0.0, r.figures.agency_id))
