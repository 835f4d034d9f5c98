"""Media by audience: an upload offer, the reporter's list, staff's full record, the public's renditions."""

from __future__ import annotations

from typing import Any

from chalicelib.ports import MediaRecord, PresignedPost
from chalicelib.rules.calendar import iso_local
from chalicelib.rules.media import UploadPlan, rejection_text

STAFF_FIELDS = ("media_id", "kind", "purpose", "status", "declared_type", "detected_type",
                "size", "width", "height")


def upload_offer(media_id: str, plan: UploadPlan, purpose: str, post: PresignedPost) -> dict[str, Any]:
    """Where the client POSTs one file, what S3 will accept, and for how long the signature holds."""
    return {"media_id": media_id, "kind": plan.kind, "purpose": purpose, "url": post.url, "fields": post.fields,
            "max_bytes": plan.max_bytes, "expires_in": post.expires_in}


def reporter_item(m: MediaRecord) -> dict[str, Any]:
    return {"media_id": m["media_id"], "kind": m["kind"], "status": m["status"], "reason": m.get("reason")}


def rendition(r: dict[str, Any], url: str) -> dict[str, Any]:
    return {"name": r["name"], "width": r["width"], "height": r["height"], "content_type": r["content_type"],
            "url": url}


def staff_item(m: MediaRecord, original_url: str | None, renditions: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything staff may see of one upload: state, a rejection's reason, EXIF facts, links when ready.

    Once the retention rule deleted the original, `original_url` is null and `original_removed_at` says
    when; the EXIF facts and the renditions stay.
    """
    item: dict[str, Any] = {k: m.get(k) for k in STAFF_FIELDS}
    item.update(created_at=iso_local(m.get("created_at")), updated_at=iso_local(m.get("updated_at")))
    if m["status"] == "rejected":
        item.update(rejection_text(m.get("reason") or "corrupt_file"))
    if m["status"] == "ready":
        item["exif"] = dict(m.get("exif") or {})
        item["original_url"] = original_url
        item["renditions"] = renditions
        if m.get("original_removed_at"):
            item["original_removed_at"] = iso_local(m["original_removed_at"])
    return item


def public_photo(m: MediaRecord, renditions: list[dict[str, Any]]) -> dict[str, Any]:
    """A ready photo for the public: renditions only, no original, no file facts."""
    return {"media_id": m["media_id"], "purpose": m.get("purpose", "report"), "renditions": renditions}
