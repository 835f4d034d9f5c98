"""Anonymiser bench: items read per contact anonymised, and AWS calls, against a full-scan baseline; then the
media originals' part of the retention rule: items read and S3 calls per case whose originals it deletes.

    .venv/bin/python bench/anonymise.py [--ended 3000] [--due 300] [--open 2000]

Reports are written into moto in-process (BatchWriteItem): `--open` running
cases (not on the index), `--ended` closed ones of which `--due` closed 25
months ago and the rest a month ago (all on the sparse `retention-due` index,
whose key is when the case ended). One anonymiser run (services/retention.py)
at a fixed instant; "items read" is the sum of DynamoDB's ScannedCount. The
baseline is the filtered Scan a store without the index would need to find
the same reports, run over the same table in the same process.

Printed: items read by the run / contacts anonymised (target <= 1.2), the
calls per contact anonymised, and the index's items read as a ratio of the
baseline scan's.

Originals: every ended case was published 30 days before it closed, so the
`--due` ones are long past `retention.originals_days` and the others (published
about two months ago) are not. Each due case gets one ready photo record and two
stored versions of its upload, as do 50 of the others; one run
(services/originals.py) on the sparse `originals-due` index. Printed: index
items read / cases handled (target <= 1.2), S3 calls and all AWS calls per case.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build_items(profile: Any, now: datetime, ended: int, due: int, running: int) -> list[dict[str, Any]]:
    """Raw items as the table holds them: running cases, ended ones long ago (due) and recently (not due)."""
    from chalicelib.rules.report import Report, Reporter
    from chalicelib.rules.retention import add_months
    from chalicelib.storage.reports import to_model

    def item(n: int, status: str, closed: datetime | None) -> dict[str, Any]:
        at = closed or now
        return to_model(Report(
            id=f"DLK-{n:07d}", province_code=profile.province_code, status=status, channel="app",
            category="moi-truong", description="Bãi rác tự phát cạnh chợ, gọi 0912 345 678", lat=12.68, lng=108.04,
            address="Chợ phường", ward_code=profile.wards[0].code, agency_id="so-nn-mt",
            reporter=Reporter("Nguyễn Văn A", f"+8491{n:07d}"), received_at=at - timedelta(days=20), due_at=at,
            original_due_at=at, updated_at=at, last_action="close" if closed else "assign",
            last_actor_role="system", published_at=closed and closed - timedelta(days=30), closed_at=closed,
            version=5), "0" * 64).serialize()

    long_ago, lately = add_months(now, -25), add_months(now, -1)
    return ([item(n, "closed", long_ago - timedelta(minutes=n)) for n in range(due)]
            + [item(due + n, "closed", lately - timedelta(minutes=n)) for n in range(ended - due)]
            + [item(ended + n, "in_progress", None) for n in range(running)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ended", type=int, default=3000)
    parser.add_argument("--due", type=int, default=300)
    parser.add_argument("--open", type=int, default=2000)
    args = parser.parse_args()
    from bench.aws_calls import count_calls, moto_environment

    moto_environment("ap-southeast-1")
    from moto import mock_aws

    with mock_aws():
        import boto3

        from bench.sweep import batch_write, bench_province, lean_transaction_backups
        from chalicelib import container
        from chalicelib.services.retention import RetentionService
        from chalicelib.storage.erasure import ErasureStore
        from chalicelib.storage.models import RETENTION_SHARD, ReportModel, bind
        from chalicelib.storage.support import SupportStore

        stack, profile = bench_province()
        now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
        ddb = boto3.client("dynamodb", region_name="ap-southeast-1")
        items = build_items(profile, now, args.ended, args.due, args.open)
        batch_write(ddb, stack.names["ReportsTable"], [{"PutRequest": {"Item": i}} for i in items])
        print(f"reports: {len(items):,} ({args.open:,} running, {args.ended:,} ended of which {args.due:,} "
              "ended 25 months ago)")

        with lean_transaction_backups(), count_calls() as log:
            bind(container.settings())
            erasure = ErasureStore(page_size=100)
            service = RetentionService(profile, container.services().reports, erasure, SupportStore(),
                                       clock=lambda: now, limits_key=b"bench")
            started = time.perf_counter()
            run = service.apply_retention(most=args.due + 1)
            seconds = time.perf_counter() - started
        assert run.anonymised == args.due, run
        index_read = sum(int((c.response or {}).get("ScannedCount", 0)) for c in log.calls if c.operation == "Query")
        calls = log.by_operation()
        print(f"anonymiser run: {run.anonymised:,} anonymised, {run.read:,} read from the index, {seconds:.2f} s; "
              "AWS calls " + ", ".join(f"{op} {n:,}" for (_svc, op), n in sorted(calls.items())))

        with count_calls() as scan_log:
            bind(container.settings())
            condition = ReportModel.retention_shard == RETENTION_SHARD
            found = sum(1 for _ in ReportModel.scan(condition & (ReportModel.retention_end_at <= now)))
        scan_read = sum(int((c.response or {}).get("ScannedCount", 0)) for c in scan_log.calls)
        print(f"baseline scan: read {scan_read:,} items to find {found:,} still held")
        print(f"items read by the anonymiser / contacts anonymised: {index_read / run.anonymised:.3f} "
              "(target <= 1.2)")
        print(f"AWS calls per contact anonymised: {log.total() / run.anonymised:.3f}")
        print(f"index items read / full-scan items read: {index_read / max(1, scan_read):.4f}")
        bench_originals(profile, now, [i["id"]["S"] for i in items[:args.ended]], args.due, stack)


def bench_originals(profile: Any, now: datetime, published: list[str], due: int, stack: Any) -> None:
    """The originals' run over `published` (the first `due` long past their days): figures per case handled."""
    import boto3

    from bench.aws_calls import count_calls
    from bench.sweep import batch_write, lean_transaction_backups
    from chalicelib import container
    from chalicelib.adapters.s3 import MediaBucket
    from chalicelib.rules.media import raw_key
    from chalicelib.services.originals import OriginalsService
    from chalicelib.storage.media import MediaStore
    from chalicelib.storage.models import MediaModel, bind
    from chalicelib.storage.originals import OriginalsStore

    s3, bucket = boto3.client("s3", region_name="ap-southeast-1"), container.settings().media_bucket
    with_media = published[:due + 50]
    records = [MediaModel(report_id, "m1", kind="photo", declared_type="image/jpeg", key=raw_key(report_id, "m1"),
                          status="ready", created_at=now, renditions=[]).serialize() for report_id in with_media]
    batch_write(boto3.client("dynamodb", region_name="ap-southeast-1"), stack.names["MediaTable"],
                [{"PutRequest": {"Item": r}} for r in records])
    for report_id in with_media:
        for body in (b"the citizen's bytes", b"a second upload"):
            s3.put_object(Bucket=bucket, Key=raw_key(report_id, "m1"), Body=body, ContentType="image/jpeg")
    with lean_transaction_backups(), count_calls() as log:
        bind(container.settings())
        store = OriginalsStore(page_size=100)
        service = OriginalsService(profile, store, MediaStore(), MediaBucket(container.settings()), clock=lambda: now)
        started = time.perf_counter()
        run = service.apply_retention(most=due + 1)
        seconds = time.perf_counter() - started
    assert (run.removed, run.versions) == (due, 2 * due), run
    left = sum(len(s3.list_object_versions(Bucket=bucket, Prefix=raw_key(r, "")).get("Versions", []))
               for r in with_media)
    assert left == 2 * 50, left  # the cases not yet due keep theirs
    index_read = sum(int((c.response or {}).get("ScannedCount", 0)) for c in log.calls
                     if c.operation == "Query" and c.params.get("IndexName") == "originals-due")
    calls = log.by_operation()
    s3_calls = sum(n for (svc, _op), n in calls.items() if svc == "s3")
    print(f"originals run: {run.removed:,} cases' originals deleted ({run.versions:,} versions), {run.read:,} read "
          f"from the index, {seconds:.2f} s; AWS calls " + ", ".join(
              f"{op} {n:,}" for (_svc, op), n in sorted(calls.items())))
    print(f"index items read by the originals run / cases handled: {index_read / run.removed:.3f} (target <= 1.2)")
    print(f"S3 calls per case handled: {s3_calls / run.removed:.3f}; AWS calls per case: "
          f"{log.total() / run.removed:.3f}")


if __name__ == "__main__":
    main()
