"""What the staff directory answers (`/staff/directory/...`, the province admin only)."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.calendar import iso_local
from chalicelib.rules.directory import DirectoryAudit, StaffEntry


def staff_entry(entry: StaffEntry) -> dict[str, Any]:
    return {
        "username": entry.username,
        "email": entry.email,
        "name": entry.name,
        "role": entry.role,
        "agency_id": entry.agency_id,
        "enabled": entry.enabled,
        "status": entry.status,
        "updated_at": iso_local(entry.updated_at),
    }


def directory_page(entries: list[StaffEntry], next_cursor: str | None) -> dict[str, Any]:
    return {"items": [staff_entry(e) for e in entries], "next_cursor": next_cursor}


def directory_change(action: str, entry: StaffEntry, *, created: bool = True,
                     tokens_refused_before: Any = None) -> dict[str, Any]:
    """A change done: what it was, the user now, and since when their older sign-ins are refused."""
    return {
        "action": action,
        "created": created,
        "user": staff_entry(entry),
        "tokens_refused_before": iso_local(tokens_refused_before),
    }


def audit_row(row: DirectoryAudit) -> dict[str, Any]:
    return {"at": iso_local(row.at), "actor": row.actor, "action": row.action, "username": row.username,
            "role": row.role, "agency_id": row.agency_id, "enabled": row.enabled, "note": row.note}


def audit_month(month: str, rows: list[DirectoryAudit]) -> dict[str, Any]:
    return {"month": month, "items": [audit_row(r) for r in rows]}


def reconciled(written: tuple[str, ...], dropped: tuple[str, ...], unchanged: int) -> dict[str, Any]:
    return {"written": list(written), "dropped": list(dropped), "unchanged": unchanged}
