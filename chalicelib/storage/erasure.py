"""Anonymising a report's contact: the report, its audit row and the supporter records tied to the phone, at once.

One TransactWriteItems, conditional on the report's version: either the name,
phone and e-mail are gone, the free text is masked and the audit row says why,
or nothing changed. So a retried or concurrent erase writes one audit row
(the loser's retry finds the contact already anonymised and writes nothing).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.ports import StaleVersion
from chalicelib.rules.report import AuditEntry, Report
from chalicelib.storage.dynamo import ConnectionOf
from chalicelib.storage.models import AuditModel, ReportModel, SupporterModel
from chalicelib.storage.reports import case_actions, to_audit_model


class ErasureStore(ConnectionOf):
    """The ErasurePort over the reports and supporters tables."""

    def __init__(self, connection: Connection | None = None) -> None:
        super().__init__(ReportModel, connection)

    def anonymise(self, before: Report, after: Report, audit: AuditEntry,
                  supporters: Sequence[tuple[str, str]] = ()) -> Report:
        """Write `after` (its contact anonymised) if the report is still at `before.version`, its audit row, and
        strip the phone and name from each (report id, supporter key) record; StaleVersion if the report moved."""
        if before.version is None:
            raise ValueError("a report read from the table has a version")
        actions = [*case_actions(after), ReportModel.description.set(after.description),
                   ReportModel.reporter_name.set(after.reporter.name), ReportModel.reporter_phone.remove(),
                   ReportModel.reporter_email.remove()]
        try:
            with TransactWrite(connection=self.connection, client_request_token=str(uuid.uuid4())) as tx:
                tx.update(ReportModel(before.id, version=before.version), actions)
                tx.save(to_audit_model(audit, before.version + 1), condition=AuditModel.seq.does_not_exist())
                for report_id, key in supporters:
                    tx.update(SupporterModel(report_id, key), [SupporterModel.phone.set(""),
                                                               SupporterModel.name.remove()],
                              condition=SupporterModel.report_id.exists())
        except TransactWriteError as exc:
            raise StaleVersion(before.id) from exc
        return after.evolve(version=before.version + 1)
