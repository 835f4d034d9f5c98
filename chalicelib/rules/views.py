"""Who sees what of a report: the privacy projection, as pure functions.

The reporter's name and phone appear only in the staff view; public text has
any phone number or e-mail address a citizen typed masked, and the reporter's
own name and number wherever someone wrote them (a citizen signing the
description, an officer naming the reporter in the result).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from chalicelib.rules.calendar import local_iso
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.text import PHONE_MASK, fold, mask_personal_data

NAME_MASK = "[họ tên đã ẩn]"
_WORD = re.compile(r"\w+")


def iso_local(moment: datetime | None) -> str | None:
    """ISO 8601 in Vietnam's time (+07:00), or None for a time not set."""
    return local_iso(moment) if moment else None


def mask_reporter(text: str, reporter: Reporter) -> str:
    """Hide the reporter's full name (with or without accents, any case) and phone number in free text.

    Only names of two words or more are searched: a one-word name ("An")
    would also be an everyday word.
    """
    words = fold(reporter.name).split()
    if len(words) >= 2:
        spans = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
        parts, last, i, k = [], 0, 0, len(words)
        while i + k <= len(spans):
            if [w for _, _, w in spans[i:i + k]] == words:
                parts += [text[last:spans[i][0]], NAME_MASK]
                last, i = spans[i + k - 1][1], i + k
            else:
                i += 1
        text = "".join([*parts, text[last:]])
    digits = reporter.phone.lstrip("+")
    national = "0" + digits[2:] if digits.startswith("84") else digits
    for number in {digits, national}:
        text = re.sub(r"(?<!\d)\+?" + r"[\s.\-]?".join(number) + r"(?!\d)", PHONE_MASK, text)
    return text


def public_text(text: str, report: Report) -> str:
    """Free text fit for the public: typed-in phones and e-mails masked, and the reporter's name and number."""
    return mask_reporter(mask_personal_data(text), report.reporter)


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
        "text": public_text(report.result.get("text", ""), report),
        # What was done and the fine's amount; the officer's notes may name the people involved: staff only.
        "enforcement": [{k: e[k] for k in ("type", "amount_vnd") if k in e}
                        for e in report.result.get("enforcement", [])],
        "submitted_at": report.result.get("submitted_at"),
    }


def public_rejection(report: Report) -> dict[str, Any] | None:
    """Why a report was rejected, in words fit for the public."""
    if report.status != "rejected" or not report.rejection:
        return None
    return {
        "reason_code": report.rejection.get("reason_code"),
        "public_reason": public_text(report.rejection.get("public_reason", ""), report),
        "duplicate_of": report.rejection.get("duplicate_of"),
    }


def public_view(profile: ProvinceProfile, report: Report) -> dict[str, Any]:
    """What anyone may see: never the reporter, and masked free text."""
    place = _place(profile, report)
    place["address"] = public_text(place["address"], report) if place["address"] else None
    return {
        "id": report.id,
        "status": report.status,
        "round": report.round,
        "category": _category(profile, report.category),
        "description": public_text(report.description, report),
        "location": place,
        "agency": _agency(profile, report.agency_id),
        "received_at": iso_local(report.received_at),
        "due_at": iso_local(report.due_at),
        "original_due_at": iso_local(report.original_due_at),
        "result": public_result(report),
        "rejection": public_rejection(report),
        "rating": report.feedback.get("rating") if report.feedback else None,
    }


def staff_view(
    profile: ProvinceProfile, report: Report, history: list[AuditEntry], with_reporter: bool = True
) -> dict[str, Any]:
    """The full report for staff; the reporter's contact only for the IOC and the assigned agency."""
    return {
        **reporter_view(profile, report, history),
        "reporter": {"name": report.reporter.name, "phone": report.reporter.phone} if with_reporter else None,
        "escalation_level": report.escalation_level,
        "version": report.version,
        "result": report.result,
        "return_request": report.return_request,
        "extension_request": report.extension_request,
        "extensions": report.extensions,
        "rejection": report.rejection,
        "feedback": report.feedback,
        "published_at": iso_local(report.published_at),
        "closed_at": iso_local(report.closed_at),
        "assigned_at": iso_local(report.assigned_at),
        "previous_rounds": report.extra.get("rounds", []),
        "history": [history_entry(e, with_actor=True) for e in history],
    }
