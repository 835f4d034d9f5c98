"""Working days in Vietnam: the clock every SLA is counted on.

A working day is Monday to Friday, minus the public holidays the `holidays`
package knows for Vietnam (Tết by the lunar calendar, observed and substituted
days), minus the province's own extra days off; plus the make-up working
Saturdays, both those the government announces (read from the substituted
holidays' own names, "thay cho ngày DD/MM/YYYY") and the province's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_SUBSTITUTE = re.compile(r"thay cho ngày (\d{1,2})/(\d{1,2})/(\d{4})")


def local_iso(moment: datetime) -> str:
    """ISO 8601 in Vietnam's time (+07:00), as citizens and officers read it."""
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


def iso_local(moment: datetime | None) -> str | None:
    """ISO 8601 in Vietnam's time (+07:00), or None for a time not set."""
    return local_iso(moment) if moment else None


NationalYear = tuple[frozenset[date], frozenset[date]]  # (days off, make-up working days)
_COMPILED: dict[int, NationalYear] = {}


def use_compiled(years: dict[int, NationalYear]) -> None:
    """Take the national days of these years as given (the package's compiled calendar), so a running
    function never imports `holidays` (about 1 s of import and computation) for them."""
    _COMPILED.update(years)
    _national_year.cache_clear()


def national_year_from_holidays(year: int) -> NationalYear:
    """(days off, make-up working days) of one year, from `holidays` (imported lazily): the source of truth."""
    import holidays

    table = holidays.country_holidays("VN", years=year, language="vi")
    days_off = frozenset(table.keys())
    makeup: set[date] = set()
    for name in table.values():
        for match in _SUBSTITUTE.finditer(name):
            day, month, yr = (int(g) for g in match.groups())
            makeup.add(date(yr, month, day))
    return days_off, frozenset(makeup)


@lru_cache(maxsize=64)
def _national_year(year: int) -> NationalYear:
    """The compiled year if there is one, else computed from `holidays`."""
    compiled = _COMPILED.get(year)
    return compiled if compiled is not None else national_year_from_holidays(year)


@dataclass(frozen=True)
class WorkingCalendar:
    """A province's working calendar; pure and hashable, `now` is always passed in."""

    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    makeup_working_days: frozenset[date] = field(default_factory=frozenset)
    opens: time = time(7, 30)
    closes: time = time(17, 0)

    def is_working_day(self, day: date) -> bool:
        """A weekday that is no holiday, or a declared make-up working day."""
        days_off, national_makeup = _national_year(day.year)
        if day in self.makeup_working_days or day in national_makeup:
            return day not in self.extra_days_off
        if day.weekday() >= 5:
            return False
        return day not in days_off and day not in self.extra_days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def is_working_time(self, moment: datetime) -> bool:
        """Inside opening hours of a working day (closing time excluded)."""
        local = moment.astimezone(VN_TZ)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def clock_start(self, received: datetime) -> datetime:
        """When the SLA clock starts: at once in working hours, else the next working morning."""
        local = received.astimezone(VN_TZ)
        if self.is_working_time(local):
            return local
        day = local.date()
        if not (self.is_working_day(day) and local.time() < self.opens):
            day = self.next_working_day(day)
        return datetime.combine(day, self.opens, VN_TZ)

    def due_after(self, received: datetime, working_days: int) -> datetime:
        """Deadline N working days after receipt.

        Counted from the clock start: the same time of day N working days on.
        A clock that starts at opening time is due at closing time of the Nth
        working day counting the start day, which is the same instant of
        working time, written the way a person reads a deadline.
        """
        if working_days < 1:
            raise ValueError("working_days must be at least 1")
        start = self.clock_start(received)
        day = start.date()
        if start.timetz().replace(tzinfo=None) == self.opens:
            for _ in range(working_days - 1):
                day = self.next_working_day(day)
            return datetime.combine(day, self.closes, VN_TZ)
        for _ in range(working_days):
            day = self.next_working_day(day)
        return datetime.combine(day, start.time(), VN_TZ)

    def shift(self, moment: datetime, working_days: int) -> datetime:
        """Move a deadline by N working days, keeping its time of day (extensions)."""
        local = moment.astimezone(VN_TZ)
        day = local.date()
        for _ in range(working_days):
            day = self.next_working_day(day)
        return datetime.combine(day, local.time(), VN_TZ)

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Working time elapsed between two instants (negative if end is earlier)."""
        if end < start:
            return -self.working_seconds_between(end, start)
        a, b = start.astimezone(VN_TZ), end.astimezone(VN_TZ)
        total = 0.0
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                lo = max(a, datetime.combine(day, self.opens, VN_TZ))
                hi = min(b, datetime.combine(day, self.closes, VN_TZ))
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total

    def add_working_seconds(self, moment: datetime, seconds: float) -> datetime:
        """The instant `seconds` of working time after (or, if negative, before) `moment`."""
        local = moment.astimezone(VN_TZ)
        if seconds == 0 and self.is_working_day(local.date()) and self.opens <= local.time() <= self.closes:
            return moment  # already a working instant (closing included), whichever sign zero has
        remaining = abs(seconds)
        forward = seconds >= 0
        day = local.date()
        while True:
            if self.is_working_day(day):
                opens = datetime.combine(day, self.opens, VN_TZ)
                closes = datetime.combine(day, self.closes, VN_TZ)
                lo, hi = (max(local, opens), closes) if forward else (opens, min(local, closes))
                available = max(0.0, (hi - lo).total_seconds())
                if remaining <= available and hi > lo:
                    return lo + timedelta(seconds=remaining) if forward else hi - timedelta(seconds=remaining)
                remaining -= available
            day += timedelta(days=1 if forward else -1)
            local = datetime.combine(day, time(0, 0) if forward else time(23, 59, 59, 999999), VN_TZ)

    @property
    def seconds_per_day(self) -> float:
        """Length of one working day, to turn working seconds into working days."""
        return (datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)).total_seconds()

    def working_days_between(self, start: datetime, end: datetime) -> float:
        """Working days elapsed (fractional), e.g. how late a report is."""
        return self.working_seconds_between(start, end) / self.seconds_per_day
