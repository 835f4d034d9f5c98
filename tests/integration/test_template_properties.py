"""Properties of every province's packaged template that a deployment must never lose.

Read from the template `make package` writes (infra/province.json merged into
Chalice's output), for each province stage: data is recoverable and private,
every asynchronous path ends in a dead-letter queue or a failure destination
that an alarm watches, each function may touch only its own province's
resources, and configuration reaches functions as references, not literals.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from infra_builds import PROVINCE_STAGES, template

pytestmark = pytest.mark.parametrize("stage", PROVINCE_STAGES)


def _of_type(t: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in t["Resources"].items() if r["Type"] == rtype}


def _functions(t: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return _of_type(t, "AWS::Serverless::Function")


def _getatt(value: Any) -> tuple[str, str] | None:
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical, attr = value["Fn::GetAtt"]
        return logical, attr
    return None


def _alarmed_queues(t: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Queue logical id -> the alarms on its depth."""
    out: dict[str, list[dict[str, Any]]] = {}
    for alarm in _of_type(t, "AWS::CloudWatch::Alarm").values():
        p = alarm["Properties"]
        for dim in p.get("Dimensions", []):
            ref = _getatt(dim["Value"])
            if p.get("Namespace") == "AWS/SQS" and dim["Name"] == "QueueName" and ref:
                out.setdefault(ref[0], []).append(p)
    return out


def test_every_table_has_point_in_time_recovery_encryption_and_deletion_protection(stage):
    tables = _of_type(template(stage), "AWS::DynamoDB::Table")
    assert {"ReportsTable", "AuditTable", "MediaTable", "IdempotencyTable"} <= set(tables)
    for name, table in tables.items():
        p = table["Properties"]
        assert p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, name
        assert p["SSESpecification"]["SSEEnabled"] is True, name
        assert p["DeletionProtectionEnabled"] is True, name
        assert p["BillingMode"] == "PAY_PER_REQUEST", name
        assert table["DeletionPolicy"] == "Retain", name


