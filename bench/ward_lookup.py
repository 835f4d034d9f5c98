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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(13)
    print(f"lookup over {args.points} random points in the province's bounding box (ms per point)")
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
        fast = timings(pw.lookup, points)
        slow = timings(lambda lat, lng, pw=pw: naive(pw, lat, lng), points)
        agree = sum((pw.containing(a, b) or W.WardInfo(None, "", "")).code == naive(pw, a, b) for a, b in points)
        print(f"  {pw.name_vi} ({len(pw.wards)} wards): indexed median {statistics.median(fast):.4f} "
              f"p99 {p(fast, .99):.4f} | naive median {statistics.median(slow):.3f} p99 {p(slow, .99):.3f} | "
              f"ratio median {statistics.median(slow) / statistics.median(fast):.0f}x "
              f"p99 {p(slow, .99) / p(fast, .99):.0f}x | agree with naive {agree / len(points):.2%}")
        print(f"    load index {load_ms:.0f} ms, retained {current / 1e6:.1f} MB (peak {peak / 1e6:.1f} MB)")
    print("interior points (>= 400 m inside their ward) routed to their ward")
    for code in (66, 46, 48):
        ok, total = interior_correctness(code, 5, rng)
        print(f"  {code:02d}: {ok}/{total} = {ok / total:.2%}")


if __name__ == "__main__":
    main()
