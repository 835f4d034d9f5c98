"""The image codec: tell what an upload really is from its bytes, and re-draw photos as small, clean renditions.

Everything uploaded is hostile until proven otherwise, so:
- the type comes from magic numbers, never from the file name or the declared Content-Type;
- only JPEG, PNG, WebP and HEIC/HEIF photos (MP4/MOV videos) pass, and Pillow is told so (`formats=`);
- Pillow's decompression-bomb warning is an error here, and pixels and bytes are capped before decoding;
- renditions are re-encoded from pixels alone: no EXIF, XMP, comment or ICC profile survives, colours are
  converted to sRGB first; GPS position and capture time are read out before, for staff eyes only;
- a JPEG is decoded once, at the smallest DCT scale that still covers the largest rendition (`Image.draft`),
  and every rendition comes from that one decode.

Every failure of a hostile file ends as `MediaRejected(code)`, never as another exception. Pillow and
pillow-heif are imported on first use, so importing this module costs nothing at cold start.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from chalicelib.rules.media import (
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    MAX_VIDEO_BYTES,
    RENDITION_SIZES,
    MediaRejected,
    target_size,
)

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "Photo",
    "Rendition",
    "Sniffed",
    "check_video",
    "exif_datetime",
    "gps_decimal",
    "make_renditions",
    "sniff",
]

# One format for renditions: WebP is read by every browser and in-app WebView we serve (Android since 4.x,
# Safari since iOS 14) and is about a third smaller than JPEG at the same quality, which counts on the
# citizens' mobile data; one format also halves the PUTs and the links. Add ("JPEG", ...) here if an old
# client ever needs it: the service stores whatever renditions this list yields.
RENDITION_FORMATS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("WEBP", "webp", "image/webp", {"quality": 80, "method": 4}),
)
MAX_ICC_BYTES = 256 * 1024
MAX_VIDEO_BOXES = 64
HEAD_BYTES = 64

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VP",
    b"MSNV", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"3g2b", b"mmp4", b"XAVC", b"dash",
}
_MOV_BRANDS = {b"qt  "}
_SEEN_UNSUPPORTED: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"), (b"PK\x03\x04", "ZIP"), (b"\x00\x00\x01\x00", "ICO"), (b"8BPS", "PSD"),
    (b"\xff\x0a", "JPEG XL"), (b"\x00\x00\x00\x0cJXL ", "JPEG XL"), (b"Rar!", "RAR"), (b"\x1f\x8b", "GZIP"),
)
_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270",
              7: "TRANSVERSE", 8: "ROTATE_90"}


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes say: `kind` photo|video, or None with `label` naming what it is instead."""

    kind: str | None
    mime: str = ""
    pil_format: str = ""
    label: str = ""

    @property
    def supported(self) -> bool:
        return self.kind is not None


@dataclass(frozen=True)
class Rendition:
    """One re-encoded picture: pixels only, no metadata."""

    name: str  # the long-side size it was made for, e.g. "1280"
    ext: str
    content_type: str
    width: int
    height: int
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Photo:
    """A photo that passed: its real type, upright size, renditions, and the staff-only EXIF facts."""

    detected_type: str
    width: int
    height: int
    renditions: list[Rendition]
    exif: dict[str, Any] = field(default_factory=dict)


# -- identification -------------------------------------------------------------


def sniff(head: bytes) -> Sniffed:
    """Identify a file by its magic numbers (the first 64 bytes are enough); names and headers are not asked."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("photo", "image/jpeg", "JPEG")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("photo", "image/png", "PNG")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("photo", "image/webp", "WEBP")
    if head[4:8] == b"ftyp":
        return _sniff_ftyp(head)
    for magic, label in _SEEN_UNSUPPORTED:
        if head.startswith(magic):
            return Sniffed(None, label=label)
    return Sniffed(None, label="unknown")


def _sniff_ftyp(head: bytes) -> Sniffed:
    """ISO base media files (HEIC, MP4, MOV, AVIF) all open with an `ftyp` box naming their brands."""
    (box_size,) = struct.unpack(">I", head[:4])
    major = head[8:12]
    compatible = {head[i:i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    if major in _AVIF_BRANDS or (major in {b"mif1", b"msf1"} and compatible & _AVIF_BRANDS):
        return Sniffed(None, label="AVIF")
    if major in _HEIF_BRANDS:
        return Sniffed("photo", "image/heic" if major.startswith((b"hei", b"hev")) else "image/heif", "HEIF")
    if major in _MOV_BRANDS:
        return Sniffed("video", "video/quicktime")
    if major in _MP4_BRANDS:
        return Sniffed("video", "video/mp4")
    return Sniffed(None, label="ISO media")


def _rejection_for(sniffed: Sniffed, wanted: str) -> MediaRejected:
    """Why a sniffed file is not the `wanted` kind: unknown bytes, another kind, or a format off the list."""
    if sniffed.kind is None and sniffed.label != "unknown":
        return MediaRejected("unsupported_format", sniffed.label)
    return MediaRejected("not_an_image" if wanted == "photo" else "not_a_video", sniffed.mime or sniffed.label)


# -- photos ---------------------------------------------------------------------


@cache
def _pil() -> Any:
    """Pillow, imported on the first photo (not at cold start)."""
    from PIL import Image

    return Image


@cache
def _heif_ready() -> bool:
    """Teach Pillow HEIC/HEIF on the first one seen; embedded thumbnails ignored (they may show another picture)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - pillow-heif is a runtime requirement
        return False
    register_heif_opener(thumbnails=False, depth_images=False, aux_images=False, decode_threads=1)
    return True


