"""What a reporter is told about their personal data: what is held and why, and what an erase removed and kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.rules import messages
from chalicelib.rules.calendar import iso_local
from chalicelib.rules.report import Report
from chalicelib.rules.retention import held


def _text(key: str, **values: Any) -> dict[str, str]:
    vi, en = messages.RETENTION[key]
    return {"vi": vi.format(**values), "en": en.format(**values)}


def my_data(report: Report, due: datetime | None, months: int) -> dict[str, Any]:
    """GET /reports/{id}/my-data: the contact held, why, and until when (the retention rule's date)."""
    data = held(report)
    if data["anonymised"]:
        kept = _text("already_anonymised")
    elif due is None:
        kept = _text("kept_while_open", months=months)
    else:
        kept = _text("kept_until", until=due.date().isoformat(), months=months)
    return {"id": report.id, "status": report.status, "held": data, "purpose": _text("purpose"),
            "kept_until": iso_local(due) if due and not data["anonymised"] else None, "retention": kept}


def erased(before: Report, after: Report, erased_now: bool, merged_into: str | None,
           supports: int = 0) -> dict[str, Any]:
    """POST /reports/{id}/erase: what was removed (nothing when it was already done) and what is kept, and why."""
    removed: list[dict[str, str]] = []
    if erased_now:
        removed.append(_text("removed_name"))
        if before.reporter.phone:
            removed.append(_text("removed_phone"))
        if before.reporter.email:
            removed.append(_text("removed_email"))
        removed.append(_text("removed_in_text"))
        if merged_into:
            removed.append(_text("removed_merge_support", into=merged_into))
        direct = supports - (1 if merged_into else 0)  # the "me too"s the phone gave, beside the merged one
        if direct > 0:
            removed.append(_text("removed_supports", n=direct))
    kept = [_text("kept_case"), _text("kept_token"), _text("kept_history")]
    return {"id": after.id, "status": after.status, "erased": erased_now,
            "note": None if erased_now else _text("already_anonymised"), "removed": removed, "kept": kept,
            "supports_anonymised": supports, "held": held(after)}
