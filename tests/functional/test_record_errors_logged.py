"""A stream record that fails alone is logged with its error and traceback, not only listed in batchItemFailures.

Powertools' BatchProcessor keeps a failed record's exception at DEBUG unless it is given a logger:
the runner (and Lambda) would show only "failed from record N", the cause swallowed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from log_capture import logged_lines

EVENTS = Path(__file__).resolve().parent.parent / "events"


@pytest.mark.parametrize("function", ["notify_report_changes", "update_statistics"])
def test_a_poison_record_is_logged_with_its_error_by_each_stream_handler(client, function):
    event = json.loads((EVENTS / "stream_poison.json").read_text(encoding="utf-8"))
    poison = event["Records"][1]["dynamodb"]["SequenceNumber"]
    with logged_lines() as lines:
        answer = client.lambda_.invoke(function, event).payload
    assert answer == {"batchItemFailures": [{"itemIdentifier": poison}]}
    failed = [json.loads(line) for line in lines if json.loads(line)["level"] in ("WARNING", "ERROR")]
    assert failed and any("Traceback" in line.get("exception", "") for line in failed), lines
