"""infra/build.py wires whatever functions Chalice generates, and refuses what it cannot wire safely.

These run `merge_template` on small Chalice-shaped templates (no packaging),
so a handler that lands with a new kind of event source, or without a policy
of its own, fails here with a message that says what to add.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from chalicelib.handlers import sources
from infra.build import BuildError, StageInfo, check_runtime, merge_template, replace_intrinsics, stage_info
from infra.dashboard import body as dashboard_body

ROOT = Path(__file__).resolve().parents[2]
BASE = json.loads((ROOT / "infra" / "province.json").read_text(encoding="utf-8"))
INFO = StageInfo(stage="hue", province="hue", overdue_alarm_threshold=7, sweep_minutes=15, api_stage="api")
HANDLERS = (sources.API_FUNCTION, sources.THUMBNAIL_FUNCTION, sources.NOTIFY_FUNCTION, sources.STATS_FUNCTION,
            sources.SWEEP_FUNCTION, sources.DIGEST_FUNCTION)


def _function(handler: str, role: str, events: dict | None = None) -> dict:
    props = {"Handler": handler, "Runtime": "python3.12", "CodeUri": "./deployment.zip",
             "Role": {"Fn::GetAtt": [role, "Arn"]}}
    if events:
        props["Events"] = events
    return {"Type": "AWS::Serverless::Function", "Properties": props}


def _chalice(**functions: dict) -> dict:
    return {"Resources": dict(functions)}


def test_a_queue_consumer_is_wired_to_the_real_queue_with_partial_batch_failures():
    chalice = _chalice(MakeThumbnails=_function("app.make_thumbnails", "MakeThumbnailsRole", {"Sqs": {
        "Type": "SQS", "Properties": {"Queue": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:"
                                                           "${AWS::AccountId}:phananh-hue-thumbnails"},
                                      "BatchSize": 5}}}))
    merged = merge_template(BASE, chalice, INFO)["Resources"]["MakeThumbnails"]
    event = merged["Properties"]["Events"]["Sqs"]["Properties"]
    assert event == {"Queue": {"Fn::GetAtt": ["ThumbnailQueue", "Arn"]},
                     "FunctionResponseTypes": ["ReportBatchItemFailures"]}
    assert merged["Properties"]["FunctionName"] == {"Fn::Sub": "phananh-${Stage}-make_thumbnails"}
    assert merged["DependsOn"] == ["MakeThumbnailsLogGroup"]


def test_a_stream_consumer_gets_bisect_bounded_retries_and_the_failure_queue():
    arn = "arn:aws:dynamodb:ap-southeast-1:123456789012:table/phananh-hue-reports/stream/2026-01-01T00:00:00.000"
    chalice = _chalice(Notify=_function("app.notify_report_changes", "NotifyRole", {"Ddb": {
        "Type": "DynamoDB", "Properties": {"Stream": arn, "StartingPosition": "LATEST", "BatchSize": 100}}}))
    event = merge_template(BASE, chalice, INFO)["Resources"]["Notify"]["Properties"]["Events"]["Ddb"]["Properties"]
    assert event["Stream"] == {"Fn::GetAtt": ["ReportsTable", "StreamArn"]}
    assert event["StartingPosition"] == "TRIM_HORIZON"
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["BisectBatchOnFunctionError"] is True
    assert event["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}


def test_a_schedule_gets_a_dead_letter_queue_and_an_async_failure_destination():
    chalice = _chalice(Sweep=_function("app.sla_sweep", "SweepRole", {"Tick": {
        "Type": "Schedule", "Properties": {"Schedule": "rate(15 minutes)"}}}))
    props = merge_template(BASE, chalice, INFO)["Resources"]["Sweep"]["Properties"]
    assert props["Events"]["Tick"]["Properties"]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["ScheduleDLQ", "Arn"]}}
    assert props["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"] == \
        {"Fn::GetAtt": ["ScheduleDLQ", "Arn"]}


def test_every_function_gets_the_stage_environment_as_references():
    merged = merge_template(BASE, _chalice(APIHandler=_function("app.app", "ApiHandlerRole")), INFO)
    variables = merged["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables == {var: {"Ref": target} for var, target in {
        **BASE["Metadata"]["phananh:environment"], **BASE["Metadata"]["phananh:deployed-environment"]}.items()}
    assert variables["STAGE_SECRETS_ARN"] == {"Ref": "StageSecrets"}
    assert merged["Parameters"]["Stage"]["AllowedValues"] == ["hue"]
    assert merged["Parameters"]["OverdueAlarmThreshold"]["Default"] == 7


def test_a_function_without_its_own_policy_is_refused_with_what_to_add():
    with pytest.raises(BuildError, match=r"policy-new_handler\.json"):
        merge_template(BASE, _chalice(NewHandler=_function("app.new_handler", "DefaultRole")), INFO)


def test_a_function_on_another_python_than_the_build_is_refused():
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    fn = _function("app.x", "XRole")
    check_runtime(_chalice(X=fn))  # the fixture's runtime is the build's (the venv is the runtime's Python)
    assert fn["Properties"]["Runtime"] == here
    fn["Properties"]["Runtime"] = "python3.11"
    with pytest.raises(BuildError, match=r"\['python3\.11'\] but the package is built by python3\.\d+"):
        check_runtime(_chalice(X=fn))


def test_an_event_source_the_build_does_not_know_is_refused():
    chalice = _chalice(Odd=_function("app.odd", "OddRole", {"Iot": {"Type": "IoTRule", "Properties": {"Sql": "x"}}}))
    with pytest.raises(BuildError, match="no wiring for event type 'IoTRule'"):
        merge_template(BASE, chalice, INFO)


def test_a_topic_the_province_does_not_have_is_refused():
    chalice = _chalice(Odd=_function("app.odd", "OddRole", {"Sns": {"Type": "SNS", "Properties": {
        "Topic": "arn:aws:sns:ap-southeast-1:123456789012:phananh-daklak-nowhere"}}}))
    with pytest.raises(BuildError, match=r"not a topic in infra/province\.json"):
        merge_template(BASE, chalice, INFO)


def test_a_stream_of_a_table_the_province_does_not_have_is_refused():
    arn = "arn:aws:dynamodb:ap-southeast-1:123456789012:table/phananh-daklak-reports/stream/x"
    chalice = _chalice(Notify=_function("app.notify", "NotifyRole", {"Ddb": {
        "Type": "DynamoDB", "Properties": {"Stream": arn}}}))
    with pytest.raises(BuildError, match="not the stream of a table"):
        merge_template(BASE, chalice, INFO)


def test_an_unknown_stage_points_at_new_province():
    with pytest.raises(BuildError, match="make new-province"):
        stage_info("atlantis")


def test_merged_intrinsics_replace_chalices_instead_of_mixing_with_them():
    packaged = {"Resources": {"F": {"Properties": {"Queue": {"Fn::Sub": "arn:...:q"}, "BatchSize": 5}}}}
    replace_intrinsics({"Resources": {"F": {"Properties": {"Queue": {"Fn::GetAtt": ["Q", "Arn"]}}}}}, packaged)
    assert packaged["Resources"]["F"]["Properties"] == {"Queue": {"Fn::GetAtt": ["Q", "Arn"]}, "BatchSize": 5}


@pytest.mark.parametrize("handler", HANDLERS)
def test_every_handler_has_a_policy_file_naming_only_this_provinces_resources(handler):
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    entry = config["lambda_functions"][handler]
    assert entry["autogen_policy"] is False
    policy = json.loads((ROOT / ".chalice" / entry["iam_policy_file"]).read_text(encoding="utf-8"))
    known = set(BASE["Resources"]) | set(BASE["Parameters"])
    text = json.dumps(policy)
    named = set(re.findall(r'"Fn::GetAtt": \["(\w+)"', text)) | set(re.findall(r'"Ref": "(\w+)"', text))
    named |= {m.split(".")[0] for m in re.findall(r"\$\{([\w:.]+)\}", text) if not m.startswith("AWS::")}
    assert named <= known, named - known
    for statement in policy["Statement"]:
        resources = statement.get("Resource", [])
        for res in resources if isinstance(resources, list) else [resources]:
            assert res != "*" and isinstance(res, dict), (handler, statement["Sid"])
    assert f"phananh-${{Stage}}-{handler}:*" in text, "its own log group, and only that"


def test_the_dashboard_body_is_valid_json_with_cloudformation_placeholders():
    body = json.loads(dashboard_body(["api_handler"], ["q"], ["dlq"], ["Api5xxRateAlarm"]))
    text = json.dumps(body)
    placeholders = set(re.findall(r"\$\{([^}]+)\}", text))
    assert placeholders <= {"Province", "Stage", "AWS::Region", "Api5xxRateAlarm.Arn"}
    assert all(w["x"] >= 0 and w["x"] + w["width"] <= 24 for w in body["widgets"])


def _api(paths: dict) -> dict:
    body = {"paths": {p: {m: {"x-amazon-apigateway-integration": {}} for m in ms} for p, ms in paths.items()}}
    return {"Type": "AWS::Serverless::Api", "Properties": {"DefinitionBody": body}}


def test_every_staff_method_gets_the_cognito_authorizer_and_nothing_else_does():
    chalice = _chalice(APIHandler=_function("app.app", "ApiHandlerRole"), RestAPI=_api({
        "/staff/me": ["get", "options"], "/staff/reports/{report_id}/actions": ["post", "options"],
        "/staffing": ["get"], "/reports": ["post", "options"], "/public/reports": ["get"]}))
    api = merge_template(BASE, chalice, INFO)["Resources"]["RestAPI"]
    body = api["Properties"]["DefinitionBody"]
    authorizer = body["securityDefinitions"]["StaffUserPool"]
    assert authorizer["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    assert authorizer["x-amazon-apigateway-authorizer"]["providerARNs"] == [{"Fn::GetAtt": ["StaffUserPool", "Arn"]}]
    assert authorizer["name"] == "Authorization" and authorizer["in"] == "header"
    assert body["paths"] == {"/staff/me": {"get": {"security": [{"StaffUserPool": []}]}},
                             "/staff/reports/{report_id}/actions": {"post": {"security": [{"StaffUserPool": []}]}}}
    assert api["DependsOn"] == ["ApiGatewayAccount"]
    assert {"UNAUTHORIZED", "ACCESS_DENIED"} <= set(api["Properties"]["GatewayResponses"])
    assert api["Properties"]["TracingEnabled"] is True


def test_the_api_logs_each_request_as_json_without_its_path_or_query_string():
    chalice = _chalice(APIHandler=_function("app.app", "ApiHandlerRole"), RestAPI=_api({"/health": ["get"]}))
    setting = merge_template(BASE, chalice, INFO)["Resources"]["RestAPI"]["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(setting["Format"])
    assert {"requestId", "status", "resourcePath", "httpMethod"} <= set(fields)
    values = set(fields.values())
    assert not {"$context.path", "$input.params()", "$context.requestOverride.querystring"} & values
    assert not any("querystring" in v.lower() or v == "$context.path" for v in values)


def test_the_bucket_cors_defaults_to_the_profiles_portal_and_console_origins():
    from chalicelib.provinces import load_profile
    from infra.build import origin_of

    info = stage_info("hue")
    assert info.portal_origin == origin_of(load_profile("hue").public_base_url)
    assert info.portal_origin.startswith("https://") and info.console_origin.startswith("https://")
    merged = merge_template(BASE, _chalice(), info)
    assert merged["Parameters"]["PortalOrigin"]["Default"] == info.portal_origin
    assert merged["Parameters"]["ConsoleOrigin"]["Default"] == info.console_origin
    assert origin_of("https://IOC.Example.gov.vn:8443/console?x=1") == "https://ioc.example.gov.vn:8443"
    assert origin_of("") == ""
