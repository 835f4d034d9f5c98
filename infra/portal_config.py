"""A deployed stage's /config.json, from its stack's outputs: `make deploy-portal` uploads what this prints.

    python -m infra.portal_config --user-pool-id <StaffUserPoolId output> --console-client-id <StaffConsoleClientId>

The build's own web/public/config.json only says where the API is (`/api` behind CloudFront); the console
also needs where staff sign in (Cognito's endpoint in the user pool's region: a pool id is `<region>_<id>`)
and with which app client, which exist only once the stack does. The shape is infra/portal.page_config's,
as `make run` serves it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from infra.portal import cognito_endpoint, page_config

POOL_ID = re.compile(r"^(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$")  # e.g. ap-southeast-1_AbC123xyZ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.portal_config", description=__doc__.splitlines()[0])
    parser.add_argument("--user-pool-id", required=True, help="the stack's StaffUserPoolId output")
    parser.add_argument("--console-client-id", required=True, help="the stack's StaffConsoleClientId output")
    parser.add_argument("--tile-url", default=None, help="a tile server's URL template (off by default)")
    parser.add_argument("--tile-attribution", default=None)
    args = parser.parse_args(argv)
    pool = POOL_ID.match(args.user_pool_id.strip())
    if pool is None:
        parser.error(f"--user-pool-id {args.user_pool_id!r} is not a Cognito pool id (<region>_<id>): is the stack "
                     "deployed, with its StaffUserPoolId output?")
    if not args.console_client_id.strip() or args.console_client_id.strip() == "None":
        parser.error("--console-client-id is empty: is the stack deployed, with its StaffConsoleClientId output?")
    config = page_config("/api", cognito=cognito_endpoint(pool["region"]),
                         console_client_id=args.console_client_id.strip(),
                         tile_url=args.tile_url, tile_attribution=args.tile_attribution)
    json.dump(config, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
