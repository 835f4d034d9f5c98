"""The reports table's stream, decoded once: each record as (event id, report before, report after).

Both stream consumers (notices and statistics) read these values, decoded
through the same PynamoDB model the table is written with, so an attribute
is read one way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.rules.report import Report
from chalicelib.storage.models import ReportModel
from chalicelib.storage.reports import to_report


@dataclass(frozen=True)
class StreamChange:
    """One record of the reports stream: a new report (old None), a change, or a deletion (new None)."""

    event_id: str
    old: Report | None
    new: Report | None


def report_from_image(image: dict[str, Any] | None) -> Report | None:
    """A stream image (DynamoDB JSON) as a Report, through the model's own deserialisation."""
    if not image:
        return None
    return to_report(ReportModel.from_raw_data(image))


def decode(record: dict[str, Any]) -> StreamChange:
    """One raw stream record (as Lambda delivers it) as a StreamChange."""
    change = record.get("dynamodb") or {}
    return StreamChange(record["eventID"], report_from_image(change.get("OldImage")),
                        report_from_image(change.get("NewImage")))
