"""scripts/backfill_retention.py on moto: reports written before the retention indexes existed are put on them,
page by page from a saved cursor; a stop or a crash and a re-run go on from it and write each report once."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from staff_helpers import must, submit, to_state

from chalicelib.storage.models import ORIGINALS_SHARD, RETENTION_SHARD

pytest_plugins = ["staff_fixtures"]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backfill_retention.py"
REJECT = {"reason_code": "spam", "public_reason": "Nội dung quảng cáo"}
INDEX_KEYS = ("retention_shard", "retention_end_at", "originals_shard")


def script():
    spec = importlib.util.spec_from_file_location("backfill_retention_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def before_the_deploy(client, staff, province):
    """Two published, two rejected and one running report, stripped of their retention keys as if they had
    last been written before the indexes existed: {report id: what it is}."""
    kinds = {}
    for n, kind in enumerate(["published", "published", "rejected", "rejected", "running"]):
        report_id, _ = submit(client, phone=f"0905 555 {n:03d}")
        if kind == "published":
            to_state(client, staff, report_id, "published")
        elif kind == "rejected":
            must(client, staff, "ioc", report_id, "reject", **REJECT)
        kinds[report_id] = kind
    table = boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"])
    for report_id in kinds:
        table.update_item(Key={"id": report_id}, UpdateExpression="REMOVE " + ", ".join(INDEX_KEYS))
    return kinds


def on_index(index: str, shard: str, province) -> set[str]:
    table = boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"])
    hash_key = {"retention-due": "retention_shard", "originals-due": "originals_shard"}[index]
    items = table.query(IndexName=index, KeyConditionExpression=Key(hash_key).eq(shard))
    return {i["id"] for i in items["Items"]}


def versions(province) -> dict[str, int]:
    table = boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"])
    return {i["id"]: int(i["version"]) for i in table.scan(ConsistentRead=True)["Items"]}


def test_a_stop_and_a_crash_then_re_runs_put_every_old_report_on_its_indexes_once(before_the_deploy, province,
                                                                                    tmp_path, capsys):
    from chalicelib.storage.backfill import RetentionBackfill

    cli = script()
    cursor = tmp_path / "cursor.json"
    assert on_index("originals-due", ORIGINALS_SHARD, province) == set()
    assert on_index("retention-due", RETENTION_SHARD, province) == set()
    before = versions(province)

    stopped = cli.run(RetentionBackfill(), cursor, page_size=2, pages=1)  # an operator's stop after one page
    assert (stopped["read"], stopped["done"]) == (2, False) and stopped["start_key"]

    real, pages = RetentionBackfill.page, []

    def crashing(self, start_key, limit):
        pages.append(start_key)
        if len(pages) == 2:
            raise RuntimeError("the laptop's session ended")
        return real(self, start_key, limit)

    RetentionBackfill.page = crashing  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError):
            cli.run(RetentionBackfill(), cursor, page_size=2)
    finally:
        RetentionBackfill.page = real  # type: ignore[method-assign]
    assert pages[0] == stopped["start_key"]  # it went on from the saved cursor, not from the start
    assert cli.main(["--stage", "dev", "--cursor", str(cursor), "--page-size", "2"]) == 0
    state = cli.load_cursor(cursor)
    assert state["done"] and state["read"] == 5 and state["written"] == 4 and state["moved"] == 0

    kinds = before_the_deploy
    assert on_index("originals-due", ORIGINALS_SHARD, province) == {r for r, k in kinds.items() if k == "published"}
    assert on_index("retention-due", RETENTION_SHARD, province) == {r for r, k in kinds.items() if k == "rejected"}
    assert versions(province) == before  # the reports themselves did not change
    assert cli.main(["--stage", "dev", "--cursor", str(cursor)]) == 0  # done: reads nothing more
    assert cli.load_cursor(cursor)["read"] == 5
    assert "5 reports read, 4 put on the retention indexes" in capsys.readouterr().out


def test_a_fresh_pass_over_a_filled_table_writes_nothing_and_the_rule_then_finds_the_old_cases(
        before_the_deploy, province, tmp_path):
    from chalicelib import container
    from chalicelib.services.originals import OriginalsService
    from chalicelib.storage.backfill import RetentionBackfill
    from chalicelib.storage.originals import OriginalsStore

    cli = script()
    first = cli.run(RetentionBackfill(), tmp_path / "one.json", page_size=10)
    again = cli.run(RetentionBackfill(), tmp_path / "two.json", page_size=3)
    assert (first["written"], again["read"], again["written"]) == (4, 5, 0)
    later = datetime.now(UTC) + timedelta(days=91)
    services = container.services()
    rule = OriginalsService(container.profile(), OriginalsStore(), services.media_records, services.bucket,
                            clock=lambda: later)
    assert rule.apply_retention().removed == 2
