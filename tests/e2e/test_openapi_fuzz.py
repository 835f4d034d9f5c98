"""The local stack fuzzed from its own OpenAPI document (GET /openapi.json) with schemathesis.

One `schemathesis run` (its CLI; the pytest plugin's lazy loader does not run under pytest 9) over every
operation (citizen, public, and staff with an IOC operator's ID token from the local pool): the coverage
phase's boundary cases (documented methods only) and a bounded number of generated requests per operation.
Checks: no server error, the response conforms to the document's schema, its status code is documented.
The path's `report_id` and the `X-Tracking-Token` may also be real ones (a received report, a published one),
so that generated bodies reach the workflow, not only the 404 of an unknown id.

A failure whose fix belongs to another area is listed in KNOWN_FINDINGS ((operation, failure title) -> what
it is): it is then reported as an xfail naming the finding, never skipped; any other failure fails.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from test_case_lifecycle import REPORT, call, tokens  # noqa: F401  (tokens: the demo staff's ID tokens fixture)
from test_local_stack import HTTP, Stack

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 10  # generated requests per operation, besides the examples and the coverage phase's ~900 cases
SEED = 20261202  # the same requests every run: a failure reproduces
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
# (operation, failure title) -> the finding, for failures another engineer's work fixes.
KNOWN_FINDINGS: dict[tuple[str, str], str] = {}
CONFIG = """
[phases.coverage]
unexpected-methods = []
[phases.stateful]
enabled = false
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    started = Stack(tmp_path_factory.mktemp("e2e-openapi"))
    try:
        started.wait_until_up()
        yield started
    finally:
        started.interrupt()


@pytest.fixture(scope="module")
def known_reports(stack, tokens):  # noqa: F811
    """A received report and a published one (through the workflow), with their tracking tokens."""
    received = call(stack, "POST", "/reports", REPORT)[1]
    published = call(stack, "POST", "/reports", REPORT)[1]

    def act(user, action, **fields):
        status, body = call(stack, "POST", f"/staff/reports/{published['id']}/actions", {"action": action, **fields},
                            {"Authorization": f"Bearer {tokens[user]}"})
        assert status == 200, (action, body)

    act("ioc.operator", "assign", agency_id="ubnd-22015")
    act("ward1.officer", "accept")
    act("ward1.officer", "submit_result", text="Đã vá ổ gà trên đường")
    act("ioc.operator", "approve_result")
    return {r["id"]: r["tracking_token"] for r in (received, published)}


def with_known_values(document: dict, reports: dict[str, str]) -> dict:
    """The served document, where `report_id` and `X-Tracking-Token` may also be the known reports' values."""
    document = copy.deepcopy(document)
    for methods in document["paths"].values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "report_id":
                    parameter["schema"] = {"anyOf": [{"enum": list(reports)}, parameter["schema"]]}
                elif parameter["name"] == "X-Tracking-Token":
                    parameter["schema"] = {"anyOf": [{"enum": list(reports.values())}, parameter["schema"]]}
    return document


@pytest.fixture(scope="module")
def fuzz_run(stack, tokens, known_reports, tmp_path_factory):  # noqa: F811
    """One schemathesis run over the whole document: (its JSON report, its console output)."""
    answer = HTTP.get(f"{stack.url}/openapi.json", timeout=30)
    assert answer.status_code == 200, answer.text
    work = tmp_path_factory.mktemp("schemathesis")
    (work / "openapi.json").write_text(json.dumps(with_known_values(answer.json(), known_reports)))
    (work / "schemathesis.toml").write_text(CONFIG)
    report = work / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(work / "schemathesis.toml"), "run",
         str(work / "openapi.json"), "--url", stack.url, "--checks", CHECKS,
         "--header", f"Authorization: Bearer {tokens['ioc.operator']}", "--max-examples", str(MAX_EXAMPLES),
         "--seed", str(SEED), "--generation-deterministic", "--workers", "2", "--request-timeout", "30",
         "--no-color", "--report-json-path", str(report)],
        cwd=work, capture_output=True, text=True, timeout=600,  # its cache stays in the tmp dir
    )
    assert report.exists(), done.stdout + done.stderr
    return json.loads(report.read_text()), done.stdout + done.stderr


def findings(result: dict) -> set[tuple[str, str]]:
    return {(operation, group["title"]) for group in result["failures"] for operation in group["operations"]}


def test_every_operation_is_fuzzed_and_answers_as_documented(fuzz_run):
    result, output = fuzz_run
    assert result["complete"] and not result["errors"], output
    assert result["operations"]["tested"] == result["operations"]["total"] >= 16, output
    assert result["test_cases"]["generated"] >= 16 * MAX_EXAMPLES, output
    print(f"schemathesis: {result['test_cases']['generated']} cases in {result['running_time']:.0f} s, "
          f"{result['test_cases']['unique_failures']} unique failures")
    unexpected = findings(result) - set(KNOWN_FINDINGS)
    assert not unexpected, f"schemathesis found {sorted(unexpected)}:\n{output}"


@pytest.mark.parametrize("finding", sorted(KNOWN_FINDINGS) or [None])
def test_known_findings_of_other_areas(fuzz_run, finding):
    if finding is None:
        pytest.skip("no known finding left: every failure schemathesis found here was fixed")
    if finding in findings(fuzz_run[0]):
        pytest.xfail(f"{finding[0]}: {KNOWN_FINDINGS[finding]}")
    # Not reproduced any more: the other area's fix landed; drop the entry.


def test_the_document_is_served_and_names_every_route(stack):
    document = HTTP.get(f"{stack.url}/openapi.json", timeout=30).json()
    assert document["openapi"] == "3.1.0"
    assert {"/reports", "/staff/reports/{report_id}/actions", "/public/reports", "/openapi.json"} <= set(
        document["paths"])


# Edges the document allows but the seeded run does not reach: a year-1 `date-time` and a deeply nested body
# were server errors once (fixed by the date range check and read_json's nesting limit); kept as regressions.
EDGE_CASES = [
    pytest.param("GET", "/public/reports?from=0001-01-01", None, id="date-overflow-from"),
    pytest.param("GET", "/public/reports?from=0001-01-01T00:00:00%2B14:00", None, id="date-overflow-offset"),
    pytest.param("POST", "/reports", "[" * 5000 + "]" * 5000, id="deep-json-nesting"),
]


@pytest.mark.parametrize(("method", "path", "body"), EDGE_CASES)
def test_documented_edges_are_refused_not_a_server_error(stack, method, path, body):
    response = HTTP.request(method, f"{stack.url}{path}", data=body.encode() if body else None,
                            headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code < 500, response.text
    assert response.json()["code"] and response.json()["message_en"]
