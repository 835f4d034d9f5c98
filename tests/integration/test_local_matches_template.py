"""The local stack is made from infra/province.json: everything the template declares exists on moto.

Each check reads the template and asks moto's APIs (describe_table,
get_queue_attributes, list_topics, get_bucket_notification_configuration...)
rather than trusting the provisioner's own report, so a resource or property
added to the template and not provisioned locally fails here. Resource kinds
that have no local meaning (alarms, the dashboard, policies) are not checked.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest

from devstack.provision import Provisioner, load_template

STAGE = "daklak"


@pytest.fixture(scope="module")
def local():
    """One province provisioned on moto, with a resolver for the template's intrinsics."""
    from moto import mock_aws

    with mock_aws():
        provisioner = Provisioner(STAGE)
        stack = provisioner.run()
        yield provisioner, stack


def _resources(rtype: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in load_template()["Resources"].items() if r["Type"] == rtype}


def _props(provisioner: Provisioner, res: dict[str, Any]) -> dict[str, Any]:
    return provisioner.resolve(res["Properties"])


def test_every_table_exists_with_its_keys_indexes_and_stream(local):
    provisioner, _ = local
    ddb = boto3.client("dynamodb")
    tables = _resources("AWS::DynamoDB::Table")
    assert tables
    for logical, res in tables.items():
        p = _props(provisioner, res)
        desc = ddb.describe_table(TableName=p["TableName"])["Table"]
        assert desc["KeySchema"] == p["KeySchema"], logical
        assert {(a["AttributeName"], a["AttributeType"]) for a in desc["AttributeDefinitions"]} == \
            {(a["AttributeName"], a["AttributeType"]) for a in p["AttributeDefinitions"]}, logical
        local_indexes = {g["IndexName"]: g["KeySchema"] for g in desc.get("GlobalSecondaryIndexes", [])}
        assert local_indexes == {g["IndexName"]: g["KeySchema"] for g in p.get("GlobalSecondaryIndexes", [])}, logical
        if "StreamSpecification" in p:
            assert desc["StreamSpecification"] == {"StreamEnabled": True, **p["StreamSpecification"]}, logical
            assert desc["LatestStreamArn"], logical
        if p.get("TimeToLiveSpecification", {}).get("Enabled"):
            ttl = ddb.describe_time_to_live(TableName=p["TableName"])["TimeToLiveDescription"]
            assert ttl["TimeToLiveStatus"] == "ENABLED", logical
            assert ttl["AttributeName"] == p["TimeToLiveSpecification"]["AttributeName"], logical
        if p.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
            backups = ddb.describe_continuous_backups(TableName=p["TableName"])["ContinuousBackupsDescription"]
            assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED", logical


