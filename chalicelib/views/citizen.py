"""What the reporter sees: the receipt of a submission, their own report, the answer to feedback or reopen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.rules import messages
from chalicelib.rules.calendar import iso_local
from chalicelib.rules.notices import sms_reachable, tracking_link
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.rules.rounds import round_label
from chalicelib.rules.urgency import urgent_advice
from chalicelib.views.common import (
    agency,
    category,
    history_entry,
    place,
    public_merge,
    public_rejection,
    public_result,
)


def with_token(answer: dict[str, Any], token: str) -> dict[str, Any]:
    """The receipt as the citizen receives it: the tracking code, its token, then the rest in key order.

    One order whether the answer was just made or read back from the
    idempotency record (which keeps it with sorted keys), so a replay is the
    first answer byte for byte.
    """
    rest = {k: _in_key_order(answer[k]) for k in sorted(answer) if k not in {"id", "tracking_token"}}
    return {"id": answer["id"], "tracking_token": token, **rest}


def _in_key_order(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _in_key_order(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_in_key_order(v) for v in value]
    return value


def receipt(profile: ProvinceProfile, report: Report, nearby: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The answer to a submission without its tracking token: what may be saved for a replay (never the token).

    `nearby` are the open and recent reports of the same category near it (views/public.nearby_item), so an
    app can offer to support one of them instead; the report is accepted either way.
    """
    handler = profile.agency(report.agency_id)
    ward = profile.ward(report.ward_code) if report.ward_code else None
    answer: dict[str, Any] = {
        "id": report.id,
        "status": report.status,
        "ward_code": report.ward_code,
        "ward_name": ward.name if ward else None,
        "agency_id": report.agency_id,
        "agency_name": handler.name_vi if handler else report.agency_id,
        "received_at": iso_local(report.received_at),
        "due_at": iso_local(report.due_at),
        "sla_working_days": profile.sla_days(report.channel),
        "urgent": report.urgent,
        "sms": sms_reachable(report.reporter.phone),
        "nearby": nearby or [],
    }
    if report.urgent:
        answer["advice"] = urgent_advice(profile)
    if not answer["sms"] and report.reporter.phone:  # a landline (an e-mailed report may have no phone at all)
        values = {"id": report.id, "tracking_link": tracking_link(profile, report.id)}
        vi, en = messages.RECEIPT_NOTES["no_sms"]
        answer["sms_notice"] = {"vi": vi.format(**values), "en": en.format(**values)}
    return answer


def reporter_view(profile: ProvinceProfile, report: Report, history: list[AuditEntry]) -> dict[str, Any]:
    """What the reporter sees with their tracking token: their own report and its progress."""
    return {
        "id": report.id,
        "status": report.status,
        "round": report.round,
        "urgent": report.urgent,
        "channel": report.channel,
        "category": category(profile, report.category),
        "description": report.description,
        "location": place(profile, report),
        "agency": agency(profile, report.agency_id),
        "occurred_at": iso_local(report.occurred_at),
        "received_at": iso_local(report.received_at),
        "due_at": iso_local(report.due_at),
        "original_due_at": iso_local(report.original_due_at),
        "result": public_result(report),
        "rejection": public_rejection(report),  # why it was refused: the words the public reads too
        "history": [history_entry(e, with_actor=False) for e in history],
        "support_count": report.support_count,
        "merge": public_merge(report),  # the tracking page links the survivor
    }


def tracked(profile: ProvinceProfile, report: Report, history: list[AuditEntry],
            media: list[dict[str, Any]]) -> dict[str, Any]:
    """The tracking page's body: the reporter's view and the state of each of their uploads."""
    return {**reporter_view(profile, report, history), "media": media}


def citizen_action(report: Report, reopen_until: datetime | None) -> dict[str, Any]:
    """The answer to the reporter's feedback or reopen."""
    return {
        "id": report.id,
        "status": report.status,
        "round": report.round,
        "round_label": round_label(report.round),
        "due_at": iso_local(report.due_at),
        "feedback": report.feedback,
        "reopen_until": iso_local(reopen_until) if reopen_until and report.status == "published" else None,
    }
