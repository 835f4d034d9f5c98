"""Build one province's deployable template: `chalice package` with infra/ merged in.

Handlers land over time, so the merge template is generated rather than kept
by hand: a first `chalice package` shows which functions and event sources
Chalice generates; `merge_template` wires each of them to the province's
resources (environment variables as Ref, stream and queue mappings with
partial batch failures and a failure destination, schedules with a
dead-letter queue, a name and a log group per function) and adds the IOC
dashboard and the imaging layer; a second `chalice package --merge-template`
writes the result to build/<stage>/ (sam.json + deployment.zip), and
infra/lambda_zip.py finishes the zip (bytecode compiled, Pillow and
pillow-heif moved to imaging-layer.zip).

    python -m infra.build --stage daklak        # what `make package STAGE=daklak` runs
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.config import INBOX_FUNCTION, THUMBNAIL_FUNCTION
from infra import dashboard, lambda_zip

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "province.json"
APP_NAME = "phananh"
DEFAULT_REGION = "ap-southeast-1"

# Stream consumers: start from the oldest record kept (nothing written before the
# mapping existed is skipped; consumers are idempotent), report failures per
# record, split a failing batch to find the poison record, give up after bounded
# retries or age, and park the batch's description in the failure queue (its
# alarm tells the IOC).
STREAM_SETTINGS: dict[str, Any] = {
    "StartingPosition": "TRIM_HORIZON",
    "FunctionResponseTypes": ["ReportBatchItemFailures"],
    "BisectBatchOnFunctionError": True,
    "MaximumRetryAttempts": 5,
    "MaximumRecordAgeInSeconds": 6 * 3600,
    "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}}},
}
STREAM_FAILURE_QUEUE = "StreamFailureQueue"
SCHEDULE_FAILURE_QUEUE = "ScheduleDLQ"
SCHEDULE_RETRIES = 2
LOG_RETENTION_DAYS = 90
API_THROTTLE = {"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100}
# API Gateway's second lock on staff routes: Cognito checks the ID token (signature, expiry, pool) before the
# app does it again (adapters/auth.py, which also knows groups, agencies and revocations).
STAFF_PATH_PREFIX = "/staff"
STAFF_AUTHORIZER = "StaffUserPool"
STAFF_USER_POOL = "StaffUserPool"
# Access logs: one JSON line per request, with the route's template (`resourcePath`: /reports/{report_id}),
# never the raw path or the query string (filters could carry a ward or a name typed into a search).
API_ACCESS_LOG_GROUP = "ApiAccessLogGroup"
API_GATEWAY_ACCOUNT = "ApiGatewayAccount"
API_ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "sourceIp": "$context.identity.sourceIp",
    "authorizerError": "$context.authorizer.error",
    "errorType": "$context.error.responseType",
}

WEB_ACL = "ApiWebAcl"  # infra/province.json: the WAF web ACL in front of the API stage

# Pillow and pillow-heif, a third of the shared zip, leave it for a layer (infra/lambda_zip.py) attached only to
# the functions that decode photos: the thumbnailer, and the inbox reader (it vets photos attached to e-mail).
# Everything else imports neither (chalicelib/adapters/imaging imports Pillow inside the functions that decode).
IMAGING_LAYER = "ImagingLayer"
IMAGING_LAYER_ZIP = "imaging-layer.zip"
IMAGING_DISTRIBUTIONS = ("pillow", "pillow-heif")
IMAGING_FUNCTIONS = (THUMBNAIL_FUNCTION, INBOX_FUNCTION)
# Modules no function imports are not compiled (paths matched from the zip's root): their bytecode would only weigh
# (and be files to unpack). phonenumbers' geocoder, carrier and time-zone data (never imported: parse, validate and
# format read phonenumbers/data/ only) would be 4.6 MB zipped, 21 MB unzipped of it; the metadata of the regions
# other than Vietnam's is loaded only for a number of theirs, and then compiled on the spot (about 500 files).
UNCOMPILED = (r"phonenumbers/(geodata|carrierdata|tzdata)/", r"phonenumbers/(data|shortdata)/region_(?!VN\.py$)")


class BuildError(RuntimeError):
    """The app and infra/ cannot be wired together; the message says what to add."""


@dataclass(frozen=True)
class Function:
    """One Lambda function as Chalice generated it."""

    logical_id: str
    name: str
    role: str | None
    events: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class StageInfo:
    """What the build needs to know about a stage: its profile's slug and SLA settings."""

    stage: str
    province: str
    overdue_alarm_threshold: int
    sweep_minutes: int
    api_stage: str
    portal_origin: str = ""
    console_origin: str = ""


