"""The province's wards for a picker and a confirmation: code, name and type, never more than a map needs."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.wards import WardInfo, WardMatch


def ward_found(match: WardMatch) -> dict[str, Any]:
    """The answer to "which ward is this point in?" (distance_m when it came by the nearest-ward fallback)."""
    return {"ward_code": match.code, "ward_name": match.name, "ward_type": match.type,
            "province_code": match.province_code, "province_name": match.province_name_vi,
            "province_name_en": match.province_name_en,
            "distance_m": round(match.distance_m) if match.distance_m is not None else None}


def ward_list(province_code: int, province_name: str, wards: tuple[WardInfo, ...]) -> dict[str, Any]:
    return {"province_code": province_code, "province_name": province_name,
            "wards": [{"code": w.code, "name": w.name, "type": w.type} for w in wards]}
