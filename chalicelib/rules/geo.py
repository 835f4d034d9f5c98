"""Distances and geohash cells for "nearby" reports: pure arithmetic, no library.

A report with a point carries two geohashes (storage/models.NearbyIndex): its
cell at `CELL_PRECISION` (6 characters, about 1.2 km x 0.6 km here) in the
index's partition key, with its category, and its fine hash at
`HASH_PRECISION` (9 characters, about 5 m) as the sort key. A geohash
interleaves the bits of the longitude and latitude indexes (longitude first),
so it is a Z-order curve: it grows with each coordinate. Every point of a
rectangle therefore has a fine hash between those of its lower-left and
upper-right corners, so `cover` answers, for a circle, the cells its
bounding box touches (at most 2 x 2 for a radius up to about 300 m) and,
in each, the one sort-key range that holds the box's part of that cell:
one index query per cell, a bounded number of items read, never a scan.

Distances are great-circle (haversine) on a sphere of the Earth's mean radius.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8
BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"  # the geohash alphabet, in ascending ASCII order
CELL_PRECISION = 6
HASH_PRECISION = 9
_CELL_BITS = 5 * CELL_PRECISION
_HASH_BITS = 5 * HASH_PRECISION
# A safety margin on the bounding box (floating point) and on dropping a cell the circle only nearly touches.
_BOX_MARGIN = 1.000_001
_CELL_DROP_MARGIN_M = 1.0


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points (degrees)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _bits(total: int) -> tuple[int, int]:
    """(longitude bits, latitude bits) of a geohash of `total` bits: longitude takes the odd one."""
    return (total + 1) // 2, total // 2


def _index(value: float, low: float, span: float, bits: int) -> int:
    """Which of 2**bits equal slices of [low, low + span) holds `value` (clamped to the range)."""
    n = 1 << bits
    return min(n - 1, max(0, math.floor((value - low) / span * n)))


def _xy(lat: float, lng: float, total: int) -> tuple[int, int]:
    lng_bits, lat_bits = _bits(total)
    return _index(lng, -180.0, 360.0, lng_bits), _index(lat, -90.0, 180.0, lat_bits)


def _interleave(x: int, y: int, total: int) -> str:
    """The geohash string of longitude index x and latitude index y (`total` bits, a multiple of 5)."""
    lng_bits, lat_bits = _bits(total)
    code = 0
    xi, yi = lng_bits, lat_bits
    for i in range(total):
        if i % 2 == 0:
            xi -= 1
            code = (code << 1) | ((x >> xi) & 1)
        else:
            yi -= 1
            code = (code << 1) | ((y >> yi) & 1)
    return "".join(BASE32[(code >> shift) & 31] for shift in range(total - 5, -1, -5))


def geohash(lat: float, lng: float, precision: int = HASH_PRECISION) -> str:
    """The point's geohash of `precision` characters."""
    total = 5 * precision
    return _interleave(*_xy(lat, lng, total), total)


def cell_of(lat: float, lng: float) -> str:
    """The point's index cell (`CELL_PRECISION` characters)."""
    return geohash(lat, lng, CELL_PRECISION)


def _cell_box(cx: int, cy: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a cell in degrees."""
    lng_bits, lat_bits = _bits(_CELL_BITS)
    w, h = 360.0 / (1 << lng_bits), 180.0 / (1 << lat_bits)
    return -90.0 + cy * h, -180.0 + cx * w, -90.0 + (cy + 1) * h, -180.0 + (cx + 1) * w


@dataclass(frozen=True)
class CellRange:
    """One index query: the cell (partition, with the category) and the sort-key range [low, high]."""

    cell: str
    low: str
    high: str


def _box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) around every point within `radius_m` of the point (a spherical cap's box)."""
    angle = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angle) * _BOX_MARGIN
    ratio = math.sin(angle) / max(1e-12, math.cos(math.radians(lat)))
    dlng = (180.0 if ratio >= 1 or abs(lat) + dlat >= 90 else math.degrees(math.asin(ratio))) * _BOX_MARGIN
    return lat - dlat, lng - dlng, lat + dlat, lng + dlng


def cover(lat: float, lng: float, radius_m: float) -> list[CellRange]:
    """The cells (and sort-key ranges in them) that hold every point within `radius_m` of (lat, lng).

    Cells of the bounding box the circle does not reach are left out. Each
    range spans the fine hashes of the box's part of its cell (Z-order: its
    corners' hashes bound it), so a query reads that part and some litter.
    """
    south, west, north, east = _box(lat, lng, radius_m)
    x_lo, y_lo = _xy(south, west, _HASH_BITS)
    x_hi, y_hi = _xy(north, east, _HASH_BITS)
    lng_shift = _bits(_HASH_BITS)[0] - _bits(_CELL_BITS)[0]
    lat_shift = _bits(_HASH_BITS)[1] - _bits(_CELL_BITS)[1]
    ranges: list[CellRange] = []
    for cx in range(x_lo >> lng_shift, (x_hi >> lng_shift) + 1):
        for cy in range(y_lo >> lat_shift, (y_hi >> lat_shift) + 1):
            s, w, n, e = _cell_box(cx, cy)
            nearest = haversine_m(lat, lng, min(max(lat, s), n), min(max(lng, w), e))
            if nearest > radius_m + _CELL_DROP_MARGIN_M:
                continue
            xs = max(x_lo, cx << lng_shift), min(x_hi, ((cx + 1) << lng_shift) - 1)
            ys = max(y_lo, cy << lat_shift), min(y_hi, ((cy + 1) << lat_shift) - 1)
            low = _interleave(xs[0], ys[0], _HASH_BITS)
            high = _interleave(xs[1], ys[1], _HASH_BITS)
            ranges.append(CellRange(low[:CELL_PRECISION], low, high))
    return ranges


def covered(ranges: Sequence[CellRange], lat: float, lng: float) -> bool:
    """Whether a point falls in one of the ranges (its cell, and its fine hash inside the cell's range)."""
    fine = geohash(lat, lng)
    return any(r.cell == fine[:CELL_PRECISION] and r.low <= fine <= r.high for r in ranges)


def nearest[T](lat: float, lng: float, items: Iterable[T], where: Callable[[T], tuple[float, float] | None],
            radius_m: float, limit: int) -> list[tuple[T, float]]:
    """Up to `limit` items within `radius_m` of the point, nearest first, each with its distance in metres."""
    found: list[tuple[float, int, T]] = []
    for n, item in enumerate(items):
        point = where(item)
        if point is None:
            continue
        distance = haversine_m(lat, lng, point[0], point[1])
        if distance <= radius_m:
            found.append((distance, n, item))
    found.sort(key=lambda f: (f[0], f[1]))
    return [(item, distance) for distance, _n, item in found[:limit]]
