"""Point → ward on the 2025 map: which ward or commune a report happened in.

Pure over data (chalicelib/provinces/wards/): nothing is read until the first
lookup, then one province's index is built once per process and cached, so
`import app` pays nothing.

The polygons are simplified with about 50 m tolerance, which leaves thin
gaps (tens of metres) along shared borders and along the coast. A point in no
polygon therefore goes to the nearest ward within FALLBACK_M = 300 m: six
times the tolerance covers every gap with room to spare and takes in piers,
beaches and boats moored just off the shore, yet stays far below the width
of any ward, so it never reaches across a neighbouring ward or province to
capture a point that is really elsewhere. A point contained in another
province's ward always goes there, before any nearest-ward fallback.
Beyond 300 m of every ward of Vietnam the point is at sea or abroad.

Index: a grid of 0.01° cells (about 1.1 km). A cell crossed by no ring edge
lies wholly in one ward (or in none) and answers at once; other cells keep
their candidate rings, each tested by ray casting over the edges of one
horizontal band only.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "provinces" / "wards"
FALLBACK_M = 300.0
CELL_DEG = 0.01
_SCALE = 1e-5
_M_PER_DEG = 111_195.0  # mean Earth radius × π/180
_EDGES_PER_BAND = 8
_FALLBACK_DEG = FALLBACK_M / _M_PER_DEG


class WardDataError(LookupError):
    """No ward data for this province code (not one of the 34, or the file is missing)."""


@dataclass(frozen=True)
class WardInfo:
    """One ward for a picker: code (vietnam-provinces), full name, type (Phường / Xã / Đặc khu)."""

    code: str
    name: str
    type: str


@dataclass(frozen=True)
class WardMatch:
    """The ward a point lies in; distance_m is set when it came by the nearest-ward fallback."""

    code: str
    name: str
    type: str
    province_code: int
    province_name_vi: str
    province_name_en: str
    distance_m: float | None = None


@dataclass(frozen=True)
class OtherProvince:
    """The point lies in another province: name it so the citizen knows where to report."""

    province_code: int
    province_name_vi: str
    province_name_en: str
    ward: WardMatch


@dataclass(frozen=True)
class OutsideVietnam:
    """More than FALLBACK_M from every ward of the 34 provinces: at sea or abroad."""

    lat: float
    lng: float


Location = WardMatch | OtherProvince | OutsideVietnam


@dataclass(frozen=True)
class WardsGeoJson:
    """A province's wards as a GeoJSON FeatureCollection, serialised once, with a strong ETag."""

    body: str
    etag: str


class _Ring:
    """One polygon ring, its box, and its edges sorted into horizontal bands for the point tests.

    The bands are built the first time the ring is tested: a cold function's first lookup builds the
    province's rings (for their boxes) but tests two or three of them (building every ring's bands up
    front was ~30 ms of that first request).
    """

    __slots__ = ("_bands", "band_h", "band_n", "band_y0", "ward", "x0", "x1", "xs", "y0", "y1", "ys")

    def __init__(self, ward: int, xs: list[float], ys: list[float]) -> None:
        self.ward, self.xs, self.ys = ward, xs, ys
        self.x0, self.x1, self.y0, self.y1 = min(xs), max(xs), min(ys), max(ys)
        self.band_y0, self.band_n = self.y0, max(1, len(xs) // _EDGES_PER_BAND)
        self.band_h = (self.y1 - self.y0) / self.band_n or 1.0
        self._bands: list[list[int]] | None = None

    @property
    def bands(self) -> list[list[int]]:
        """Each band's edges (edge i joins points i-1 and i; i = 0 closes the ring), built on first use."""
        if self._bands is None:
            xs, ys = self.xs, self.ys
            bands: list[list[int]] = [[] for _ in range(self.band_n)]
            last, y0, h = len(bands) - 1, self.band_y0, self.band_h
            for i in range(len(xs)):
                lo, hi = sorted((ys[i], ys[i - 1]))
                for b in range(min(last, max(0, int((lo - y0) / h))), min(last, max(0, int((hi - y0) / h))) + 1):
                    bands[b].append(i)
            self._bands = bands
        return self._bands

    def _band(self, y: float) -> int:
        return min(self.band_n - 1, max(0, int((y - self.band_y0) / self.band_h)))

    def contains(self, x: float, y: float) -> bool:
        if not (self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1):
            return False
        xs, ys, inside = self.xs, self.ys, False
        for i in self.bands[self._band(y)]:
            yi, yj = ys[i], ys[i - 1]
            if (yi > y) != (yj > y):
                xi, xj = xs[i], xs[i - 1]
                if x < xi + (y - yi) * (xj - xi) / (yj - yi):
                    inside = not inside
        return inside

    def distance_m(self, x: float, y: float, limit_deg: float) -> float:
        """Metres from the point to the ring's boundary (inf when beyond limit_deg in latitude)."""
        kx = math.cos(math.radians(y)) * _M_PER_DEG
        best = math.inf
        xs, ys, bands = self.xs, self.ys, self.bands
        seen: set[int] = set()
        for b in range(self._band(y - limit_deg), self._band(y + limit_deg) + 1):
            for i in bands[b]:
                if i in seen:
                    continue
                seen.add(i)
                ax, ay = (xs[i - 1] - x) * kx, (ys[i - 1] - y) * _M_PER_DEG
                bx, by = (xs[i] - x) * kx, (ys[i] - y) * _M_PER_DEG
                dx, dy = bx - ax, by - ay
                seg = dx * dx + dy * dy
                t = 0.0 if seg == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / seg))
                px, py = ax + t * dx, ay + t * dy
                best = min(best, px * px + py * py)
        return math.sqrt(best)


