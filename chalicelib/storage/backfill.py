"""Putting reports written before the retention indexes existed on them: one page of the table at a time.

Every transition writes a report's sparse keys from its state (reports.sparse_keys),
so a report only lacks `retention-due` or `originals-due` keys when it was last
written before those indexes were deployed. This reads the reports table by
pages (a consistent Scan: a one-off, run by an operator, never by a function)
and writes the keys each report should carry where they differ, conditional on
the version read and without moving it (the report itself is unchanged, so no
audit row). A report that moved meanwhile was written by a transition, which
wrote its keys itself: it is counted and left alone. A page done twice writes
nothing the second time, so a resumed run may repeat the page it crashed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.connection import Connection

from chalicelib.storage.dynamo import ConnectionOf
from chalicelib.storage.models import ReportModel
from chalicelib.storage.reports import originals_keys, retention_keys, to_report


@dataclass
class BackfillPage:
    """What one page did, and the key to start the next page from (None: the table is done)."""

    read: int
    written: int
    moved: int  # changed since the page was read: its transition wrote the keys
    next_key: dict[str, Any] | None


def retention_index_keys(model: ReportModel) -> dict[str, Any]:
    """The retention-due and originals-due keys the report should carry, from its state (None: absent)."""
    report = to_report(model)
    return {**retention_keys(report), **originals_keys(report)}


class RetentionBackfill(ConnectionOf):
    """Pages of the reports table, each report's retention keys written where they are missing or wrong."""

    def __init__(self, connection: Connection | None = None) -> None:
        super().__init__(ReportModel, connection)

    def page(self, start_key: dict[str, Any] | None, limit: int) -> BackfillPage:
        """Read up to `limit` reports after `start_key` and write the keys of those that lack them."""
        client = self.connection.client
        table = ReportModel.Meta.table_name
        answer = client.scan(TableName=table, Limit=limit, ConsistentRead=True,
                             **({"ExclusiveStartKey": start_key} if start_key else {}))
        written = moved = 0
        items = answer.get("Items", [])
        for item in items:
            model = ReportModel.from_raw_data(item)
            wanted = retention_index_keys(model)
            if all(getattr(model, name) == value for name, value in wanted.items()):
                continue
            try:
                client.update_item(TableName=table, Key={"id": item["id"]}, **_keys_update(wanted, item["version"]))
            except client.exceptions.ConditionalCheckFailedException:
                moved += 1
                continue
            written += 1
        return BackfillPage(len(items), written, moved, answer.get("LastEvaluatedKey") or None)


def _keys_update(keys: dict[str, Any], version: dict[str, str]) -> dict[str, Any]:
    """UpdateItem's expression: set the keys that have a value, remove the others, if the version is the one read
    (and leave it as it is)."""
    names = {f"#k{n}": name for n, name in enumerate(keys)}
    values: dict[str, Any] = {":version": version}
    sets, removes = [], []
    for alias, name in names.items():
        value = keys[name]
        if value is None:
            removes.append(alias)
            continue
        attribute = getattr(ReportModel, name)
        values[f":{alias[1:]}"] = {attribute.attr_type: attribute.serialize(value)}
        sets.append(f"{alias} = :{alias[1:]}")
    expression = " ".join(part for part in (
        "SET " + ", ".join(sets) if sets else "", "REMOVE " + ", ".join(removes) if removes else "") if part)
    return {"UpdateExpression": expression, "ConditionExpression": "#version = :version",
            "ExpressionAttributeNames": {**names, "#version": "version"}, "ExpressionAttributeValues": values}
