"""File-type sniffing: what an upload really is, told from its magic numbers alone.

Everything uploaded is hostile until proven otherwise, so the type never comes from the file name or the
declared Content-Type: only JPEG, PNG, WebP and HEIC/HEIF photos and MP4/MOV videos pass, and formats seen
in the wild but refused (GIF, TIFF, AVIF, PDF, ...) are named so the rejection can say which.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from chalicelib.rules.media import MediaRejected

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


def rejection_for(sniffed: Sniffed, wanted: str) -> MediaRejected:
    """Why a sniffed file is not the `wanted` kind: unknown bytes, another kind, or a format off the list."""
    if sniffed.kind is None and sniffed.label != "unknown":
        return MediaRejected("unsupported_format", sniffed.label)
    return MediaRejected("not_an_image" if wanted == "photo" else "not_a_video", sniffed.mime or sniffed.label)