@dataclass(frozen=True)
class _CellEntry:
    candidates: tuple[int, ...]  # containment candidates of a crossed cell: every ring whose box covers it
    edges: tuple[int, ...]  # nearest-ward candidates: the rings with an edge in the cell
    whole: int  # the ward holding the whole cell when no edge crosses it, else -1


class ProvinceWards:
    """One province's wards and their lookup index (build with province_wards())."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.province_code = int(doc["province_code"])
        self.name_vi, self.name_en = doc["name_vi"], doc["name_en"]
        self.wards = tuple(WardInfo(w["code"], w["name"], w["type"]) for w in doc["wards"])
        self.rings: list[_Ring] = []
        for k, w in enumerate(doc["wards"]):
            for encoded in w["rings"]:
                self.rings.append(_Ring(k, *_decode(encoded)))
        self._build_grid()

    def _build_grid(self) -> None:
        """Only each ring's box in cells: a cell's entry (and a ring's edge cells) is worked out the first time
        a point needs it.

        Building the whole grid up front took 0.1-0.3 s of a cold function's first request, for the one or
        two cells that request reads.
        """
        self._boxes = [(_cell(r.x0), _cell(r.x1), _cell(r.y0), _cell(r.y1)) for r in self.rings]
        self._cells: dict[tuple[int, int], _CellEntry] = {}
        self._ring_cells: dict[int, frozenset[tuple[int, int]]] = {}

    def _cell_entry(self, key: tuple[int, int]) -> _CellEntry:
        """The rings whose box covers the cell, those with an edge in it, and the ward that holds the whole
        cell when no edge crosses it (its centre decides; -1: none)."""
        entry = self._cells.get(key)
        if entry is None:
            cx, cy = key
            covering = tuple(r for r, (x0, x1, y0, y1) in enumerate(self._boxes)
                             if x0 <= cx <= x1 and y0 <= cy <= y1)
            edged = tuple(r for r in covering if key in self._edge_cells(r))
            whole = -1
            if not edged:
                x, y = (cx + 0.5) * CELL_DEG, (cy + 0.5) * CELL_DEG
                whole = next((self.rings[r].ward for r in covering if self.rings[r].contains(x, y)), -1)
            entry = self._cells[key] = _CellEntry(covering if edged else (), edged, whole)
        return entry

    def _edge_cells(self, r: int) -> frozenset[tuple[int, int]]:
        """The cells ring r's edges cross (each edge's box, in cells), worked out once per ring."""
        cells = self._ring_cells.get(r)
        if cells is None:
            ring, found = self.rings[r], set()
            xs, ys = ring.xs, ring.ys
            for i in range(len(xs)):
                for cx in range(_cell(min(xs[i], xs[i - 1])), _cell(max(xs[i], xs[i - 1])) + 1):
                    for cy in range(_cell(min(ys[i], ys[i - 1])), _cell(max(ys[i], ys[i - 1])) + 1):
                        found.add((cx, cy))
            cells = self._ring_cells[r] = frozenset(found)
        return cells

    def _match(self, k: int, distance_m: float | None = None) -> WardMatch:
        w = self.wards[k]
        return WardMatch(w.code, w.name, w.type, self.province_code, self.name_vi, self.name_en, distance_m)

    def containing(self, lat: float, lng: float) -> WardMatch | None:
        """The ward whose polygon contains the point, or None."""
        entry = self._cell_entry((_cell(lng), _cell(lat)))
        if entry.whole >= 0:
            return self._match(entry.whole)
        for r in entry.candidates:
            if self.rings[r].contains(lng, lat):
                return self._match(self.rings[r].ward)
        return None

    def nearest(self, lat: float, lng: float, within_m: float = FALLBACK_M) -> WardMatch | None:
        """The ward whose boundary is nearest the point, if within within_m metres."""
        limit = within_m / _M_PER_DEG
        limit_x = limit / max(0.1, math.cos(math.radians(lat)))
        cx, cy = _cell(lng), _cell(lat)
        reach = int(max(limit, limit_x) / CELL_DEG) + 1
        candidates = {r for dx in range(-reach, reach + 1) for dy in range(-reach, reach + 1)
                      for r in self._cell_entry((cx + dx, cy + dy)).edges}
        best, best_k = math.inf, -1
        for r in candidates:
            ring = self.rings[r]
            if not (ring.x0 - limit_x <= lng <= ring.x1 + limit_x and ring.y0 - limit <= lat <= ring.y1 + limit):
                continue
            d = ring.distance_m(lng, lat, limit)
            if d < best:
                best, best_k = d, ring.ward
        return self._match(best_k, round(best, 1)) if best <= within_m else None

    def lookup(self, lat: float, lng: float) -> WardMatch | None:
        """Containing ward, else the nearest within FALLBACK_M, else None (outside the province)."""
        return self.containing(lat, lng) or self.nearest(lat, lng)


def _cell(v: float) -> int:
    return math.floor(v / CELL_DEG)


def _decode(encoded: list[int]) -> tuple[list[float], list[float]]:
    xs: list[float] = []
    ys: list[float] = []
    x = y = 0
    for i in range(0, len(encoded), 2):
        x += encoded[i]
        y += encoded[i + 1]
        xs.append(x * _SCALE)
        ys.append(y * _SCALE)
    return xs, ys


def _check_point(lat: float, lng: float) -> None:
    if not (isinstance(lat, int | float) and isinstance(lng, int | float)):
        raise ValueError("lat and lng must be numbers")
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError("lat must be in [-90, 90] and lng in [-180, 180]")


def _read(province_code: int) -> dict[str, Any]:
    path = DATA_DIR / f"{int(province_code):02d}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise WardDataError(f"no ward data for province {province_code}") from exc


@lru_cache(maxsize=1)
def provinces() -> tuple[dict[str, Any], ...]:
    """The 34 provinces: province_code, name_vi, name_en, wards (count), bbox [min lng, min lat, max lng, max lat]."""
    return tuple(json.loads((DATA_DIR / "index.json").read_text(encoding="utf-8")))


@lru_cache(maxsize=8)
def province_wards(province_code: int) -> ProvinceWards:
    """The province's wards, decoded on first use and kept; their index fills in as points are looked up."""
    return ProvinceWards(_read(province_code))


