"""The SLA clock's escalation ladder, as pure functions of (due date, now, calendar, settings).

Level 0 nothing yet; 1 warning (less than the warning window left): the
agency; 2 overdue: the agency lead and the IOC; 3 overdue by more than the
grace: the province's leadership.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.rules.calendar import WorkingCalendar
from chalicelib.rules.profile import SlaSettings

MAX_LEVEL = 3


def thresholds(due_at: datetime, calendar: WorkingCalendar, sla: SlaSettings) -> tuple[datetime, datetime, datetime]:
    """When levels 1, 2 and 3 begin, counted in working time around the due date."""
    day = calendar.seconds_per_day
    warning = calendar.add_working_seconds(due_at, -sla.warning_window_days * day)
    escalation = calendar.add_working_seconds(due_at, sla.grace_days * day)
    return warning, due_at, escalation


def level_at(due_at: datetime, now: datetime, calendar: WorkingCalendar, sla: SlaSettings) -> int:
    """The escalation level a report due at `due_at` has reached at `now`."""
    return sum(1 for t in thresholds(due_at, calendar, sla) if now >= t)


def next_check_at(due_at: datetime, level: int, calendar: WorkingCalendar, sla: SlaSettings) -> datetime | None:
    """When the sweep must next look at a report at `level` (None once the top level is reached)."""
    if level >= MAX_LEVEL:
        return None
    return thresholds(due_at, calendar, sla)[level]
