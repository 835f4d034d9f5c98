"""Pieces every audience's view shares: place, agency, category, history rows, the public result."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.calendar import iso_local
from chalicelib.rules.privacy import public_text
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import AuditEntry, Report


def place(profile: ProvinceProfile, report: Report) -> dict[str, Any]:
    ward = profile.ward(report.ward_code) if report.ward_code else None
    return {
        "lat": report.lat,
        "lng": report.lng,
        "address": report.address,
        "ward_code": report.ward_code,
        "ward_name": ward.name if ward else None,
    }


def agency(profile: ProvinceProfile, agency_id: str) -> dict[str, Any]:
    found = profile.agency(agency_id)
    if found is None:
        return {"id": agency_id, "name": agency_id, "name_en": agency_id}
    return {"id": agency_id, "name": found.name_vi, "name_en": found.name_en}


def category(profile: ProvinceProfile, code: str) -> dict[str, Any]:
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


def public_merge(report: Report) -> dict[str, Any] | None:
    """Why a merged report ended: the surviving report's id and the public reason that links it."""
    merge = report.extra.get("merge") if report.status == "merged" else None
    if not isinstance(merge, dict):
        return None
    return {"into": merge.get("into"), "public_reason": merge.get("public_reason", ""),
            "public_reason_en": merge.get("public_reason_en", "")}


def page(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    """One page of a list and the cursor to the next (None at the end)."""
    return {"items": items, "next_cursor": next_cursor}
