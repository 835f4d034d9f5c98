"""Point → ward: indexed lookup beside the naive every-ring test, index load cost, interior correctness.

    .venv/bin/python bench/ward_lookup.py [--points 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.rules import wards as W

M_PER_DEG = 111_195.0


def naive(pw: W.ProvinceWards, lat: float, lng: float) -> str | None:
    """Ray casting over every edge of every ring: the reference."""
    for ring in pw.rings:
        xs, ys, inside = ring.xs, ring.ys, False
        for i in range(len(xs)):
            yi, yj = ys[i], ys[i - 1]
            if (yi > lat) != (yj > lat) and lng < xs[i] + (lat - yi) * (xs[i - 1] - xs[i]) / (yj - yi):
                inside = not inside
        if inside:
            return pw.wards[ring.ward].code
    return None


def timings(fn, points) -> list[float]:
    out = []
    for lat, lng in points:
        t = time.perf_counter()
        fn(lat, lng)
        out.append((time.perf_counter() - t) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def interior_correctness(code: int, per_ward: int, rng: random.Random) -> tuple[int, int]:
    pw = W.province_wards(code)
    ok = total = 0
    for k, ward in enumerate(pw.wards):
        rings = [r for r in pw.rings if r.ward == k]
        found = 0
        for _ in range(300):
            ring = rng.choice(rings)
            x, y = rng.uniform(ring.x0, ring.x1), rng.uniform(ring.y0, ring.y1)
            if not ring.contains(x, y) or any(r.distance_m(x, y, 400 / M_PER_DEG) < 400 for r in pw.rings
                                              if r.x0 - .01 <= x <= r.x1 + .01 and r.y0 - .01 <= y <= r.y1 + .01):
                continue
            total += 1
            match = W.ward_at(y, x, code)
            ok += bool(match and match.code == ward.code)
            found += 1
            if found == per_ward:
                break
    return ok, total


def shapely_index(code: int):
    """The same rings in shapely 2 (GEOS): an STRtree of polygons, queried with `contains`."""
    from shapely import Polygon, STRtree

    pw = W.province_wards(code)
    polygons = [Polygon(list(zip(r.xs, r.ys, strict=True))) for r in pw.rings]
    tree = STRtree(polygons)
    owners = [pw.wards[r.ward].code for r in pw.rings]

    def lookup(lat: float, lng: float):
        from shapely import Point

        hits = tree.query(Point(lng, lat), predicate="within")
        return owners[int(hits[0])] if len(hits) else None

    return lookup


def import_ms(module: str) -> float:
    """Median time to import a module in a fresh interpreter (what a cold start would pay for it)."""
    import subprocess

    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", f"import time; t=time.perf_counter(); import {module}; "
                              "print((time.perf_counter()-t)*1000)"], capture_output=True, text=True, check=True)
        runs.append(float(out.stdout))
    return statistics.median(runs)


def site_mb(*names: str) -> float:
    import importlib.util

    total = 0
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            for root in spec.submodule_search_locations:
                total += sum(f.stat().st_size for f in Path(root).rglob("*") if f.is_file())
            libs = Path(next(iter(spec.submodule_search_locations))).parent / f"{name}.libs"
            total += sum(f.stat().st_size for f in libs.rglob("*") if f.is_file()) if libs.exists() else 0
    return total / 1e6


def compare_shapely(points_by_code: dict[int, list[tuple[float, float]]]) -> None:
    try:
        import shapely  # noqa: F401
    except ImportError:
        print("shapely is not installed: comparison skipped")
        return
    print("shapely 2 STRtree (GEOS) vs our grid index, same points, same run (ms per point)")
    for code, points in points_by_code.items():
        ours = W.province_wards(code)
        t = time.perf_counter()
        theirs = shapely_index(code)
        build_ms = (time.perf_counter() - t) * 1000
        fast = timings(ours.lookup, points)
        geos = timings(theirs, points)
        agree = sum((ours.containing(a, b) or W.WardInfo(None, "", "")).code == theirs(a, b) for a, b in points)
        print(f"  {code:02d}: ours median {statistics.median(fast):.4f} p99 {p(fast, .99):.4f} | shapely median "
              f"{statistics.median(geos):.4f} p99 {p(geos, .99):.4f} (+{build_ms:.0f} ms to build) | "
              f"shapely/ours median {statistics.median(geos) / statistics.median(fast):.1f}x | "
              f"agree {agree / len(points):.2%}")
    print(f"  cost to carry it: import shapely {import_ms('shapely'):.0f} ms in a fresh interpreter "
          f"(import chalicelib.rules.wards {import_ms('chalicelib.rules.wards'):.0f} ms); "
          f"{site_mb('shapely', 'numpy'):.0f} MB of package (shapely + numpy) against a 250 MB Lambda limit")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(13)
    print(f"lookup over {args.points} random points in the province's bounding box (ms per point)")
    samples: dict[int, list[tuple[float, float]]] = {}
    for code in (79, 38, 66):
        t = time.perf_counter()
        pw = W.ProvinceWards(W._read(code))
        load_ms = (time.perf_counter() - t) * 1000
        tracemalloc.start()
        W.ProvinceWards(W._read(code))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tracemalloc.start()
        held = W.ProvinceWards(W._read(code))
        current, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del held
        box = next(p["bbox"] for p in W.provinces() if p["province_code"] == code)
        points = [(rng.uniform(box[1], box[3]), rng.uniform(box[0], box[2])) for _ in range(args.points)]
        samples[code] = points[:2000]
        fast = timings(pw.lookup, points)
        slow = timings(lambda lat, lng, pw=pw: naive(pw, lat, lng), points)
        agree = sum((pw.containing(a, b) or W.WardInfo(None, "", "")).code == naive(pw, a, b) for a, b in points)
        print(f"  {pw.name_vi} ({len(pw.wards)} wards): indexed median {statistics.median(fast):.4f} "
              f"p99 {p(fast, .99):.4f} | naive median {statistics.median(slow):.3f} p99 {p(slow, .99):.3f} | "
              f"ratio median {statistics.median(slow) / statistics.median(fast):.0f}x "
              f"p99 {p(slow, .99) / p(fast, .99):.0f}x | agree with naive {agree / len(points):.2%}")
        print(f"    load index {load_ms:.0f} ms, retained {current / 1e6:.1f} MB (peak {peak / 1e6:.1f} MB)")
    compare_shapely(samples)
    print("interior points (>= 400 m inside their ward) routed to their ward")
    for code in (66, 46, 48):
        ok, total = interior_correctness(code, 5, rng)
        print(f"  {code:02d}: {ok}/{total} = {ok / total:.2%}")


if __name__ == "__main__":
    main()