def chalice_functions(template: dict[str, Any]) -> list[Function]:
    """The functions in a Chalice-generated SAM template, with the Chalice handler name of each."""
    found = []
    for logical, res in template.get("Resources", {}).items():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        handler = props["Handler"]
        # "chalicelib.handlers.schedules.sla_sweep" -> "sla_sweep": Chalice's own name for the function
        name = "api_handler" if handler == "app.app" else handler.rsplit(".", 1)[1]
        role_ref = props.get("Role")
        role = role_ref["Fn::GetAtt"][0] if isinstance(role_ref, dict) and "Fn::GetAtt" in role_ref else None
        found.append(Function(logical, name, role, dict(props.get("Events", {}))))
    return sorted(found, key=lambda f: f.name)


def stage_info(stage: str, project_dir: Path = ROOT) -> StageInfo:
    """Read the stage from .chalice/config.json and its province profile (the stage's PROVINCE)."""
    from chalicelib.provinces import load_profile

    config = json.loads((project_dir / ".chalice" / "config.json").read_text(encoding="utf-8"))
    stages = config.get("stages", {})
    if stage not in stages:
        raise BuildError(f"no stage '{stage}' in .chalice/config.json (have: {', '.join(sorted(stages))}); "
                         f"`make new-province CODE=<code>` adds one")
    env = {**config.get("environment_variables", {}), **stages[stage].get("environment_variables", {})}
    profile = load_profile(env.get("PROVINCE", stage))
    return StageInfo(
        stage=stage,
        province=profile.slug,
        overdue_alarm_threshold=profile.sla.overdue_alarm_threshold,
        sweep_minutes=int(env.get("SLA_SWEEP_MINUTES", "15")),
        api_stage=stages[stage].get("api_gateway_stage", config.get("api_gateway_stage", "api")),
        portal_origin=origin_of(profile.public_base_url),
        console_origin=origin_of(profile.console_base_url),
    )


def origin_of(url: str) -> str:
    """A browser origin (scheme://host[:port]) of an address, or "" for none."""
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _sub_text(value: Any) -> str | None:
    return value.get("Fn::Sub") if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str) else None


def _logical_by_name(base: dict[str, Any], rtype: str, name_prop: str, stage: str) -> dict[str, str]:
    """Physical name (as rendered for this stage) -> logical id, for resources named `phananh-${Stage}-...`."""
    out = {}
    for logical, res in base["Resources"].items():
        if res.get("Type") == rtype:
            text = _sub_text(res.get("Properties", {}).get(name_prop))
            if text and "${Stage}" in text and "${" not in text.replace("${Stage}", ""):
                out[text.replace("${Stage}", stage)] = logical
    return out


def _stream_event(event: dict[str, Any], tables: dict[str, str], fn: Function) -> dict[str, Any]:
    arn = event["Properties"]["Stream"]
    match = re.search(r":table/([^/]+)/stream/", arn) if isinstance(arn, str) else None
    table = tables.get(match.group(1)) if match else None
    if table is None:
        raise BuildError(f"{fn.name}: stream {arn!r} is not the stream of a table in infra/province.json")
    return {"Properties": {"Stream": {"Fn::GetAtt": [table, "StreamArn"]}, **copy.deepcopy(STREAM_SETTINGS)}}


