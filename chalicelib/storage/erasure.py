"""Anonymising a report's contact: the report, its audit row and the supporter records tied to the phone, at once.

One TransactWriteItems, conditional on the report's version: either the name,
phone and e-mail are gone, the free text is masked and the audit row says why,
or nothing changed. So a retried or concurrent erase writes one audit row
(the loser's retry finds the contact already anonymised and writes nothing).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.ports import StaleVersion
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.storage.dynamo import ConnectionOf
from chalicelib.storage.models import RETENTION_SHARD, AuditModel, ReportModel, SupporterModel
from chalicelib.storage.reports import case_actions, to_audit_model, to_report


class ErasureStore(ConnectionOf):
    """The ErasurePort over the reports and supporters tables, and the retention-due index."""

    def __init__(self, connection: Connection | None = None, page_size: int | None = None) -> None:
        super().__init__(ReportModel, connection)
        self._page_size = page_size
        self.items_read = 0  # items `due` read from the index (the bench prints it per item anonymised)

    def anonymise(self, before: Report, after: Report, audit: AuditEntry,
                  supporters: Sequence[tuple[str, str]] = (), *, forget_token: bool = False) -> Report:
        """Write `after` (its contact anonymised) if the report is still at `before.version`, its audit row, and
        strip the phone and name from each (report id, supporter key) record; StaleVersion if the report moved.

        Supporters beyond what one transaction holds are stripped first, in
        their own transactions: stripping twice is harmless, so a crash
        between them leaves the report due and the re-run finishes the job.
        """
        if before.version is None:
            raise ValueError("a report read from the table has a version")
        actions = [*case_actions(after), ReportModel.description.set(after.description),
                   ReportModel.reporter_name.set(after.reporter.name), ReportModel.reporter_phone.remove(),
                   ReportModel.reporter_email.remove()]
        if forget_token:  # the retention rule: nobody may follow the case as its reporter any more
            actions.append(ReportModel.tracking_token_digest.set(""))
        first, rest = list(supporters[:_SUPPORTERS_WITH_REPORT]), list(supporters[_SUPPORTERS_WITH_REPORT:])
        for start in range(0, len(rest), _MAX_ITEMS):
            with TransactWrite(connection=self.connection) as tx:
                for report_id, key in rest[start:start + _MAX_ITEMS]:
                    _strip(tx, report_id, key)
        try:
            with TransactWrite(connection=self.connection, client_request_token=str(uuid.uuid4())) as tx:
                tx.update(ReportModel(before.id, version=before.version), actions)
                tx.save(to_audit_model(audit, before.version + 1), condition=AuditModel.seq.does_not_exist())
                for report_id, key in first:
                    _strip(tx, report_id, key)
        except TransactWriteError as exc:
            raise StaleVersion(before.id) from exc
        return after.evolve(version=before.version + 1)

    def due(self, ended_by: datetime) -> Iterator[Report]:
        """Ended reports whose contact is still held and that ended at or before `ended_by`, oldest first
        (a paginated query of the sparse retention-due index; never a scan)."""
        for model in ReportModel.retention_due_index.query(RETENTION_SHARD, ReportModel.retention_end_at <= ended_by,
                                                           page_size=self._page_size):
            self.items_read += 1
            yield to_report(model)


_MAX_ITEMS = 100  # TransactWriteItems' limit
_SUPPORTERS_WITH_REPORT = _MAX_ITEMS - 2  # beside the report's update and its audit row


def _strip(tx: TransactWrite, report_id: str, key: str) -> None:
    """The supporter record keeps its key (the count stays right) but no phone or name."""
    tx.update(SupporterModel(report_id, key), [SupporterModel.phone.set(""), SupporterModel.name.remove()],
              condition=SupporterModel.report_id.exists())
