"""Create one province's resources on moto from infra/province.json.

The CloudFormation template is the single definition of tables, indexes,
queues, topics and the bucket's notification; this module reads it and makes
the same resources through the AWS APIs (moto's CloudFormation does not cover
all of these properties), so local and deployed stacks cannot drift apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "province.json"
ACCOUNT_ID = "123456789012"  # moto's default account
_SUB = re.compile(r"\$\{([^}]+)\}")


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Provisioned:
    """What was created: physical ids per logical id, plus the stage's environment."""

    stage: str
    region: str
    names: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    stream_arns: dict[str, str] = field(default_factory=dict)
    queue_urls: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=64)
def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    """One client per service and endpoint for the process: building one costs ~50 ms, and the
    test suite provisions a fresh moto province for most tests (moto intercepts whichever
    client is used while it is active)."""
    import boto3

    return boto3.client(service, region_name=region, endpoint_url=endpoint_url)


class Provisioner:
    """Turns the template's resources into moto resources, in dependency order."""

    # Kinds with no local meaning are skipped (alarms, the dashboard, log groups, IAM roles, the stage secret:
    # locally the cursor key falls back to one derived from the stage's names, container.cursor_key; a secret the
    # stage's environment names, the Zalo OA's, is made with a demo value).
    ORDER = ("AWS::KMS::Key", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::SNS::Topic", "AWS::S3::Bucket",
             "AWS::S3::BucketPolicy", "AWS::SES::EmailIdentity", "AWS::Cognito::UserPool",
             "AWS::Cognito::UserPoolGroup",
             "AWS::Cognito::UserPoolClient", "AWS::SecretsManager::Secret")

    def __init__(self, stage: str, region: str = "ap-southeast-1", endpoint_url: str | None = None,
                 template: dict[str, Any] | None = None, parameters: dict[str, str] | None = None) -> None:
        self.template = template or load_template()
        self.out = Provisioned(stage=stage, region=region)
        defaults = {k: v["Default"] for k, v in self.template.get("Parameters", {}).items() if "Default" in v}
        self.params = {**defaults, "Stage": stage, "AWS::AccountId": ACCOUNT_ID, "AWS::Region": region,
                       "AWS::Partition": "aws", "AWS::StackName": f"phananh-{stage}", **(parameters or {})}
        self.ddb = _client("dynamodb", region, endpoint_url)
        self.sqs = _client("sqs", region, endpoint_url)
        self.sns = _client("sns", region, endpoint_url)
        self.s3 = _client("s3", region, endpoint_url)
        self.ses = _client("ses", region, endpoint_url)
        self.idp = _client("cognito-idp", region, endpoint_url)
        self.kms = _client("kms", region, endpoint_url)
        self.secrets = _client("secretsmanager", region, endpoint_url)
        self._bucket_logging: list[tuple[str, dict[str, Any]]] = []

    # -- intrinsic functions -------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            ref = value["Ref"]
            return self.params.get(ref) or self.out.names[ref]
        if "Fn::GetAtt" in value:
            logical, attr = value["Fn::GetAtt"]
            if attr == "Arn":
                return self.out.arns[logical]
            if attr == "StreamArn":
                return self.out.stream_arns[logical]
            raise KeyError(f"Fn::GetAtt {logical}.{attr} is not supported locally")
        if "Fn::Sub" in value:
            def repl(m: re.Match[str]) -> str:
                name = m.group(1)
                if "." in name:
                    logical, attr = name.split(".", 1)
                    return self.resolve({"Fn::GetAtt": [logical, attr]})
                return str(self.resolve({"Ref": name}))
            return _SUB.sub(repl, value["Fn::Sub"])
        return {k: self.resolve(v) for k, v in value.items()}

    # -- resources -----------------------------------------------------------
    def run(self) -> Provisioned:
        resources = self.template["Resources"]
        makers = {"AWS::KMS::Key": self._key, "AWS::SQS::Queue": self._queue, "AWS::DynamoDB::Table": self._table,
                  "AWS::SNS::Topic": self._topic, "AWS::S3::Bucket": self._bucket,
                  "AWS::S3::BucketPolicy": self._bucket_policy,
                  "AWS::SES::EmailIdentity": self._email_identity, "AWS::Cognito::UserPool": self._user_pool,
                  "AWS::Cognito::UserPoolGroup": self._user_pool_group,
                  "AWS::Cognito::UserPoolClient": self._user_pool_client,
                  "AWS::SecretsManager::Secret": self._secret}
        for rtype in self.ORDER:
            for logical, res in resources.items():
                if res["Type"] == rtype:
                    makers[rtype](logical, self.resolve(res["Properties"]))
            if rtype == "AWS::S3::BucketPolicy":  # a log bucket's policy lets S3 deliver: now logging can be set
                for name, logging in self._bucket_logging:
                    self.s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
                        "TargetBucket": logging["DestinationBucketName"],
                        "TargetPrefix": logging.get("LogFilePrefix", "")}})
        self.out.skipped = sorted(k for k, r in resources.items() if r["Type"] not in self.ORDER
                                  or (r["Type"] == "AWS::SecretsManager::Secret" and k not in self.out.names))
        env_map = self.template.get("Metadata", {}).get("phananh:environment", {})
        for var, logical in env_map.items():
            if logical in self.template.get("Parameters", {}):
                self.out.environment[var] = str(self.resolve({"Ref": logical}))
            else:
                self.out.environment[var] = self.out.queue_urls.get(logical) or self.out.names[logical]
        self.out.environment.update(STAGE=self.out.stage, AWS_REGION=self.out.region)
        return self.out

    def _queue(self, logical: str, p: dict[str, Any]) -> None:
        attrs = {k: (json.dumps(v) if isinstance(v, dict) else str(v).lower() if isinstance(v, bool) else str(v))
                 for k, v in p.items() if k != "QueueName"}
        url = self.sqs.create_queue(QueueName=p["QueueName"], Attributes=attrs)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.out.names[logical], self.out.arns[logical], self.out.queue_urls[logical] = url, arn, url

    def _table(self, logical: str, p: dict[str, Any]) -> None:
        kwargs: dict[str, Any] = {
            k: p[k] for k in ("TableName", "BillingMode", "AttributeDefinitions", "KeySchema",
                              "GlobalSecondaryIndexes", "StreamSpecification", "SSESpecification",
                              "DeletionProtectionEnabled", "Tags") if k in p
        }
        if "SSESpecification" in kwargs:  # CloudFormation says SSEEnabled, the API says Enabled
            sse = dict(kwargs["SSESpecification"])
            kwargs["SSESpecification"] = {"Enabled": sse.pop("SSEEnabled", True), **sse}
        if "StreamSpecification" in kwargs:
            kwargs["StreamSpecification"] = {"StreamEnabled": True, **kwargs["StreamSpecification"]}
        desc = self.ddb.create_table(**kwargs)["TableDescription"]
        name = p["TableName"]
        if p.get("TimeToLiveSpecification"):
            self.ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=p["TimeToLiveSpecification"])
        if p.get("PointInTimeRecoverySpecification"):
            self.ddb.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification=p["PointInTimeRecoverySpecification"])
        self.out.names[logical], self.out.arns[logical] = name, desc["TableArn"]
        if desc.get("LatestStreamArn"):
            self.out.stream_arns[logical] = desc["LatestStreamArn"]

    def _key(self, logical: str, p: dict[str, Any]) -> None:
        """A KMS key (the IOC alerts topic names it), so the template resolves locally as it does on AWS."""
        meta = self.kms.create_key(Description=p.get("Description", logical),
                                   Policy=json.dumps(p["KeyPolicy"]))["KeyMetadata"]
        self.out.names[logical], self.out.arns[logical] = meta["KeyId"], meta["Arn"]

    def _topic(self, logical: str, p: dict[str, Any]) -> None:
        arn = self.sns.create_topic(Name=p["TopicName"])["TopicArn"]
        self.out.names[logical], self.out.arns[logical] = arn, arn

    def _user_pool(self, logical: str, p: dict[str, Any]) -> None:
        """Staff sign-in: CloudFormation's property names are the API's, except the pool's name."""
        kwargs = {k: p[k] for k in ("Policies", "Schema", "AdminCreateUserConfig", "UsernameConfiguration",
                                    "AccountRecoverySetting", "DeletionProtection", "UserPoolTags") if k in p}
        pool = self.idp.create_user_pool(PoolName=p["UserPoolName"], **kwargs)["UserPool"]
        if "SOFTWARE_TOKEN_MFA" in p.get("EnabledMfas", []):
            self.idp.set_user_pool_mfa_config(UserPoolId=pool["Id"], MfaConfiguration=p["MfaConfiguration"],
                                              SoftwareTokenMfaConfiguration={"Enabled": True})
        self.out.names[logical], self.out.arns[logical] = pool["Id"], pool["Arn"]

    def _user_pool_group(self, logical: str, p: dict[str, Any]) -> None:
        self.idp.create_group(**p)
        self.out.names[logical] = p["GroupName"]

    def _user_pool_client(self, logical: str, p: dict[str, Any]) -> None:
        client = self.idp.create_user_pool_client(**p)["UserPoolClient"]
        self.out.names[logical] = client["ClientId"]

    def _secret(self, logical: str, p: dict[str, Any]) -> None:
        """A secret the stage's environment names (the Zalo OA's), with a demo value: the template's
        SecretStringTemplate and its generated key set to `local-demo-<logical id>`. Secrets only a deployed
        stage reads (the stage secret) are not made: locally their users fall back to derived keys."""
        env = self.template.get("Metadata", {}).get("phananh:environment", {})
        if logical not in env.values():
            return
        generate = p.get("GenerateSecretString", {})
        value = json.loads(generate.get("SecretStringTemplate", "{}"))
        if generate.get("GenerateStringKey"):
            value[generate["GenerateStringKey"]] = f"local-demo-{logical}"
        arn = self.secrets.create_secret(Name=p["Name"], SecretString=json.dumps(value))["ARN"]
        self.out.names[logical], self.out.arns[logical] = arn, arn

    def _email_identity(self, logical: str, p: dict[str, Any]) -> None:
        self.ses.verify_email_identity(EmailAddress=p["EmailIdentity"])
        self.out.names[logical] = p["EmailIdentity"]

    def _bucket(self, logical: str, p: dict[str, Any]) -> None:
        name = p["BucketName"]
        kwargs: dict[str, Any] = {"Bucket": name}
        if self.out.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.out.region}
        self.s3.create_bucket(**kwargs)
        if "PublicAccessBlockConfiguration" in p:
            self.s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=p["PublicAccessBlockConfiguration"])
        if "VersioningConfiguration" in p:
            self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=p["VersioningConfiguration"])
        if "BucketEncryption" in p:
            rules = [{"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                     for r in p["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
            self.s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if "CorsConfiguration" in p:
            cors = [{"MaxAgeSeconds" if k == "MaxAge" else k: v for k, v in rule.items()}
                    for rule in p["CorsConfiguration"]["CorsRules"]]
            self.s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": cors})
        if "LifecycleConfiguration" in p:
            rules = [_lifecycle_rule(r) for r in p["LifecycleConfiguration"]["Rules"]]
            self.s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
        if "LoggingConfiguration" in p:  # after the bucket policies (the target's grants S3's log delivery)
            self._bucket_logging.append((name, p["LoggingConfiguration"]))
        queues = p.get("NotificationConfiguration", {}).get("QueueConfigurations", [])
        if queues:
            config = {"QueueConfigurations": [_queue_notification(q) for q in queues]}
            self.s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration=config)
        self.out.names[logical], self.out.arns[logical] = name, f"arn:aws:s3:::{name}"

    def _bucket_policy(self, logical: str, p: dict[str, Any]) -> None:
        """The policy's grants (S3 log delivery to the access-log bucket); not its TLS-only denies: moto
        cannot evaluate `aws:SecureTransport` and would refuse every local upload."""
        allows = [s for s in p["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
        if allows:
            self.s3.put_bucket_policy(Bucket=p["Bucket"], Policy=json.dumps({**p["PolicyDocument"],
                                                                            "Statement": allows}))
        self.out.names[logical] = p["Bucket"]


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's lifecycle rule shape -> the S3 API's."""
    api: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "NoncurrentVersionExpiration" in rule:
        api["NoncurrentVersionExpiration"] = rule["NoncurrentVersionExpiration"]
    if "AbortIncompleteMultipartUpload" in rule:
        api["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    if "ExpirationInDays" in rule:
        api["Expiration"] = {"Days": rule["ExpirationInDays"]}
    if "Transitions" in rule:
        api["Transitions"] = [{"Days": t["TransitionInDays"], "StorageClass": t["StorageClass"]}
                              for t in rule["Transitions"]]
    return api


def _queue_notification(q: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's QueueConfiguration -> the S3 API's."""
    rules = q.get("Filter", {}).get("S3Key", {}).get("Rules", [])
    api: dict[str, Any] = {"QueueArn": q["Queue"], "Events": [q["Event"]]}
    if rules:
        api["Filter"] = {"Key": {"FilterRules": rules}}
    return api


def provision(stage: str, region: str = "ap-southeast-1", endpoint_url: str | None = None,
              parameters: dict[str, str] | None = None) -> Provisioned:
    """Create the stage's resources and return their names and environment (`parameters` override defaults,
    e.g. the local portal's origin as PortalOrigin)."""
    return Provisioner(stage, region, endpoint_url, parameters=parameters).run()
