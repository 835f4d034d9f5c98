"""EXIF reading: orientation for the pixels, and GPS position and capture time for staff eyes only.

These facts are read out of the original before its renditions are re-encoded without any metadata; the
parsers are pure so they can be tested without Pillow, and garbage EXIF is ignored, never fatal.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

_ORIENTATION_TAG = 0x0112


def read_exif(im: Image.Image) -> tuple[int, dict[str, Any]]:
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