def _sqs_event(event: dict[str, Any], queues: dict[str, str], fn: Function) -> dict[str, Any]:
    queue = event["Properties"]["Queue"]
    text = _sub_text(queue) or (queue if isinstance(queue, str) else "")
    name = text.rsplit(":", 1)[-1]
    logical = queues.get(name)
    if logical is None:
        raise BuildError(f"{fn.name}: queue {name!r} is not a queue in infra/province.json")
    res_props = {"Queue": {"Fn::GetAtt": [logical, "Arn"]}, "FunctionResponseTypes": ["ReportBatchItemFailures"]}
    return {"Properties": res_props}


def _sns_event(event: dict[str, Any], topics: dict[str, str], fn: Function) -> dict[str, Any]:
    topic = event["Properties"]["Topic"]
    text = _sub_text(topic) or (topic if isinstance(topic, str) else "")
    logical = topics.get(text.rsplit(":", 1)[-1])
    if logical is None:
        raise BuildError(f"{fn.name}: topic {text!r} is not a topic in infra/province.json")
    return {"Properties": {"Topic": {"Ref": logical}}}


def _schedule_event() -> dict[str, Any]:
    return {"Properties": {
        "RetryPolicy": {"MaximumRetryAttempts": SCHEDULE_RETRIES, "MaximumEventAgeInSeconds": 3600},
        "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [SCHEDULE_FAILURE_QUEUE, "Arn"]}},
    }}


def _environment(base: dict[str, Any]) -> dict[str, Any]:
    """The stage's variables: Ref to a resource or parameter, never a literal.

    `Metadata.phananh:environment` is what every stage has (the local stack sets the same names);
    `Metadata.phananh:deployed-environment` only a deployed one (the stage secret: locally the app
    falls back to a key derived from the stage's names).
    """
    meta = base.get("Metadata", {})
    env_map = {**meta.get("phananh:environment", {}), **meta.get("phananh:deployed-environment", {})}
    return {var: (target if isinstance(target, dict) else {"Ref": target}) for var, target in env_map.items()}


def staff_authorizer(chalice_template: dict[str, Any]) -> dict[str, Any]:
    """The DefinitionBody part that puts a Cognito user-pool authorizer on every method of every /staff path.

    The pool is a resource of this stack, so Chalice's own `CognitoUserPoolAuthorizer` (which wants the
    ARN as a literal, and would also apply under `chalice local`) cannot name it: the swagger says it here.
    CORS preflights (OPTIONS) stay open, as browsers send them without the token.
    """
    body = chalice_template.get("Resources", {}).get("RestAPI", {}).get("Properties", {}).get("DefinitionBody", {})
    paths: dict[str, Any] = {}
    for path, methods in body.get("paths", {}).items():
        if path != STAFF_PATH_PREFIX and not path.startswith(f"{STAFF_PATH_PREFIX}/"):
            continue
        secured = {m: {"security": [{STAFF_AUTHORIZER: []}]} for m in methods if m.lower() != "options"}
        if secured:
            paths[path] = secured
    if not paths:
        return {}
    return {
        "securityDefinitions": {STAFF_AUTHORIZER: {
            "type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authtype": "cognito_user_pools",
            "x-amazon-apigateway-authorizer": {
                "type": "cognito_user_pools",
                "providerARNs": [{"Fn::GetAtt": [STAFF_USER_POOL, "Arn"]}],
            },
        }},
        "paths": paths,
    }


def _gateway_responses() -> dict[str, Any]:
    """API Gateway's own refusals (the authorizer's 401/403) in the app's bilingual error body, with CORS."""
    from chalicelib.rules.messages import ERRORS

    def body(code: str) -> str:
        vi, en = ERRORS[code]
        return json.dumps({"code": code, "message": vi, "message_en": en}, ensure_ascii=False)

    cors = {"Access-Control-Allow-Origin": "'*'"}
    return {
        "UNAUTHORIZED": {"StatusCode": 401, "ResponseParameters": {"Headers": cors},
                         "ResponseTemplates": {"application/json": body("invalid_token")}},
        "ACCESS_DENIED": {"StatusCode": 403, "ResponseParameters": {"Headers": cors},
                          "ResponseTemplates": {"application/json": body("invalid_token")}},
    }

