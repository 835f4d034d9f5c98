"""Scheduled entry points: the SLA sweep, the agency leads' morning digest, closing old cases, the retention rule."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Cron, Rate

from chalicelib import container
from chalicelib.handlers.sources import (
    CLOSE_FUNCTION,
    DIGEST_FUNCTION,
    RETENTION_FUNCTION,
    SLA_SWEEP_MINUTES,
    SWEEP_FUNCTION,
)
from chalicelib.observability import lambda_context, logged_event

bp = Blueprint(__name__)

# 07:30 in Asia/Ho_Chi_Minh (UTC+7, no daylight saving) is 00:30 UTC. Every day:
# the service itself skips non-working days and sends on make-up working days,
# whatever weekday they fall on.
DIGEST_SCHEDULE = Cron(30, 0, "*", "*", "?", "*")
# 01:00 in Vietnam: close the published reports whose 30-day reopen window has passed.
CLOSE_SCHEDULE = Cron(0, 18, "*", "*", "?", "*")
# 01:30 in Vietnam: anonymise the contacts and delete the media originals the retention rule says are due
# (rules/retention.py). The run goes on while the invocation has time: its function's lambda_timeout in
# .chalice/config.json is Lambda's most, 900 s, and each service starts no further case once less than
# rules/retention.RUN_MARGIN_MS (30 s) is left, so the run still answers and a backlog is worked off over
# the next days' runs. The contacts may use the first half; the originals get the rest.
RETENTION_SCHEDULE = Cron(30, 18, "*", "*", "?", "*")


@bp.schedule(Rate(SLA_SWEEP_MINUTES, unit=Rate.MINUTES), name=SWEEP_FUNCTION,
             description="Raise the SLA level of reports that are due (warning, overdue, escalation)")
@logged_event("schedule")
def sla_sweep(event: Any) -> dict[str, Any]:
    result = container.sla_sweeper().run()
    open_now, overdue = container.statistics().publish_gauges()
    from chalicelib.views import runs

    return runs.sweep_run(result.read, dict(result.raised), result.lost, open_now, overdue)


@bp.schedule(DIGEST_SCHEDULE, name=DIGEST_FUNCTION,
             description="E-mail each agency lead its overdue, due-today and due-soon reports at 07:30")
@logged_event("schedule")
def daily_digest(event: Any) -> dict[str, Any]:
    result = container.digest().run()
    from chalicelib.views import runs

    return runs.digest_run(result.working_day, len(result.sent), len(result.already_sent))


@bp.schedule(CLOSE_SCHEDULE, name=CLOSE_FUNCTION,
             description="Close published reports whose reopen window has passed")
@logged_event("schedule")
def close_expired_reports(event: Any) -> dict[str, Any]:
    from chalicelib.views import runs

    return runs.close_run(container.cases().close_all_expired())


@bp.schedule(RETENTION_SCHEDULE, name=RETENTION_FUNCTION,
             description="Anonymise the contacts and delete the media originals the retention rule says are due")
@logged_event("schedule")
def apply_retention(event: Any) -> dict[str, Any]:
    from dataclasses import asdict

    from chalicelib.rules.retention import keeping
    from chalicelib.views import runs

    context = lambda_context(event)
    time_left = context.get_remaining_time_in_millis if context is not None else None
    run = container.retention().apply_retention(keeping(time_left, time_left() / 2) if time_left else None)
    originals = container.originals().apply_retention(time_left)
    return runs.retention_run(run.read, run.anonymised, run.lost, run.supporters, run.stopped_early,
                              asdict(originals))
