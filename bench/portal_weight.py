"""Bytes each portal page ships, gzip -9 (the ward polygons excepted: an API answer, cached a day).

Target: the report page's own JavaScript + CSS <= 150 KB compressed, for a cheap phone on 3G.
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


def main() -> int:
    if not (DIST / "index.html").exists():
        subprocess.run(["make", "--no-print-directory", "web"], cwd=ROOT, check=True)
    pages = dict.fromkeys(v for v in load_routes().values())
    print("portal page weight (gzip -9, bytes):")
    worst = 0
    for html in pages:
        weight = weigh(html)
        total = sum(weight.values())
        code = sum(v for k, v in weight.items() if k.endswith((".js", ".css")))
        print(f"  {html:24} total {total:7d}  js+css {code:7d}  ({total / 1024:.1f} KB)")
        if html == "index.html":
            worst = code
    print(f"report page js+css: {worst / 1024:.1f} KB of the {TARGET // 1024} KB target "
          f"({worst / TARGET:.0%})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
