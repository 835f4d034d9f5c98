"""The media originals the retention rule deletes: the originals-due index, and recording that they are gone.

The objects themselves are deleted first (adapters/s3.py); then one
TransactWriteItems, conditional on the report's version, marks the report
(which leaves the index), writes its audit row and marks each media record
"original removed". A crash between the two leaves the report due: the re-run
finds nothing left to delete and writes the records, once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from chalicelib.rules.report import AuditEntry, Report
from chalicelib.storage.case_write import write_case_with
from chalicelib.storage.dynamo import ConnectionOf
from chalicelib.storage.models import ORIGINALS_SHARD, MediaModel, ReportModel
from chalicelib.storage.reports import case_actions, to_report


class OriginalsStore(ConnectionOf):
    """The OriginalsPort over the reports and media tables, and the originals-due index."""

    def __init__(self, connection: Connection | None = None, page_size: int | None = None) -> None:
        super().__init__(ReportModel, connection)
        self._page_size = page_size
        self.items_read = 0  # items `due` read from the index (the bench prints it per case handled)

    def due(self, published_by: datetime, part: int | None = None) -> Iterator[Report]:
        """Published reports whose originals are still stored, published at or before `published_by`, oldest
        first (a query of the sparse originals-due index by pages of `part`, else the store's page size;
        never a scan)."""
        for model in ReportModel.originals_due_index.query(
                ORIGINALS_SHARD, ReportModel.published_at <= published_by, page_size=part or self._page_size):
            self.items_read += 1
            yield to_report(model)

    def current(self, report_id: str) -> Report | None:
        """The report now: one consistent GetItem (the index is eventually consistent)."""
        try:
            return to_report(ReportModel.get(report_id, consistent_read=True))
        except ReportModel.DoesNotExist:
            return None

    def removed(self, before: Report, after: Report, audit: AuditEntry, media_ids: Sequence[str]) -> Report:
        """Write `after` if the report is still at `before.version`, its audit row, and mark each media record;
        StaleVersion if the report moved.

        Media records beyond what one transaction holds are marked first
        (storage/case_write.py): marking twice is harmless (the time is only
        moved), so a crash between them leaves the report due and the re-run
        finishes the job.
        """
        if before.version is None or after.originals_removed_at is None:
            raise ValueError("a report read from the table, with its originals removed")
        at = after.originals_removed_at
        version = write_case_with(self.connection, before, case_actions(after), audit, media_ids,
                                  lambda tx, media_id: _mark(tx, before.id, media_id, at))
        return after.evolve(version=version)


def _mark(tx: TransactWrite, report_id: str, media_id: str, at: datetime) -> None:
    """The record keeps its EXIF facts and renditions; staff are no longer offered its original."""
    tx.update(MediaModel(report_id, media_id), [MediaModel.original_removed_at.set(at)],
              condition=MediaModel.report_id.exists())
