"""Support bench: AWS calls per "me too" (`POST /reports/{id}/support`), through the real API on moto.

    .venv/bin/python bench/support_calls.py [--supports 20]

One report is submitted, then supported `--supports` times by as many
phones, once more by each of those phones (already counted: nothing
changes), and by as many citizens with their own report's tracking token.
Every AWS call is counted with bench/aws_calls.py. Target: 2 per support
by phone (one consistent GetItem of the report, one TransactWriteItems: the
supporter's conditional put and the count's atomic ADD). A support by token
reads the supporter's own report too (one GetItem more).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.intake_calls import REPORT, _env, counted_api

TARGET = 2
JSON = {"Content-Type": "application/json"}


def measure(supports: int) -> dict[str, Counter]:
    results: dict[str, Counter] = {}
    with counted_api() as (client, log):

        def post(path: str, body: dict, status: int) -> dict:
            response = client.http.post(path, headers=JSON, body=json.dumps(body))
            assert response.status_code == status, response.body
            return json.loads(response.body)

        def phone(n: int) -> str:
            return f"0906 {n // 1000:03d} {n % 1000:03d}"

        target = post("/reports", REPORT, 201)["id"]
        own = []
        for n in range(supports):  # the token supporters' own reports, 2 km away
            body = {**REPORT, "location": {"lat": 12.70, "lng": 108.04},
                    "reporter": {"name": "Trần Thị Bình", "phone": phone(500 + n)}}
            answer = post("/reports", body, 201)
            own.append((answer["id"], answer["tracking_token"]))
        post(f"/reports/{target}/support", {"phone": phone(999)}, 201)  # warm-up, not counted
        runs = (("by phone, new", lambda n: ({"phone": phone(n)}, 201)),
                ("by phone, already counted", lambda n: ({"phone": phone(n)}, 200)),
                ("by own report's token", lambda n: ({"own_report_id": own[n][0],
                                                      "tracking_token": own[n][1]}, 201)))
        for kind, body_of in runs:
            log.clear()
            for n in range(supports):
                body, status = body_of(n)
                post(f"/reports/{target}/support", body, status)
            results[kind] = Counter({op: k / supports for op, k in log.by_operation().items()})
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supports", type=int, default=20)
    args = parser.parse_args(argv)
    _env()
    results = measure(args.supports)
    for kind, calls in results.items():
        detail = ", ".join(f"{svc}.{op} {n:g}" for (svc, op), n in sorted(calls.items()))
        print(f"support {kind:26s} {sum(calls.values()):4.1f} AWS calls  ({detail})")
    by_phone = sum(results["by phone, new"].values())
    print(f"support by phone: {by_phone:.1f} calls (target {TARGET}) -> {'met' if by_phone <= TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
