"""Bytes each portal page ships, gzip -9 (the ward polygons excepted: an API answer, cached a day).

Target: the report page's own JavaScript + CSS <= 150 KB compressed, for a cheap phone on 3G. The staff
console (/dieu-hanh: queues, case file, map, directory in one page) is held to the same target: ward
offices work on the same connections.
Builds web/dist first when it is missing (make web).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.portal import DIST, ROOT, load_routes
from infra.portal import page_weight as weigh

TARGET = 150 * 1024
CONSOLE = "dieu-hanh/index.html"


def main() -> int:
    if not (DIST / "index.html").exists():
        subprocess.run(["make", "--no-print-directory", "web"], cwd=ROOT, check=True)
    pages = dict.fromkeys(v for v in load_routes().values())
    print("portal page weight (gzip -9, bytes):")
    worst = console = 0
    for html in pages:
        weight = weigh(html)
        total = sum(weight.values())
        code = sum(v for k, v in weight.items() if k.endswith((".js", ".css")))
        print(f"  {html:24} total {total:7d}  js+css {code:7d}  ({total / 1024:.1f} KB)")
        if html == "index.html":
            worst = code
        if html == CONSOLE:
            console = code
    print(f"report page js+css: {worst / 1024:.1f} KB of the {TARGET // 1024} KB target "
          f"({worst / TARGET:.0%})")
    print(f"staff console js+css: {console / 1024:.1f} KB of the {TARGET // 1024} KB target "
          f"({console / TARGET:.0%})")
    return 0 if max(worst, console) <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
