"""Nearby bench: items read and calls per `GET /reports/nearby` query with 100,000 reports over a province.

    .venv/bin/python bench/nearby.py [--reports 100000] [--queries 1000]

The reports are written into moto in-process with BatchWriteItem (25 per
call, as bench/sweep.py does), spread over Đắk Lắk: 40 % around Buôn Ma
Thuột and 20 % around Tuy Hòa (normal, sd 4 km), 40 % anywhere in the
province's box; ten categories, weighted; 30 % open, 10 % published (half
within the profile's recent window, half older but not closed), 60 %
closed, rejected or merged (these carry no nearby key). Each is written as
storage/reports.to_model writes it, so only open and published ones with a
point are in the sparse `nearby-cell` index.

Then `--queries` nearby queries run through the service's own store and rule
(storage/support.SupportStore.nearby + rules/nearby.choose): half at a stored
report's point moved up to 100 m (where duplicates happen), half anywhere.
AWS calls are counted with bench/aws_calls.py; "items read" is the sum of
DynamoDB's ScannedCount (what it bills reads by).

Printed: per query, the calls (= cells read), items read, candidates inside
the radius, reports returned (at most the profile's limit); items read as a
ratio of returned; and the cell overhead: items read outside the radius (the
cells' corners and the Z-order litter of each cell's range) and published
reports past the recent window (dropped after the read).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sweep import REGION, _env, batch_write, bench_province

CITIES = ((12.667, 108.038), (13.088, 109.303))  # Buôn Ma Thuột, Tuy Hòa
BOX = (12.15, 107.45, 13.75, 109.45)  # south, west, north, east: the province's box, roughly
CATEGORY_WEIGHTS = (30, 20, 12, 10, 8, 6, 5, 4, 3, 2)


def point(rnd: random.Random) -> tuple[float, float]:
    roll = rnd.random()
    if roll < 0.6:
        lat0, lng0 = CITIES[0] if roll < 0.4 else CITIES[1]
        sd = 4000 / 111_195
        return lat0 + rnd.gauss(0, sd), lng0 + rnd.gauss(0, sd / math.cos(math.radians(lat0)))
    s, w, n, e = BOX
    return rnd.uniform(s, n), rnd.uniform(w, e)


def build_items(profile, now: datetime, total: int, rnd: random.Random) -> tuple[list, list]:
    """(raw items, (lat, lng, category) of every stored report)."""
    from chalicelib.rules.report import Report, Reporter
    from chalicelib.storage.models import ReportModel
    from chalicelib.storage.reports import to_model

    categories = [c.code for c in profile.active_categories()][:len(CATEGORY_WEIGHTS)]
    ward = profile.wards[0].code
    base = Report(
        id="T", province_code=profile.province_code, status="received", channel="app", category=categories[0],
        description="Ổ gà lớn giữa đường, xe máy dễ ngã", lat=12.68, lng=108.04, address=None, ward_code=ward,
        agency_id="ubnd-24133", reporter=Reporter("Nguyễn Văn A", "+84912345678"), received_at=now, due_at=now,
        original_due_at=now, updated_at=now, last_action="submit", last_actor_role="citizen", version=1)
    when = ReportModel.received_at.serialize
    items, points = [], []
    for i in range(total):
        lat, lng = point(rnd)
        category = rnd.choices(categories, CATEGORY_WEIGHTS)[0]
        roll = rnd.random()
        published_at = None
        if roll < 0.3:
            status = rnd.choice(("received", "assigned", "in_progress"))
        elif roll < 0.4:
            status = "published"
            published_at = now - timedelta(days=rnd.uniform(0, 28) if roll >= 0.35 else rnd.uniform(0, 6.9))
        else:
            status = rnd.choice(("closed", "closed", "rejected", "merged"))
        report = base.evolve(id=f"DLK-{i:07d}", status=status, category=category, lat=lat, lng=lng,
                             published_at=published_at)
        item = to_model(report, "0" * 64).serialize()
        item["received_at"] = {"S": when(now - timedelta(minutes=i))}
        items.append(item)
        points.append((lat, lng, category))
    return items, points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    _env()

    from moto import mock_aws

    with mock_aws():
        import boto3

        from bench.aws_calls import count_calls
        from chalicelib import container
        from chalicelib.rules.calendar import VN_TZ
        from chalicelib.rules.geo import haversine_m
        from chalicelib.rules.nearby import cells_for, choose
        from chalicelib.storage.models import bind
        from chalicelib.storage.support import SupportStore

        stack, profile = bench_province()
        radius = profile.nearby.radius_m
        now = datetime(2026, 11, 23, 10, 0, tzinfo=VN_TZ)
        rnd = random.Random(args.seed)
        t = time.perf_counter()
        items, points = build_items(profile, now, args.reports, rnd)
        indexed = sum(1 for i in items if "near_cell" in i)
        calls = batch_write(boto3.client("dynamodb", region_name=REGION), stack.names["ReportsTable"],
                            [{"PutRequest": {"Item": i}} for i in items])
        print(f"reports: {args.reports:,} ({indexed:,} open or published, in the nearby index); loaded in "
              f"{time.perf_counter() - t:.1f} s (BatchWriteItem x{calls:,})")

        queries = []
        for q in range(args.queries):
            if q % 2 == 0:
                lat, lng, category = rnd.choice(points)
                bearing, shift = rnd.uniform(0, 2 * math.pi), rnd.uniform(0, 100) / 111_195
                lat, lng = lat + shift * math.cos(bearing), lng + shift * math.sin(bearing)
            else:
                lat, lng = point(rnd)
                category = rnd.choice(points)[2]
            queries.append((lat, lng, category))

        totals = {"calls": 0, "read": 0, "inside": 0, "returned": 0, "outside": 0, "stale": 0}
        worst = 0.0
        with count_calls() as log:
            bind(container.settings())
            store = SupportStore()
            for lat, lng, category in queries:
                log.clear()
                found = store.nearby(category, cells_for(lat, lng, profile))
                chosen = choose(lat, lng, found, now, profile)
                read = sum((c.response or {}).get("ScannedCount", 0) for c in log.calls if c.operation == "Query")
                inside = [r for r in found if haversine_m(lat, lng, r.lat, r.lng) <= radius]
                totals["calls"] += log.total()
                totals["read"] += read
                totals["returned"] += len(chosen)
                totals["inside"] += len(inside)
                totals["outside"] += len(found) - len(inside)
                totals["stale"] += sum(1 for r in inside if r.status == "published"
                                       and now - r.published_at > timedelta(days=profile.nearby.recent_days))
                worst = max(worst, read / max(1, len(chosen)))
        n = args.queries
        print(f"queries: {n:,} (half within 100 m of a stored report); radius {radius} m, limit "
              f"{profile.nearby.limit}")
        print(f"per query: AWS calls {totals['calls'] / n:.2f} (Query, one per cell read; at most 4), items read "
              f"{totals['read'] / n:.2f}, inside the radius {totals['inside'] / n:.2f}, returned "
              f"{totals['returned'] / n:.2f}")
        print(f"cell overhead per query: {totals['outside'] / n:.2f} items read outside the radius, "
              f"{totals['stale'] / n:.2f} published past the recent window (read, then dropped)")
        overhead = (totals["outside"] + totals["stale"]) / n
        print(f"items read / returned: {totals['read'] / max(1, totals['returned']):.2f}; "
              f"(items read - cell overhead) / returned: "
              f"{(totals['read'] / n - overhead) / max(1e-9, totals['returned'] / n):.2f} (target <= 3)")
        assert totals["read"] == totals["inside"] + totals["outside"]


if __name__ == "__main__":
    main()
