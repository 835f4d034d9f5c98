"""The IOC dashboard reads exactly the metric names the code emits, each with a `province` dimension.

Emitted names come from the `emit("Name", ...)` calls in chalicelib (read with
`ast`, not by running anything); dashboard names from the body infra/build.py
deploys. A name on the dashboard that no code emits must be listed in PENDING
with who is to emit it; a name the code emits must be on the dashboard.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from infra import dashboard

ROOT = Path(__file__).resolve().parents[2]
CHALICELIB = ROOT / "chalicelib"

# On the dashboard, not emitted yet. Empty: every emitter has landed.
PENDING: dict[str, str] = {}
# What a metric is sent through: observability.emit, or a service's injected `_metric` (emit by default).
EMITTERS = frozenset({"emit", "_metric"})
# Emitted but deliberately not on the dashboard (say why). Empty: everything emitted is shown.
OFF_DASHBOARD: dict[str, str] = {}
CAMEL_NAME = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)+$")


def _emit_calls() -> list[tuple[Path, ast.Call, ast.AST | None]]:
    calls = []
    for path in sorted(CHALICELIB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)] + [tree]:
            body_nodes = ast.walk(func) if func is not tree else ast.iter_child_nodes(tree)
            for node in body_nodes:
                if not isinstance(node, ast.Call):
                    continue
                if getattr(node.func, "id", getattr(node.func, "attr", None)) in EMITTERS:
                    calls.append((path, node, func if func is not tree else None))
    return calls


def _names_of(call: ast.Call, scope: ast.AST | None) -> set[str]:
    """The metric name(s) one emit(...) call can send: a literal, or the CamelCase literals its function loops over."""
    first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "name"), None)
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return {first.value}
    if scope is None:
        return set()
    return {n.value for n in ast.walk(scope) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and CAMEL_NAME.match(n.value)}


def emitted_names() -> dict[str, list[str]]:
    """Metric name -> where it is emitted (file:line), for every emit(...) call in chalicelib."""
    found: dict[str, list[str]] = {}
    for path, call, scope in _emit_calls():
        if path.name == "observability.py":
            continue
        for name in _names_of(call, scope):
            found.setdefault(name, []).append(f"{path.relative_to(ROOT)}:{call.lineno}")
    return found


def dashboard_names(body: str) -> set[str]:
    """Metric names a dashboard body reads from the Phananh namespace (queries, searches and metric arrays)."""
    names: set[str] = set()
    for widget in json.loads(body)["widgets"]:
        for metric in widget.get("properties", {}).get("metrics", []):
            head = metric[0]
            if isinstance(head, dict):
                expr = head["expression"]
                if f"FROM {dashboard.NAMESPACE}" in expr or f"SCHEMA({dashboard.NAMESPACE}" in expr:
                    names |= set(re.findall(r"(?:SUM|AVG|MIN|MAX|COUNT)\((\w+)\)", expr))
                if f"{{{dashboard.NAMESPACE}," in expr:
                    names |= set(re.findall(r'MetricName="(\w+)"', expr))
            elif head == dashboard.NAMESPACE:
                names.add(metric[1])
    return names


@pytest.fixture(scope="module")
def body() -> str:
    return dashboard.body(["api_handler"], ["phananh-${Stage}-thumbnails"], ["phananh-${Stage}-thumbnails-dlq"],
                          ["ThumbnailDLQAlarm"])


def test_every_emit_call_names_its_metric_and_the_province(body):
    for path, call, scope in _emit_calls():
        if path.name == "observability.py":
            continue
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        assert _names_of(call, scope), f"{where}: emit() with a name this test cannot read; use a literal"
        keywords = {k.arg for k in call.keywords}
        assert "province" in keywords or None in keywords, f"{where}: emit() without a province dimension"


def test_every_emitted_metric_is_on_the_dashboard(body):
    missing = {name: where for name, where in emitted_names().items()
               if name not in dashboard_names(body) and name not in OFF_DASHBOARD}
    assert not missing, f"emitted but not on the IOC dashboard (add a widget in infra/dashboard.py): {missing}"


def test_every_dashboard_metric_is_emitted_or_known_to_be_pending(body):
    emitted = set(emitted_names())
    unknown = dashboard_names(body) - emitted - set(PENDING)
    assert not unknown, f"the dashboard reads metrics no code emits and PENDING does not list: {sorted(unknown)}"


def test_pending_names_are_still_pending(body):
    landed = set(PENDING) & set(emitted_names())
    assert not landed, f"now emitted, remove from PENDING: {sorted(landed)}"
    assert set(PENDING) <= dashboard_names(body), "PENDING lists names the dashboard does not read"


@pytest.mark.parametrize("alarm", ["OverdueReportsAlarm", "RetentionBehindAlarm"])
def test_the_alarms_on_our_metrics_read_a_name_on_the_dashboard(body, alarm):
    template = json.loads((ROOT / "infra" / "province.json").read_text(encoding="utf-8"))
    expression = template["Resources"][alarm]["Properties"]["Metrics"][0]["Expression"]["Fn::Sub"]
    [name] = re.findall(r"MAX\((\w+)\)", expression)
    assert name in dashboard_names(body)
    assert name in set(emitted_names()) | set(PENDING)


def test_the_dashboard_reads_what_the_issue_asks_for(body):
    wanted = {"ReportsReceived", "OpenReports", "OverdueReports", "ReportsOverdue", "TimeToResult"}
    assert wanted <= dashboard_names(body)
    parsed = json.loads(body)
    by_title = {w["properties"].get("title", ""): w for w in parsed["widgets"]}
    channel = json.dumps(by_title["Reports received by channel"])
    category = json.dumps(by_title["Reports received by category"])
    assert "GROUP BY channel" in channel and "GROUP BY category" in category
    assert "'p50'" in json.dumps(by_title["Median time to result (working hours)"])