def wards_list(province_code: int) -> tuple[WardInfo, ...]:
    """The province's wards for a picker, by code."""
    return province_wards(province_code).wards


def ward_at(lat: float, lng: float, province_code: int) -> WardMatch | None:
    """The province's ward at the point (containing, or nearest within FALLBACK_M), else None."""
    _check_point(lat, lng)
    return province_wards(province_code).lookup(lat, lng)


def locate(lat: float, lng: float, province_code: int) -> Location:
    """Where a point lies, seen from the tenant province.

    WardMatch: in the tenant's province (distance_m set when by fallback).
    OtherProvince: contained in, or nearest to, another province's ward.
    OutsideVietnam: beyond FALLBACK_M of every ward (at sea or abroad).
    Raises ValueError for a point that is not a coordinate, WardDataError for an unknown province.
    """
    _check_point(lat, lng)
    home = province_wards(province_code)
    found = home.containing(lat, lng)
    if found:
        return found
    others = [province_wards(p["province_code"]) for p in provinces()
              if p["province_code"] != home.province_code and _near_bbox(p["bbox"], lat, lng)]
    for other in others:
        found = other.containing(lat, lng)
        if found:
            return OtherProvince(other.province_code, other.name_vi, other.name_en, found)
    nearest = [m for m in (pw.nearest(lat, lng) for pw in (home, *others)) if m]
    if not nearest:
        return OutsideVietnam(lat, lng)
    best = min(nearest, key=lambda m: (m.distance_m, m.province_code != home.province_code))
    if best.province_code == home.province_code:
        return best
    return OtherProvince(best.province_code, best.province_name_vi, best.province_name_en, best)


def _near_bbox(bbox: list[float], lat: float, lng: float) -> bool:
    pad = _FALLBACK_DEG * 2  # generous in longitude too (cos(lat) ≥ 0.9 in Vietnam)
    return bbox[0] - pad <= lng <= bbox[2] + pad and bbox[1] - pad <= lat <= bbox[3] + pad


@lru_cache(maxsize=4)
def wards_geojson(province_code: int) -> WardsGeoJson:
    """The province's wards as a FeatureCollection (MultiPolygon, closed rings) for the portal's map."""
    doc = _read(province_code)
    features = []
    for w in doc["wards"]:
        polygons = []
        for encoded in w["rings"]:
            xs, ys = _decode(encoded)
            ring = [[round(x, 5), round(y, 5)] for x, y in zip(xs, ys, strict=True)]
            polygons.append([[*ring, ring[0]]])
        features.append({"type": "Feature", "id": w["code"],
                         "properties": {"code": w["code"], "name": w["name"], "type": w["type"]},
                         "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))
    return WardsGeoJson(body, '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"')
