"""Load a province profile: the defaults, the province's file, and its wards.

Wards and their People's Committees are generated from `vietnam-provinces`
(the 2025 two-tier map), never typed by hand: compiled into compiled/ by
compile.py, so a running function reads a small file instead of importing it. A malformed file fails loudly
with the file and the field named.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chalicelib.rules.profile import ProvinceProfile

DATA_DIR = Path(__file__).parent
DEFAULTS_FILE = DATA_DIR / "_defaults.json"


class ProfileError(ValueError):
    """A province profile cannot be used; the message names the file and field."""


def available_profiles() -> list[str]:
    """Slugs of the profiles shipped with the code."""
    return sorted(p.stem for p in DATA_DIR.glob("*.json") if not p.name.startswith("_"))


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"{path}: no such profile (have: {', '.join(available_profiles())})") from exc
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: the top level must be an object")
    return data


def wards_of(province_code: int) -> list[dict[str, str]]:
    """The province's wards/communes as profile entries: the compiled file (compile.py), else vietnam-provinces."""
    from chalicelib.provinces.compile import wards_file

    try:
        wards: list[dict[str, str]] = json.loads(wards_file(province_code).read_text(encoding="utf-8"))
    except FileNotFoundError:
        from chalicelib.observability import logger

        # Correct but slow (vietnam-provinces costs a cold start ~0.15 s): a deployed function should never
        # get here, since `make package` and `make new-province` compile every profile's wards.
        logger.warning("compiled wards missing: read from vietnam-provinces at run time",
                       extra={"province_code": province_code, "fix": "python -m chalicelib.provinces.compile"})
        return wards_from_library(province_code)
    return wards


def wards_from_library(province_code: int) -> list[dict[str, str]]:
    """The province's wards/communes from vietnam-provinces (the source compile.py writes from)."""
    from vietnam_provinces import ProvinceCode, Ward

    try:
        code = ProvinceCode(province_code)
    except ValueError as exc:
        raise ProfileError(f"province_code {province_code} is not one of the 34 provinces") from exc
    return [
        {"code": str(int(w.code)), "name": w.name, "division": str(w.division_type.value)}
        for w in Ward.iter_by_province(code)
    ]


def ward_agency(ward: dict[str, str]) -> dict[str, Any]:
    """The People's Committee (UBND) of one ward: the default handling agency there."""
    return {
        "id": f"ubnd-{ward['code']}",
        "name_vi": f"UBND {ward['name']}",
        "name_en": f"People's Committee of {ward['name']}",
        "kind": "ward_people_committee",
        "ward_code": ward["code"],
    }


def _apply_category_changes(categories: list[dict[str, Any]], changes: dict[str, Any], path: Path) -> list[dict]:
    by_code = {c["code"]: dict(c) for c in categories}
    for code, names in changes.get("rename", {}).items():
        if code not in by_code:
            raise ProfileError(f"{path}: category_changes.rename: unknown category '{code}'")
        by_code[code].update(names)
    for code in changes.get("retire", []):
        if code not in by_code:
            raise ProfileError(f"{path}: category_changes.retire: unknown category '{code}'")
        by_code[code]["active"] = False
    for code in changes.get("urgent_prone", []):
        if code not in by_code:
            raise ProfileError(f"{path}: category_changes.urgent_prone: unknown category '{code}'")
        by_code[code]["urgent_prone"] = True
    for extra in changes.get("add", []):
        by_code[extra.get("code", "")] = extra
    return list(by_code.values())


def build_profile(data: dict[str, Any], defaults: dict[str, Any], path: Path) -> ProvinceProfile:
    """Merge defaults, the province's file and its generated wards, then validate."""
    merged: dict[str, Any] = {**defaults, **data}
    changes = merged.pop("category_changes", {})
    merged["categories"] = _apply_category_changes(defaults.get("categories", []), changes, path)
    code = merged.get("province_code")
    if not isinstance(code, int):
        raise ProfileError(f"{path}: province_code: an integer code of one of the 34 provinces is required")
    wards = wards_of(code)
    merged["wards"] = wards
    merged["agencies"] = [*merged.get("agencies", []), *(ward_agency(w) for w in wards)]
    try:
        return ProvinceProfile.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise ProfileError(f"{path}: {problems}") from exc


@lru_cache(maxsize=8)
def load_profile(slug: str, directory: str | None = None) -> ProvinceProfile:
    """The validated profile of one province (cached per process)."""
    from chalicelib.provinces.compile import read_calendar
    from chalicelib.rules.calendar import use_compiled

    use_compiled(read_calendar())  # the national days off, without importing `holidays`
    base = Path(directory) if directory else DATA_DIR
    path = base / f"{slug}.json"
    return build_profile(_read(path), _read(DEFAULTS_FILE), path)
