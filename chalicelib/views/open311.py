"""What an Open311 GeoReport v2 client reads: discovery, services, a service's definition, requests, tokens, errors.

Every id, code and key is a string. A request is what the public pages show of a report, in Open311's words:
the reporter never (no name, phone or e-mail in any field), the description, the address and the result masked
by `rules.privacy.public_text`, a reopened report's last published round (`rules.rounds.public_round`).
Texts people read are Vietnamese first, then English (`vi / en`); service names are Vietnamese.
"""

from __future__ import annotations

from typing import Any

from chalicelib.rules import messages, open311
from chalicelib.rules.calendar import iso_local
from chalicelib.rules.errors import DomainError
from chalicelib.rules.privacy import public_text
from chalicelib.rules.profile import Category, ProvinceProfile
from chalicelib.rules.report import Report
from chalicelib.views.common import public_rejection, public_result


def _both(key: str, vi: dict[str, Any], en: dict[str, Any]) -> str:
    text_vi, text_en = messages.OPEN311[key]
    return f"{text_vi.format(**vi)} / {text_en.format(**en)}"


def _contact(profile: ProvinceProfile) -> str:
    vi, _ = messages.OPEN311["contact"]
    return profile.open311.contact_email or vi.format(hotline=profile.hotline, url=profile.public_base_url)


def discovery(profile: ProvinceProfile, base_url: str) -> dict[str, Any]:
    """discovery.{json,xml}: where the endpoint is, which specification and formats, whom to ask for a key."""
    contact = _contact(profile)
    return {
        "changeset": open311.CHANGESET,
        "contact": contact,
        "key_service": _both("key_service", {"contact": contact}, {"contact": contact}),
        "endpoints": [{"specification": open311.SPECIFICATION, "url": base_url, "changeset": open311.CHANGESET,
                       "type": "production", "formats": sorted(open311.FORMATS.values())}],
    }


def service(profile: ProvinceProfile, category: Category) -> dict[str, Any]:
    """One service: an active category (its code, its Vietnamese name, what a POST needs)."""
    return {
        "service_code": category.code,
        "service_name": category.name_vi,
        "description": _both("service_description", {"name": category.name_vi}, {"name": category.name_en}),
        "metadata": bool(open311.ATTRIBUTES),
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([category.code.replace("-", " "), category.name_en.lower()])),
        "group": profile.name_vi,
    }


def service_definition(category: Category) -> dict[str, Any]:
    """services/{code}: the attributes a POST may add (`attribute[code]`)."""
    attributes = []
    for a in open311.ATTRIBUTES:
        vi, en = messages.OPEN311[a.description_key]
        attributes.append({"variable": True, "code": a.code, "datatype": a.datatype, "required": a.required,
                           "datatype_description": en, "order": a.order, "description": f"{vi} / {en}",
                           "values": []})
    return {"service_code": category.code, "attributes": attributes}


def posted(profile: ProvinceProfile, receipt: dict[str, Any], token: str, account_id: str | None) -> dict[str, Any]:
    """The answer to a POST, from the intake's receipt: the request's id, a token to follow it, what happens next."""
    handler = profile.agency(receipt["agency_id"])
    due = str(receipt.get("due_at") or "")[:10]
    notice = _both("service_notice", {"agency": handler.name_vi if handler else receipt["agency_id"], "due": due},
                   {"agency": handler.name_en if handler else receipt["agency_id"], "due": due})
    if receipt.get("urgent"):
        n = profile.emergency_numbers
        numbers = {"police": n.police, "fire": n.fire, "ambulance": n.ambulance}
        notice = f"{_both('urgent_notice', numbers, numbers)} {notice}"
    return {"service_request_id": receipt["id"], "token": token, "service_notice": notice, "account_id": account_id}


def token_item(report_id: str, token: str) -> dict[str, Any]:
    """tokens/{token}: the request the token stands for."""
    return {"service_request_id": report_id, "token": token}


def service_request(profile: ProvinceProfile, report: Report, media_url: str | None = None) -> dict[str, Any]:
    """One request as anyone may read it: never the reporter, free text masked, the shown round's result."""
    shown = open311.shown_round(report)
    category = profile.any_category(report.category)
    handler = profile.agency(shown.agency_id)
    result, rejection = public_result(shown), public_rejection(report)
    notes = result["text"] if result else (rejection["public_reason"] if rejection else None)
    return {
        "service_request_id": report.id,
        "status": open311.status_of(report),
        "status_notes": notes,
        "service_name": category.name_vi if category else report.category,
        "service_code": report.category,
        "description": public_text(report.description, report),
        "agency_responsible": handler.name_vi if handler else shown.agency_id,
        "service_notice": None,
        "requested_datetime": iso_local(report.received_at),
        "updated_datetime": iso_local(report.updated_at),
        "expected_datetime": iso_local(shown.due_at) if report.is_open else None,
        "address": public_text(report.address, report) if report.address else None,
        "address_id": report.ward_code,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lng,
        "media_url": media_url,
    }


def error_item(error: DomainError) -> dict[str, Any]:
    """One error as the specification has it: `code` (the HTTP status, a string) and a description to read."""
    where = f"{error.field}: " if error.field else ""
    return {"code": str(error.status), "description": f"{where}{error.message} / {error.message_en}"}


def key_issued(key_id: str, name: str, api_key: str, created_at: Any) -> dict[str, Any]:
    """A new key, shown this once (only its digest is kept)."""
    return {"key_id": key_id, "name": name, "api_key": api_key, "created_at": iso_local(created_at)}


def key_entry(key_id: str, name: str, created_at: Any, created_by: str, revoked_at: Any,
              report_ids: list[str]) -> dict[str, Any]:
    """A key in the admin's list: never the key, its reports by id."""
    return {"key_id": key_id, "name": name, "created_at": iso_local(created_at), "created_by": created_by,
            "revoked_at": iso_local(revoked_at), "report_count": len(report_ids), "report_ids": sorted(report_ids)}
