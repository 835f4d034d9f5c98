"""The province's map as the portal and the apps use it: which ward a point is in, the ward list, the polygons."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.places import ward_for_point
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.wards import WardsGeoJson, wards_geojson, wards_list
from chalicelib.views import wards as views


class PlacesService:
    """Ward lookups for one province (the index is built on the first lookup, then kept by the process)."""

    def __init__(self, profile: ProvinceProfile) -> None:
        self.profile = profile

    def lookup(self, lat: float, lng: float) -> dict[str, Any]:
        """The ward at the point, or the 400 a submission of that point would get."""
        p = self.profile
        return views.ward_found(ward_for_point(lat, lng, p.province_code, p.name_vi, p.name_en))

    def wards(self) -> dict[str, Any]:
        return views.ward_list(self.profile.province_code, self.profile.name_vi, wards_list(self.profile.province_code))

    def geojson(self) -> WardsGeoJson:
        """The polygons as one serialised FeatureCollection and its ETag (built once per process)."""
        return wards_geojson(self.profile.province_code)
