"""Put the reports last written before the retention indexes existed on them (one-off, resumable).

    python scripts/backfill_retention.py --stage daklak [--page-size 200] [--cursor FILE] [--local]

Cases that ended, or were published, before `retention-due` or `originals-due`
was deployed carry no keys for it, so the retention rule would never find them
(it reads those sparse indexes only). This reads the stage's reports table by
pages (a consistent Scan) and writes each report's keys where they are missing
or wrong (chalicelib/storage/backfill.py: conditional on the version read, the
version not moved, no audit row: the report itself does not change).

After each page the key to resume from is saved in the cursor file (default
`.backfill-retention-<stage>.json`, written whole or not at all); run it again
after a crash or a stop and it goes on from there, repeating at most the page
it was in (which writes nothing twice). Once the table is done the file says
so and a further run reads nothing; delete it to check the table again.

Credentials are the administrator's own (AWS_PROFILE...): they need
dynamodb:DescribeTable, Scan and UpdateItem on the reports table. With
--endpoint-url (or --local on a running `make run`) it talks to a moto server.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def load_cursor(path: Path) -> dict[str, Any]:
    """The saved state: {"start_key": ... | None, "done": bool, "read": n, "written": n, "moved": n}."""
    if not path.exists():
        return {"start_key": None, "done": False, "read": 0, "written": 0, "moved": 0}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def save_cursor(path: Path, state: dict[str, Any]) -> None:
    """Replace the file in one rename, so a crash leaves the old cursor or the new one, never half of one."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


def run(backfill: Any, cursor: Path, page_size: int, pages: int | None = None) -> dict[str, Any]:
    """Pages from the saved cursor until the table is done (or `pages` pages); the state after each is saved."""
    state = load_cursor(cursor)
    done_pages = 0
    while not state["done"] and (pages is None or done_pages < pages):
        page = backfill.page(state["start_key"], page_size)
        state = {"start_key": page.next_key, "done": page.next_key is None, "read": state["read"] + page.read,
                 "written": state["written"] + page.written, "moved": state["moved"] + page.moved}
        save_cursor(cursor, state)
        done_pages += 1
        print(f"page {done_pages}: read {page.read}, wrote {page.written}, moved meanwhile {page.moved}"
              + ("; the table is done" if state["done"] else ""), flush=True)
    return state


def main(argv: list[str] | None = None) -> int:
    from devstack.token import admin_endpoint, admin_parser

    parser = admin_parser("backfill_retention", __doc__)
    parser.add_argument("--page-size", type=int, default=200, help="reports read per Scan page")
    parser.add_argument("--cursor", type=Path, default=None, help="the saved cursor (resumes from it)")
    args = parser.parse_args(argv)
    if args.page_size < 1:
        parser.error("--page-size must be at least 1")

    endpoint = admin_endpoint(args.endpoint_url, args.local)

    from chalicelib.config import Settings
    from chalicelib.storage.backfill import RetentionBackfill
    from chalicelib.storage.models import bind

    bind(Settings.from_env({"STAGE": args.stage, "AWS_REGION": args.region,
                            **({"AWS_ENDPOINT_URL": endpoint} if endpoint else {})}))
    cursor = args.cursor or Path(f".backfill-retention-{args.stage}.json")
    state = run(RetentionBackfill(), cursor, args.page_size)
    print(f"{state['read']} reports read, {state['written']} put on the retention indexes, "
          f"{state['moved']} moved meanwhile (their transitions wrote the keys); cursor {cursor}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