def web_acl_association(api_stage: str) -> dict[str, Any]:
    """Associate the province's WAF web ACL with the API stage SAM makes from Chalice's RestAPI."""
    stage_logical = "RestAPI" + re.sub(r"[^A-Za-z0-9]", "", api_stage) + "Stage"
    return {"Type": "AWS::WAFv2::WebACLAssociation", "DependsOn": [stage_logical], "Properties": {
        "ResourceArn": {"Fn::Sub": f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}::/restapis/${{RestAPI}}"
                                   f"/stages/{api_stage}"},
        "WebACLArn": {"Fn::GetAtt": [WEB_ACL, "Arn"]}}}


def imaging_layer() -> dict[str, Any]:
    """The layer of Pillow and pillow-heif, from the zip the package step writes beside deployment.zip."""
    return {"Type": "AWS::Lambda::LayerVersion", "Properties": {
        "LayerName": {"Fn::Sub": f"{APP_NAME}-${{Stage}}-imaging"},
        "Description": "Pillow and pillow-heif, for the functions that decode photos",
        "Content": f"./{IMAGING_LAYER_ZIP}",  # `aws cloudformation package` uploads it, like CodeUri
        "CompatibleRuntimes": [f"python{sys.version_info.major}.{sys.version_info.minor}"],
        "CompatibleArchitectures": ["x86_64"]}}


