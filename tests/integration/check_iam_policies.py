"""Each function's role allows exactly what the tests saw it do: no missing, no unused permission.

Run by `make test` after the suite (it reads build/iam-observed/, written by
tests/iam_recording.py during the functional run); not collected on its own.
Permissions the Lambda service uses on the function's behalf (its log group,
reading its stream, its failure destination) are expected from the template.
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
# Used by the platform, not by code: Lambda writes the logs and reads the stream; SNS uses the topic's key.
PLATFORM_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeStream", "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator", "dynamodb:ListStreams", "sqs:SendMessage", "sqs:ReceiveMessage",
                    "sqs:DeleteMessage", "sqs:GetQueueAttributes", "kms:GenerateDataKey*", "kms:Decrypt",
                    "s3:ListBucket"}


class Resolver:
    """Intrinsics of the packaged template rendered as ARN patterns for the tests' stage."""

    def __init__(self, template: dict[str, Any]) -> None:
        self.t = template

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
        if kind == "AWS::SecretsManager::Secret":
            return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-*"
        return "*"

    def ref(self, name: str) -> str:
        pseudo = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "Stage": STAGE}
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


def grants(template: dict[str, Any]) -> dict[str, list[tuple[str, str, str, bool]]]:
    """Function name -> (statement id, action, resource pattern, is NotResource) for each Allow."""
    from infra.build import chalice_functions

    r = Resolver(template)
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
        pytest.fail("no build/iam-observed/*.json: run the functional tests first (make test does)")
    return {tuple(row) for f in files for row in json.loads(f.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> dict[str, Any]:
    from infra.build import build

    return json.loads(build(STAGE, tmp_path_factory.mktemp("iam"), code=False).read_text(encoding="utf-8"))


def test_no_call_lacks_a_permission(observed, template):
    rows = grants(template)
    missing = sorted((fn, a, arn) for fn, a, arn in observed
                     if not any(_allows(row, a, arn) for row in rows.get(fn, [])))
    assert not missing, "calls the function's role does not allow:\n" + "\n".join(map(str, missing))


def test_no_permission_goes_unused(observed, template):
    unused = []
    for fn, rows in grants(template).items():
        for row in rows:
            sid, action, pattern, _ = row
            if action in PLATFORM_ACTIONS:
                continue
            if not any(f == fn and _allows(row, a, arn) for f, a, arn in observed):
                unused.append((fn, sid, action, pattern))
    assert not unused, "permissions no test exercised (remove, or add the test):\n" + "\n".join(map(str, unused))
