"""What staff see: the case file, a queue row, the answer to an action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.rules.calendar import iso_local
from chalicelib.rules.privacy import public_text
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.rules.retention import ANONYMISED, is_anonymised
from chalicelib.rules.rounds import round_label
from chalicelib.views.citizen import reporter_view
from chalicelib.views.common import history_entry

# The free text in a report's staff parts (result, requests, rejection, feedback, previous rounds, audit notes).
FREE_TEXT_KEYS = frozenset({"text", "reason", "public_reason", "note", "comment", "address", "description"})


def _masked_free_text(value: Any, report: Report) -> Any:
    """A copy of a view part with every free text masked as for the public (for staff not allowed the reporter)."""
    if isinstance(value, dict):
        return {k: public_text(v, report) if k in FREE_TEXT_KEYS and isinstance(v, str)
                else _masked_free_text(v, report) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked_free_text(v, report) for v in value]
    return value


def _contact(report: Report) -> dict[str, Any]:
    """The reporter's name and phone, and the sender's address of an e-mailed report; "anonymised" once gone."""
    if is_anonymised(report.reporter):
        return {"name": ANONYMISED, "phone": "", "anonymised": True}
    contact = {"name": report.reporter.name, "phone": report.reporter.phone}
    return {**contact, "email": report.reporter.email} if report.reporter.email else contact


def staff_view(
    profile: ProvinceProfile, report: Report, history: list[AuditEntry], with_reporter: bool = True
) -> dict[str, Any]:
    """The full report for staff; the reporter's contact only for the IOC and the assigned agency.

    Staff who may not see the reporter (the province admin, `can_see_reporter`) read every free text
    masked as the public does: the reporter's name and number, and any typed-in phone or e-mail.
    """
    view = {
        **reporter_view(profile, report, history),
        "reporter": _contact(report) if with_reporter else None,
        "escalation_level": report.escalation_level,
        "version": report.version,
        "result": report.result,
        "return_request": report.return_request,
        "extension_request": report.extension_request,
        "extensions": report.extensions,
        "support_count": report.support_count,
        "merge": report.extra.get("merge"),
        "rejection": report.rejection,
        "feedback": report.feedback,
        "published_at": iso_local(report.published_at),
        "closed_at": iso_local(report.closed_at),
        "assigned_at": iso_local(report.assigned_at),
        "previous_rounds": report.extra.get("rounds", []),
        "channel_client": report.extra.get("channel_client"),  # an Open311 key's name, for its reports
        "client_media_urls": report.extra.get("client_media_urls", []),  # its media_url links, never fetched
        "history": [history_entry(e, with_actor=True) for e in history],
    }
    if with_reporter:
        return view
    reporter = view.pop("reporter")
    return {**_masked_free_text(view, report), "reporter": reporter}


def case_file(profile: ProvinceProfile, report: Report, history: list[AuditEntry], *, with_reporter: bool,
              allowed_actions: list[str], allowed_corrections: list[str],
              media: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole case file: report, reporter (if allowed), media, result, audit trail, what the caller may do
    (workflow actions, and corrections such as relocate)."""
    return {**staff_view(profile, report, history, with_reporter=with_reporter),
            "round_label": round_label(report.round), "allowed_actions": allowed_actions,
            "allowed_corrections": allowed_corrections, "media": media}


def action_taken(profile: ProvinceProfile, report: Report, audit: AuditEntry, *, with_reporter: bool,
                 allowed_actions: list[str]) -> dict[str, Any]:
    """The report as it stands after a staff action, and the transition it made."""
    view = staff_view(profile, report, [], with_reporter=with_reporter)
    view.pop("history", None)
    view.update(round_label=round_label(report.round), allowed_actions=allowed_actions,
                transition=transition(audit, report.version))
    return view


def transition(audit: AuditEntry, version: int | None) -> dict[str, Any]:
    return {"action": audit.action, "from": audit.from_status, "to": audit.to_status, "round": audit.round,
            "at": iso_local(audit.at), "version": version}


QUEUE_DESCRIPTION_CHARS = 200


def queue_row(r: Report, now: datetime, with_reporter: bool = True) -> dict[str, Any]:
    """One line of a staff queue (the description cut short: the case file has it whole).

    For staff not allowed the reporter the description is masked before it is cut, so a number
    cut in half cannot leave its first digits behind.
    """
    description = r.description if with_reporter else public_text(r.description, r)
    return {
        "id": r.id, "status": r.status, "round": r.round, "urgent": r.urgent, "channel": r.channel,
        "category": r.category, "ward_code": r.ward_code, "agency_id": r.agency_id,
        "lat": r.lat, "lng": r.lng,  # the console's map of open reports; where, never who
        "assigned": r.assigned_at is not None, "received_at": iso_local(r.received_at),
        "due_at": iso_local(r.due_at), "overdue": r.is_open and now > r.due_at,
        "escalation_level": r.escalation_level, "extension_requested": bool(r.extension_request),
        "version": r.version, "description": description[:QUEUE_DESCRIPTION_CHARS],
        "support_count": r.support_count,
    }


def agency_list(profile: ProvinceProfile) -> dict[str, Any]:
    """The province's agencies for the console's pickers (assign, forward, return, the directory): the IOC,
    departments and police first, then the ward committees by name. Codes and names only: the focal and lead
    addresses stay in the profile."""
    order = {"ioc": 0, "department": 1, "police": 2, "ward_people_committee": 3}
    agencies = sorted(profile.agencies, key=lambda a: (order[a.kind], a.name_vi if a.ward_code else ""))
    return {"agencies": [{"id": a.id, "name": a.name_vi, "name_en": a.name_en, "kind": a.kind,
                          "ward_code": a.ward_code} for a in agencies]}

