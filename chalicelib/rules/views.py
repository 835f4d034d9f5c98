"""Who sees what of a report: the privacy projection, as pure functions.

The reporter's name and phone appear only in the staff view; public text has
any phone number or e-mail address a citizen typed masked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.rules.text import mask_personal_data


def iso_local(moment: datetime | None) -> str | None:
    """ISO 8601 in Vietnam's time (+07:00), as citizens and officers read it."""
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds") if moment else None


def _place(profile: ProvinceProfile, report: Report) -> dict[str, Any]:
    ward = profile.ward(report.ward_code) if report.ward_code else None
    return {
        "lat": report.lat,
        "lng": report.lng,
        "address": report.address,
        "ward_code": report.ward_code,
        "ward_name": ward.name if ward else None,
    }


def _agency(profile: ProvinceProfile, agency_id: str) -> dict[str, Any]:
    agency = profile.agency(agency_id)
    if agency is None:
        return {"id": agency_id, "name": agency_id, "name_en": agency_id}
    return {"id": agency_id, "name": agency.name_vi, "name_en": agency.name_en}


def _category(profile: ProvinceProfile, code: str) -> dict[str, Any]:
    cat = profile.any_category(code)
    return {"code": code, "name": cat.name_vi if cat else code, "name_en": cat.name_en if cat else code}


def history_entry(entry: AuditEntry, with_actor: bool) -> dict[str, Any]:
    """One audit row; the actor's identity is for staff eyes only."""
    row = {
        "at": iso_local(entry.at),
        "action": entry.action,
        "from": entry.from_status,
        "to": entry.to_status,
        "round": entry.round,
    }
    if with_actor:
        row.update(actor=entry.actor, role=entry.role, note=entry.note)
    return row


def reporter_view(profile: ProvinceProfile, report: Report, history: list[AuditEntry]) -> dict[str, Any]:
    """What the reporter sees with their tracking token: their own report and its progress."""
    return {
        "id": report.id,
        "status": report.status,
        "round": report.round,
        "urgent": report.urgent,
        "channel": report.channel,
        "category": _category(profile, report.category),
        "description": report.description,
        "location": _place(profile, report),
        "agency": _agency(profile, report.agency_id),
        "received_at": iso_local(report.received_at),
        "due_at": iso_local(report.due_at),
        "original_due_at": iso_local(report.original_due_at),
        "result": public_result(report),
        "history": [history_entry(e, with_actor=False) for e in history],
    }


def public_result(report: Report) -> dict[str, Any] | None:
    """The published result, with personal data masked."""
    if not report.result or report.status not in {"published", "closed"}:
        return None
    return {
        "text": mask_personal_data(report.result.get("text", "")),
        "enforcement": report.result.get("enforcement", []),
        "submitted_at": report.result.get("submitted_at"),
    }


def public_rejection(report: Report) -> dict[str, Any] | None:
    """Why a report was rejected, in words fit for the public."""
    if report.status != "rejected" or not report.rejection:
        return None
    return {
        "reason_code": report.rejection.get("reason_code"),
        "public_reason": mask_personal_data(report.rejection.get("public_reason", "")),
        "duplicate_of": report.rejection.get("duplicate_of"),
    }


def public_view(profile: ProvinceProfile, report: Report) -> dict[str, Any]:
    """What anyone may see: never the reporter, and masked free text."""
    place = _place(profile, report)
    place["address"] = mask_personal_data(place["address"]) if place["address"] else None
    return {
        "id": report.id,
        "status": report.status,
        "round": report.round,
        "category": _category(profile, report.category),
        "description": mask_personal_data(report.description),
        "location": place,
        "agency": _agency(profile, report.agency_id),
        "received_at": iso_local(report.received_at),
        "due_at": iso_local(report.due_at),
        "original_due_at": iso_local(report.original_due_at),
        "result": public_result(report),
        "rejection": public_rejection(report),
        "rating": report.feedback.get("rating") if report.feedback else None,
    }


def staff_view(profile: ProvinceProfile, report: Report, history: list[AuditEntry]) -> dict[str, Any]:
    """The full report for the IOC and the assigned agency, reporter's contact included."""
    return {
        **reporter_view(profile, report, history),
        "reporter": {"name": report.reporter.name, "phone": report.reporter.phone},
        "escalation_level": report.escalation_level,
        "version": report.version,
        "result": report.result,
        "return_request": report.return_request,
        "extension_request": report.extension_request,
        "extensions": report.extensions,
        "rejection": report.rejection,
        "feedback": report.feedback,
        "history": [history_entry(e, with_actor=True) for e in history],
    }
