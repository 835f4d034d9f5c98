"""What the SLA sweep and the morning digest read and write on the reports table.

Reads go through sparse indexes only, so their cost follows what is due,
never what is stored: `sla-due` (reports with a next SLA check, by that
check's time) for the sweep, `open-due` (open reports by due date) for the
digest. A level rise is one conditional update of the report plus its audit
row, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.rules.report import OPEN_STATES, AuditEntry, Report
from chalicelib.storage.dynamo import ConnectionOf, condition_failed, transaction_lost
from chalicelib.storage.models import OPEN_SHARD, SLA_OPEN_SHARD, AuditModel, ReportModel
from chalicelib.storage.reports import sla_key, to_audit_model, to_report, update_actions


class SlaStore(ConnectionOf):
    """Reports on the SLA clock; every write is conditional and a lost condition returns False."""

    def __init__(self, connection: Connection | None = None, page_size: int | None = None) -> None:
        super().__init__(ReportModel, connection)
        self._page_size = page_size
        self.items_read = 0

    def due(self, now: datetime) -> Iterator[Report]:
        """Reports whose next SLA check is at or before `now` (a paginated query of the sparse index)."""
        pages = ReportModel.sla_due_index.query(
            SLA_OPEN_SHARD, ReportModel.sla_next_at <= now, page_size=self._page_size
        )
        for model in pages:
            self.items_read += 1
            yield to_report(model)

    def open_due_by(self, until: datetime) -> Iterator[Report]:
        """Open reports due at or before `until`, overdue ones included (a query of `open-due`)."""
        pages = ReportModel.open_due_index.query(OPEN_SHARD, ReportModel.due_at <= until, page_size=self._page_size)
        for model in pages:
            self.items_read += 1
            yield to_report(model)

    @staticmethod
    def _unchanged(report: Report) -> Condition:
        """The report is still as read: same level, same status, still open (the version is added by PynamoDB)."""
        level = ReportModel.escalation_level == report.escalation_level
        if report.escalation_level == 0:
            level = level | ReportModel.escalation_level.does_not_exist()
        return level & (ReportModel.status == report.status) & ReportModel.status.is_in(*OPEN_STATES)

    @staticmethod
    def _next_check_actions(next_check: datetime | None) -> list:
        """Move the sweep's key (at the top level, next_check is None: the report leaves the index)."""
        return update_actions(sla_key(next_check))

    def raise_level(self, report: Report, level: int, next_check: datetime | None, action: str,
                    now: datetime, audit: AuditEntry) -> bool:
        """Raise the level and write the audit row, both or neither; False if the report changed meanwhile."""
        if report.version is None:
            raise ValueError("a report read from the table has a version")
        model = ReportModel(report.id, version=report.version)
        actions = [
            ReportModel.escalation_level.set(level),
            ReportModel.last_action.set(action),
            ReportModel.last_actor_role.set(audit.role),
            ReportModel.updated_at.set(now),
            *self._next_check_actions(next_check),
        ]
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.update(model, actions, condition=self._unchanged(report))
                tx.save(to_audit_model(audit, report.version + 1), condition=AuditModel.seq.does_not_exist())
        except TransactWriteError as exc:
            if transaction_lost(exc):
                return False
            raise
        return True

    def reschedule(self, report: Report, next_check: datetime | None) -> bool:
        """Move only the next check (the due date moved under it); False if the report changed meanwhile."""
        model = ReportModel(report.id, version=report.version)
        try:
            model.update(self._next_check_actions(next_check), condition=self._unchanged(report))
        except UpdateError as exc:
            if condition_failed(exc):
                return False
            raise
        return True

    def drop(self, report: Report) -> bool:
        """Remove the sweep key from a report that is no longer open (it should not carry one)."""
        model = ReportModel(report.id, version=report.version)
        condition = (ReportModel.status == report.status) & ~ReportModel.status.is_in(*OPEN_STATES)
        try:
            model.update(self._next_check_actions(None), condition=condition)
        except UpdateError as exc:
            if condition_failed(exc):
                return False
            raise
        return True
