"""Photo rendering: re-draw an accepted photo as small, clean WebP renditions with Pillow.

- Pillow is told the one format the bytes were sniffed as (`formats=`), so no other decoder ever runs;
- Pillow's decompression-bomb warning is an error here, and pixels and bytes are capped before decoding;
- renditions are re-encoded from pixels alone: no EXIF, XMP, comment or ICC profile survives, colours are
  converted to sRGB first; GPS position and capture time are read out before (see `exif`), for staff only;
- a JPEG is decoded once, at the smallest DCT scale that still covers the largest rendition (`Image.draft`),
  and every rendition comes from that one decode.

Every failure of a hostile file ends as `MediaRejected(code)`, never as another exception. Pillow and
pillow-heif are imported on the first photo, so importing this module costs nothing at cold start.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.imaging.exif import read_exif
from chalicelib.adapters.imaging.sniff import HEAD_BYTES, Sniffed, rejection_for, sniff
from chalicelib.rules.media import MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, RENDITION_SIZES, MediaRejected, target_size

if TYPE_CHECKING:
    from PIL import Image

# One format for renditions: WebP is read by every browser and in-app WebView we serve (Android since 4.x,
# Safari since iOS 14) and is about a third smaller than JPEG at the same quality, which counts on the
# citizens' mobile data; one format also halves the PUTs and the links. Add ("JPEG", ...) here if an old
# client ever needs it: the service stores whatever renditions this list yields.
RENDITION_FORMATS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("WEBP", "webp", "image/webp", {"quality": 80, "method": 4}),
)
MAX_ICC_BYTES = 256 * 1024

_TRANSPOSE = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270",
              7: "TRANSVERSE", 8: "ROTATE_90"}


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
        raise rejection_for(sniffed, "photo")
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
    orientation, exif = read_exif(im)
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
                converted = ImageCms.profileToProfile(im, source, srgb, outputMode=target_mode)
                if converted is not None:
                    return converted
        except Exception:  # a broken or mismatched profile: fall back to the plain conversion
            pass
    if im.mode == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
        target_mode = "RGB"  # opaque alpha costs bytes and nothing else
    return im if im.mode == target_mode else im.convert(target_mode)


def _upright(im: Image.Image, orientation: int) -> Image.Image:
    """Apply the EXIF orientation to the pixels, since the renditions carry no EXIF to say it."""
    method = _TRANSPOSE.get(orientation)
    return im.transpose(getattr(_pil().Transpose, method)) if method else im
