"""Two provinces side by side on one moto: each stage sees only its own reports.

Both stacks are provisioned from infra/province.json into the same mock (as
`make run` would against one moto server); the process switches stage the way
a separately deployed Lambda would start: the stage's environment, then a
fresh composition root (`container.reset()`).
"""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib import container

STAGES = ("daklak", "hue")
JSON = {"Content-Type": "application/json"}
DAKLAK_REPORT = {
    "category": "ha-tang-do-thi",
    "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
    "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"},
    "ward_code": "24133",
    "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
}
RESOURCE_VARIABLES = ("REPORTS_TABLE", "AUDIT_TABLE", "MEDIA_TABLE", "IDEMPOTENCY_TABLE", "MEDIA_BUCKET",
                      "THUMBNAIL_QUEUE_URL", "AGENCY_ALERTS_TOPIC_ARN", "IOC_ALERTS_TOPIC_ARN")


@pytest.fixture(scope="module")
def stacks():
    """Both provinces provisioned once on the same moto, and a way to become one of them."""
    from moto import mock_aws

    from devstack.provision import provision

    with mock_aws(), pytest.MonkeyPatch.context() as monkeypatch:
        provisioned = {stage: provision(stage) for stage in STAGES}

        def become(stage: str):
            for stack in provisioned.values():
                for key in stack.environment:
                    monkeypatch.delenv(key, raising=False)
            for key, value in {**provisioned[stage].environment, "PROVINCE": stage}.items():
                monkeypatch.setenv(key, value)
            container.reset()
            return provisioned[stage]

        yield provisioned, become
        container.reset()


def _client(stage: str):
    from chalice.test import Client

    from app import app

    return Client(app, stage_name=stage)


def _get(client, path, token):
    response = client.http.get(path, headers={"X-Tracking-Token": token})
    return response.status_code, json.loads(response.body or b"{}")


def _submit_in_daklak(become) -> tuple[str, str]:
    become("daklak")
    with _client("daklak") as c:
        response = c.http.post("/reports", headers=JSON, body=json.dumps(DAKLAK_REPORT))
        assert response.status_code == 201, response.body
        answer = json.loads(response.body)
        status, view = _get(c, f"/reports/{answer['id']}", answer["tracking_token"])
        assert status == 200 and view["id"] == answer["id"]
    return answer["id"], answer["tracking_token"]


def test_a_report_of_one_province_is_not_found_in_the_other(stacks):
    _, become = stacks
    report_id, token = _submit_in_daklak(become)

    become("hue")
    with _client("hue") as c:
        health = json.loads(c.http.get("/health").body)
        assert health["province"] == "hue"
        status, body = _get(c, f"/reports/{report_id}", token)
        assert status == 404 and body["code"] == "report_not_found"
        upload = c.http.post(f"/reports/{report_id}/media", headers={**JSON, "X-Tracking-Token": token},
                             body=json.dumps({"content_type": "image/jpeg", "size": 1000}))
        assert upload.status_code == 404

    become("daklak")
    with _client("daklak") as c:
        assert _get(c, f"/reports/{report_id}", token)[0] == 200


def test_the_report_is_stored_only_in_its_own_provinces_tables(stacks):
    provisioned, become = stacks
    report_id, _ = _submit_in_daklak(become)
    ddb = boto3.resource("dynamodb")
    daklak, hue = (provisioned[s].environment for s in STAGES)
    assert ddb.Table(daklak["REPORTS_TABLE"]).get_item(Key={"id": report_id}).get("Item")
    daklak_ids = {i["id"] for i in ddb.Table(daklak["REPORTS_TABLE"]).scan()["Items"]}
    assert ddb.Table(hue["REPORTS_TABLE"]).scan(Select="COUNT")["Count"] == 0, "hue never took a report"
    assert ddb.Table(hue["AUDIT_TABLE"]).scan(Select="COUNT")["Count"] == 0
    assert report_id in daklak_ids


def test_staff_of_the_other_province_cannot_read_list_or_act_on_it(stacks):
    from chalicelib.rules.actors import Actor
    from chalicelib.rules.errors import NotFound
    from chalicelib.rules.listing import StaffFilters

    _, become = stacks
    report_id, _ = _submit_in_daklak(become)
    ioc = Actor("ioc-operator", frozenset({"ioc_operator"}))

    become("daklak")  # the control: the same role in the report's own province sees and lists it
    assert container.cases().staff_report(ioc, report_id)["id"] == report_id
    assert report_id in {r["id"] for r in container.cases().staff_list(ioc, StaffFilters())["items"]}

    become("hue")
    with pytest.raises(NotFound):
        container.cases().staff_report(ioc, report_id)
    assert report_id not in {r["id"] for r in container.cases().staff_list(ioc, StaffFilters())["items"]}
    with pytest.raises(NotFound):
        container.cases().act(ioc, report_id, "assign", {"agency_id": "ioc"})


def test_each_province_has_its_own_tables_bucket_queues_topics_and_user_pool(stacks):
    provisioned, _ = stacks
    daklak, hue = (provisioned[s] for s in STAGES)
    for var in RESOURCE_VARIABLES:
        assert daklak.environment[var] != hue.environment[var], var
    assert "phananh-daklak-" in daklak.environment["REPORTS_TABLE"]
    assert "phananh-hue-" in hue.environment["REPORTS_TABLE"]
    from devstack.provision import load_template

    kinds = {"AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::S3::Bucket", "AWS::KMS::Key",
             "AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient"}
    owned = [k for k, r in load_template()["Resources"].items() if r["Type"] in kinds]
    for logical in owned:
        assert daklak.names[logical] != hue.names[logical], logical
    pools = {s.environment.get("STAFF_USER_POOL_ID") for s in (daklak, hue)}
    assert len(pools) == 2 or pools == {None}
    topics = {t["TopicArn"] for t in boto3.client("sns").list_topics()["Topics"]}
    assert {daklak.environment["IOC_ALERTS_TOPIC_ARN"], hue.environment["IOC_ALERTS_TOPIC_ARN"]} <= topics
    bucket_notifications = {
        s.stage: boto3.client("s3").get_bucket_notification_configuration(Bucket=s.environment["MEDIA_BUCKET"])
        for s in (daklak, hue)}
    assert bucket_notifications["daklak"]["QueueConfigurations"][0]["QueueArn"].endswith("phananh-daklak-thumbnails")
    assert bucket_notifications["hue"]["QueueConfigurations"][0]["QueueArn"].endswith("phananh-hue-thumbnails")
