"""One case change with its side records: the report's update, its audit row and a write per side record.

The erasure (supporter records stripped) and the originals' removal (media
records marked) share it. One TransactWriteItems, conditional on the report's
version, holds the report, the audit row and as many side records as fit;
the rest go first, in transactions of their own. Each side write must be
harmless to repeat: a crash between the transactions leaves the report as it
was (still due), and the re-run finishes the job with one audit row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.ports import StaleVersion
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.storage.models import AuditModel, ReportModel
from chalicelib.storage.reports import to_audit_model

MAX_ITEMS = 100  # TransactWriteItems' limit
_SIDES_WITH_REPORT = MAX_ITEMS - 2  # beside the report's update and its audit row


def write_case_with[Side](connection: Connection, before: Report, actions: Sequence[Any], audit: AuditEntry,
                          sides: Sequence[Side], write_side: Callable[[TransactWrite, Side], None]) -> int:
    """Update the report with `actions` if it is still at `before.version`, write `audit`, and `write_side` each
    of `sides`; the report's new version. StaleVersion if the report moved (the side records written ahead
    stay, harmlessly)."""
    if before.version is None:
        raise ValueError("a report read from the table has a version")
    first, rest = list(sides[:_SIDES_WITH_REPORT]), list(sides[_SIDES_WITH_REPORT:])
    for start in range(0, len(rest), MAX_ITEMS):
        with TransactWrite(connection=connection) as tx:
            for side in rest[start:start + MAX_ITEMS]:
                write_side(tx, side)
    try:
        with TransactWrite(connection=connection, client_request_token=str(uuid.uuid4())) as tx:
            tx.update(ReportModel(before.id, version=before.version), list(actions))
            tx.save(to_audit_model(audit, before.version + 1), condition=AuditModel.seq.does_not_exist())
            for side in first:
                write_side(tx, side)
    except TransactWriteError as exc:
        raise StaleVersion(before.id) from exc
    return before.version + 1
