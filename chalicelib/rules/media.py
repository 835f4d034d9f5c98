"""What may be uploaded to a report, and where it lands."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.rules.errors import Conflict, InvalidInput

MB = 1024 * 1024
PHOTO_TYPES: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
}
VIDEO_TYPES: dict[str, str] = {"video/mp4": "mp4", "video/quicktime": "mov"}
MAX_PHOTO_BYTES = 15 * MB
MAX_VIDEO_BYTES = 100 * MB
MAX_PHOTOS = 5
MAX_VIDEOS = 1


@dataclass(frozen=True)
class UploadPlan:
    """An accepted upload: its kind, the exact content type and byte limit the POST policy enforces."""

    kind: str  # "photo" | "video"
    content_type: str
    max_bytes: int


def plan_upload(content_type: str, declared_size: int | None, existing_kinds: list[str]) -> UploadPlan:
    """Accept one more photo (<= 15 MB, at most 5) or video (<= 100 MB, at most 1) for a report."""
    ct = (content_type or "").strip().lower()
    if ct in PHOTO_TYPES:
        kind, limit, most = "photo", MAX_PHOTO_BYTES, MAX_PHOTOS
    elif ct in VIDEO_TYPES:
        kind, limit, most = "video", MAX_VIDEO_BYTES, MAX_VIDEOS
    else:
        raise InvalidInput(
            "unsupported_media_type", "content_type", value=content_type,
            choices=", ".join([*PHOTO_TYPES, *VIDEO_TYPES]),
        )
    if declared_size is not None and declared_size > limit:
        raise InvalidInput("media_too_large", "size", max=limit // MB)
    if existing_kinds.count(kind) >= most:
        raise Conflict("media_limit_reached", "content_type", max=most, kind=kind)
    return UploadPlan(kind=kind, content_type=ct, max_bytes=limit)


def raw_key(report_id: str, media_id: str) -> str:
    """Where an upload lands; the thumbnailer listens under raw/."""
    return f"raw/{report_id}/{media_id}"


def thumbs_prefix(report_id: str, media_id: str) -> str:
    return f"thumbs/{report_id}/{media_id}/"