def make_renditions(data: bytes, sizes: tuple[int, ...] = RENDITION_SIZES, max_bytes: int = MAX_PHOTO_BYTES,
                    max_pixels: int = MAX_PHOTO_PIXELS) -> Photo:
    """Renditions of a photo for each long-side size, from one decode; MediaRejected for anything hostile."""
    if not data:
        raise MediaRejected("empty_file")
    if len(data) > max_bytes:
        raise MediaRejected("file_too_large", f"{len(data)} bytes")
    sniffed = sniff(data[:HEAD_BYTES])
    if sniffed.kind != "photo":
        raise _rejection_for(sniffed, "photo")
    if sniffed.pil_format == "HEIF" and not _heif_ready():
        raise MediaRejected("unsupported_format", "HEIF decoder missing")
    pil = _pil()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # Pillow's remarks on odd metadata: not our verdict
            warnings.simplefilter("error", pil.DecompressionBombWarning)
            return _render(data, sniffed, sizes, max_pixels)
    except MediaRejected:
        raise
    except (pil.DecompressionBombError, pil.DecompressionBombWarning, MemoryError) as exc:
        raise MediaRejected("image_too_large", str(exc)) from None
    except Exception as exc:  # a hostile file may trip any error in a decoder: it is the file's fault
        raise MediaRejected("corrupt_file", f"{type(exc).__name__}: {exc}") from None


def _render(data: bytes, sniffed: Sniffed, sizes: tuple[int, ...], max_pixels: int) -> Photo:
    pil = _pil()
    im = pil.open(io.BytesIO(data), formats=[sniffed.pil_format])
    width, height = im.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise MediaRejected("image_too_large", f"{width}x{height}")
    largest = target_size(width, height, max(sizes))
    im.draft(None, largest)  # JPEG: decode at 1/2, 1/4 or 1/8 scale when that still covers `largest`
    im.load()  # before reading EXIF: a PNG's eXIf may follow its pixels, and a failed load must not be retried
    orientation, exif = _read_exif(im)
    icc = im.info.get("icc_profile")
    pixels = _to_8bit(im)
    del im
    # Resample one axis at a time, dropping the decode in between: the same two passes Pillow makes inside
    # one resize(), without holding the decode, the intermediate and the result at once (peak -20 %).
    if pixels.width != largest[0]:
        pixels = pixels.resize((largest[0], pixels.height), pil.Resampling.BICUBIC)
    if pixels.height != largest[1]:
        pixels = pixels.resize(largest, pil.Resampling.BICUBIC)
    big = _upright(_to_srgb(pixels, icc), orientation)
    del pixels
    renditions: list[Rendition] = []
    current = big
    for size in sorted(sizes, reverse=True):
        want = target_size(big.width, big.height, size)
        if current.size != want:
            current = current.resize(want, pil.Resampling.BICUBIC, reducing_gap=2.0)
        current.info = {}  # pixels only: no exif, icc_profile, xmp, comment, dpi carried by resize/copy
        for fmt, ext, content_type, options in RENDITION_FORMATS:
            out = io.BytesIO()
            current.save(out, fmt, **options)
            renditions.append(Rendition(str(size), ext, content_type, current.width, current.height, out.getvalue()))
    upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    return Photo(sniffed.mime, *upright, renditions, exif)


