"""What may be uploaded to a report, and where it lands."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.rules import messages
from chalicelib.rules.errors import Conflict, InvalidInput
from chalicelib.rules.report import OPEN_STATES

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
MEDIA_LIMITS: dict[str, int] = {"photo": MAX_PHOTOS, "video": MAX_VIDEOS}  # per report and purpose
# What a result may name as its evidence is what the agency may upload as evidence: one number for both
# (rules/actions.py checks `media_ids` against it).
MAX_EVIDENCE = sum(MEDIA_LIMITS.values())


@dataclass(frozen=True)
class UploadPlan:
    """An accepted upload: its kind, the exact content type and byte limit the POST policy enforces.

    `max_bytes` is the declared size when one was declared (S3 refuses anything larger, and the thumbnailer
    checks it again), else the kind's cap; `limit` is how many uploads of this kind a report may hold per
    purpose, which the store enforces with a conditional write when it reserves the slot.
    """

    kind: str  # "photo" | "video"
    content_type: str
    max_bytes: int
    limit: int = MAX_PHOTOS
    declared_size: int | None = None


def plan_upload(content_type: str, declared_size: int | None) -> UploadPlan:
    """Accept one more photo (<= 15 MB, at most 5) or video (<= 100 MB, at most 1) for a report.

    The count is not checked here: two requests read the same count at once, so the store reserves the
    slot atomically (`MediaRecordsPort.reserve`) and the service turns a full one into `limit_reached`.
    """
    ct = (content_type or "").strip().lower()
    if ct in PHOTO_TYPES:
        kind, cap = "photo", MAX_PHOTO_BYTES
    elif ct in VIDEO_TYPES:
        kind, cap = "video", MAX_VIDEO_BYTES
    else:
        raise InvalidInput(
            "unsupported_media_type", "content_type", value=content_type,
            choices=", ".join([*PHOTO_TYPES, *VIDEO_TYPES]),
        )
    if declared_size is not None and declared_size > cap:
        raise InvalidInput("media_too_large", "size", max=cap // MB)
    return UploadPlan(kind=kind, content_type=ct, max_bytes=declared_size or cap, limit=MEDIA_LIMITS[kind],
                      declared_size=declared_size or None)


def limit_reached(plan: UploadPlan) -> Conflict:
    """The 409 for a report that already holds its `limit` of this kind."""
    return Conflict("media_limit_reached", "content_type", max=plan.limit, kind=plan.kind)


def check_citizen_uploads(status: str) -> None:
    """A citizen adds photos or videos only while the report is open: 409 naming its state once it is
    published, closed or rejected (what is public then has been seen by staff)."""
    if status not in OPEN_STATES:
        raise Conflict("uploads_closed", "status", state=status)


def check_stored_size(kind: str, size: int, declared_size: int | None) -> None:
    """The stored object against the kind's cap and the size declared for its slot (MediaRejected if over)."""
    if size > max_bytes_for(kind):
        raise MediaRejected("file_too_large", f"{size} bytes")
    if declared_size and size > declared_size:
        raise MediaRejected("larger_than_declared", f"{size} > {declared_size} bytes")


def raw_key(report_id: str, media_id: str) -> str:
    """Where an upload lands; the thumbnailer listens under raw/."""
    return f"raw/{report_id}/{media_id}"


def raw_prefix(report_id: str) -> str:
    """Every upload of a report, whichever media record it belongs to (the retention rule deletes them)."""
    return f"raw/{report_id}/"


def thumbs_prefix(report_id: str, media_id: str) -> str:
    return f"thumbs/{report_id}/{media_id}/"


# -- after the upload: what the thumbnailer decides ---------------------------

MAX_PHOTO_PIXELS = 50_000_000  # a 48-50 MP phone photo passes; beyond that decoding alone costs too much memory
RENDITION_SIZES: tuple[int, ...] = (1280, 320)  # long side in px, largest first: one decode covers them all
STAFF_LINK_SECONDS = 300
PUBLIC_LINK_SECONDS = 3600

# reason code -> (Vietnamese, English): what the citizen or the officer reads next to a rejected file;
# the texts are the REJECTIONS group of rules/messages.py, filled with this module's limits.
REJECTIONS: dict[str, tuple[str, str]] = {
    code: (vi.format(megapixels=MAX_PHOTO_PIXELS // 1_000_000), en.format(megapixels=MAX_PHOTO_PIXELS // 1_000_000))
    for code, (vi, en) in messages.REJECTIONS.items()
}


class MediaRejected(Exception):
    """An upload refused for a reason a person can read; `code` is a key of REJECTIONS."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def rejection_text(code: str) -> dict[str, str]:
    """The bilingual sentence for a rejection code (unknown codes read as a corrupt file)."""
    vi, en = REJECTIONS.get(code, REJECTIONS["corrupt_file"])
    return {"reason": code, "message": vi, "message_en": en}


def parse_raw_key(key: str) -> tuple[str, str] | None:
    """(report_id, media_id) of an upload key `raw/{report_id}/{media_id}`; None for anything else."""
    parts = key.split("/")
    if len(parts) != 3 or parts[0] != "raw" or not parts[1] or not parts[2]:
        return None
    if any(not p.replace("-", "").replace("_", "").isalnum() for p in parts[1:]):
        return None
    return parts[1], parts[2]


def rendition_key(report_id: str, media_id: str, name: str, ext: str) -> str:
    """Where a rendition lives: beside its siblings, never under raw/ (that would trigger us again)."""
    return f"{thumbs_prefix(report_id, media_id)}{name}.{ext}"


def max_bytes_for(kind: str) -> int:
    """The byte cap the POST policy already enforced, checked again on the stored object."""
    return MAX_VIDEO_BYTES if kind == "video" else MAX_PHOTO_BYTES


def target_size(width: int, height: int, long_side: int) -> tuple[int, int]:
    """Fit (width, height) into a square of `long_side`, never enlarging, never below 1 px."""
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))
