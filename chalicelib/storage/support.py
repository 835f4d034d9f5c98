"""Nearby reports (the nearby-cell index), "me too" supporters, and the merge of one report into another.

A support is one TransactWriteItems: the supporter's item, put only if its
key (a keyed hash of the phone) is new, and an atomic ADD of 1 to the
report's `support_count`, only if the report exists. So twenty identical
supports at once count one, and a count never drifts from its items. The
count is not a workflow field (storage/reports.case_actions never writes
it) and no version moves, so a support never races a staff action.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from botocore.exceptions import ClientError
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.ports import MissingReference, StaleVersion, Supporter
from chalicelib.rules.geo import CellRange
from chalicelib.rules.report import SUPPORTABLE_STATES, AuditEntry, Report
from chalicelib.storage.dynamo import ConnectionOf, cancellation_codes
from chalicelib.storage.models import AuditModel, ReportModel, SupporterModel, near_cell
from chalicelib.storage.reports import case_actions, to_audit_model, to_report


def to_supporter_model(s: Supporter) -> SupporterModel:
    return SupporterModel(s.report_id, s.key, phone=s.phone, name=s.name, via=s.via, source_report=s.source_report,
                          at=s.at)


def to_supporter(m: SupporterModel) -> Supporter:
    return Supporter(report_id=m.report_id, key=m.supporter_key, phone=m.phone, name=m.name,
                     via=m.via,  # type: ignore[arg-type]  # written from the same closed set
                     at=m.at, source_report=m.source_report)


class SupportStore(ConnectionOf):
    """The NearbyPort, the SupportPort and the MergePort over the reports and supporters tables."""

    def __init__(self, connection: Connection | None = None) -> None:
        super().__init__(ReportModel, connection)
        self.items_read = 0  # items the last `nearby` read from the index (the bench prints it)

    def nearby(self, category: str, ranges: Sequence[CellRange]) -> list[Report]:
        """One query per covered cell, on its sort-key range; everything the ranges hold (the caller measures)."""
        found: list[Report] = []
        for r in ranges:
            query = ReportModel.nearby_index.query(near_cell(category, r.cell),
                                                   ReportModel.near_hash.between(r.low, r.high))
            found += [to_report(m) for m in query]
        self.items_read = len(found)
        return found

    def add(self, supporter: Supporter) -> bool:
        # The low-level call: a model update would also move the report's version (PynamoDB's version
        # attribute), and a support must not race the workflow.
        items = [
            {"Put": {"TableName": SupporterModel.Meta.table_name, "Item": to_supporter_model(supporter).serialize(),
                     "ConditionExpression": "attribute_not_exists(supporter_key)"}},
            {"Update": {"TableName": ReportModel.Meta.table_name, "Key": {"id": {"S": supporter.report_id}},
                        "UpdateExpression": "ADD support_count :one", "ConditionExpression": "attribute_exists(id)",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ]
        try:
            self.connection.client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            codes = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if codes[1:2] == ["ConditionalCheckFailed"]:
                raise MissingReference("report_id", supporter.report_id) from exc
            if codes[:1] == ["ConditionalCheckFailed"] or "TransactionConflict" in codes:
                return False  # this phone supports it already (or an identical support is landing now)
            raise
        return True

    def contacts(self, report_id: str) -> list[Supporter]:
        return [to_supporter(m) for m in SupporterModel.query(report_id)]

    def given_by(self, key: str) -> list[tuple[str, str]]:
        return [(m.report_id, m.supporter_key) for m in SupporterModel.by_supporter_index.query(key)]

    def has(self, report_id: str, key: str) -> bool:
        try:
            SupporterModel.get(report_id, key, consistent_read=True, attributes_to_get=["supporter_key"])
        except DoesNotExist:
            return False
        return True

    def merge(self, before: Report, after: Report, audit: AuditEntry, survivor: Report, survivor_audit: AuditEntry,
              supporter: Supporter | None) -> Report:
        if before.version is None or survivor.version is None:
            raise ValueError("reports read from the table have versions")
        # The survivor's version moves (its audit row takes the next sequence number); nothing else of it.
        survivor_actions: list[Action] = [ReportModel.support_count.add(1)] if supporter is not None else []
        still = ReportModel.status.is_in(*SUPPORTABLE_STATES)
        try:
            with TransactWrite(connection=self.connection, client_request_token=str(uuid.uuid4())) as tx:
                tx.update(ReportModel(before.id, version=before.version), case_actions(after))
                tx.save(to_audit_model(audit, before.version + 1), condition=AuditModel.seq.does_not_exist())
                tx.save(to_audit_model(survivor_audit, survivor.version + 1), condition=AuditModel.seq.does_not_exist())
                if supporter is not None:
                    tx.save(to_supporter_model(supporter), condition=SupporterModel.supporter_key.does_not_exist())
                tx.update(ReportModel(survivor.id, version=survivor.version), survivor_actions, condition=still)
        except TransactWriteError as exc:
            if {"ConditionalCheckFailed", "TransactionConflict"} & set(cancellation_codes(exc)):
                raise StaleVersion(before.id) from exc
            raise
        return after.evolve(version=before.version + 1)
