"""Staff directory bench: AWS calls per directory change, and an agency's addresses from the index vs the pool.

    .venv/bin/python bench/directory_calls.py [--users 300] [--agencies 30]

On moto: the province admin's service (services/staff_admin.py, the one behind
`/staff/directory/...`) invites `--users` officers and leads spread over
`--agencies` ward committees; every AWS call is counted by a botocore
`before-call` hook (bench/aws_calls.py). Printed: calls per invite, disable,
move and list page; what finding one agency's officers' and leads' e-mail
costs through the directory index (one Query, whatever the pool's size)
against reading the pool itself (ListUsers pages of 60 plus ListUsersInGroup
per staff role: it grows with the pool); and what a reconcile of the whole
pool costs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REGION = "ap-southeast-1"


def _line(name: str, calls: Counter) -> str:
    ops = ", ".join(f"{s}.{o} {n}" for (s, o), n in sorted(calls.items()))
    return f"{name}: {sum(calls.values())} calls ({ops})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--agencies", type=int, default=30)
    args = parser.parse_args(argv)

    from bench.aws_calls import count_calls, moto_environment

    moto_environment(REGION)
    from moto import mock_aws

    with mock_aws(), contextlib.redirect_stdout(io.StringIO()):
        from chalicelib import container
        from chalicelib.rules.actors import PROVINCE_ADMIN, Actor
        from devstack.provision import provision

        stack = provision("dev")
        os.environ.update({**stack.environment, "PROVINCE": "daklak"})
        container.reset()
        wards = [a.id for a in container.profile().agencies if a.kind == "ward_people_committee"][:args.agencies]
        admin = Actor("bench.admin", frozenset({PROVINCE_ADMIN}))
        per_op: dict[str, Counter] = {}
        for n in range(args.users):
            role = "agency_lead" if n % 7 == 0 else "agency_officer"
            with count_calls() as calls:
                container.reset()
                container.staff_admin().invite(admin, f"staff.{n:04d}", f"staff.{n:04d}@example.gov.vn",
                                               f"Cán bộ {n}", role, wards[n % len(wards)])
            per_op.setdefault("invite", calls.by_operation())
        target = wards[0]
        for name, change in (("disable", lambda s: s.disable("staff.0001", by=admin)),
                             ("move (agency)", lambda s: s.move("staff.0002", None, wards[1], by=admin)),
                             ("move (role and agency)", lambda s: s.move("staff.0003", "agency_lead", wards[2],
                                                                         by=admin)),
                             ("list page of 50", lambda s: s.directory_page(admin, None, 50, None)),
                             ("one agency's list page", lambda s: s.directory_page(admin, target, 50, None))):
            with count_calls() as calls:
                container.reset()
                change(container.staff_admin())
            per_op[name] = calls.by_operation()
        with count_calls() as calls:
            container.reset()
            people = container.services().directory_index.contacts(target)
        index_calls = calls.by_operation()
        with count_calls() as calls:
            container.reset()
            from chalicelib.adapters.cognito_admin import CognitoDirectory
            from chalicelib.rules.directory import contacts_of

            pool = CognitoDirectory(container.services().settings)
            from_pool = contacts_of(e for e in pool.users() if e.agency_id == target)
        pool_calls = calls.by_operation()
        with count_calls() as calls:
            container.reset()
            fixed = container.staff_admin().reconcile(by=admin)
        reconcile_calls = calls.by_operation()

    assert (people.officers, people.leads) == (from_pool.officers, from_pool.leads), "index and pool disagree"
    print(f"pool: {args.users} staff over {len(wards)} ward committees; agency {target}: "
          f"{len(people.officers)} officers, {len(people.leads)} leads")
    for name, calls in per_op.items():
        print(_line(name, calls))
    index_n, pool_n = sum(index_calls.values()), sum(pool_calls.values())
    print(_line("an agency's addresses from the index", index_calls))
    print(_line("the same from the pool", pool_calls))
    print(f"index vs pool for one agency's addresses: {index_n} vs {pool_n} calls (ratio {index_n / pool_n:.3f})")
    print(_line(f"reconcile ({len(fixed.written)} written, {fixed.unchanged} already right)", reconcile_calls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