def _to_8bit(im: Image.Image) -> Image.Image:
    """Modes a rendition can start from: RGB, RGBA, L or CMYK (16-bit scaled down, palettes expanded)."""
    mode = im.mode
    if mode in ("RGB", "RGBA", "L", "CMYK"):
        return im
    if mode.startswith("I;16") or mode == "I":
        return im.point(lambda v: v * (1 / 257)).convert("L")
    if mode == "F":
        return im.point(lambda v: v * 255).convert("L")
    if mode in ("LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in im.info):
        return im.convert("RGBA")
    return im.convert("RGB")


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Colours converted to sRGB through the embedded profile when there is one worth trusting, then RGB(A)."""
    target_mode = "RGBA" if im.mode == "RGBA" else "RGB"
    if icc and len(icc) <= MAX_ICC_BYTES:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if "srgb" not in (ImageCms.getProfileDescription(source) or "").lower():
                srgb = ImageCms.createProfile("sRGB")
                return ImageCms.profileToProfile(im, source, srgb, outputMode=target_mode)
        except Exception:  # a broken or mismatched profile: fall back to the plain conversion
            pass
    if im.mode == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
        target_mode = "RGB"  # opaque alpha costs bytes and nothing else
    return im if im.mode == target_mode else im.convert(target_mode)


def _upright(im: Image.Image, orientation: int) -> Image.Image:
    """Apply the EXIF orientation to the pixels, since the renditions carry no EXIF to say it."""
    method = _TRANSPOSE.get(orientation)
    return im.transpose(getattr(_pil().Transpose, method)) if method else im


def _read_exif(im: Image.Image) -> tuple[int, dict[str, Any]]:
    """Orientation, and GPS position and capture time (staff only); garbage EXIF is ignored, not fatal."""
    from PIL.ExifTags import IFD

    try:
        exif = im.getexif()
        gps, details = exif.get_ifd(IFD.GPSInfo), exif.get_ifd(IFD.Exif)
        orientation = exif.get(_ORIENTATION_TAG, 1)
        facts: dict[str, Any] = {}
        lat, lng = gps_decimal(gps.get(1), gps.get(2)), gps_decimal(gps.get(3), gps.get(4))
        if lat is not None and lng is not None and abs(lat) <= 90 and abs(lng) <= 180:
            facts.update(lat=round(lat, 6), lng=round(lng, 6))
        taken = exif_datetime(details.get(0x9003) or exif.get(0x0132), details.get(0x9011))
        if taken:
            facts["taken_at"] = taken
    except Exception:
        return 1, {}
    return (orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else 1), facts


def gps_decimal(ref: Any, dms: Any) -> float | None:
    """EXIF degrees/minutes/seconds and an N/S/E/W reference as signed decimal degrees; None if malformed."""
    try:
        degrees, minutes, seconds = (float(part) for part in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(value) or min(degrees, minutes, seconds) < 0:
        return None
    ref = ref.decode("ascii", "replace") if isinstance(ref, bytes) else str(ref or "")
    ref = ref.strip("\x00 ").upper()
    if ref not in ("N", "S", "E", "W"):
        return None
    return -value if ref in ("S", "W") else value


def exif_datetime(value: Any, offset: Any = None) -> str | None:
    """EXIF 'YYYY:MM:DD HH:MM:SS' (plus '+07:00' when the camera said) as ISO 8601; None if malformed."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    text = stamp.isoformat()
    if isinstance(offset, bytes):
        offset = offset.decode("ascii", "replace")
    if isinstance(offset, str):
        offset = offset.strip("\x00 ")
        try:
            return datetime.fromisoformat(text + offset).isoformat()
        except ValueError:
            pass
    return text


# -- videos ---------------------------------------------------------------------


def check_video(size: int, read_at: Callable[[int, int], bytes], max_bytes: int = MAX_VIDEO_BYTES) -> str:
    """The real type of a video kept as is: a sane ISO media box chain covering exactly `size` bytes.

    Reads box headers only (`read_at(offset, length)`, a few ranged reads), never the whole file.
    """
    if size <= 0:
        raise MediaRejected("empty_file")
    if size > max_bytes:
        raise MediaRejected("file_too_large", f"{size} bytes")
    head = read_at(0, min(size, 64 * 1024))
    sniffed = sniff(head[:HEAD_BYTES])
    if sniffed.kind != "video":
        raise _rejection_for(sniffed, "video")
    seen: set[bytes] = set()
    offset = boxes = 0
    while offset < size and boxes < MAX_VIDEO_BOXES:
        header = head[offset:offset + 16] if offset + 16 <= len(head) else read_at(offset, min(16, size - offset))
        box_type, box_size = _box_header(header, size - offset)
        seen.add(box_type)
        offset += box_size
        boxes += 1
    if offset > size or (offset < size and boxes < MAX_VIDEO_BOXES):
        raise MediaRejected("corrupt_file", f"boxes end at {offset} of {size}")
    if not seen & {b"moov", b"moof"}:
        raise MediaRejected("corrupt_file", "no movie header")
    return sniffed.mime


def _box_header(header: bytes, remaining: int) -> tuple[bytes, int]:
    """(type, size) of the box starting `header`; a size of 0 means 'to the end of the file'."""
    if len(header) < 8:
        raise MediaRejected("corrupt_file", "truncated box")
    box_size, box_type = struct.unpack(">I4s", header[:8])
    if not all(32 <= c < 127 for c in box_type):
        raise MediaRejected("corrupt_file", "not a box")
    if box_size == 1:
        if len(header) < 16:
            raise MediaRejected("corrupt_file", "truncated box")
        (box_size,) = struct.unpack(">Q", header[8:16])
        if box_size < 16:
            raise MediaRejected("corrupt_file", "box too small")
    elif box_size == 0:
        box_size = remaining
    elif box_size < 8:
        raise MediaRejected("corrupt_file", "box too small")
    return box_type, box_size
