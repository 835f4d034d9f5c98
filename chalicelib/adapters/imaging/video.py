"""Video container checking: an MP4/MOV is kept as uploaded, so its ISO media box chain must be sane.

Only box headers are read, through a few ranged reads (`read_at(offset, length)`), never the whole file:
videos are far larger than photos and are not re-encoded.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from chalicelib.adapters.imaging.sniff import HEAD_BYTES, rejection_for, sniff
from chalicelib.rules.media import MAX_VIDEO_BYTES, MediaRejected

MAX_VIDEO_BOXES = 64


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
        raise rejection_for(sniffed, "video")
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
