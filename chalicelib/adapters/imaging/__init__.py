"""The image codec: tell what an upload really is from its bytes, and re-draw photos as small, clean renditions.

One module per job, so each can be read (and reviewed for hostile input) on its own:
- `sniff`: the real file type from magic numbers, never from the name or the declared Content-Type;
- `photos`: Pillow renditions, re-encoded from pixels alone (no metadata survives);
- `exif`: orientation, GPS position and capture time, read before the metadata is dropped;
- `video`: the MP4/MOV box chain, checked with a few ranged reads.

This package exposes what callers (the media service, its port, tests and the bench) use. Pillow and
pillow-heif are imported on the first photo, so importing the package costs nothing at cold start.
"""

from chalicelib.adapters.imaging.exif import exif_datetime, gps_decimal
from chalicelib.adapters.imaging.photos import RENDITION_FORMATS, Photo, Rendition, make_renditions
from chalicelib.adapters.imaging.sniff import Sniffed, sniff
from chalicelib.adapters.imaging.video import check_video

__all__ = [
    "RENDITION_FORMATS",
    "Photo",
    "Rendition",
    "Sniffed",
    "check_video",
    "exif_datetime",
    "gps_decimal",
    "make_renditions",
    "sniff",
]
