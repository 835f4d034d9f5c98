"""Print a staff ID token from the running local stack's Cognito: `make token USER=ioc.operator`.

Finds the stage's user pool and console client by name on the moto server,
signs the user in (the demo password unless --password is given), and prints
the ID token, ready for `Authorization: Bearer <token>`:

    curl -H "Authorization: Bearer $(make -s token USER=ward1.officer)" localhost:8000/staff/reports
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from devstack.staff import DEMO_PASSWORD, sign_in

DEFAULT_ENDPOINT = "http://127.0.0.1:5000"
ENDPOINTS = Path(__file__).resolve().parent.parent / ".devstack" / "endpoints.json"


def running_moto_url(path: Path = ENDPOINTS) -> str:
    """The moto server `make run` started (its endpoints.json), else MOTO_URL, else the default port."""
    if os.environ.get("MOTO_URL"):
        return os.environ["MOTO_URL"]
    try:
        return json.loads(path.read_text(encoding="utf-8"))["moto_url"]
    except (OSError, ValueError, KeyError):
        return DEFAULT_ENDPOINT
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "ap-southeast-1"}


def admin_parser(prog: str, description: str | None) -> argparse.ArgumentParser:
    """An operator's script's command line, with what every such script takes: --stage, --region (from the
    environment by default), --endpoint-url and --local (see `admin_endpoint`)."""
    parser = argparse.ArgumentParser(prog=prog, description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", default=os.environ.get("STAGE", "dev"))
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                        or "ap-southeast-1")
    parser.add_argument("--endpoint-url", default=None, help="a moto server (the local stack)")
    parser.add_argument("--local", action="store_true", help="the running `make run` stack's moto server")
    return parser


def admin_endpoint(endpoint_url: str | None, local: bool) -> str | None:
    """Where an operator's script talks: `endpoint_url`, else with `local` the running `make run` stack's moto
    server (and moto's fake credentials in this process's environment), else AWS (None)."""
    if endpoint_url or not local:
        return endpoint_url
    os.environ.update(FAKE_AWS)
    return running_moto_url()


def find_pool_and_client(idp: Any, stage: str) -> tuple[str, str]:
    """The stage's staff pool id and console client id, looked up by the names infra/ gives them."""
    pool_name, client_name = f"phananh-{stage}-staff", f"phananh-{stage}-staff-console"
    pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == pool_name]
    if not pools:
        raise SystemExit(f"no user pool '{pool_name}' on this moto server: is `make run` running (STAGE={stage})?")
    pool_id = pools[-1]["Id"]
    clients = [c for c in idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
               if c["ClientName"] == client_name]
    if not clients:
        raise SystemExit(f"user pool {pool_id} has no client '{client_name}'")
    return pool_id, clients[0]["ClientId"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make token", description=__doc__.splitlines()[0])
    parser.add_argument("user", help="a staff username, e.g. ioc.operator, ward1.officer, ward2.lead, province.admin")
    parser.add_argument("--stage", default=os.environ.get("STAGE", "dev"))
    parser.add_argument("--endpoint-url", default=None,
                        help="the local moto server (default: the one in .devstack/endpoints.json)")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--access", action="store_true", help="print the access token instead of the ID token")
    args = parser.parse_args(argv)

    args.endpoint_url = args.endpoint_url or running_moto_url()
    import boto3
    from botocore.exceptions import ClientError, EndpointConnectionError

    for key, value in FAKE_AWS.items():  # never real credentials: this talks to moto only
        os.environ[key] = value
    idp = boto3.client("cognito-idp", region_name="ap-southeast-1", endpoint_url=args.endpoint_url)
    try:
        pool_id, client_id = find_pool_and_client(idp, args.stage)
        tokens = sign_in(idp, pool_id, client_id, args.user, args.password)
    except EndpointConnectionError:
        print(f"no moto server at {args.endpoint_url}: start the stack with `make run`", file=sys.stderr)
        return 2
    except ClientError as exc:
        print(f"cannot sign in '{args.user}': {exc.response['Error'].get('Message', exc)}", file=sys.stderr)
        return 1
    print(tokens["AccessToken" if args.access else "IdToken"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