def test_every_queue_exists_with_its_redrive_and_retention(local):
    provisioner, _ = local
    sqs = boto3.client("sqs")
    queues = _resources("AWS::SQS::Queue")
    assert queues
    for logical, res in queues.items():
        p = _props(provisioner, res)
        url = sqs.get_queue_url(QueueName=p["QueueName"])["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if "RedrivePolicy" in p:
            redrive = json.loads(attrs["RedrivePolicy"])
            assert redrive["deadLetterTargetArn"] == p["RedrivePolicy"]["deadLetterTargetArn"], logical
            assert int(redrive["maxReceiveCount"]) == p["RedrivePolicy"]["maxReceiveCount"], logical
        for key in ("VisibilityTimeout", "MessageRetentionPeriod"):
            if key in p:
                assert int(attrs[key]) == p[key], (logical, key)


def test_every_topic_exists(local):
    provisioner, _ = local
    arns = {t["TopicArn"] for t in boto3.client("sns").list_topics()["Topics"]}
    topics = _resources("AWS::SNS::Topic")
    assert topics
    for logical, res in topics.items():
        name = _props(provisioner, res)["TopicName"]
        assert any(arn.endswith(f":{name}") for arn in arns), logical


def test_every_bucket_exists_with_its_notification_versioning_and_public_access_block(local):
    provisioner, _ = local
    s3 = boto3.client("s3")
    buckets = _resources("AWS::S3::Bucket")
    assert buckets
    for logical, res in buckets.items():
        p = _props(provisioner, res)
        name = p["BucketName"]
        declared = [{"QueueArn": q["Queue"], "Events": [q["Event"]],
                     "Filter": {"Key": {"FilterRules": q["Filter"]["S3Key"]["Rules"]}}}
                    for q in p.get("NotificationConfiguration", {}).get("QueueConfigurations", [])]
        actual = s3.get_bucket_notification_configuration(Bucket=name).get("QueueConfigurations", [])
        assert [{k: q[k] for k in ("QueueArn", "Events", "Filter")} for q in actual] == declared, logical
        if "VersioningConfiguration" in p:
            assert s3.get_bucket_versioning(Bucket=name)["Status"] == p["VersioningConfiguration"]["Status"]
        if "PublicAccessBlockConfiguration" in p:
            block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
            assert block == p["PublicAccessBlockConfiguration"], logical
        if "CorsConfiguration" in p:
            rules = s3.get_bucket_cors(Bucket=name)["CORSRules"]
            assert [r["AllowedMethods"] for r in rules] == [r["AllowedMethods"]
                                                            for r in p["CorsConfiguration"]["CorsRules"]]
            assert [r["AllowedOrigins"] for r in rules] == [r["AllowedOrigins"]
                                                            for r in p["CorsConfiguration"]["CorsRules"]]
            assert "*" not in {o for r in rules for o in r["AllowedOrigins"]}, logical
        if "LoggingConfiguration" in p:
            enabled = s3.get_bucket_logging(Bucket=name)["LoggingEnabled"]
            assert enabled == {"TargetBucket": p["LoggingConfiguration"]["DestinationBucketName"],
                               "TargetPrefix": p["LoggingConfiguration"]["LogFilePrefix"]}, logical
        if "LifecycleConfiguration" in p:
            rules = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
            assert [r["ID"] for r in rules] == [r["Id"] for r in p["LifecycleConfiguration"]["Rules"]], logical


def test_every_bucket_policys_grants_are_in_place(local):
    """Grants only: moto cannot evaluate the TLS-only denies' `aws:SecureTransport` (it would refuse uploads)."""
    provisioner, _ = local
    s3 = boto3.client("s3")
    policies = _resources("AWS::S3::BucketPolicy")
    assert policies
    for logical, res in policies.items():
        p = _props(provisioner, res)
        allows = [s for s in p["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
        if allows:
            assert json.loads(s3.get_bucket_policy(Bucket=p["Bucket"])["Policy"])["Statement"] == allows, logical


def test_the_staff_pool_has_the_templates_mfa_and_the_console_client_its_token_lifetimes(local):
    provisioner, stack = local
    idp = boto3.client("cognito-idp")
    [pool] = _resources("AWS::Cognito::UserPool").values()
    p = _props(provisioner, pool)
    mfa = idp.get_user_pool_mfa_config(UserPoolId=stack.names["StaffUserPool"])
    assert mfa["MfaConfiguration"] == p["MfaConfiguration"]
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    [client] = _resources("AWS::Cognito::UserPoolClient").values()
    c = _props(provisioner, client)
    desc = idp.describe_user_pool_client(UserPoolId=stack.names["StaffUserPool"],
                                         ClientId=stack.names["StaffConsoleClient"])["UserPoolClient"]
    for key in ("IdTokenValidity", "AccessTokenValidity", "RefreshTokenValidity", "TokenValidityUnits"):
        assert desc[key] == c[key], key


def test_an_upload_under_raw_lands_in_the_thumbnail_queue(local):
    _, stack = local
    bucket, queue_url = stack.environment["MEDIA_BUCKET"], stack.environment["THUMBNAIL_QUEUE_URL"]
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    s3.put_object(Bucket=bucket, Key="raw/DLK-TEST-0001/m1", Body=b"\xff\xd8\xff")
    s3.put_object(Bucket=bucket, Key="thumbs/DLK-TEST-0001/m1/small.jpg", Body=b"\xff\xd8\xff")
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
    # S3 events carry URL-encoded keys (moto encodes "/" too): consumers must unquote_plus them.
    keys = [unquote_plus(r["s3"]["object"]["key"]) for m in messages for r in json.loads(m["Body"]).get("Records", [])]
    assert keys == ["raw/DLK-TEST-0001/m1"]


def test_the_stage_environment_names_what_was_created(local):
    _, stack = local
    env_map = load_template()["Metadata"]["phananh:environment"]
    assert set(env_map) <= set(stack.environment)
    for var, logical in env_map.items():
        if logical in load_template()["Parameters"]:
            continue
        assert stack.environment[var], var
