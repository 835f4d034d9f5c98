"""Compile what a province profile takes from libraries into data files, so a Lambda never imports them.

    python -m chalicelib.provinces.compile           # write chalicelib/provinces/compiled/
    python -m chalicelib.provinces.compile --check   # exit 1 if the committed files differ from the sources

`vietnam_provinces` (the 2025 map's wards) and `holidays` (Vietnam's days off and make-up working days) stay
the sources of truth; importing and computing them cost a first request about a second (the `holidays`
package alone imports every calendar system it knows). What they give is written once here:

- `compiled/wards-<province code>.json`: the province's wards, as `loader.wards_of` returns them;
- `compiled/calendar.json`: the national days off and make-up working days of YEARS.

`make package` and `make new-province` run it; a unit test runs `--check`. A year outside YEARS is still
computed from `holidays` at run time (correct, only slower).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from chalicelib.rules.calendar import NationalYear

PROVINCES_DIR = Path(__file__).resolve().parent
COMPILED_DIR = PROVINCES_DIR / "compiled"
CALENDAR_FILE = COMPILED_DIR / "calendar.json"
YEARS = range(2024, 2041)


def wards_file(province_code: int) -> Path:
    return COMPILED_DIR / f"wards-{province_code}.json"


def province_codes() -> list[int]:
    """The province codes of the profiles shipped with the code."""
    codes = set()
    for path in sorted(PROVINCES_DIR.glob("*.json")):
        if not path.name.startswith("_"):
            code = json.loads(path.read_text(encoding="utf-8")).get("province_code")
            if isinstance(code, int):
                codes.add(code)
    return sorted(codes)


def calendar_document() -> dict[str, object]:
    from chalicelib.rules.calendar import national_year_from_holidays

    years = {}
    for year in YEARS:
        days_off, makeup = national_year_from_holidays(year)
        years[str(year)] = {"days_off": sorted(d.isoformat() for d in days_off),
                            "makeup": sorted(d.isoformat() for d in makeup)}
    return {"source": "holidays (VN)", "years": years}


def read_calendar(path: Path = CALENDAR_FILE) -> dict[int, NationalYear]:
    """The compiled national years, as rules.calendar.use_compiled takes them ({} without the file)."""
    try:
        years = json.loads(path.read_text(encoding="utf-8"))["years"]
    except FileNotFoundError:
        return {}
    return {int(year): (frozenset(date.fromisoformat(d) for d in days["days_off"]),
                        frozenset(date.fromisoformat(d) for d in days["makeup"])) for year, days in years.items()}


def render(document: object) -> str:
    """One entry a line: small diffs in git, and compact."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).replace("},{", "},\n{") + "\n"


def expected_files() -> dict[Path, str]:
    """Every compiled file and the text the sources give for it today."""
    from chalicelib.provinces.loader import wards_from_library

    files = {CALENDAR_FILE: render(calendar_document())}
    for code in province_codes():
        files[wards_file(code)] = render(wards_from_library(code))
    return files


def stale_files() -> list[Path]:
    """The compiled files missing or different from what the sources give."""
    return [path for path, text in expected_files().items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a file is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path.relative_to(PROVINCES_DIR.parent.parent)}", file=sys.stderr)
        if stale:
            print("run `python -m chalicelib.provinces.compile` and commit chalicelib/provinces/compiled/",
                  file=sys.stderr)
        return 1 if stale else 0
    COMPILED_DIR.mkdir(exist_ok=True)
    for path, text in expected_files().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(PROVINCES_DIR.parent.parent)} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