def merge_template(base: dict[str, Any], chalice_template: dict[str, Any], info: StageInfo) -> dict[str, Any]:
    """infra/province.json plus the wiring of every function Chalice generated, for one stage."""
    merged = copy.deepcopy(base)
    params, resources, outputs = merged["Parameters"], merged["Resources"], merged.setdefault("Outputs", {})
    params["Stage"].update(Default=info.stage, AllowedValues=[info.stage])
    if "Province" in params:
        params["Province"]["Default"] = info.province
    if "OverdueAlarmThreshold" in params:
        params["OverdueAlarmThreshold"]["Default"] = info.overdue_alarm_threshold
    sweep_period = info.sweep_minutes * 60
    if "SweepPeriodSeconds" in params:
        params["SweepPeriodSeconds"]["Default"] = sweep_period
    for param, origin in (("PortalOrigin", info.portal_origin), ("ConsoleOrigin", info.console_origin)):
        if param in params and origin:
            params[param]["Default"] = origin

    tables = _logical_by_name(base, "AWS::DynamoDB::Table", "TableName", info.stage)
    queues = _logical_by_name(base, "AWS::SQS::Queue", "QueueName", info.stage)
    topics = _logical_by_name(base, "AWS::SNS::Topic", "TopicName", info.stage)
    environment = _environment(base)
    functions = chalice_functions(chalice_template)
    for fn in functions:
        if fn.role is None or fn.role == "DefaultRole":
            raise BuildError(
                f"function '{fn.name}' has no policy of its own: add .chalice/policy-{fn.name}.json and "
                f'"{fn.name}": {{"autogen_policy": false, "iam_policy_file": "policy-{fn.name}.json"}} '
                f"under lambda_functions in .chalice/config.json")
        events: dict[str, Any] = {}
        scheduled = False  # invoked asynchronously (a schedule, an SNS topic): park failed events
        for event_id, event in fn.events.items():
            kind = event.get("Type")
            if kind == "DynamoDB":
                events[event_id] = _stream_event(event, tables, fn)
            elif kind == "SQS":
                events[event_id] = _sqs_event(event, queues, fn)
            elif kind == "SNS":  # an asynchronous invocation too: its failed events are parked like a schedule's
                events[event_id] = _sns_event(event, topics, fn)
                scheduled = True
            elif kind == "Schedule":
                events[event_id] = _schedule_event()
                scheduled = True
            elif kind == "Api":
                continue
            else:
                raise BuildError(f"{fn.name}: no wiring for event type {kind!r}; teach infra/build.py")
        log_group = f"{fn.logical_id}LogGroup"
        resources[log_group] = {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": {"Fn::Sub": f"/aws/lambda/{APP_NAME}-${{Stage}}-{fn.name}"},
            "RetentionInDays": LOG_RETENTION_DAYS}}
        props: dict[str, Any] = {
            "FunctionName": {"Fn::Sub": f"{APP_NAME}-${{Stage}}-{fn.name}"},
            "Environment": {"Variables": copy.deepcopy(environment)},
        }
        if events:
            props["Events"] = events
        if fn.name in IMAGING_FUNCTIONS:
            props["Layers"] = [{"Ref": IMAGING_LAYER}]
        if scheduled:
            props["EventInvokeConfig"] = {"MaximumRetryAttempts": SCHEDULE_RETRIES, "DestinationConfig": {
                "OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": [SCHEDULE_FAILURE_QUEUE, "Arn"]}}}}
        resources[fn.logical_id] = {"DependsOn": [log_group], "Properties": props}

    if any(fn.name in IMAGING_FUNCTIONS for fn in functions):
        resources[IMAGING_LAYER] = imaging_layer()

    if "RestAPI" in chalice_template.get("Resources", {}):
        api_name = {"Fn::Sub": f"{APP_NAME}-${{Stage}}"}
        api: dict[str, Any] = {"Properties": {
            "Name": api_name,
            "DefinitionBody": {"info": {"title": api_name}, **staff_authorizer(chalice_template)},
            "MethodSettings": [{"ResourcePath": "/*", "HttpMethod": "*", **API_THROTTLE}],
            "GatewayResponses": _gateway_responses(),
            "TracingEnabled": True,
        }}
        if API_ACCESS_LOG_GROUP in resources:
            api["Properties"]["AccessLogSetting"] = {
                "DestinationArn": {"Fn::GetAtt": [API_ACCESS_LOG_GROUP, "Arn"]},
                "Format": json.dumps(API_ACCESS_LOG_FORMAT, separators=(",", ":")),
            }
        if API_GATEWAY_ACCOUNT in resources:  # the account's CloudWatch role must exist before the stage logs
            api["DependsOn"] = [API_GATEWAY_ACCOUNT]
        resources["RestAPI"] = api

        if WEB_ACL in base["Resources"]:
            resources["ApiWebAclAssociation"] = web_acl_association(info.api_stage)

    work_queues, failure_queues = [], []
    for logical, res in base["Resources"].items():
        if res.get("Type") == "AWS::SQS::Queue":
            name = _sub_text(res["Properties"].get("QueueName")) or logical
            (work_queues if "RedrivePolicy" in res["Properties"] else failure_queues).append(name)
    alarms = sorted(k for k, r in base["Resources"].items() if r.get("Type") == "AWS::CloudWatch::Alarm")
    resources["IocDashboard"] = {"Type": "AWS::CloudWatch::Dashboard", "Properties": {
        "DashboardName": {"Fn::Sub": f"{APP_NAME}-${{Stage}}-ioc"},
        "DashboardBody": {"Fn::Sub": dashboard.body(
            [f.name for f in functions], work_queues, failure_queues, alarms, sweep_period,
            stream_functions=[f.name for f in functions
                              if any(e.get("Type") == "DynamoDB" for e in f.events.values())])}}}
    if "RestAPI" in resources and "AccessLogBucket" in base["Resources"]:  # the portal: bucket, OAC, CloudFront
        from infra import portal_hosting

        hosting, hosting_outputs = portal_hosting.resources()
        resources.update(hosting)
        outputs.update(hosting_outputs)
    outputs["IocDashboardUrl"] = {"Value": {"Fn::Sub": (
        "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}"
        f"#dashboards/dashboard/{APP_NAME}-${{Stage}}-ioc")}}
    return merged


