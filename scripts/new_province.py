"""Start a new province: write its profile and its Chalice stage, the two files to review before it goes live.

    python scripts/new_province.py 1            # Hà Nội   (what `make new-province CODE=1` runs)
    python scripts/new_province.py 79 --slug hcm --id-prefix HCM

The province's name and its wards come from `vietnam-provinces` (the 34
provinces of the 2025 reform); its wards become People's Committee agencies
when the profile is loaded (chalicelib/provinces/loader.py), so they are not
written here. Agencies, routing, SLA and addresses follow the seed provinces'
shape with placeholder e-mail addresses under <slug>.example.gov.vn: replace
them, then `make package STAGE=<slug>`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "chalicelib" / "provinces"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"

# The departments every seed province routes to; (id, Vietnamese, English, kind, mailbox).
DEPARTMENTS = (
    ("so-xay-dung", "Sở Xây dựng", "Department of Construction", "department", "soxd"),
    ("so-nn-mt", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", "department", "sonnmt"),
    ("so-cong-thuong", "Sở Công Thương", "Department of Industry and Trade", "department", "socongthuong"),
    ("so-y-te", "Sở Y tế", "Department of Health", "department", "soyte"),
    ("cong-an-tinh", "Công an", "Police", "police", "congan"),
)
ROUTING = {
    "an-ninh-trat-tu": "cong-an-tinh",
    "an-toan-thuc-pham": "so-y-te",
    "hang-hoa-dich-vu": "so-cong-thuong",
    "doanh-nghiep": "so-cong-thuong",
    "hien-ke-do-thi-thong-minh": "ioc",
}


def ascii_words(text: str) -> list[str]:
    """'Thành phố Đà Nẵng' -> ['Thanh', 'pho', 'Da', 'Nang'] (đ/Đ included)."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return re.findall(r"[A-Za-z0-9]+", "".join(c for c in plain if not unicodedata.combining(c)))


def province_facts(code: int) -> dict[str, Any]:
    """Name, English name, default slug and id prefix of one of the 34 provinces."""
    from vietnam_provinces import Province, ProvinceCode

    try:
        province = Province.from_code(ProvinceCode(code))
    except ValueError as exc:
        codes = ", ".join(str(int(p.code)) for p in Province.iter_all())
        raise SystemExit(f"{code} is not one of the 34 province codes ({codes})") from exc
    city = province.name.startswith("Thành phố")
    words = [w.capitalize() for w in province.codename.split("_")]
    initials = "".join(w[0] for w in words).upper()
    if len(words) == 1:
        prefix = words[0][:3].upper()
    else:
        prefix = initials if len(initials) >= 3 else (initials + words[-1][-1].upper())
    return {
        "code": int(province.code),
        "name_vi": province.name,
        "name_en": f"{' '.join(words)} {'City' if city else 'Province'}",
        "slug": "".join(w.lower() for w in words),
        "id_prefix": prefix if len(prefix) >= 2 else (prefix + "X"),
    }


def build_profile(facts: dict[str, Any], slug: str, id_prefix: str) -> dict[str, Any]:
    """The profile file's content in the seed provinces' shape (wards are added at load)."""
    domain = f"{slug}.example.gov.vn"
    of_province = facts["name_vi"][0].lower() + facts["name_vi"][1:]  # "tỉnh Đắk Lắk", "thành phố Huế"
    agencies = [{
        "id": "ioc",
        "name_vi": f"Trung tâm Giám sát, điều hành đô thị thông minh {of_province}",
        "name_en": f"{facts['name_en']} Intelligent Operations Centre",
        "kind": "ioc",
        "focal_emails": [f"ioc@{domain}"],
        "lead_emails": [f"lanhdao.ioc@{domain}"],
    }]
    for agency_id, name_vi, name_en, kind, mailbox in DEPARTMENTS:
        agencies.append({
            "id": agency_id,
            "name_vi": f"{name_vi} {of_province}",
            "name_en": f"{facts['name_en']} {name_en}",
            "kind": kind,
            "focal_emails": [f"{mailbox}@{domain}"],
            "lead_emails": [f"lanhdao.{mailbox}@{domain}"],
        })
    return {
        "province_code": facts["code"],
        "slug": slug,
        "name_vi": facts["name_vi"],
        "name_en": facts["name_en"],
        "id_prefix": id_prefix,
        "hotline": "1022",
        "public_base_url": f"https://phananh.{domain}",
        "console_base_url": f"https://phananh.{domain}/dieu-hanh",  # the console: one page of the portal's build
        "agencies": agencies,
        "routing": {"default": "ward_people_committee", "by_category": dict(ROUTING)},
        "sla": {
            "warning_window_days": 1,
            "grace_days": 2,
            "return_stops_clock": False,
            "leadership_emails": [f"lanhdao@{domain}"],
            "overdue_alarm_threshold": 20,
            "ranking_min_sample": 10,
            "ward_lead_email_pattern": f"lanhdao.ubnd{{ward_code}}@{domain}",
        },
    }


