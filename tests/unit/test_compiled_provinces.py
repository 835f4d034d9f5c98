"""The compiled province data (chalicelib/provinces/compiled/) equals what its sources give, and is what runs."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from chalicelib.provinces import compile as compiled
from chalicelib.provinces.loader import wards_from_library, wards_of
from chalicelib.rules.calendar import national_year_from_holidays

ROOT = Path(__file__).resolve().parents[2]


def test_committed_files_equal_their_sources() -> None:
    stale = compiled.stale_files()
    assert not stale, (f"stale compiled province data: {[p.name for p in stale]}; "
                       "run `python -m chalicelib.provinces.compile` and commit chalicelib/provinces/compiled/")


def test_every_shipped_province_has_its_wards_compiled() -> None:
    for code in compiled.province_codes():
        assert compiled.wards_file(code).exists()
        assert wards_of(code) == wards_from_library(code)


def test_compiled_calendar_reads_back_as_holidays_gives_it() -> None:
    years = compiled.read_calendar()
    assert set(years) == set(compiled.YEARS)
    assert years[2026] == national_year_from_holidays(2026)
    assert date(2026, 2, 17) in years[2026][0]  # Tết


def test_check_names_what_to_run_when_a_file_differs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(compiled, "CALENDAR_FILE", tmp_path / "calendar.json")
    (tmp_path / "calendar.json").write_text("{}\n", encoding="utf-8")
    assert compiled.stale_files() == [tmp_path / "calendar.json"]


def test_a_loaded_profile_needs_neither_library() -> None:
    probe = ("import sys; from datetime import datetime, UTC; from chalicelib.provinces import load_profile; "
             "p = load_profile('daklak'); p.working_calendar.due_after(datetime(2026, 2, 13, 9, tzinfo=UTC), 3); "
             "print(sorted(m for m in ('holidays', 'vietnam_provinces') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_province_without_compiled_wards_still_loads_them_and_says_so(monkeypatch) -> None:
    from chalicelib.observability import logger

    warned: list[tuple[str, dict]] = []
    monkeypatch.setattr(logger, "warning", lambda message, extra: warned.append((message, extra)))
    monkeypatch.setattr(compiled, "COMPILED_DIR", Path("/nonexistent"))
    assert wards_of(66) == wards_from_library(66)
    assert [(m, e["province_code"]) for m, e in warned] == [
        ("compiled wards missing: read from vietnam-provinces at run time", 66)]
