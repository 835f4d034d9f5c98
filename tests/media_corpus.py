"""A hostile (and a friendly) media corpus, generated small in memory, shared by the imaging tests.

Each case: the bytes, the Content-Type a client would declare, and what the thumbnailer must decide.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image, ImageDraw
from PIL.ExifTags import IFD

GPS_LAT, GPS_LNG = 12.68, 108.04  # Buôn Ma Thuột


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    declared: str
    outcome: str  # "ready" | "rejected"
    reason: str | None = None
    kind: str = "photo"


def picture(size=(640, 480), mode="RGB") -> Image.Image:
    """A small picture with structure (so orientation and colour can be checked)."""
    im = Image.new("RGB", size, (40, 120, 200))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, size[0] // 2, size[1] // 4), fill=(230, 30, 30))  # red band, top-left
    draw.ellipse((size[0] // 3, size[1] // 3, size[0] // 2, size[1] // 2), fill=(250, 250, 20))
    return im.convert(mode) if mode != "RGB" else im


def encode(im: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def jpeg(size=(640, 480), **options) -> bytes:
    return encode(picture(size), "JPEG", quality=85, **options)


def gps_exif(lat=GPS_LAT, lng=GPS_LNG, orientation=None) -> Image.Exif:
    """EXIF with a GPS position, a capture time with its offset, and optionally an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0132] = "2026:11:20 08:20:00"
    if orientation:
        exif[0x0112] = orientation

    def dms(value):
        d = int(value)
        m = int((value - d) * 60)
        s = round(((value - d) * 60 - m) * 60, 4)
        return (float(d), float(m), s)

    exif[IFD.GPSInfo] = {1: "N" if lat >= 0 else "S", 2: dms(abs(lat)), 3: "E" if lng >= 0 else "W", 4: dms(abs(lng))}
    exif[IFD.Exif] = {0x9003: "2026:11:20 08:15:00", 0x9011: "+07:00"}
    return exif


def jpeg_with_gps(size=(640, 480), orientation=None) -> bytes:
    return encode(picture(size), "JPEG", quality=85, exif=gps_exif(orientation=orientation).tobytes())


def jpeg_with_huge_exif() -> bytes:
    """One APP1 segment filled to its 64 KB limit (a 60 KB description and maker note) plus GPS."""
    exif = gps_exif()
    exif[0x010E] = "x" * 30_000  # ImageDescription
    exif[IFD.Exif] = {0x9003: "2026:11:20 08:15:00", 0x927C: b"\x00" * 30_000}  # MakerNote
    return encode(picture(), "JPEG", quality=85, exif=exif.tobytes())


def truncated_jpeg() -> bytes:
    data = jpeg((800, 600))
    return data[: len(data) * 6 // 10]


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A PNG that declares 10 gigapixels in its header and carries a few bytes of pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + _png_chunk(b"IEND", b""))


def png_16bit() -> bytes:
    """A 16-bit greyscale PNG at mid-grey (0x8000): must come out mid-grey, not clipped to white."""
    raw = struct.pack("<H", 0x8000) * (320 * 200)
    return encode(Image.frombytes("I;16", (320, 200), raw), "PNG")


def gif_zip_polyglot() -> bytes:
    """A GIF that is also a ZIP (the archive appended after the GIF trailer), to be uploaded as photo.jpg."""
    gif = encode(picture((64, 64)).convert("P"), "GIF")
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    return gif + archive.getvalue()


def cmyk_jpeg() -> bytes:
    return encode(picture(mode="CMYK"), "JPEG", quality=85)


def animated_webp() -> bytes:
    frames = [picture((200, 150)), Image.new("RGB", (200, 150), (0, 255, 0)), Image.new("RGB", (200, 150), (0, 0, 0))]
    return encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, loop=0)


def mp4(brand=b"isom", boxes=((b"moov", 64), (b"mdat", 4096))) -> bytes:
    """An ISO media file: ftyp then boxes of the given sizes (contents zeroed: only the structure is checked)."""
    ftyp_payload = brand + struct.pack(">I", 512) + brand + b"mp41"
    out = struct.pack(">I4s", 8 + len(ftyp_payload), b"ftyp") + ftyp_payload
    for box_type, size in boxes:
        out += struct.pack(">I4s", size, box_type) + b"\x00" * (size - 8)
    return out


def corpus() -> list[Case]:
    """The issue's hostile corpus, plus a clean photo, in the order the issue lists them."""
    return [
        Case("truncated_jpeg", truncated_jpeg(), "image/jpeg", "rejected", "corrupt_file"),
        Case("zero_bytes", b"", "image/jpeg", "rejected", "empty_file"),
        Case("png_100000x100000", png_bomb(), "image/png", "rejected", "image_too_large"),
        Case("gif_zip_polyglot.jpg", gif_zip_polyglot(), "image/jpeg", "rejected", "unsupported_format"),
        Case("text_as_jpeg", "Xin chào, đây không phải ảnh.\n".encode() * 20, "image/jpeg", "rejected",
             "not_an_image"),
        Case("jpeg_huge_exif", jpeg_with_huge_exif(), "image/jpeg", "ready"),
        Case("cmyk_jpeg", cmyk_jpeg(), "image/jpeg", "ready"),
        Case("png_16bit", png_16bit(), "image/png", "ready"),
        Case("animated_webp", animated_webp(), "image/webp", "ready"),
        Case("jpeg_with_gps", jpeg_with_gps(), "image/jpeg", "ready"),
    ]
