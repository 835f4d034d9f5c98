"""`make new-province CODE=<code>`: a valid profile and a stage for any of the 34 provinces.

Runs scripts/new_province.py against copies of the profiles and
.chalice/config.json, so the repository is untouched.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import new_province  # noqa: E402

SEEDS = {66: "daklak", 46: "hue", 48: "danang"}


@pytest.fixture
def workspace(tmp_path):
    profiles = tmp_path / "provinces"
    shutil.copytree(ROOT / "chalicelib" / "provinces", profiles, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    config = tmp_path / "config.json"
    shutil.copy(ROOT / ".chalice" / "config.json", config)
    return profiles, config


def _run(workspace, *args: str) -> int:
    profiles, config = workspace
    return new_province.main([*args, "--profiles-dir", str(profiles), "--chalice-config", str(config)])


def test_every_one_of_the_34_provinces_gets_a_profile_that_loads_and_a_stage(workspace):
    from vietnam_provinces import Province

    from chalicelib.provinces.loader import load_profile

    profiles, config = workspace
    codes = [int(p.code) for p in Province.iter_all()]
    assert len(codes) == 34
    made = {}
    for code in codes:
        if code in SEEDS:
            continue
        facts = new_province.province_facts(code)
        assert _run(workspace, str(code)) == 0, facts
        made[code] = facts["slug"]
    stages = json.loads(config.read_text(encoding="utf-8"))["stages"]
    for code, slug in made.items():
        profile = load_profile(slug, str(profiles))
        assert profile.province_code == code
        wards = [a for a in profile.agencies if a.kind == "ward_people_committee"]
        assert wards and len(wards) == len(profile.wards)
        assert stages[slug]["environment_variables"]["STAGE"] == slug
        assert stages[slug]["environment_variables"]["PROVINCE"] == slug
    prefixes = [json.loads((profiles / f"{slug}.json").read_text(encoding="utf-8"))["id_prefix"]
                for slug in made.values()]
    assert len(set(prefixes)) == len(prefixes) == 31


def test_a_new_stage_copies_only_what_all_province_stages_share(workspace):
    _, config = workspace
    data = json.loads(config.read_text(encoding="utf-8"))
    data["stages"]["hue"]["environment_variables"]["ONLY_HUE"] = "x"
    config.write_text(json.dumps(data), encoding="utf-8")
    assert _run(workspace, "1") == 0
    env = json.loads(config.read_text(encoding="utf-8"))["stages"]["hanoi"]["environment_variables"]
    assert "ONLY_HUE" not in env
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Phananh"


def test_an_existing_province_or_a_taken_id_prefix_is_refused(workspace):
    assert _run(workspace, "66") == 1
    assert _run(workspace, "1", "--slug", "thudo", "--id-prefix", "DLK") == 1
    assert _run(workspace, "1", "--slug", "thudo", "--id-prefix", "HN") == 0


def test_a_code_outside_the_34_is_refused(workspace):
    with pytest.raises(SystemExit, match="not one of the 34"):
        _run(workspace, "99")
