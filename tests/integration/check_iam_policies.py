"""Each function's role allows exactly what the tests saw it do: no missing, no unused permission.

Run by `make test` after the suite (it reads build/iam-observed/, written by
tests/iam_recording.py during that run: the functional and integration tests
in process, the e2e tests' local stack from its own processes); `make
iam-check` runs it alone on the last run's recordings. Not collected on its own.

A grant no recorded call exercises fails, unless it is in NOT_OBSERVED (or
EVERY_FUNCTION) with the reason it must stay: permissions Lambda itself uses
with the function's role (its log group, polling its event source, its
failure destination) and ones a call needs that are not calls themselves (the
topic's KMS key, S3's 404 for a missing key). An entry that no longer matches
a grant, or whose grant the tests now exercise, fails too: the list stays exact.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OBSERVED = ROOT / "build" / "iam-observed"
REGION, ACCOUNT, STAGE = "ap-southeast-1", "123456789012", "dev"

# (Sid, action) every function's role keeps although no code calls it: why.
EVERY_FUNCTION = {
    ("OwnLogGroupOnly", "logs:CreateLogStream"): "Lambda creates the function's log stream with the function's role",
    ("OwnLogGroupOnly", "logs:PutLogEvents"): "Lambda writes the function's output to its log group with its role",
}
_STREAM_MAPPING = "the stream event source mapping polls the reports stream with the function's role"
_STREAM_FAILURES = "the stream mapping's on-failure destination: Lambda sends a failed batch's record with the role"
_SCHEDULE_FAILURES = ("the asynchronous on-failure destination (EventInvokeConfig: schedules, the SNS-invoked inbox) "
                      "uses the function's role")
_SQS_MAPPING = "the SQS event source mapping receives and deletes the queue's messages with the function's role"
# (function, Sid, action) a role keeps although no recorded call exercises it: why.
NOT_OBSERVED = {
    **{(fn, "ReadReportsStream", action): _STREAM_MAPPING
       for fn in ("notify_report_changes", "update_statistics")
       for action in ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")},
    **{(fn, "ListReportsStreams", "dynamodb:ListStreams"): _STREAM_MAPPING
       for fn in ("notify_report_changes", "update_statistics")},
    **{(fn, "ParkFailedBatches", "sqs:SendMessage"): _STREAM_FAILURES
       for fn in ("notify_report_changes", "update_statistics")},
    **{(fn, "ParkFailedRuns", "sqs:SendMessage"): _SCHEDULE_FAILURES
       for fn in ("sla_sweep", "daily_digest", "close_expired_reports", "read_inbound_mail", "apply_retention")},
    **{("make_thumbnails", "ConsumeThumbnailQueue", action): _SQS_MAPPING
       for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")},
    **{("handle_zalo_messages", "ConsumeZaloQueue", action): _SQS_MAPPING
       for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")},
    ("make_thumbnails", "TellMissingFromForbidden", "s3:ListBucket"):
        "without it S3 answers HeadObject on a missing key 403, not the 404 adapters/s3.stat treats as gone",
    ("notify_report_changes", "EncryptIocAlerts", "kms:GenerateDataKey*"):
        "sns:Publish to the KMS-encrypted IOC topic: SNS asks KMS for a data key with the publisher's permissions",
    ("notify_report_changes", "EncryptIocAlerts", "kms:Decrypt"):
        "sns:Publish to the KMS-encrypted IOC topic needs kms:Decrypt on its key as well (SNS server-side encryption)",
    # Paths the tests do not reach
    ("api_handler", "CursorKeyFromTheStageSecret", "secretsmanager:GetSecretValue"):
        "only a deployed stage has STAGE_SECRETS_ARN (the local stack derives the key); the read itself is tested "
        "outside a request in tests/functional/test_staff_revocation.py",
    ("daily_digest", "DigestMarkers", "dynamodb:DeleteItem"):
        "services/digest.py releases an agency's marker when its e-mail fails, so the next run sends it again",
}
# The only `*` a granted resource may hold (in the template's own Fn::Sub), each with why it cannot be narrower.
WILDCARDS = {
    r"arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:"
    r"/aws/lambda/phananh-\$\{Stage\}-[a-z_]+:\*": "the function's own log group; Lambda names its streams",
    r"\$\{MediaBucket\.Arn\}/(raw|thumbs|inbound|zalo)/\*": "objects under one prefix of the stage's bucket; keys are "
                                                          "per upload (inbound/: per received message, SES names them; "
                                                          "zalo/: photos staged per conversation)",
    r"\$\{ReportsTable\.Arn\}/stream/\*": "ListStreams on the reports table's streams; the label is set on deploy",
}
SMS_NOT_RESOURCE = "arn:${AWS::Partition}:sns:*:*:*"  # SMS to phone numbers: every ARN that is not SNS's


class Resolver:
    """Intrinsics of the packaged template rendered as ARN patterns for the tests' stage."""

    def __init__(self, template: dict[str, Any], stage: str = STAGE) -> None:
        self.t = template
        self.stage = stage

    def _name(self, logical: str) -> str:
        res = self.t["Resources"][logical]
        props = res.get("Properties", {})
        for key in ("TableName", "QueueName", "TopicName", "BucketName", "Name"):
            if key in props:
                return self.value(props[key])
        return "*"

    def attr(self, logical: str, attr: str) -> str:
        kind = self.t["Resources"][logical]["Type"]
        name = self._name(logical)
        if kind == "AWS::DynamoDB::Table":
            arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
            return f"{arn}/stream/*" if attr == "StreamArn" else arn
        if kind == "AWS::SQS::Queue":
            return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{name}"
        if kind == "AWS::KMS::Key":
            return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"
        if kind == "AWS::Cognito::UserPool":
            return f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/*"  # the pool's id is made on creation
        if kind == "AWS::SecretsManager::Secret":
            return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-*"
        return "*"

    def ref(self, name: str) -> str:
        pseudo = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "Stage": self.stage}
        if name in pseudo:
            return pseudo[name]
        if name in self.t.get("Parameters", {}):
            return str(self.t["Parameters"][name].get("Default", "*"))
        kind = self.t["Resources"][name]["Type"]
        if kind == "AWS::SNS::Topic":
            return f"arn:aws:sns:{REGION}:{ACCOUNT}:{self._name(name)}"
        return self.attr(name, "Arn")

    def value(self, v: Any) -> str:
        if isinstance(v, str):
            return v
        if "Ref" in v:
            return self.ref(v["Ref"])
        if "Fn::GetAtt" in v:
            return self.attr(*v["Fn::GetAtt"])
        if "Fn::Sub" in v:
            def sub(m: re.Match) -> str:
                key = m.group(1)
                return self.attr(*key.split(".", 1)) if "." in key else self.ref(key)
            return re.sub(r"\$\{([^}]+)\}", sub, v["Fn::Sub"])
        raise ValueError(f"cannot resolve {v!r}")


def _as_list(v: Any) -> list:
    return v if isinstance(v, list) else [v]


def grants(template: dict[str, Any], stage: str = STAGE) -> dict[str, list[tuple[str, str, str, bool]]]:
    """Function name -> (statement id, action, resource pattern, is NotResource) for each Allow."""
    from infra.build import chalice_functions

    r = Resolver(template, stage)
    out = {}
    for fn in chalice_functions(template):
        role = template["Resources"][fn.role]["Properties"]
        rows = []
        for policy in role.get("Policies", []):
            for st in policy["PolicyDocument"]["Statement"]:
                neg = "NotResource" in st
                for action in _as_list(st["Action"]):
                    for res in _as_list(st.get("NotResource") if neg else st["Resource"]):
                        rows.append((st.get("Sid", "?"), action, r.value(res), neg))
        out[fn.name] = rows
    return out


def _allows(row: tuple[str, str, str, bool], action: str, arn: str) -> bool:
    _, granted, pattern, neg = row
    if not fnmatchcase(action, granted):
        return False
    return not fnmatchcase(arn, pattern) if neg else fnmatchcase(arn, pattern)


@pytest.fixture(scope="module")
def observed() -> set[tuple[str, str, str]]:
    files = sorted(OBSERVED.glob("*.json"))
    if not files:
        pytest.fail(f"no {OBSERVED.relative_to(ROOT)}/*.json: run the whole suite first (`make test` does, "
                    "then runs this check)")
    return {tuple(row) for f in files for row in json.loads(f.read_text(encoding="utf-8"))}


def _build(stage: str, out: Path) -> dict[str, Any]:
    from infra.build import build

    return json.loads(build(stage, out, code=False).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> dict[str, Any]:
    return _build(STAGE, tmp_path_factory.mktemp("iam"))


def stage_of(arn: str) -> str | None:
    """The stage whose resource an ARN names (`phananh-<stage>-...`); None for an SMS or the SES sender."""
    stages = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))["stages"]
    names = "|".join(re.escape(s) for s in sorted(stages, key=len, reverse=True))
    found = re.search(rf"[:/]phananh-({names})-", arn)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def dev_observed(observed) -> set[tuple[str, str, str]]:
    """The calls on the `dev` stage's resources (and the stage-less SMS and SES ones): what its grants are used by."""
    return {row for row in observed if stage_of(row[2]) in (STAGE, None)}


def test_the_local_stack_recorded_its_calls(observed):
    """The e2e tests' `chalice local` and event runner record from their own processes (subprocess_env)."""
    files = sorted(OBSERVED.glob("e2e-*.json"))
    assert files, ("no build/iam-observed/e2e-*.json: the e2e tests did not run, or their local stack was not started "
                   "with iam_recording.subprocess_env")
    functions = {row[0] for f in files for row in json.loads(f.read_text(encoding="utf-8"))}
    assert "api_handler" in functions, functions


def _kept(fn: str, sid: str, action: str) -> str | None:
    return EVERY_FUNCTION.get((sid, action)) or NOT_OBSERVED.get((fn, sid, action))


def test_no_call_lacks_a_permission(observed, template, tmp_path_factory):
    """Each call against its own stage's template (the tenancy tests run other provinces' stages too)."""
    by_stage = {STAGE: grants(template, STAGE)}
    missing = []
    for fn, a, arn in sorted(observed):
        stage = stage_of(arn) or STAGE
        if stage not in by_stage:
            by_stage[stage] = grants(_build(stage, tmp_path_factory.mktemp(f"iam-{stage}")), stage)
        if not any(_allows(row, a, arn) for row in by_stage[stage].get(fn, [])):
            missing.append((fn, a, arn))
    assert not missing, "calls the function's role does not allow:\n" + "\n".join(map(str, missing))


def test_no_permission_goes_unused(dev_observed, template):
    unused = []
    for fn, rows in grants(template).items():
        for row in rows:
            sid, action, pattern, _ = row
            if _kept(fn, sid, action):
                continue
            if not any(f == fn and _allows(row, a, arn) for f, a, arn in dev_observed):
                unused.append((fn, sid, action, pattern))
    assert not unused, "permissions no test exercised (remove, or add the test, or NOT_OBSERVED with why):\n" + \
        "\n".join(map(str, unused))


def test_every_kept_permission_is_granted_and_not_observed(dev_observed, template):
    """NOT_OBSERVED stays exact: no entry for a grant that is gone, none for a grant the tests now exercise."""
    rows = grants(template)
    granted = {(fn, sid, action) for fn, fn_rows in rows.items() for sid, action, _, _ in fn_rows}
    assert not set(NOT_OBSERVED) - granted, f"NOT_OBSERVED names no grant: {sorted(set(NOT_OBSERVED) - granted)}"
    every = {(sid, action) for _, sid, action in granted}
    assert not set(EVERY_FUNCTION) - every, f"EVERY_FUNCTION names no grant: {sorted(set(EVERY_FUNCTION) - every)}"
    exercised = sorted((fn, row[0], row[1]) for fn, fn_rows in rows.items() for row in fn_rows
                       if _kept(fn, row[0], row[1])
                       and any(f == fn and _allows(row, a, arn) for f, a, arn in dev_observed))
    assert not exercised, f"the tests exercise these: drop them from NOT_OBSERVED/EVERY_FUNCTION: {exercised}"


def test_no_resource_is_wider_than_the_stages_own(template):
    """Every resource names this stack's table, index, stream, queue, topic, key or a bucket prefix: `*` only where
    WILDCARDS says why, never `index/*` or a whole bucket's objects."""
    from infra.build import chalice_functions

    wide = []
    for fn in chalice_functions(template):
        for policy in template["Resources"][fn.role]["Properties"].get("Policies", []):
            for st in policy["PolicyDocument"]["Statement"]:
                if "NotResource" in st:
                    assert st["NotResource"] == {"Fn::Sub": SMS_NOT_RESOURCE}, (fn.name, st)
                    assert _as_list(st["Action"]) == ["sns:Publish"], (fn.name, st)
                    continue
                for res in _as_list(st["Resource"]):
                    text = res.get("Fn::Sub", "") if isinstance(res, dict) else res
                    if "*" in text and not any(re.fullmatch(p, text) for p in WILDCARDS):
                        wide.append((fn.name, st.get("Sid"), text))
    assert not wide, "resources wider than the stage's own ARNs:\n" + "\n".join(map(str, wide))
