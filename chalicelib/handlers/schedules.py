"""Scheduled entry points: the SLA sweep and the agency leads' morning digest."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Cron, Rate

from chalicelib import container
from chalicelib.handlers.sources import DIGEST_FUNCTION, SLA_SWEEP_MINUTES, SWEEP_FUNCTION

bp = Blueprint(__name__)

# 07:30 in Asia/Ho_Chi_Minh (UTC+7, no daylight saving) is 00:30 UTC. Every day:
# the service itself skips non-working days and sends on make-up working days,
# whatever weekday they fall on.
DIGEST_SCHEDULE = Cron(30, 0, "*", "*", "?", "*")


@bp.schedule(Rate(SLA_SWEEP_MINUTES, unit=Rate.MINUTES), name=SWEEP_FUNCTION,
             description="Raise the SLA level of reports that are due (warning, overdue, escalation)")
def sla_sweep(event: Any) -> dict[str, Any]:
    result = container.sla_sweeper().run()
    return {"read": result.read, "raised": {str(k): v for k, v in sorted(result.raised.items())},
            "lost": result.lost}


@bp.schedule(DIGEST_SCHEDULE, name=DIGEST_FUNCTION,
             description="E-mail each agency lead its overdue, due-today and due-soon reports at 07:30")
def daily_digest(event: Any) -> dict[str, Any]:
    result = container.digest().run()
    return {"working_day": result.working_day, "sent": len(result.sent), "already_sent": len(result.already_sent)}
