"""The SLA clock's escalation ladder, as pure functions of (due date, now, calendar, settings).

Level 0 nothing yet; 1 warning (less than the warning window left): the
agency; 2 overdue: the agency lead and the IOC; 3 overdue by more than the
grace: the province's leadership.

The due date moves only by rule: `extend_due` for an approved extension,
`due_after_pause` for a return to the IOC when the profile stops the clock,
and a fresh `due_after` on reopen. After any such move, `after_due_change`
says which level and next check the report carries from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from chalicelib.rules.calendar import WorkingCalendar
from chalicelib.rules.profile import SlaSettings

MAX_LEVEL = 3
WARNING, OVERDUE, ESCALATED = 1, 2, 3
# The report's `last_action` when the sweep raises it to a level.
LEVEL_ACTIONS: dict[int, str] = {WARNING: "sla_warning", OVERDUE: "sla_overdue", ESCALATED: "sla_escalation"}
SYSTEM_ACTOR = "system"


def thresholds(due_at: datetime, calendar: WorkingCalendar, sla: SlaSettings) -> tuple[datetime, datetime, datetime]:
    """When levels 1, 2 and 3 begin, counted in working time around the due date.

    A zero window or grace means "at the due date" itself (moving by zero
    working time from a closing-time deadline would land on the next
    morning), so the three are always in order.
    """
    day, window, grace = calendar.seconds_per_day, sla.warning_window_days, sla.grace_days
    warning = calendar.add_working_seconds(due_at, -window * day) if window else due_at
    escalation = calendar.add_working_seconds(due_at, grace * day) if grace else due_at
    return min(warning, due_at), due_at, max(escalation, due_at)


def level_at(due_at: datetime, now: datetime, calendar: WorkingCalendar, sla: SlaSettings) -> int:
    """The escalation level a report due at `due_at` has reached at `now`."""
    return sum(1 for t in thresholds(due_at, calendar, sla) if now >= t)


def next_check_at(due_at: datetime, level: int, calendar: WorkingCalendar, sla: SlaSettings) -> datetime | None:
    """When the sweep must next look at a report at `level` (None once the top level is reached)."""
    if level >= MAX_LEVEL:
        return None
    return thresholds(due_at, calendar, sla)[level]


def level_action(level: int) -> str:
    """The `last_action` a rise to `level` records, so the notifier knows which notice to send."""
    return LEVEL_ACTIONS[level]


@dataclass(frozen=True)
class Check:
    """What the sweep does with one report it read from the due index.

    raise_to: write the higher level (one conditional update with an audit row);
    reschedule: only move the report's next check (its due date moved under it);
    drop: the report is closed but still carries the key (remove it);
    nothing: another sweep got there first, leave it alone.
    """

    kind: Literal["raise_to", "reschedule", "drop", "nothing"]
    level: int
    next_check: datetime | None


def plan_check(
    due_at: datetime,
    stored_level: int,
    stored_next: datetime | None,
    is_open: bool,
    now: datetime,
    calendar: WorkingCalendar,
    sla: SlaSettings,
) -> Check:
    """Decide a due report's fate: a level only ever rises, and each rise happens once per due date."""
    if not is_open:
        return Check("drop", stored_level, None)
    reached = level_at(due_at, now, calendar, sla)
    if reached > stored_level:
        return Check("raise_to", reached, next_check_at(due_at, reached, calendar, sla))
    wanted = next_check_at(due_at, stored_level, calendar, sla)
    if wanted != stored_next:
        return Check("reschedule", stored_level, wanted)
    return Check("nothing", stored_level, stored_next)


def extend_due(due_at: datetime, working_days: int, calendar: WorkingCalendar) -> datetime:
    """An approved extension moves the deadline by its working days, same time of day."""
    if working_days < 1:
        raise ValueError("an extension is at least 1 working day")
    return calendar.shift(due_at, working_days)


def due_after_pause(
    due_at: datetime,
    returned_at: datetime,
    forwarded_at: datetime,
    calendar: WorkingCalendar,
    sla: SlaSettings,
) -> datetime:
    """The due date after a return to the IOC and its forward to another agency.

    By default (`sla.return_stops_clock` off) a return does not stop the
    clock: the due date is unchanged, so a wrong routing is paid for in the
    agencies' time, as the provinces' rules say. When a profile turns the
    switch on, the working time between the return (`returned_at`) and the
    forward (`forwarded_at`) does not count: the due date moves later by
    exactly that much working time, so the report is exactly as early (or as
    late) when forwarded as it was when returned.

    For the workflow: call it on `forward` with the return's time (from
    `return_request["at"]`) and the forward's `now`, then store the result as
    `due_at` (keep `original_due_at`) and re-arm the sweep with
    `after_due_change`.
    """
    if not sla.return_stops_clock or forwarded_at <= returned_at:
        return due_at
    paused = calendar.working_seconds_between(returned_at, forwarded_at)
    if paused <= 0:
        return due_at
    return calendar.add_working_seconds(due_at, paused)


def after_due_change(
    due_at: datetime, level: int, now: datetime, calendar: WorkingCalendar, sla: SlaSettings
) -> tuple[int, datetime | None]:
    """(level, next check) once the due date moved (extension, pause, reopen).

    The level never rises here (rises are the sweep's, so notices go out once);
    it falls back to what the new due date warrants at `now`, so an extended
    report is warned again before its new deadline, not never.
    """
    kept = min(level, level_at(due_at, now, calendar, sla))
    return kept, next_check_at(due_at, kept, calendar, sla)
