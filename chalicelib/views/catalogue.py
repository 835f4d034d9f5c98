"""What a client reads before it reports: the province, its categories and their deadlines, the service's health."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.profile import ProvinceProfile


def health(profile: ProvinceProfile) -> dict[str, Any]:
    return {"status": "ok", "province": profile.slug, "province_code": profile.province_code}


def categories(profile: ProvinceProfile) -> dict[str, Any]:
    return {
        "province": {"code": profile.province_code, "name": profile.name_vi, "name_en": profile.name_en},
        "categories": [
            {"code": c.code, "name": c.name_vi, "name_en": c.name_en, "sla_working_days": dict(profile.channels)}
            for c in profile.active_categories()
        ],
    }
