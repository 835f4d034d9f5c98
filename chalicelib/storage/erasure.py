"""Anonymising a report's contact: the report, its audit row and the supporter records tied to the phone, at once.

One TransactWriteItems, conditional on the report's version: either the name,
phone and e-mail are gone, the free text is masked and the audit row says why,
or nothing changed. So a retried or concurrent erase writes one audit row
(the loser's retry finds the contact already anonymised and writes nothing).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from chalicelib.rules.report import AuditEntry, Report
from chalicelib.storage.case_write import write_case_with
from chalicelib.storage.dynamo import ConnectionOf
from chalicelib.storage.models import RETENTION_SHARD, ReportModel, SupporterModel
from chalicelib.storage.reports import case_actions, to_report


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

        Supporters beyond what one transaction holds are stripped first
        (storage/case_write.py): stripping twice is harmless, so a crash
        between them leaves the report due and the re-run finishes the job.
        """
        actions = [*case_actions(after), ReportModel.description.set(after.description),
                   ReportModel.reporter_name.set(after.reporter.name), ReportModel.reporter_phone.remove(),
                   ReportModel.reporter_email.remove()]
        if forget_token:  # the retention rule: nobody may follow the case as its reporter any more
            actions.append(ReportModel.tracking_token_digest.set(""))
        return after.evolve(version=write_case_with(self.connection, before, actions, audit, supporters, _strip))

    def due(self, ended_by: datetime, part: int | None = None) -> Iterator[Report]:
        """Ended reports whose contact is still held and that ended at or before `ended_by`, oldest first
        (a query of the sparse retention-due index by pages of `part`, else the store's page size; never a
        scan)."""
        for model in ReportModel.retention_due_index.query(RETENTION_SHARD, ReportModel.retention_end_at <= ended_by,
                                                           page_size=part or self._page_size):
            self.items_read += 1
            yield to_report(model)


def _strip(tx: TransactWrite, supporter: tuple[str, str]) -> None:
    """The (report id, key) supporter record keeps its key (the count stays right) but no phone or name."""
    report_id, key = supporter
    tx.update(SupporterModel(report_id, key), [SupporterModel.phone.set(""), SupporterModel.name.remove()],
              condition=SupporterModel.report_id.exists())
