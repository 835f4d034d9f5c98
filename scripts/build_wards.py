"""Rebuild chalicelib/provinces/wards/ from the upstream ward files (the 2025 map).

    python scripts/build_wards.py <directory holding the upstream <code>.json files>

The upstream files (lamngockhuong/vietnam-3d-map, public/wards/) carry area,
population and a label point the service does not use, and decimal
coordinates. The compact form keeps, per ward, its code, full name (as
`vietnam-provinces` spells it, so it matches the profile), type, and its
rings as delta-encoded integers in 1e-5 degrees (about 1 m, the upstream
precision): the same geometry in well under half the bytes. `index.json`
lists the 34 provinces with their names and bounding boxes, so a point can
be placed in a province without opening every file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "chalicelib" / "provinces" / "wards"
SCALE = 100_000


def encode_ring(ring: list[list[float]]) -> list[int]:
    """[[lng, lat], ...] -> [x0, y0, dx1, dy1, ...] in 1e-5 degrees (closing point dropped)."""
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    out: list[int] = []
    px = py = 0
    for lng, lat in ring:
        x, y = round(lng * SCALE), round(lat * SCALE)
        out += [x - px, y - py]
        px, py = x, y
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[0])
    sys.path.insert(0, str(ROOT / "scripts"))
    from new_province import province_facts
    from vietnam_provinces import ProvinceCode, Ward

    OUT.mkdir(parents=True, exist_ok=True)
    index = []
    for path in sorted(source.glob("[0-9]*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        code = int(data["provinceId"])
        facts = province_facts(code)
        full_names = {str(int(w.code)): w.name for w in Ward.iter_by_province(ProvinceCode(code))}
        wards = []
        xs: list[float] = []
        ys: list[float] = []
        for w in sorted(data["wards"], key=lambda w: int(w["id"])):
            wid = str(int(w["id"]))
            if wid not in full_names:
                raise SystemExit(f"{path.name}: ward {wid} is not a vietnam-provinces ward of province {code}")
            for ring in w["polygons"]:
                xs += [p[0] for p in ring]
                ys += [p[1] for p in ring]
            wards.append({"code": wid, "name": full_names[wid], "type": w["type"],
                          "rings": [encode_ring(r) for r in w["polygons"]]})
        if len(wards) != len(full_names):
            raise SystemExit(f"{path.name}: {len(wards)} wards, vietnam-provinces has {len(full_names)}")
        doc = {"province_code": code, "name_vi": facts["name_vi"], "name_en": facts["name_en"], "wards": wards}
        (OUT / f"{code:02d}.json").write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n",
                                              encoding="utf-8")
        index.append({"province_code": code, "name_vi": facts["name_vi"], "name_en": facts["name_en"],
                      "wards": len(wards), "bbox": [min(xs), min(ys), max(xs), max(ys)]})
    (OUT / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(index)} provinces, {sum(p['wards'] for p in index)} wards -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
