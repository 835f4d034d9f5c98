"""Change a staff account so that it takes effect at once: `make staff-admin STAGE=daklak ARGS="disable ward1.officer"`.

    disable USER          disable the account
    enable USER           enable it again
    set-role USER ROLE    make ROLE (ioc_operator, agency_officer, agency_lead, province_admin,
                          hotline_operator) its only staff group
    remove-role USER ROLE take ROLE away
    revoke USER           only sign the user out everywhere (a lost phone, a shared password)
    move USER [ROLE] [--agency AGENCY]
                          another role and/or agency (the directory's move)
    invite USER ROLE --email E --name N [--agency AGENCY]
                          a new user; Cognito e-mails them a temporary password
    sync-directory        rebuild the directory index (agency -> officers' and leads' e-mail) from the pool

Every change also updates the staff directory index (stats table, one entry
per user) and writes an audit row (audit table) naming "command-line" as who.
If the index write fails after Cognito has the change, run the same command
again, or sync-directory: both are safe to repeat.

Each command changes Cognito, signs the user out everywhere (refresh tokens
revoked) and writes the revocation marker `revoked#<sub>` in the stage's stats
table: the API refuses the user's older ID tokens within seconds
(services/staff_admin.py, adapters/auth.py). Do not use the AWS console for
these changes: it writes no marker, and old tokens keep working until they
expire (15 minutes).

The pool and the table are found by the names infra/ gives them
(`phananh-<stage>-staff`, `phananh-<stage>-stats`); with --endpoint-url (or
on a running `make run`, --local) it talks to the local moto server instead.
Credentials are the administrator's own (AWS_PROFILE...): they need
cognito-idp:Admin*, ListUsers and ListUsersInGroup on the pool, dynamodb:PutItem,
DeleteItem and Query on the stats table and PutItem on the audit table.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pool_id_of(idp: object, stage: str) -> str:
    name = f"phananh-{stage}-staff"
    pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == name]  # type: ignore[attr-defined]
    if not pools:
        raise SystemExit(f"no user pool named {name!r} in this account and region")
    return str(pools[-1]["Id"])


def main(argv: list[str] | None = None) -> int:
    from devstack.token import admin_endpoint, admin_parser

    parser = admin_parser("make staff-admin", __doc__)
    parser.add_argument("command", choices=["disable", "enable", "set-role", "remove-role", "revoke", "move",
                                            "invite", "sync-directory"])
    parser.add_argument("user", nargs="?")
    parser.add_argument("role", nargs="?")
    parser.add_argument("--agency", default=None, help="move, invite: the agency id (profile agencies[].id)")
    parser.add_argument("--email", default=None, help="invite: where the invitation goes")
    parser.add_argument("--name", default=None, help="invite: the person's name")
    parser.add_argument("--province", default=None, help="the stage's province (default: .chalice/config.json's)")
    args = parser.parse_args(argv)
    if args.command != "sync-directory" and not args.user:
        parser.error(f"{args.command} needs a USER")
    if args.command in {"set-role", "remove-role", "invite"} and not args.role:
        parser.error(f"{args.command} needs a ROLE")
    if args.command == "invite" and not (args.email and args.name):
        parser.error("invite needs --email and --name")

    import boto3

    endpoint = admin_endpoint(args.endpoint_url, args.local)
    idp = boto3.client("cognito-idp", region_name=args.region, endpoint_url=endpoint)

    from chalicelib import container
    from chalicelib.config import Settings
    from chalicelib.ports import UnknownStaff
    from chalicelib.rules.errors import DomainError
    from devstack.staff import province_of_stage

    env = {"STAGE": args.stage, "AWS_REGION": args.region, "STAFF_USER_POOL_ID": pool_id_of(idp, args.stage),
           "PROVINCE": args.province or province_of_stage(args.stage),
           **({"AWS_ENDPOINT_URL": endpoint} if endpoint else {})}
    admin = container.build(Settings.from_env(env)).staff_admin
    try:
        if args.command == "sync-directory":
            fixed = admin.reconcile()
            print(f"directory index: {len(fixed.written)} written ({', '.join(fixed.written) or '-'}), "
                  f"{len(fixed.dropped)} dropped ({', '.join(fixed.dropped) or '-'}), {fixed.unchanged} already right")
            return 0
        if args.command == "invite":
            entry, created = admin.invite(None, args.user, args.email, args.name, args.role, args.agency)
            print(f"{'invited' if created else 'already invited'} {entry.username} <{entry.email}> as {entry.role}"
                  f" of {entry.agency_id or '-'}")
            return 0
        if args.command == "move":
            done = admin.move(args.user, args.role, args.agency)
        elif args.command == "disable":
            done = admin.disable(args.user)
        elif args.command == "enable":
            done = admin.enable(args.user)
        elif args.command == "set-role":
            done = admin.set_role(args.user, args.role)
        elif args.command == "remove-role":
            done = admin.remove_role(args.user, args.role)
        else:
            done = admin.revoke(args.user)
    except UnknownStaff:
        print(f"no staff user {args.user!r} in {env['STAFF_USER_POOL_ID']}", file=sys.stderr)
        return 1
    except DomainError as err:
        print(f"{err.message_en} ({err.code})", file=sys.stderr)
        return 2
    print(f"{args.command} {done.username} (sub {done.subject}): tokens signed in before "
          f"{done.at.isoformat()} are refused; staff groups now: {', '.join(done.groups) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
