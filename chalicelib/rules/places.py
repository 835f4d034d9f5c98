"""Where a report happened, as the province routes it: the ward a point lies in, or a 4xx that says where to go.

rules/wards.py answers where a point lies on the 2025 map; this module turns
that answer into the province's decision: its own ward, or a refusal that
names the province the point is in (so the citizen knows where to report),
or a refusal of its own for a point at sea or abroad.
"""

from __future__ import annotations

from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.wards import OtherProvince, OutsideVietnam, WardMatch, locate


def ward_for_point(lat: float, lng: float, province_code: int, province_name_vi: str,
                   province_name_en: str, field: str = "location") -> WardMatch:
    """The tenant province's ward at the point; a 400 naming the other province, or the sea, otherwise."""
    try:
        found = locate(lat, lng, province_code)
    except ValueError as exc:
        raise InvalidInput("outside_vietnam", field) from exc
    if isinstance(found, OtherProvince):
        err = InvalidInput("point_in_other_province", field, ward=found.ward.name,
                           province_vi=found.province_name_vi, province_en=found.province_name_en,
                           home_vi=province_name_vi, home_en=province_name_en)
        err.details = {"province_code": found.province_code, "province_name": found.province_name_vi,
                       "province_name_en": found.province_name_en, "ward_code": found.ward.code,
                       "ward_name": found.ward.name}
        raise err
    if isinstance(found, OutsideVietnam):
        raise InvalidInput("point_at_sea", field)
    return found