def test_reports_table_streams_both_images_and_has_the_sweep_index(stage):
    p = template(stage)["Resources"]["ReportsTable"]["Properties"]
    assert p["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert "sla-due" in {g["IndexName"] for g in p["GlobalSecondaryIndexes"]}
    ttl = template(stage)["Resources"]["IdempotencyTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expiration", "Enabled": True}


def test_media_bucket_is_private_versioned_encrypted_and_tls_only(stage):
    t = template(stage)
    p = t["Resources"]["MediaBucket"]["Properties"]
    assert p["VersioningConfiguration"]["Status"] == "Enabled"
    assert all(p["PublicAccessBlockConfiguration"][k] is True for k in
               ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
    assert p["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert p["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"
    assert {"POST"} <= set(p["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"])
    assert p["LifecycleConfiguration"]["Rules"]
    policies = [b for b in _of_type(t, "AWS::S3::BucketPolicy").values() if b["Properties"]["Bucket"] ==
                {"Ref": "MediaBucket"}]
    denies = [s for b in policies for s in b["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_uploads_under_raw_reach_a_queue_with_a_dead_letter_queue_and_an_alarm(stage):
    t = template(stage)
    [notification] = t["Resources"]["MediaBucket"]["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "raw/"}]
    queue, _ = _getatt(notification["Queue"])
    redrive = t["Resources"][queue]["Properties"]["RedrivePolicy"]
    dlq, _ = _getatt(redrive["deadLetterTargetArn"])
    assert 1 <= redrive["maxReceiveCount"] <= 10
    assert dlq in _alarmed_queues(t)


def test_stream_consumers_report_partial_failures_with_bounded_retries_and_a_destination(stage):
    t = template(stage)
    mappings = [(name, e["Properties"]) for name, f in _functions(t).items()
                for e in f["Properties"].get("Events", {}).values() if e["Type"] == "DynamoDB"]
    for name, m in mappings:
        assert _getatt(m["Stream"]) == ("ReportsTable", "StreamArn"), name
        assert m["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
        assert m["BisectBatchOnFunctionError"] is True, name
        assert 0 <= m["MaximumRetryAttempts"] <= 10, name
        assert 60 <= m["MaximumRecordAgeInSeconds"] <= 86_400, name
        destination, _ = _getatt(m["DestinationConfig"]["OnFailure"]["Destination"])
        assert destination in _alarmed_queues(t), name


def test_queue_consumers_report_partial_failures_on_a_queue_with_a_dead_letter_queue(stage):
    t = template(stage)
    for name, f in _functions(t).items():
        for e in f["Properties"].get("Events", {}).values():
            if e["Type"] != "SQS":
                continue
            queue, _ = _getatt(e["Properties"]["Queue"])
            assert e["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
            dlq, _ = _getatt(t["Resources"][queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
            assert dlq in _alarmed_queues(t), name
            timeout = f["Properties"]["Timeout"]
            assert t["Resources"][queue]["Properties"]["VisibilityTimeout"] >= 6 * timeout, name


def test_scheduled_functions_park_failed_runs_in_a_watched_queue(stage):
    t = template(stage)
    for name, f in _functions(t).items():
        schedules = [e for e in f["Properties"].get("Events", {}).values() if e["Type"] == "Schedule"]
        if not schedules:
            continue
        for e in schedules:
            dlq, _ = _getatt(e["Properties"]["DeadLetterConfig"]["Arn"])
            assert dlq in _alarmed_queues(t), name
        on_failure, _ = _getatt(f["Properties"]["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"])
        assert on_failure in _alarmed_queues(t), name


def test_alarms_cover_dead_letters_api_errors_and_overdue_reports_and_tell_the_ioc(stage):
    from chalicelib.provinces import load_profile

    t = template(stage)
    alarms = _of_type(t, "AWS::CloudWatch::Alarm")
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "IocAlertsTopic"}], name
    watched = _alarmed_queues(t)
    failure_queues = {k for k, q in _of_type(t, "AWS::SQS::Queue").items() if "RedrivePolicy" not in q["Properties"]}
    assert failure_queues <= set(watched)
    assert all(a["Threshold"] == 0 and a["ComparisonOperator"] == "GreaterThanThreshold"
               for qs in watched.values() for a in qs)
    bodies = json.dumps(alarms)
    assert '"5XXError"' in bodies and "OverdueReports" in bodies
    overdue = next(a["Properties"] for a in alarms.values() if "OverdueReports" in json.dumps(a))
    assert overdue["Threshold"] == {"Ref": "OverdueAlarmThreshold"}
    assert t["Parameters"]["OverdueAlarmThreshold"]["Default"] == load_profile(stage).sla.overdue_alarm_threshold
    api = next(a["Properties"] for a in alarms.values() if "5XXError" in json.dumps(a))
    stage_dims = {d["Value"] for m in api["Metrics"] if "MetricStat" in m
                  for d in m["MetricStat"]["Metric"]["Dimensions"] if d["Name"] == "Stage"}
    assert stage_dims == {t["Resources"]["RestAPI"]["Properties"]["StageName"]}


def _function_alarms(t: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(function name as deployed, AWS/Lambda metric) -> the alarms on it."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for alarm in _of_type(t, "AWS::CloudWatch::Alarm").values():
        p = alarm["Properties"]
        if p.get("Namespace") != "AWS/Lambda":
            continue
        [dim] = [d for d in p["Dimensions"] if d["Name"] == "FunctionName"]
        out.setdefault((json.dumps(dim["Value"]), p["MetricName"]), []).append(p)
    return out


def test_every_function_alarms_on_errors_and_throttles_and_each_stream_consumer_on_its_iterator_age(stage):
    t = template(stage)
    functions = _functions(t)
    assert len(functions) >= 7
    alarmed = _function_alarms(t)
    stream_consumers = set()
    for logical, fn in functions.items():
        name = json.dumps(fn["Properties"]["FunctionName"])  # {"Fn::Sub": "phananh-${Stage}-<function>"}
        for metric in ("Errors", "Throttles"):
            assert alarmed.get((name, metric)), f"{logical}: no alarm on AWS/Lambda {metric}"
        if any(e["Type"] == "DynamoDB" for e in fn["Properties"].get("Events", {}).values()):
            stream_consumers.add(logical)
            assert alarmed.get((name, "IteratorAge")), f"{logical}: reads the stream, no IteratorAge alarm"
    assert len(stream_consumers) == 2  # the notifier and the statistics
    for (name, metric), alarms in alarmed.items():
        assert any(json.dumps(fn["Properties"]["FunctionName"]) == name for fn in functions.values()), name
        for a in alarms:
            assert a["AlarmActions"] == a["OKActions"] == [{"Ref": "IocAlertsTopic"}], name
            assert a["ComparisonOperator"] == "GreaterThanThreshold" and a["TreatMissingData"] == "notBreaching"
            assert a["Statistic"] == ("Maximum" if metric == "IteratorAge" else "Sum"), (name, metric)
    dashboard = json.dumps(t["Resources"]["IocDashboard"]["Properties"]["DashboardBody"])
    assert dashboard.count('\\"IteratorAge\\"') == 2  # the figure the alarm watches, over time
    for logical in _of_type(t, "AWS::CloudWatch::Alarm"):
        assert f"${{{logical}.Arn}}" in dashboard, f"{logical} is not on the dashboard's alarm widget"


def test_the_ioc_topic_uses_a_key_cloudwatch_alarms_may_use(stage):
    t = template(stage)
    key, _ = _getatt(t["Resources"]["IocAlertsTopic"]["Properties"]["KmsMasterKeyId"])
    statements = t["Resources"][key]["Properties"]["KeyPolicy"]["Statement"]
    assert any(s["Principal"] == {"Service": "cloudwatch.amazonaws.com"} for s in statements)


def _resources_of(statement: dict[str, Any]) -> list[Any]:
    res = statement.get("Resource", [])
    return res if isinstance(res, list) else [res]


def _referenced_logicals(value: Any) -> set[str]:
    text = json.dumps(value)
    refs = set(re.findall(r'"Ref": "([A-Za-z0-9:]+)"', text))
    refs |= set(re.findall(r'"Fn::GetAtt": \["([A-Za-z0-9]+)"', text))
    refs |= {m.split(".")[0] for m in re.findall(r"\$\{([A-Za-z0-9:.]+)\}", text)}
    return {r for r in refs if not r.startswith("AWS::")}


def test_each_function_has_its_own_role_and_no_policy_grants_a_wildcard_resource(stage):
    t = template(stage)
    roles = _of_type(t, "AWS::IAM::Role")
    assert "DefaultRole" not in roles
    role_of = {name: _getatt(f["Properties"]["Role"])[0] for name, f in _functions(t).items()}
    assert len(set(role_of.values())) == len(role_of), "functions share a role"
    for role_name, role in roles.items():
        for policy in role["Properties"].get("Policies", []):
            for s in policy["PolicyDocument"]["Statement"]:
                actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
                assert not any(a == "*" or a.endswith(":*") for a in actions), (role_name, s)
                if "NotResource" in s:  # SMS to phone numbers: everything that is not an SNS ARN
                    assert s["Effect"] == "Allow" and actions == ["sns:Publish"], (role_name, s)
                    continue
                for res in _resources_of(s):
                    assert isinstance(res, dict), f"{role_name}: literal resource {res!r}"
                    arn_head = res.get("Fn::Sub", "").split("/", 1)[0]  # service, region, account, type
                    assert "*" not in arn_head, (role_name, res)


def test_function_names_are_valid_lambda_names_and_match_their_log_groups_and_policies(stage):
    t = template(stage)
    for logical, fn in _functions(t).items():
        name = fn["Properties"]["FunctionName"]["Fn::Sub"].replace("${Stage}", stage)
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name), (logical, name)
        role = t["Resources"][_getatt(fn["Properties"]["Role"])[0]]
        log_arns = [res.get("Fn::Sub", "") for policy in role["Properties"].get("Policies", [])
                    for s in policy["PolicyDocument"]["Statement"] if "logs:PutLogEvents" in s["Action"]
                    for res in _resources_of(s)]
        assert any(arn.replace("${Stage}", stage).endswith(f":log-group:/aws/lambda/{name}:*") for arn in log_arns), (
            logical, name, log_arns)


def test_policies_name_only_this_stacks_resources(stage):
    t = template(stage)
    known = set(t["Resources"]) | set(t.get("Parameters", {}))
    for role_name, role in _of_type(t, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for s in policy["PolicyDocument"]["Statement"]:
                named = _referenced_logicals(s.get("Resource", []))
                assert named <= known, (role_name, named - known)
                for res in _resources_of(s):
                    text = res.get("Fn::Sub", "") if isinstance(res, dict) else ""
                    if text.startswith("arn:"):
                        assert "${AWS::AccountId}" in text and "${AWS::Region}" in text, (role_name, text)
                        assert "${Stage}" in text or "${SesSender}" in text, (role_name, text)


def test_functions_get_resource_names_as_references_not_literals(stage):
    t = template(stage)
    env_map = t["Metadata"]["phananh:environment"]
    for name, f in _functions(t).items():
        variables = f["Properties"]["Environment"]["Variables"]
        for var, target in env_map.items():
            assert variables[var] == {"Ref": target}, (name, var)
        literals = [v for v in variables.values() if isinstance(v, str) and re.search(r"phananh-[a-z0-9-]+-", v)]
        assert not literals, (name, literals)
        assert variables["STAGE"] == stage
        assert f["Properties"]["FunctionName"] == {"Fn::Sub": f"phananh-${{Stage}}-{_handler_name(f)}"}


def _handler_name(f: dict[str, Any]) -> str:
    handler = f["Properties"]["Handler"]
    return "api_handler" if handler == "app.app" else handler.rsplit(".", 1)[1]


def test_the_template_deploys_only_as_its_own_province(stage):
    from chalicelib.provinces import load_profile

    params = template(stage)["Parameters"]
    assert params["Stage"]["Default"] == stage and params["Stage"]["AllowedValues"] == [stage]
    assert params["Province"]["Default"] == load_profile(stage).slug


def test_the_ioc_dashboard_is_deployed_with_the_stack(stage):
    t = template(stage)
    [dash] = _of_type(t, "AWS::CloudWatch::Dashboard").values()
    body = json.loads(dash["Properties"]["DashboardBody"]["Fn::Sub"])
    titles = {w["properties"].get("title") for w in body["widgets"]}
    assert {"Reports received by channel", "Reports received by category", "Open reports", "Overdue now",
            "Median time to result (working hours)", "Lambda errors", "Lambda throttles", "Queue depth",
            "Dead-letter and failure queues (should be 0)"} <= titles
    fn_names = {f"phananh-${{Stage}}-{_handler_name(f)}" for f in _functions(t).values()}
    errors = next(w for w in body["widgets"] if w["properties"].get("title") == "Lambda errors")
    assert {m[3] for m in errors["properties"]["metrics"]} == fn_names


def test_every_staff_route_has_the_cognito_authorizer_of_the_stacks_pool(stage):
    t = template(stage)
    body = t["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    authorizer = body["securityDefinitions"]["StaffUserPool"]
    assert authorizer["x-amazon-apigateway-authorizer"] == {
        "type": "cognito_user_pools", "providerARNs": [{"Fn::GetAtt": ["StaffUserPool", "Arn"]}]}
    staff = [(path, m, op) for path, ops in body["paths"].items() for m, op in ops.items()
             if path.startswith("/staff/") and m != "options"]
    assert len(staff) >= 5
    for path, method, op in staff:
        assert op.get("security") == [{"StaffUserPool": []}], (path, method)
    for path, ops in body["paths"].items():
        for method, op in ops.items():
            if not path.startswith("/staff/") or method == "options":
                assert "security" not in op, (path, method)


def test_the_api_writes_json_access_logs_to_a_log_group_that_expires(stage):
    t = template(stage)
    api = t["Resources"]["RestAPI"]
    setting = api["Properties"]["AccessLogSetting"]
    group, _ = _getatt(setting["DestinationArn"])
    assert t["Resources"][group]["Type"] == "AWS::Logs::LogGroup"
    assert 1 <= t["Resources"][group]["Properties"]["RetentionInDays"] <= 400
    fields = json.loads(setting["Format"])
    assert fields["resourcePath"] == "$context.resourcePath" and "requestId" in fields
    assert not any("querystring" in v.lower() or v in {"$context.path", "$request.path"} for v in fields.values())
    account = t["Resources"][api["DependsOn"][0]]
    assert account["Type"] == "AWS::ApiGateway::Account"
    role, _ = _getatt(account["Properties"]["CloudWatchRoleArn"])
    assert t["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "apigateway.amazonaws.com"}


def test_the_media_bucket_logs_access_to_a_private_log_bucket_with_its_own_retention(stage):
    t = template(stage)
    logging = t["Resources"]["MediaBucket"]["Properties"]["LoggingConfiguration"]
    target = logging["DestinationBucketName"]["Ref"]
    p = t["Resources"][target]["Properties"]
    assert all(p["PublicAccessBlockConfiguration"][k] is True for k in
               ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
    assert p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"}  # server access logs are delivered only to SSE-S3 buckets
    assert any("ExpirationInDays" in r and r["Status"] == "Enabled" for r in p["LifecycleConfiguration"]["Rules"])
    assert "LoggingConfiguration" not in p
    [policy] = [b["Properties"]["PolicyDocument"] for b in _of_type(t, "AWS::S3::BucketPolicy").values()
                if b["Properties"]["Bucket"] == {"Ref": target}]
    [grant] = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert grant["Principal"] == {"Service": "logging.s3.amazonaws.com"} and grant["Action"] == "s3:PutObject"
    assert grant["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy["Statement"]
               if s["Effect"] == "Deny")


def test_the_media_bucket_cors_allows_only_the_portal_and_console_origins(stage):
    from chalicelib.provinces import load_profile
    from infra.build import origin_of

    t = template(stage)
    [rule] = t["Resources"]["MediaBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == [{"Ref": "PortalOrigin"}, {"Ref": "ConsoleOrigin"}]
    profile = load_profile(stage)
    assert t["Parameters"]["PortalOrigin"]["Default"] == origin_of(profile.public_base_url)
    assert t["Parameters"]["ConsoleOrigin"]["Default"] == origin_of(profile.console_base_url)
    assert "*" not in t["Parameters"]["PortalOrigin"]["Default"]


def test_staff_mfa_is_required_unless_the_stage_relaxes_it_and_id_tokens_last_15_minutes(stage):
    t = template(stage)
    pool = t["Resources"]["StaffUserPool"]["Properties"]
    assert pool["MfaConfiguration"] == {"Ref": "StaffMfa"} and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert t["Parameters"]["StaffMfa"]["Default"] == "ON"
    assert set(t["Parameters"]["StaffMfa"]["AllowedValues"]) == {"ON", "OPTIONAL"}
    client = t["Resources"]["StaffConsoleClient"]["Properties"]
    assert client["IdTokenValidity"] == 15 and client["TokenValidityUnits"]["IdToken"] == "minutes"
    assert client["AccessTokenValidity"] <= 15 and client["TokenValidityUnits"]["AccessToken"] == "minutes"
    assert "ALLOW_REFRESH_TOKEN_AUTH" in client["ExplicitAuthFlows"] and client["EnableTokenRevocation"] is True
    from chalicelib.storage.revocations import ID_TOKEN_MINUTES, REFRESH_TOKEN_HOURS

    assert (client["IdTokenValidity"], client["RefreshTokenValidity"]) == (ID_TOKEN_MINUTES, REFRESH_TOKEN_HOURS)
    assert client["TokenValidityUnits"]["RefreshToken"] == "hours"


def test_the_stage_secret_is_generated_passed_by_arn_and_readable_by_the_api_function_only(stage):
    t = template(stage)
    secret = t["Resources"]["StageSecrets"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["GenerateStringKey"] == "cursor_key"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    readers = {}
    for name, f in _functions(t).items():
        assert f["Properties"]["Environment"]["Variables"]["STAGE_SECRETS_ARN"] == {"Ref": "StageSecrets"}, name
        role = t["Resources"][_getatt(f["Properties"]["Role"])[0]]
        grants = [s for policy in role["Properties"].get("Policies", []) for s in policy["PolicyDocument"]["Statement"]
                  if any(a.startswith("secretsmanager:") for a in (s["Action"] if isinstance(s["Action"], list)
                                                                    else [s["Action"]]))
                  and s["Resource"] != {"Ref": "ZaloSecret"}]  # the Zalo OA's secret: its own test below
        if grants:
            readers[_handler_name(f)] = grants
    assert list(readers) == ["api_handler"]
    [grant] = readers["api_handler"]
    assert grant["Action"] == ["secretsmanager:GetSecretValue"] and grant["Resource"] == {"Ref": "StageSecrets"}


def test_the_zalo_secret_is_passed_by_arn_and_readable_by_the_webhook_and_the_zalo_handler_only(stage):
    t = template(stage)
    secret = t["Resources"]["ZaloSecret"]["Properties"]
    assert secret["GenerateSecretString"]["GenerateStringKey"] == "oa_secret_key"  # a random key until Zalo's is put
    readers = set()
    for name, f in _functions(t).items():
        assert f["Properties"]["Environment"]["Variables"]["ZALO_SECRET_ARN"] == {"Ref": "ZaloSecret"}, name
        role = t["Resources"][_getatt(f["Properties"]["Role"])[0]]
        for policy in role["Properties"].get("Policies", []):
            for grant in policy["PolicyDocument"]["Statement"]:
                if grant.get("Resource") == {"Ref": "ZaloSecret"}:
                    assert grant["Action"] == ["secretsmanager:GetSecretValue"], name
                    readers.add(_handler_name(f))
    assert readers == {"api_handler", "handle_zalo_messages"}


def test_the_zalo_queue_is_fifo_with_a_fifo_dead_letter_queue_its_handler_consumes(stage):
    t = template(stage)
    queue, dlq = t["Resources"]["ZaloQueue"]["Properties"], t["Resources"]["ZaloDLQ"]["Properties"]
    assert queue["FifoQueue"] is True and dlq["FifoQueue"] is True
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["ZaloDLQ", "Arn"]}
    assert queue["VisibilityTimeout"] >= 6 * 30  # six times the handler's timeout, as Lambda advises
    mappings = [r for r in t["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
                or (r["Type"] == "AWS::Serverless::Function" and any(
                    e.get("Type") == "SQS" for e in r["Properties"].get("Events", {}).values()))]
    assert any("ZaloQueue" in json.dumps(m) for m in mappings)

def test_every_function_has_reserved_concurrency(stage):
    functions = _functions(template(stage))
    assert functions
    for name, fn in functions.items():
        reserved = fn["Properties"].get("ReservedConcurrentExecutions")
        assert isinstance(reserved, int) and reserved >= 1, name
    api = next(fn for fn in functions.values() if fn["Properties"]["Handler"] == "app.app")
    assert api["Properties"]["ReservedConcurrentExecutions"] >= 10


def test_the_api_stage_is_behind_a_waf_acl_with_a_rate_rule_and_the_aws_managed_groups(stage):
    t = template(stage)
    [acl] = _of_type(t, "AWS::WAFv2::WebACL").values()
    p = acl["Properties"]
    assert p["Scope"] == "REGIONAL" and p["DefaultAction"] == {"Allow": {}}
    rate = [r for r in p["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert len(rate) == 1 and rate[0]["Action"] == {"Block": {}}
    assert rate[0]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    groups = {r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in p["Rules"]
              if "ManagedRuleGroupStatement" in r["Statement"]}
    assert groups == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    assert len({r["Priority"] for r in p["Rules"]}) == len(p["Rules"])
    [association] = _of_type(t, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    assert association["Properties"]["ResourceArn"]["Fn::Sub"].endswith("/restapis/${RestAPI}/stages/api")
    assert association["DependsOn"] == ["RestAPIapiStage"]


def test_the_limits_table_expires_its_counters(stage):
    p = template(stage)["Resources"]["LimitsTable"]["Properties"]
    assert p["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert p["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]


def test_received_mail_is_stored_under_inbound_and_notifies_the_inbox_function(stage):
    t = template(stage)
    res = t["Resources"]
    [rule] = _of_type(t, "AWS::SES::ReceiptRule").values()
    assert rule["Properties"]["RuleSetName"] == {"Ref": "InboxRuleSet"}
    body = rule["Properties"]["Rule"]
    assert body["Enabled"] and body["ScanEnabled"] and body["TlsPolicy"] == "Require"  # spam/virus verdicts on
    assert body["Recipients"] == [{"Ref": "InboxAddress"}]
    [action] = body["Actions"]
    assert action["S3Action"] == {"BucketName": {"Ref": "MediaBucket"}, "ObjectKeyPrefix": "inbound/",
                                  "TopicArn": {"Ref": "InboundMailTopic"}}
    assert set(rule["DependsOn"]) == {"MediaBucketPolicy", "InboundMailTopicPolicy"}  # SES checks it may write
    # the topic, encrypted with a key SES may use, is subscribed to the inbox function
    key, _ = _getatt(res["InboundMailTopic"]["Properties"]["KmsMasterKeyId"])
    assert any(s["Principal"] == {"Service": "ses.amazonaws.com"}
               for s in res[key]["Properties"]["KeyPolicy"]["Statement"])
    [fn] = [f for f in _functions(t).values()
            if f["Properties"]["FunctionName"] == {"Fn::Sub": "phananh-${Stage}-read_inbound_mail"}]
    assert [e["Properties"]["Topic"] for e in fn["Properties"]["Events"].values()] == [{"Ref": "InboundMailTopic"}]
    # SNS invokes it asynchronously: what fails after Lambda's retries is parked in a watched queue
    on_failure, _ = _getatt(fn["Properties"]["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"])
    assert on_failure in _alarmed_queues(t)
    # SES (this account's rule only) may write the inbound prefix and publish to the topic, nothing more
    [ses_write] = [s for s in res["MediaBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
                   if s.get("Principal") == {"Service": "ses.amazonaws.com"}]
    assert ses_write["Action"] == "s3:PutObject"
    assert ses_write["Resource"] == {"Fn::Sub": "${MediaBucket.Arn}/inbound/*"}
    assert ses_write["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    [publish] = res["InboundMailTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert publish["Action"] == "sns:Publish" and publish["Condition"] == ses_write["Condition"]
    # stored mail expires
    rules = res["MediaBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert any(r.get("Prefix") == "inbound/" and r.get("ExpirationInDays") for r in rules)
    # originals (EXIF and all) end with the retention rule; the raw/ lifecycle is the backstop behind it
    [backstop] = [r for r in rules if r["Id"] == "expire-originals-backstop"]
    assert backstop["Prefix"] == "raw/" and backstop["Status"] == "Enabled"
    assert 90 < backstop["ExpirationInDays"] <= 730


def test_only_the_functions_that_decode_photos_get_the_imaging_layer(stage):
    t = template(stage)
    layers = _of_type(t, "AWS::Lambda::LayerVersion")
    assert list(layers) == ["ImagingLayer"]
    props = layers["ImagingLayer"]["Properties"]
    assert props["Content"] == "./imaging-layer.zip"
    assert props["LayerName"] == {"Fn::Sub": "phananh-${Stage}-imaging"}
    runtimes = {fn["Properties"]["Runtime"] for fn in _functions(t).values()}
    assert props["CompatibleRuntimes"] == sorted(runtimes) and len(runtimes) == 1
    architectures = {a for fn in _functions(t).values() for a in fn["Properties"].get("Architectures", ["x86_64"])}
    assert props["CompatibleArchitectures"] == sorted(architectures)  # the vendored libraries are built for it
    with_layer = {fn["Properties"]["Handler"].rsplit(".", 1)[-1]: fn["Properties"]["Layers"]
                  for fn in _functions(t).values() if "Layers" in fn["Properties"]}
    assert with_layer == {"make_thumbnails": [{"Ref": "ImagingLayer"}], "read_inbound_mail": [{"Ref": "ImagingLayer"}]}
