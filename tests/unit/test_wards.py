"""Point → ward over the shipped 2025 ward polygons (chalicelib/rules/wards.py)."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.rules import wards as W

SEED_PROVINCES = (66, 46, 48)  # Đắk Lắk, Huế, Đà Nẵng
M_PER_DEG = 111_195.0


def offset(lat: float, lng: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / M_PER_DEG, lng + east_m / (M_PER_DEG * math.cos(math.radians(lat)))


def interior_points(pw: W.ProvinceWards, k: int, n: int, margin_m: float, rng: random.Random) -> list:
    """Up to n points of ward k at least margin_m from every ring edge of the province."""
    rings = [r for r in pw.rings if r.ward == k]
    out = []
    for _ in range(400):
        ring = rng.choice(rings)
        x, y = rng.uniform(ring.x0, ring.x1), rng.uniform(ring.y0, ring.y1)
        if ring.contains(x, y) and all(
            r.distance_m(x, y, margin_m / M_PER_DEG) >= margin_m for r in pw.rings
            if r.x0 - 0.01 <= x <= r.x1 + 0.01 and r.y0 - 0.01 <= y <= r.y1 + 0.01
        ):
            out.append((y, x))
            if len(out) == n:
                break
    return out


def gap_point(pw: W.ProvinceWards, metres: float) -> tuple[float, float, str]:
    """A point `metres` outside some ring edge, in no polygon: (lat, lng, that ward's code)."""
    rng = random.Random(7)
    for _ in range(2000):
        ring = rng.choice(pw.rings)
        i = rng.randrange(len(ring.xs))
        mx, my = (ring.xs[i] + ring.xs[i - 1]) / 2, (ring.ys[i] + ring.ys[i - 1]) / 2
        dx = (ring.xs[i] - ring.xs[i - 1]) * math.cos(math.radians(my))
        dy = ring.ys[i] - ring.ys[i - 1]
        length = math.hypot(dx, dy)
        if length * M_PER_DEG < 4 * metres:
            continue
        for sign in (1, -1):
            lat, lng = offset(my, mx, sign * -dx / length * metres, sign * dy / length * metres)
            if pw.containing(lat, lng) is None and not ring.contains(lng, lat):
                return lat, lng, pw.wards[ring.ward].code
    raise AssertionError("no gap point found")


def test_a_point_in_buon_ma_thuot_is_routed_to_its_ward():
    match = W.locate(12.6836, 108.0383, 66)
    assert isinstance(match, W.WardMatch)
    assert (match.code, match.name, match.type, match.distance_m) == ("24133", "Phường Buôn Ma Thuột", "Phường", None)
    assert match.province_name_vi == "Tỉnh Đắk Lắk"


def test_a_point_in_ha_noi_from_a_dak_lak_tenant_names_ha_noi():
    where = W.locate(21.0285, 105.8542, 66)
    assert isinstance(where, W.OtherProvince)
    assert (where.province_code, where.province_name_vi, where.province_name_en) == (1, "Thành phố Hà Nội",
                                                                                     "Ha Noi City")
    assert W.ward_at(21.0285, 105.8542, 66) is None


def test_the_open_sea_and_abroad_are_outside_vietnam():
    assert isinstance(W.locate(12.5, 110.5, 66), W.OutsideVietnam)  # South China Sea, east of Đắk Lắk
    assert isinstance(W.locate(13.75, 100.5, 66), W.OutsideVietnam)  # Bangkok


@pytest.mark.parametrize("code", SEED_PROVINCES)
def test_a_point_in_a_border_gap_or_just_off_the_coast_goes_to_the_nearest_ward(code):
    pw = W.province_wards(code)
    lat, lng, ward = gap_point(pw, 80)
    match = pw.lookup(lat, lng)
    assert match is not None and match.distance_m is not None and match.distance_m <= 100
    assert match.code == ward or match.distance_m <= 80.5


@pytest.mark.parametrize("code", SEED_PROVINCES)
def test_beyond_the_fallback_distance_a_point_is_outside_the_province(code):
    pw = W.province_wards(code)
    lat, lng, _ = gap_point(pw, 600)
    if pw.nearest(lat, lng) is None:
        assert pw.lookup(lat, lng) is None
    else:  # another ward of the province happens to be nearby
        assert pw.lookup(lat, lng).distance_m <= W.FALLBACK_M


def test_a_point_offshore_of_da_nang_within_300_m_stays_in_da_nang_then_leaves_it():
    pw = W.province_wards(48)
    coast = [(r.ys[i], r.xs[i]) for r in pw.rings for i in range(len(r.xs)) if r.xs[i] == r.x1]
    lat, lng = max(coast, key=lambda p: p[1])  # the easternmost vertex faces the open sea
    near = W.locate(*offset(lat, lng, 0, 150), 48)
    assert isinstance(near, W.WardMatch) and near.distance_m is not None and near.distance_m <= 150.5
    assert isinstance(W.locate(*offset(lat, lng, 0, 2000), 48), W.OutsideVietnam)


def test_not_a_coordinate_is_refused_and_an_unknown_province_is_a_data_error():
    with pytest.raises(ValueError):
        W.locate(float("nan"), 108.0, 66)
    with pytest.raises(ValueError):
        W.ward_at(95.0, 108.0, 66)
    with pytest.raises(W.WardDataError):
        W.ward_at(12.0, 108.0, 99)


def test_every_ward_of_the_seed_provinces_routes_its_interior_points_to_itself():
    rng = random.Random(2025)
    misses, sampled = [], 0
    for code in SEED_PROVINCES:
        pw = W.province_wards(code)
        for k, ward in enumerate(pw.wards):
            for lat, lng in interior_points(pw, k, 3, 400, rng):
                sampled += 1
                match = W.ward_at(lat, lng, code)
                if match is None or match.code != ward.code:
                    misses.append((code, ward.code, lat, lng, match))
    assert sampled > 500 and misses == []


@settings(max_examples=60, deadline=None)
@given(k=st.integers(min_value=0, max_value=101), seed=st.integers(min_value=0, max_value=2**32))
def test_points_well_inside_a_ward_route_to_it(k, seed):
    pw = W.province_wards(66)
    for lat, lng in interior_points(pw, k, 1, 400, random.Random(seed)):
        assert W.ward_at(lat, lng, 66).code == pw.wards[k].code


def test_wards_list_and_geojson_cover_every_ward_with_a_stable_etag():
    wards = W.wards_list(46)
    assert len(wards) == 40 and all(w.type in ("Phường", "Xã", "Đặc khu") for w in wards)
    geo = W.wards_geojson(46)
    import json

    doc = json.loads(geo.body)
    assert [f["properties"]["code"] for f in doc["features"]] == [w.code for w in wards]
    ring = doc["features"][0]["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1]
    assert geo.etag == W.wards_geojson(46).etag and geo.etag.startswith('"')


def test_a_first_lookup_bands_only_the_rings_it_tests():
    pw = W.ProvinceWards(W._read(66))  # a fresh index: the cached one has been used by other tests
    assert W.ward_at(12.68, 108.04, 66) is not None
    assert pw.lookup(12.68, 108.04) == W.ward_at(12.68, 108.04, 66)
    banded = sum(r._bands is not None for r in pw.rings)
    assert 0 < banded <= 5 < len(pw.rings)


def test_importing_the_rule_loads_no_ward_data():
    import subprocess
    import sys

    code = ("import chalicelib.rules.wards as W, sys; "
            "assert W.province_wards.cache_info().currsize == 0; print('ok')")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"
