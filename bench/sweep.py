"""SLA sweep bench: what a sweep reads and calls with 100,000 open reports of which 500 are due.

    .venv/bin/python bench/sweep.py [--reports 100000] [--due 500]

The reports are written into moto in-process with BatchWriteItem (25 per
call), then swept twice over the same table at the same instant: once by the
service's sweep (a query of the sparse `sla-due` index), once by a full-scan
sweep (the same sweeper, reading the table with a filtered Scan). Between the
two, the due reports and their audit rows are put back as they were, so both
sweeps do the same writes. AWS calls are counted with the botocore hooks of
bench/aws_calls.py; "items read" is the sum of DynamoDB's ScannedCount, what
DynamoDB bills reads by.

Printed: the load time, items read by the sweep / due items (target <= 1.2),
the calls each sweep made, and the sweep's time as a ratio of the full-scan
sweep's (total, and reads alone).

moto note: before every TransactWriteItems moto deep-copies each table the
transaction touches, to roll back on failure (about 4 s per 10,000 items);
with 100,000 reports that alone would take hours for 500 transactions. While
sweeping, this bench makes moto keep tables by reference and snapshot only
the items the transaction touches (restored on failure), for both sweeps alike.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REGION = "ap-southeast-1"
AGENCIES = ["so-xay-dung", "so-nn-mt", "so-cong-thuong", "so-y-te", "cong-an-tinh", "ubnd-24133", "ubnd-24607"]


def _env() -> None:
    from bench.aws_calls import moto_environment

    moto_environment(REGION)


@contextlib.contextmanager
def lean_transaction_backups() -> Iterator[None]:
    """moto: back up only the items a transaction touches, not whole tables (see the module's docstring)."""
    import moto.dynamodb.models as ddb_models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    class KeepTables:
        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        touched = []
        for entry in transact_items:
            (kind, op), = entry.items()
            table = self.get_table(op["TableName"])
            if kind == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            current = self.get_item(op["TableName"], key)
            touched.append((op["TableName"], key, current.to_json()["Attributes"] if current else None))
        ddb_models.copy = KeepTables
        try:
            return original(self, transact_items)
        except Exception:
            for name, key, attrs in touched:
                if attrs is None:
                    with contextlib.suppress(Exception):
                        self.delete_item(name, key)
                else:
                    self.put_item(name, attrs)
            raise
        finally:
            ddb_models.copy = copy

    DynamoDBBackend.transact_write_items = transact_write_items
    try:
        yield
    finally:
        DynamoDBBackend.transact_write_items = original


def build_items(profile: Any, now: datetime, total: int, due: int, rnd: random.Random) -> tuple[list, list]:
    """(all raw items, the due ones): open reports as intake writes them, due ones received 10 days ago."""
    from chalicelib.rules.report import Report, Reporter
    from chalicelib.rules.sla import next_check_at
    from chalicelib.storage.models import ReportModel
    from chalicelib.storage.reports import to_model

    cal, sla = profile.working_calendar, profile.sla
    ward = profile.wards[0].code
    template = to_model(Report(
        id="T", province_code=profile.province_code, status="assigned", channel="hotline", category="moi-truong",
        description="Bãi rác tự phát cạnh chợ, bốc mùi, đề nghị xử lý", lat=12.68, lng=108.04,
        address="Chợ phường", ward_code=ward, agency_id="so-nn-mt", reporter=Reporter("Nguyễn Văn A", "+84912345678"),
        received_at=now, due_at=now, original_due_at=now, updated_at=now, last_action="assign",
        last_actor_role="ioc", sla_next_at=now, version=1), "0" * 64).serialize()
    when = ReportModel.received_at.serialize
    due_ids = set(rnd.sample(range(total), due))
    items, due_items = [], []
    cache: dict[tuple[datetime, str], tuple[str, str]] = {}
    for i in range(total):
        is_due = i in due_ids
        received = now - timedelta(days=10 if is_due else 0, minutes=rnd.randrange(1, 20 * 60))
        received = received.replace(second=0, microsecond=0)
        channel = "hotline" if is_due or i % 3 == 0 else "app"
        if (received, channel) not in cache:
            due_at = cal.due_after(received, profile.sla_days(channel))
            cache[(received, channel)] = (when(due_at), when(next_check_at(due_at, 0, cal, sla)))
        due_at_s, next_s = cache[(received, channel)]
        item = dict(template)
        item.update(id={"S": f"DLK-{i:07d}"}, channel={"S": channel}, agency_id={"S": AGENCIES[i % len(AGENCIES)]},
                    received_at={"S": when(received)}, updated_at={"S": when(received)}, due_at={"S": due_at_s},
                    original_due_at={"S": due_at_s}, sla_next_at={"S": next_s})
        items.append(item)
        if is_due:
            due_items.append(item)
    return items, due_items


def batch_write(client: Any, table: str, requests: list[dict[str, Any]]) -> int:
    """Write or delete in batches of 25, retrying what DynamoDB leaves unprocessed; returns the calls made."""
    calls = 0
    for start in range(0, len(requests), 25):
        pending = {table: requests[start:start + 25]}
        while pending:
            calls += 1
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return calls


def measure(name: str, sweeper_store: Any, profile: Any, now: datetime) -> dict[str, Any]:
    """Run one sweep with its AWS calls counted; time the reads apart from the writes."""
    from bench.aws_calls import count_calls
    from chalicelib import container
    from chalicelib.services.sla import SlaSweeper
    from chalicelib.storage.models import bind

    with count_calls() as log:
        bind(container.settings())  # fresh connections, made while counting
        store = sweeper_store()
        read_seconds = 0.0
        reads = store.due

        def timed_due(at: datetime) -> Iterator[Any]:
            nonlocal read_seconds
            pages = iter(reads(at))
            while True:
                t = time.perf_counter()
                try:
                    report = next(pages)
                except StopIteration:
                    read_seconds += time.perf_counter() - t
                    return
                read_seconds += time.perf_counter() - t
                yield report

        store.due = timed_due
        started = time.perf_counter()
        result = SlaSweeper(profile, store).sweep(now)
        seconds = time.perf_counter() - started
    reads_scanned = sum((c.response or {}).get("ScannedCount", 0) for c in log.calls
                        if c.operation in {"Query", "Scan"})
    return {"name": name, "result": result, "seconds": seconds, "read_seconds": read_seconds,
            "calls": log.by_operation(), "items_read": reads_scanned}


def bench_province() -> tuple[Any, Any]:
    """(stack, profile): province "bench" (Đắk Lắk's profile) provisioned on the running moto, services bound."""
    from chalicelib import container
    from devstack.provision import provision

    stack = provision("bench")
    os.environ.update({**stack.environment, "PROVINCE": "daklak"})
    container.reset()
    container._bound_storage()
    return stack, container.profile()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=500)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    _env()

    from moto import mock_aws

    with mock_aws():
        import boto3

        from chalicelib.rules.calendar import VN_TZ
        from chalicelib.storage.models import SLA_OPEN_SHARD, ReportModel
        from chalicelib.storage.reports import to_report
        from chalicelib.storage.sla import SlaStore

        stack, profile = bench_province()
        now = datetime(2026, 11, 23, 10, 0, tzinfo=VN_TZ)
        ddb = boto3.client("dynamodb", region_name=REGION)
        reports_table, audit_table = stack.names["ReportsTable"], stack.names["AuditTable"]

        t = time.perf_counter()
        items, due_items = build_items(profile, now, args.reports, args.due, random.Random(args.seed))
        built = time.perf_counter() - t
        t = time.perf_counter()
        load_calls = batch_write(ddb, reports_table, [{"PutRequest": {"Item": i}} for i in items])
        load = time.perf_counter() - t
        print(f"reports: {args.reports:,} open, {args.due:,} due; built in {built:.1f} s, loaded into moto in "
              f"{load:.1f} s ({1000 * load / args.reports:.2f} ms/report, BatchWriteItem x{load_calls:,})")

        class FullScanStore(SlaStore):
            """The baseline: the same sweep reading the whole table with a filtered, paginated Scan."""

            def due(self, at: datetime) -> Iterator[Any]:
                condition = (ReportModel.sla_shard == SLA_OPEN_SHARD) & (ReportModel.sla_next_at <= at)
                for model in ReportModel.scan(condition):
                    self.items_read += 1
                    yield to_report(model)

        with lean_transaction_backups():
            index = measure("sla-due index", SlaStore, profile, now)
            batch_write(ddb, reports_table, [{"PutRequest": {"Item": i}} for i in due_items])  # as before
            batch_write(ddb, audit_table, [{"DeleteRequest": {"Key": {"report_id": i["id"], "seq": {"S": "000002"}}}}
                                           for i in due_items])
            scan = measure("full scan", FullScanStore, profile, now)

        for run in (index, scan):
            result = run["result"]
            raised = sum(result.raised.values())
            calls = ", ".join(f"{op} {n:,}" for (_svc, op), n in sorted(run["calls"].items()))
            print(f"{run['name']:>14}: read {run['items_read']:,} items for {raised:,} raised "
                  f"({run['items_read'] / max(1, args.due):.2f} per due report); "
                  f"AWS calls {sum(run['calls'].values()):,} ({calls}); "
                  f"{run['seconds']:.2f} s (reads {run['read_seconds']:.2f} s)")
        assert sum(index["result"].raised.values()) == sum(scan["result"].raised.values()) == args.due
        print(f"items read by the sweep / due items: {index['items_read'] / args.due:.3f} (target <= 1.2)")
        print(f"sweep time / full-scan sweep time: {index['seconds'] / scan['seconds']:.4f} "
              f"(reads alone: {index['read_seconds'] / scan['read_seconds']:.4f}; "
              f"items read: {index['items_read'] / max(1, scan['items_read']):.4f})")


if __name__ == "__main__":
    main()
