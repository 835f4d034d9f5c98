"""Event handlers log like the HTTP ones: each line carries the Lambda context and a correlation id."""

from __future__ import annotations

import json

from log_capture import logged_lines


def _parsed(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


def test_a_scheduled_run_logs_with_its_request_id_and_the_events_id(client):
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=[])
    event["id"] = "sched-0001"
    with logged_lines() as lines:
        client.lambda_.invoke("sla_sweep", event)
    logged = _parsed(lines)
    assert any(line["message"] == "sla sweep done" for line in logged)
    for line in logged:
        assert line["correlation_id"] == "sched-0001"
        assert line["function_name"] == "sla_sweep" and line["function_request_id"]
        assert "cold_start" in line


def test_the_next_invocation_does_not_inherit_the_last_ones_correlation_id(client):
    first = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=[])
    first["id"] = "sched-A"
    second = dict(first, id="sched-B")
    client.lambda_.invoke("sla_sweep", first)
    with logged_lines() as lines:
        client.lambda_.invoke("sla_sweep", second)
    assert {line["correlation_id"] for line in _parsed(lines)} == {"sched-B"}