def add_stage(config: dict[str, Any], slug: str) -> dict[str, Any]:
    """A stage with the settings every existing province stage shares (nothing one province set), naming this one."""
    stages = config.setdefault("stages", {})
    provinces = [s for name, s in stages.items() if name != "dev"] or [stages.get("dev", {})]

    def shared(settings: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in settings.items() if all(p.get(k) == v for p in provinces)}

    stage = shared({k: v for k, v in provinces[0].items() if k not in ("environment_variables", "lambda_functions")})
    stage.setdefault("api_gateway_stage", "api")
    env = provinces[0].get("environment_variables", {})
    common_env = {k: v for k, v in env.items()
                  if all(p.get("environment_variables", {}).get(k) == v for p in provinces)}
    stage["environment_variables"] = {**common_env, "STAGE": slug, "PROVINCE": slug}
    stages[slug] = json.loads(json.dumps(stage))
    return config


def existing_prefixes(profiles: Path) -> dict[str, str]:
    out = {}
    for path in profiles.glob("*.json"):
        if not path.name.startswith("_"):
            out[json.loads(path.read_text(encoding="utf-8")).get("id_prefix", "")] = path.stem
    return out


def main(argv: list[str] | None = None) -> int:
    """Write chalicelib/provinces/<slug>.json and the stage <slug> in .chalice/config.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("code", type=int, help="province code (vietnam-provinces, 2025 map), e.g. 66 for Đắk Lắk")
    parser.add_argument("--slug", help="stage and profile name (default: from the province's name)")
    parser.add_argument("--id-prefix", help="2-4 capital letters before every report id (default: from the name)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing profile and stage")
    parser.add_argument("--profiles-dir", type=Path, default=PROFILES, help=argparse.SUPPRESS)
    parser.add_argument("--chalice-config", type=Path, default=CHALICE_CONFIG, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    facts = province_facts(args.code)
    slug = args.slug or facts["slug"]
    prefix = args.id_prefix or facts["id_prefix"]
    if not re.fullmatch(r"[a-z0-9-]+", slug) or not re.fullmatch(r"[A-Z]{2,4}", prefix):
        print(f"error: slug {slug!r} must be [a-z0-9-]+ and id prefix {prefix!r} 2-4 capitals", file=sys.stderr)
        return 2
    profile_path = args.profiles_dir / f"{slug}.json"
    config = json.loads(args.chalice_config.read_text(encoding="utf-8"))
    if not args.force and (profile_path.exists() or slug in config.get("stages", {})):
        print(f"error: {profile_path.name} or stage '{slug}' exists already (--force to overwrite)", file=sys.stderr)
        return 1
    taken = existing_prefixes(args.profiles_dir)
    if taken.get(prefix, slug) != slug:
        print(f"error: id prefix {prefix} is {taken[prefix]}'s; choose one with --id-prefix", file=sys.stderr)
        return 1

    # All 34 provinces' ward polygons ship in chalicelib/provinces/wards/ (point → ward routing needs them).
    ward_file = PROFILES / "wards" / f"{facts['code']:02d}.json"
    if not ward_file.exists():
        print(f"error: {ward_file.name} is missing from chalicelib/provinces/wards/ (scripts/build_wards.py)",
              file=sys.stderr)
        return 1
    profile = build_profile(facts, slug, prefix)
    from chalicelib.provinces.loader import DEFAULTS_FILE
    from chalicelib.provinces.loader import build_profile as validate

    loaded = validate(profile, json.loads(DEFAULTS_FILE.read_text(encoding="utf-8")), profile_path)
    profile_path.write_text(json.dumps(profile, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.chalice_config.write_text(json.dumps(add_stage(config, slug), indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    wards = sum(1 for a in loaded.agencies if a.kind == "ward_people_committee")
    shown = profile_path.relative_to(ROOT) if profile_path.is_relative_to(ROOT) else profile_path
    print(f"{facts['name_vi']} ({facts['code']}): stage '{slug}', report ids {prefix}-…, {wards} wards → "
          f"People's Committees.\nReview {shown} (agencies' e-mails, hotline, addresses) and stage '{slug}' "
          f"in .chalice/config.json, then: make package STAGE={slug}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
