"""The nearby rules: great-circle distance, geohash, the cell cover and the nearest-first choice."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.rules.geo import (
    CELL_PRECISION,
    EARTH_RADIUS_M,
    cover,
    covered,
    geohash,
    haversine_m,
    nearest,
)


def destination(lat: float, lng: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """The point `distance_m` from (lat, lng) along `bearing_deg` (the spherical direct formula)."""
    d, b = distance_m / EARTH_RADIUS_M, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lng)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def test_haversine_knows_a_degree_of_latitude_and_a_city_distance():
    assert haversine_m(12.0, 108.0, 13.0, 108.0) == pytest.approx(111_195, abs=5)
    # Buôn Ma Thuột to Nha Trang, about 139 km as the crow flies
    assert haversine_m(12.6667, 108.05, 12.2388, 109.1967) == pytest.approx(133_000, rel=0.05)
    assert haversine_m(12.68, 108.04, 12.68, 108.04) == 0.0


def test_geohash_matches_the_published_examples():
    assert geohash(57.64911, 10.40744, 11) == "u4pruydqqvj"
    assert geohash(12.68, 108.04, 9).startswith("w6kb4")


def test_a_cover_of_250_m_reads_at_most_four_cells():
    for lat, lng in ((12.68, 108.04), (12.6802, 108.0401), (16.0544, 108.2022), (21.0285, 105.8542)):
        ranges = cover(lat, lng, 250)
        assert 1 <= len(ranges) <= 4
        assert all(r.low <= r.high and r.low[:CELL_PRECISION] == r.cell == r.high[:CELL_PRECISION] for r in ranges)


vietnam_points = st.tuples(st.floats(8.5, 23.3), st.floats(102.2, 117.5))


@settings(max_examples=400, deadline=None)
@given(vietnam_points, st.floats(0, 360), st.floats(0, 1), st.sampled_from([50, 250, 400, 1000]))
def test_every_point_within_the_radius_is_in_the_cells_read(centre, bearing, fraction, radius):
    lat, lng = centre
    q = destination(lat, lng, bearing, radius * fraction)
    if haversine_m(lat, lng, *q) > radius:  # rounding at the rim: the rule is about points within
        return
    assert covered(cover(lat, lng, radius), *q)


@settings(max_examples=200, deadline=None)
@given(vietnam_points, st.lists(st.tuples(st.floats(0, 360), st.floats(0, 2000)), max_size=30),
       st.integers(1, 6))
def test_none_beyond_the_radius_is_returned_and_the_nearest_come_first(centre, offsets, limit):
    lat, lng = centre
    points = [destination(lat, lng, b, d) for b, d in offsets]
    chosen = nearest(lat, lng, points, lambda p: p, 250, limit)
    distances = [d for _p, d in chosen]
    assert all(d <= 250 for d in distances) and distances == sorted(distances) and len(chosen) <= limit
    within = sorted(haversine_m(lat, lng, *p) for p in points if haversine_m(lat, lng, *p) <= 250)
    assert distances == pytest.approx(within[:limit])


def test_a_point_far_away_is_not_covered():
    ranges = cover(12.68, 108.04, 250)
    assert not covered(ranges, *destination(12.68, 108.04, 45, 5000))
    assert nearest(12.68, 108.04, [None, (12.69, 108.05)], lambda p: p, 250, 5) == []
