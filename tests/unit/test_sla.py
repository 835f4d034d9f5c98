"""The SLA ladder: thresholds, levels, next checks, extensions, pauses; and the sweep over an in-memory port."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.rules.calendar import VN_TZ, WorkingCalendar
from chalicelib.rules.profile import SlaSettings
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.sla import (
    after_due_change,
    due_after_pause,
    extend_due,
    level_action,
    level_at,
    next_check_at,
    plan_check,
    thresholds,
)

CAL = WorkingCalendar()
SLA = SlaSettings()
DAY = CAL.seconds_per_day


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN_TZ)


# -- worked examples ------------------------------------------------------------
@pytest.mark.parametrize(
    ("due", "warning", "escalation"),
    [
        (vn(2026, 11, 19, 9), vn(2026, 11, 18, 9), vn(2026, 11, 23, 9)),  # Thu: warn Wed, escalate Mon
        (vn(2026, 11, 23, 10), vn(2026, 11, 20, 10), vn(2026, 11, 26, 10)),  # Mon: warn Fri; 24/11 is skipped
        (vn(2026, 11, 26, 17), vn(2026, 11, 26, 7, 30), vn(2026, 11, 30, 17)),  # due at closing: warn at opening
        (vn(2026, 2, 13, 10), vn(2026, 2, 12, 10), vn(2026, 2, 24, 10)),  # Tết 2026 delays escalation
        (vn(2025, 4, 28, 10), vn(2025, 4, 26, 10), vn(2025, 5, 5, 10)),  # make-up Saturday warns
    ],
)
def test_thresholds_are_counted_in_working_time(due, warning, escalation):
    assert thresholds(due, CAL, SLA) == (warning, due, escalation)


@pytest.mark.parametrize(
    ("now", "level"),
    [
        (vn(2026, 11, 18, 8, 59), 0),
        (vn(2026, 11, 18, 9), 1),
        (vn(2026, 11, 19, 8, 59), 1),
        (vn(2026, 11, 19, 9), 2),
        (vn(2026, 11, 22, 23), 2),  # the weekend does not count towards the grace
        (vn(2026, 11, 23, 9), 3),
        (vn(2027, 1, 1), 3),
    ],
)
def test_level_at_climbs_the_ladder(now, level):
    assert level_at(vn(2026, 11, 19, 9), now, CAL, SLA) == level


def test_profile_windows_change_the_ladder():
    due = vn(2026, 11, 26, 10)
    wide = SlaSettings(warning_window_days=2, grace_days=0.5)
    assert thresholds(due, CAL, wide)[0] == vn(2026, 11, 23, 10)
    assert thresholds(due, CAL, wide)[2] == vn(2026, 11, 26, 14, 45)


def test_next_check_is_the_next_threshold_and_none_at_the_top():
    due = vn(2026, 11, 19, 9)
    assert [next_check_at(due, level, CAL, SLA) for level in range(4)] == [*thresholds(due, CAL, SLA), None]


def test_level_actions_name_the_notice():
    assert [level_action(level) for level in (1, 2, 3)] == ["sla_warning", "sla_overdue", "sla_escalation"]


def test_plan_check_raises_reschedules_drops_or_leaves_alone():
    due = vn(2026, 11, 19, 9)
    warn, _, esc = thresholds(due, CAL, SLA)
    now = vn(2026, 11, 19, 10)
    assert plan_check(due, 0, warn, True, now, CAL, SLA).kind == "raise_to"
    assert plan_check(due, 0, warn, True, now, CAL, SLA).level == 2
    assert plan_check(due, 0, warn, True, now, CAL, SLA).next_check == esc
    # another sweep raised it already (stale index read): nothing to do
    assert plan_check(due, 2, esc, True, now, CAL, SLA).kind == "nothing"
    # the due date moved later under a stale next check: only move the check
    moved = plan_check(vn(2026, 11, 30, 9), 1, warn, True, now, CAL, SLA)
    assert (moved.kind, moved.level, moved.next_check) == ("reschedule", 1, vn(2026, 11, 30, 9))
    # closed reports leave the index
    assert plan_check(due, 1, due, False, now, CAL, SLA).kind == "drop"


def test_extension_moves_the_due_date_by_working_days():
    assert extend_due(vn(2026, 11, 20, 10), 2, CAL) == vn(2026, 11, 25, 10)
    with pytest.raises(ValueError):
        extend_due(vn(2026, 11, 20, 10), 0, CAL)


def test_return_does_not_stop_the_clock_by_default():
    due = vn(2026, 11, 26, 10)
    assert due_after_pause(due, vn(2026, 11, 20, 9), vn(2026, 11, 23, 15), CAL, SLA) == due


def test_return_stops_the_clock_when_the_profile_says_so():
    stops = SlaSettings(return_stops_clock=True)
    due = vn(2026, 11, 26, 10)
    # returned Fri 16:00, forwarded Mon 08:30: 2 working hours paused
    assert due_after_pause(due, vn(2026, 11, 20, 16), vn(2026, 11, 23, 8, 30), CAL, stops) == vn(2026, 11, 26, 12)
    # a pause over a weekend only stops nothing
    assert due_after_pause(due, vn(2026, 11, 21, 9), vn(2026, 11, 22, 9), CAL, stops) == due


def test_after_an_extension_the_level_falls_back_and_is_raised_again_later():
    old_due, new_due = vn(2026, 11, 19, 9), vn(2026, 11, 25, 9)
    now = vn(2026, 11, 19, 10)  # already overdue on the old date
    assert level_at(old_due, now, CAL, SLA) == 2
    level, check = after_due_change(new_due, 2, now, CAL, SLA)
    assert (level, check) == (0, vn(2026, 11, 23, 9))
    # it never rises here: that is the sweep's job (so notices go out once)
    assert after_due_change(vn(2026, 11, 19, 9), 0, vn(2026, 12, 1), CAL, SLA)[0] == 0


# -- properties -------------------------------------------------------------------
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 6, 30), timezones=st.just(VN_TZ))
windows = st.sampled_from([0, 0.5, 1, 2])
settings_st = st.builds(SlaSettings, warning_window_days=windows, grace_days=windows)


def _due(received: datetime, days: int) -> datetime:
    return CAL.due_after(received, days)


@settings(max_examples=300, deadline=None)
@given(received=moments, days=st.sampled_from([3, 7]), a=moments, b=moments, sla=settings_st)
def test_levels_never_fall_as_time_passes(received, days, a, b, sla):
    due = _due(received, days)
    early, late = sorted((a, b))
    assert level_at(due, early, CAL, sla) <= level_at(due, late, CAL, sla)


@settings(max_examples=300, deadline=None)
@given(received=moments, days=st.sampled_from([3, 7]), offset=st.integers(-20 * 86400, 40 * 86400), sla=settings_st)
def test_next_check_agrees_with_level_at(received, days, offset, sla):
    due = _due(received, days)
    now = received + timedelta(seconds=offset)
    level = level_at(due, now, CAL, sla)
    check = next_check_at(due, level, CAL, sla)
    if level == 3:
        assert check is None
        return
    assert check > now  # nothing is due before the next check...
    assert level_at(due, check - timedelta(microseconds=1), CAL, sla) == level
    assert level_at(due, check, CAL, sla) > level  # ...and at it the level rises


@settings(max_examples=300, deadline=None)
@given(
    received=moments,
    days=st.sampled_from([3, 7]),
    offsets=st.lists(st.integers(0, 30 * 86400), min_size=1, max_size=40),
    repeats=st.lists(st.integers(1, 3), min_size=40, max_size=40),
    sla=settings_st,
)
def test_sweeps_at_any_times_cross_each_threshold_exactly_once(received, days, offsets, repeats, sla):
    due = _due(received, days)
    level, next_at = 0, next_check_at(due, 0, CAL, sla)
    crossings: dict[int, int] = {}
    times = sorted(received + timedelta(seconds=o) for o in offsets)
    for now, again in zip(times, repeats, strict=False):
        for _ in range(again):  # a re-run sweep at the same instant
            if next_at is None or next_at > now:  # not read: the index only returns what is due
                continue
            check = plan_check(due, level, next_at, True, now, CAL, sla)
            if check.kind == "raise_to":
                for crossed in range(level + 1, check.level + 1):
                    crossings[crossed] = crossings.get(crossed, 0) + 1
                level, next_at = check.level, check.next_check
            elif check.kind == "reschedule":
                next_at = check.next_check
    final = level_at(due, times[-1], CAL, sla)
    assert level == final
    assert crossings == {k: 1 for k in range(1, final + 1)}


@settings(max_examples=200, deadline=None)
@given(received=moments, days=st.sampled_from([3, 7]), returned=st.integers(0, 10 * 86400),
       paused=st.integers(0, 10 * 86400))
def test_a_stopped_clock_keeps_the_report_exactly_as_early_or_late(received, days, returned, paused):
    stops = SlaSettings(return_stops_clock=True)
    due = _due(received, days)
    returned_at = received + timedelta(seconds=returned)
    forwarded_at = returned_at + timedelta(seconds=paused)
    new_due = due_after_pause(due, returned_at, forwarded_at, CAL, stops)
    assert new_due >= due
    if CAL.working_seconds_between(returned_at, forwarded_at) > 0:
        left_at_return = CAL.working_seconds_between(returned_at, due)
        left_at_forward = CAL.working_seconds_between(forwarded_at, new_due)
        assert left_at_forward == pytest.approx(left_at_return, abs=1e-4)


@settings(max_examples=200, deadline=None)
@given(received=moments, days=st.sampled_from([3, 7]), extra=st.integers(1, 10), offset=st.integers(0, 20 * 86400))
def test_an_extension_never_raises_the_level_and_keeps_the_next_check_ahead(received, days, extra, offset):
    due = _due(received, days)
    now = received + timedelta(seconds=offset)
    old_level = level_at(due, now, CAL, SLA)
    new_due = extend_due(due, extra, CAL)
    assert new_due > due and CAL.is_working_day(new_due.astimezone(VN_TZ).date())
    level, check = after_due_change(new_due, old_level, now, CAL, SLA)
    assert level <= old_level
    assert check is None or check > now


# -- the sweep service over an in-memory port -----------------------------------------
@dataclass
class MemorySla:
    """Our own SlaPort in memory: conditional writes succeed only if the report is as read."""

    reports: dict[str, Report]
    audits: list[AuditEntry] = field(default_factory=list)

    def due(self, now):
        return sorted((r for r in self.reports.values() if r.sla_next_at and r.sla_next_at <= now),
                      key=lambda r: r.sla_next_at)

    def _current(self, report):
        stored = self.reports[report.id]
        return stored.version == report.version and stored.is_open

    def raise_level(self, report, level, next_check, action, now, audit):
        if not self._current(report):
            return False
        self.reports[report.id] = report.evolve(escalation_level=level, sla_next_at=next_check, last_action=action,
                                                last_actor_role="system", version=report.version + 1)
        self.audits.append(audit)
        return True

    def reschedule(self, report, next_check):
        if not self._current(report):
            return False
        self.reports[report.id] = report.evolve(sla_next_at=next_check, version=report.version + 1)
        return True

    def drop(self, report):
        self.reports[report.id] = report.evolve(sla_next_at=None)
        return True


def _report(rid: str, due: datetime, **kw) -> Report:
    received = due - timedelta(days=5)
    base = dict(id=rid, province_code=66, status="assigned", channel="app", category="moi-truong",
                description="Rác thải đổ trộm ven đường", lat=12.7, lng=108.0, address=None, ward_code=None,
                agency_id="so-nn-mt", reporter=Reporter("Trần Thị B", "+84912345678"), received_at=received,
                due_at=due, original_due_at=due, updated_at=received, last_action="assign",
                last_actor_role="ioc", sla_next_at=next_check_at(due, 0, CAL, SLA), version=3)
    base.update(kw)
    return Report(**base)


def _sweeper(store):
    from chalicelib.provinces import load_profile
    from chalicelib.services.sla import SlaSweeper

    ticks = iter(range(1000))
    return SlaSweeper(load_profile("daklak"), store, timer=lambda: float(next(ticks)))


def test_sweep_raises_once_and_writes_a_system_audit_row():
    due = vn(2026, 11, 19, 9)
    store = MemorySla({"A": _report("A", due)})
    sweeper = _sweeper(store)
    first = sweeper.sweep(vn(2026, 11, 19, 10))
    again = sweeper.sweep(vn(2026, 11, 19, 10))
    assert (first.read, dict(first.raised), dict(first.overdue_by_agency)) == (1, {2: 1}, {"so-nn-mt": 1})
    assert (again.read, dict(again.raised)) == (0, {})
    [audit] = store.audits
    assert (audit.actor, audit.role, audit.action, audit.from_status, audit.to_status) == (
        "system", "system", "sla_overdue", "assigned", "assigned")
    assert "0 -> 2" in audit.note
    assert store.reports["A"].sla_next_at == vn(2026, 11, 23, 9)


def test_sweep_skips_a_report_someone_changed_meanwhile():
    due = vn(2026, 11, 19, 9)
    store = MemorySla({"A": _report("A", due)})
    read = list(store.due(vn(2026, 11, 19, 10)))
    store.reports["A"] = store.reports["A"].evolve(version=4, last_action="add_note")  # an officer acted
    store.due = lambda now: read  # the sweep still holds what it read before
    result = _sweeper(store).sweep(vn(2026, 11, 19, 10))
    assert (result.lost, dict(result.raised), store.audits) == (1, {}, [])


def test_sweep_drops_the_key_of_a_closed_report_and_reschedules_a_moved_due_date():
    due = vn(2026, 11, 19, 9)
    closed = _report("C", due, status="published")
    moved = _report("M", vn(2026, 12, 1, 9), escalation_level=1, sla_next_at=due)
    store = MemorySla({"C": closed, "M": moved})
    result = _sweeper(store).sweep(vn(2026, 11, 19, 10))
    assert (result.dropped, result.rescheduled, dict(result.raised)) == (1, 1, {})
    assert store.reports["C"].sla_next_at is None
    assert store.reports["M"].sla_next_at == vn(2026, 12, 1, 9)
