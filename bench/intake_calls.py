"""Intake bench: AWS calls per citizen submission, through the real API on moto.

    .venv/bin/python bench/intake_calls.py [--reports 20]

Each report is POSTed through chalice.test.Client to the app, on a province
provisioned from infra/province.json. Every AWS call is counted with a
botocore `before-call` hook (bench/aws_calls.py), which also sees PynamoDB's
private botocore session and Powertools' idempotency client. Printed: calls
per intake with and without an Idempotency-Key, and for a retried key.
Target: <= 3 per intake (the report write, plus the idempotency record), plus the
nearby candidates' reads (one Query of the nearby-cell index per covered
geohash cell: at most 4, about 2.5 on average at 250 m), counted apart. The
abuse limits' counters (a phone a day, an address an hour) are taken inside
the report's own transaction, so they cost no call of their own; each
submission comes from its own phone and address, as real ones would, so that
none is refused.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REGION = "ap-southeast-1"
TARGET = 3
REPORT = {
    "category": "ha-tang-do-thi",
    "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
    "location": {"lat": 12.68, "lng": 108.04},
    "ward_code": "24133",
    "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
}


def _env() -> None:
    from bench.aws_calls import moto_environment

    moto_environment(REGION)


@contextlib.contextmanager
def counted_api() -> Iterator[tuple[Any, Any]]:
    """(chalice.test.Client, CallLog): the app on province "dev" provisioned on moto, every AWS call counted."""
    from chalice.test import Client
    from moto import mock_aws

    from bench.aws_calls import count_calls

    with mock_aws():
        from devstack.provision import provision

        os.environ.update(provision("dev").environment)
        from app import app
        from chalicelib import container

        container.reset()
        with count_calls() as log, Client(app, stage_name="dev") as client, \
                contextlib.redirect_stdout(io.StringIO()):
            yield client, log


def measure(reports: int) -> dict[str, Counter]:
    """Counted calls per kind of submission, averaged over `reports` submissions each."""
    results: dict[str, Counter] = {}
    with counted_api() as (client, log):

        def submit(key: str | None, n: int) -> None:
            from chalice.local import LambdaEventConverter

            headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
            body = {**REPORT, "reporter": {**REPORT["reporter"], "phone": f"0905 {n // 1000:03d} {n % 1000:03d}"}}
            LambdaEventConverter.LOCAL_SOURCE_IP = f"198.51.100.{n % 250}"  # one address per 250 reports
            response = client.http.post("/reports", headers=headers, body=json.dumps(body))
            assert response.status_code == 201, response.body

        submit(None, 999_999)  # warm-up: builds the clients (no AWS call), not counted
        for kind, offset, key_of in (("without key", 0, lambda i: None),
                                     ("with a new key", reports, lambda i: f"bench-key-{i:06d}"),
                                     ("retry of a used key", reports, lambda i: f"bench-key-{i:06d}")):
            log.clear()
            for i in range(reports):
                submit(key_of(i), offset + i)
            results[kind] = Counter({op: n / reports for op, n in log.by_operation().items()})
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20)
    args = parser.parse_args(argv)
    _env()
    results = measure(args.reports)
    worst = 0.0
    for kind, calls in results.items():
        total = sum(calls.values())
        nearby = calls.get(("dynamodb", "Query"), 0)
        worst = max(worst, total - nearby)
        detail = ", ".join(f"{svc}.{op} {n:g}" for (svc, op), n in sorted(calls.items()))
        print(f"intake {kind:22s} {total:4.1f} AWS calls per report, {nearby:g} of them the nearby reads  ({detail})")
    print(f"worst intake without the nearby reads: {worst:.1f} calls (target <= {TARGET}) -> "
          f"{'met' if worst <= TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