def run_chalice_package(stage: str, outdir: Path, merge: Path | None = None, project_dir: Path = ROOT,
                        code: bool = True) -> dict:
    """`chalice package` for the stage (STAGE exported: handlers/sources.py names its queues from it).

    With code=False the template is made without building the deployment zip
    (infra/chalice_template.py): the same template, in a second.
    """
    env = {**os.environ, "STAGE": stage}
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION", DEFAULT_REGION))
    env.pop("REPORTS_STREAM_ARN", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    if code:
        cmd = [sys.executable, "-c", "from chalice.cli import main; main()", "--project-dir", str(project_dir),
               "package", "--stage", stage, *(["--merge-template", str(merge)] if merge else []), str(outdir)]
    else:
        cmd = [sys.executable, "-m", "infra.chalice_template", str(project_dir), stage, str(outdir),
               *([str(merge)] if merge else [])]
    done = subprocess.run(cmd, cwd=project_dir, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"chalice package --stage {stage} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads((outdir / "sam.json").read_text(encoding="utf-8"))


def build(stage: str, outdir: Path | None = None, project_dir: Path = ROOT, template: Path = TEMPLATE,
          code: bool = True) -> Path:
    """Package the stage into outdir (default build/<stage>/): sam.json, merge.json and, with code, deployment.zip."""
    info = stage_info(stage, project_dir)
    outdir = Path(outdir or project_dir / "build" / stage).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "deployment.zip").unlink(missing_ok=True)
    (outdir / IMAGING_LAYER_ZIP).unlink(missing_ok=True)
    base = json.loads(template.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix=f"chalice-{stage}-") as scratch:
        plain = run_chalice_package(stage, Path(scratch) / "plain", project_dir=project_dir, code=False)
    merge_file = outdir / "merge.json"
    merged = merge_template(base, plain, info)
    merge_file.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    packaged = run_chalice_package(stage, outdir, merge=merge_file, project_dir=project_dir, code=code)
    replace_intrinsics(merged, packaged)
    if code:
        check_runtime(packaged)
        layers = {outdir / IMAGING_LAYER_ZIP: IMAGING_DISTRIBUTIONS} if IMAGING_LAYER in packaged["Resources"] else {}
        try:
            lambda_zip.finish(outdir / "deployment.zip", layers, UNCOMPILED)
        except lambda_zip.PackageError as err:
            raise BuildError(str(err)) from err
    (outdir / "sam.json").write_text(json.dumps(packaged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return outdir / "sam.json"


def check_runtime(template: dict[str, Any]) -> None:
    """The bytecode compiled into the zip is this interpreter's: every function must run the same Python."""
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    runtimes = {res["Properties"].get("Runtime") for res in template.get("Resources", {}).values()
                if res.get("Type") == "AWS::Serverless::Function"}
    if runtimes - {here}:
        raise BuildError(f"the functions run {sorted(map(str, runtimes))} but the package is built by {here}: "
                         f"build with the runtime's Python (its .pyc files are only valid there)")


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in {"Ref", "Fn::GetAtt", "Fn::Sub"}


def replace_intrinsics(merge: Any, packaged: Any) -> None:
    """Where the merge template sets an intrinsic, it replaces Chalice's value rather than merging with it.

    Chalice's deep merge unions dicts, so `{"Fn::GetAtt": ...}` over Chalice's
    `{"Fn::Sub": ...}` (an SQS queue ARN) would leave both keys.
    """
    if not (isinstance(merge, dict) and isinstance(packaged, dict)):
        return
    for key, value in merge.items():
        if key not in packaged:
            continue
        if _is_intrinsic(value):
            packaged[key] = copy.deepcopy(value)
        else:
            replace_intrinsics(value, packaged[key])


def main(argv: list[str] | None = None) -> int:
    """CLI: build one stage (or several) and print where the templates are."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", action="append", required=True, help="Chalice stage (= province slug)")
    parser.add_argument("--outdir", type=Path, help="output directory (default build/<stage>/)")
    parser.add_argument("--template-only", action="store_true", help="write sam.json without the deployment zip")
    args = parser.parse_args(argv)
    try:
        for stage in args.stage:
            out = build(stage, args.outdir if len(args.stage) == 1 else None, code=not args.template_only)
            print(out.relative_to(ROOT) if out.is_relative_to(ROOT) else out)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
