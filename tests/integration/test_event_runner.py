"""The local event runner under moto: Lambda's event shapes, retries, partial batches, failure destinations."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from chalice import Blueprint, Chalice, Rate

from devstack.runner import EventRunner

EVENTS = Path(__file__).resolve().parent.parent / "events"
REPORT = {
    "category": "ha-tang-do-thi",
    "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
    "location": {"lat": 12.68, "lng": 108.04},
    "ward_code": "24133",
    "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
}
# What sources.py uses when REPORTS_STREAM_ARN is not set: not the provisioned stream's label.
PLACEHOLDER_STREAM = (
    "arn:aws:dynamodb:ap-southeast-1:123456789012:table/phananh-dev-reports/stream/2026-01-01T00:00:00.000"
)


def fixture(name: str) -> dict:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def keys_of(record: dict) -> set[str]:
    return set(record)


class Calls:
    """What a handler received, and what it should answer next."""

    def __init__(self) -> None:
        self.__name__ = "recorder"  # Chalice names the handler string after the function
        self.events: list[dict] = []
        self.contexts: list = []

    def __call__(self, event) -> None:
        self.events.append(event.to_dict())
        self.contexts.append(event.context)

    @property
    def records(self) -> list[dict]:
        return [r for e in self.events for r in e.get("Records", [])]


def put_items(province, *ids: str) -> None:
    ddb = boto3.client("dynamodb")
    for item_id in ids:
        ddb.put_item(TableName=province.names["ReportsTable"], Item={"id": {"S": item_id}, "n": {"N": "1"}})


def stream_failures(province) -> list[dict]:
    sqs = boto3.client("sqs")
    url = province.queue_urls["StreamFailureQueue"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def queue_counts(url: str) -> tuple[int, int]:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])


# -- DynamoDB stream ------------------------------------------------------------------
def test_stream_record_written_by_intake_reaches_a_blueprint_handler_in_lambda_shape(province, client):
    from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel

    stream_arn = province.stream_arns["ReportsTable"]
    seen = Calls()
    bp = Blueprint("tests.notify")
    bp.on_dynamodb_record(stream_arn=stream_arn, name="notify_report_changes")(seen)
    demo = Chalice(app_name="phananh")
    demo.register_blueprint(bp)
    runner = EventRunner(demo, province)  # the mapping starts at LATEST: now

    response = client.http.post("/reports", headers={"Content-Type": "application/json"}, body=json.dumps(REPORT))
    assert response.status_code == 201
    report_id = json.loads(response.body)["id"]
    assert runner.run_until_idle() == 1

    [event] = seen.events
    [record] = event["Records"]
    assert keys_of(record) == keys_of(fixture("dynamodb_stream_insert.json")["Records"][0])
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventName"] == "INSERT"
    assert record["eventSourceARN"] == stream_arn
    assert record["awsRegion"] == "ap-southeast-1"
    ddb = record["dynamodb"]
    assert set(ddb) == {"ApproximateCreationDateTime", "Keys", "NewImage", "SequenceNumber", "SizeBytes",
                        "StreamViewType"}
    assert isinstance(ddb["ApproximateCreationDateTime"], float)
    assert ddb["Keys"] == {"id": {"S": report_id}}
    assert ddb["NewImage"]["id"] == {"S": report_id}
    assert ddb["NewImage"]["status"] == {"S": "received"}
    assert ddb["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(ddb["SequenceNumber"], str) and isinstance(ddb["SizeBytes"], int)
    DynamoDBStreamModel.model_validate(event)  # Powertools' own model of Lambda's event accepts it

    [context] = seen.contexts
    assert context.function_name == "phananh-dev-notify_report_changes"
    assert context.invoked_function_arn.endswith(":function:phananh-dev-notify_report_changes")
    assert context.memory_limit_in_mb == 128
    assert 0 < context.get_remaining_time_in_millis() <= 60_000
    assert context.aws_request_id


def test_each_stream_handler_keeps_its_own_position_and_a_placeholder_arn_finds_the_table_stream(province):
    first, second = Calls(), Calls()
    demo = Chalice(app_name="phananh")
    demo.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="one")(first)
    demo.on_dynamodb_record(stream_arn=PLACEHOLDER_STREAM, name="two", batch_size=1)(second)
    runner = EventRunner(demo, province)

    put_items(province, "A", "B")
    runner.run_until_idle()
    put_items(province, "C")
    runner.run_until_idle()

    ids = lambda calls: [r["dynamodb"]["Keys"]["id"]["S"] for r in calls.records]  # noqa: E731
    assert ids(first) == ["A", "B", "C"]
    assert ids(second) == ["A", "B", "C"]
    assert [len(e["Records"]) for e in second.events] == [1, 1, 1]
    assert {r["eventSourceARN"] for r in second.records} == {province.stream_arns["ReportsTable"]}


def test_records_written_before_the_runner_starts_are_delivered_only_from_trim_horizon(province):
    put_items(province, "OLD")
    latest, horizon = Calls(), Calls()
    app_latest, app_horizon = Chalice(app_name="phananh"), Chalice(app_name="phananh")
    app_latest.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="latest")(latest)
    app_horizon.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="horizon",
                                   starting_position="TRIM_HORIZON")(horizon)
    runners = EventRunner(app_latest, province), EventRunner(app_horizon, province)
    for runner in runners:
        runner.run_until_idle()
    assert latest.records == []
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in horizon.records] == ["OLD"]


def test_partial_batch_failure_is_retried_from_the_failed_record_then_sent_to_the_failure_queue(province):
    batches: list[list[str]] = []

    def flaky(event):
        ids = [r.keys["id"]["S"] for r in event]
        batches.append(ids)
        return {"batchItemFailures": [{"itemIdentifier": r.sequence_number} for r in event
                                      if r.keys["id"]["S"] == "B"]}

    ok = Calls()
    demo = Chalice(app_name="phananh")
    demo.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="flaky", batch_size=10)(flaky)
    demo.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="steady", batch_size=10)(ok)
    runner = EventRunner(demo, province, max_stream_retries=2)

    put_items(province, "A", "B", "C")
    runner.run_until_idle()
    put_items(province, "D")
    runner.run_until_idle()

    # the first try, then two retries from the failed record, then on to the next records
    assert batches == [["A", "B", "C"], ["B", "C"], ["B", "C"], ["D"]]
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in ok.records] == ["A", "B", "C", "D"]
    [failure] = stream_failures(province)
    assert set(failure) == set(fixture("stream_failure_record.json"))
    info = failure["DDBStreamBatchInfo"]
    assert info["batchSize"] == 2
    assert info["streamArn"] == province.stream_arns["ReportsTable"]
    assert int(info["startSequenceNumber"]) < int(info["endSequenceNumber"])
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 3
    assert failure["requestContext"]["functionArn"].endswith(":function:phananh-dev-flaky")
    assert "functionError" not in failure["responseContext"]


def test_a_stream_handler_that_raises_is_logged_retried_and_never_stops_the_runner(province, caplog):
    attempts: list[int] = []

    def broken(event):
        attempts.append(len(list(event)))
        raise RuntimeError("boom")

    demo = Chalice(app_name="phananh")
    demo.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="broken")(broken)
    runner = EventRunner(demo, province, max_stream_retries=1)
    put_items(province, "A")
    with caplog.at_level(logging.ERROR, logger="devstack.runner"):
        runner.run_until_idle()
    assert attempts == [1, 1]
    assert "RuntimeError: boom" in caplog.text  # the traceback is logged
    [failure] = stream_failures(province)
    assert failure["responseContext"]["functionError"] == "Unhandled"
    assert failure["DDBStreamBatchInfo"]["batchSize"] == 1


def test_an_invalid_batch_answer_fails_the_whole_batch_as_lambda_does(province):
    batches: list[int] = []

    def wrong(event):
        batches.append(len(list(event)))
        return {"batchItemFailures": [{"itemIdentifier": "not-a-sequence-number"}]}

    demo = Chalice(app_name="phananh")
    demo.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="wrong")(wrong)
    runner = EventRunner(demo, province, max_stream_retries=1)
    put_items(province, "A", "B")
    runner.run_until_idle()
    assert batches == [2, 2]
    assert stream_failures(province)[0]["DDBStreamBatchInfo"]["batchSize"] == 2


# -- SQS ----------------------------------------------------------------------------
def test_sqs_message_is_delivered_in_lambda_shape_and_deleted_and_a_failed_one_is_kept(province):
    queue_url = province.queue_urls["ThumbnailQueue"]
    sqs = boto3.client("sqs")
    sqs.purge_queue(QueueUrl=queue_url)  # the S3 notification's test event
    seen = Calls()

    def thumbnails(event):
        seen(event)
        return {"batchItemFailures": [{"itemIdentifier": r.to_dict()["messageId"]} for r in event
                                      if r.body == "fail"]}

    demo = Chalice(app_name="phananh")
    demo.on_sqs_message(queue="phananh-dev-thumbnails", name="make_thumbnails", batch_size=10)(thumbnails)
    runner = EventRunner(demo, province)
    sqs.send_message(QueueUrl=queue_url, MessageBody="ok",
                     MessageAttributes={"kind": {"DataType": "String", "StringValue": "photo"}})
    sqs.send_message(QueueUrl=queue_url, MessageBody="fail")

    assert runner.poll_once() == 2
    assert runner.poll_once() == 0  # the failed message is in flight until its visibility timeout
    records = {r["body"]: r for r in seen.records}
    ok = records["ok"]
    # Lambda adds md5OfMessageAttributes when the message has attributes
    assert keys_of(ok) == keys_of(fixture("sqs_s3_object_created.json")["Records"][0]) | {"md5OfMessageAttributes"}
    assert keys_of(records["fail"]) == keys_of(fixture("sqs_s3_object_created.json")["Records"][0])
    assert ok["eventSource"] == "aws:sqs"
    assert ok["eventSourceARN"] == province.arns["ThumbnailQueue"]
    assert ok["awsRegion"] == "ap-southeast-1"
    assert ok["attributes"]["ApproximateReceiveCount"] == "1"
    assert ok["messageAttributes"]["kind"]["stringValue"] == "photo"
    assert ok["messageAttributes"]["kind"]["dataType"] == "String"
    assert ok["md5OfBody"] and ok["receiptHandle"] and ok["messageId"]
    assert queue_counts(queue_url) == (0, 1)  # "ok" deleted, "fail" kept for a retry


def test_s3_upload_under_raw_reaches_the_thumbnail_handler_through_the_queue(province):
    seen = Calls()
    demo = Chalice(app_name="phananh")
    demo.on_sqs_message(queue="phananh-dev-thumbnails", name="make_thumbnails")(seen)
    runner = EventRunner(demo, province)
    boto3.client("s3").put_object(Bucket=province.names["MediaBucket"], Key="raw/DLK-AAAA-BBBB/m1", Body=b"x")
    runner.run_until_idle()
    bodies = [json.loads(r["body"]) for r in seen.records]
    s3_records = [rec for b in bodies for rec in b.get("Records", [])]
    assert [rec["s3"]["object"]["key"] for rec in s3_records] == ["raw%2FDLK-AAAA-BBBB%2Fm1"]
    assert queue_counts(province.queue_urls["ThumbnailQueue"]) == (0, 0)


def test_a_message_that_keeps_failing_ends_in_the_dead_letter_queue(province):
    sqs = boto3.client("sqs")
    queue_url = province.queue_urls["ThumbnailQueue"]
    sqs.purge_queue(QueueUrl=queue_url)
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"VisibilityTimeout": "0"})  # retry at once
    counts: list[str] = []

    def broken(event):
        counts.extend(r.to_dict()["attributes"]["ApproximateReceiveCount"] for r in event)
        raise RuntimeError("cannot decode image")

    demo = Chalice(app_name="phananh")
    demo.on_sqs_message(queue="phananh-dev-thumbnails", name="make_thumbnails")(broken)
    runner = EventRunner(demo, province)
    sqs.send_message(QueueUrl=queue_url, MessageBody="bad upload")
    for _ in range(50):
        runner.poll_once()
        if queue_counts(province.queue_urls["ThumbnailDLQ"])[0]:
            break
    assert counts == ["1", "2", "3", "4", "5"]  # the redrive policy's maxReceiveCount
    assert queue_counts(province.queue_urls["ThumbnailDLQ"]) == (1, 0)


# -- schedules ----------------------------------------------------------------------
def test_a_scheduled_handler_is_ticked_with_a_scheduled_event(province):
    seen = Calls()
    demo = Chalice(app_name="phananh")
    demo.schedule(Rate(15, unit=Rate.MINUTES), name="sla_sweep")(seen)
    runner = EventRunner(demo, province)
    at = datetime(2026, 3, 2, 1, 15, tzinfo=UTC)
    assert runner.tick(at) == 1
    [event] = seen.events
    assert set(event) == set(fixture("scheduled_event.json"))
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["time"] == "2026-03-02T01:15:00Z"
    assert event["resources"] == ["arn:aws:events:ap-southeast-1:123456789012:rule/phananh-dev-sla_sweep-event"]
    assert runner.schedules[0].rate_seconds() == 900
    assert seen.contexts[0].function_name == "phananh-dev-sla_sweep"


def test_a_scheduled_handler_that_raises_is_retried_twice_like_an_async_invocation(province, caplog):
    calls: list[str] = []

    def digest(event):
        calls.append(event.to_dict()["id"])
        raise RuntimeError("smtp down")

    demo = Chalice(app_name="phananh")
    demo.schedule("cron(0 0 * * ? *)", name="daily_digest")(digest)
    runner = EventRunner(demo, province)
    with caplog.at_level(logging.ERROR, logger="devstack.runner"):
        assert runner.tick() == 0
    assert len(calls) == 3 and len(set(calls)) == 1  # the same event, delivered three times
    assert "RuntimeError: smtp down" in caplog.text


# -- discovery ------------------------------------------------------------------------
def test_a_handler_on_an_unknown_queue_is_reported_not_fatal(province):
    demo = Chalice(app_name="phananh")
    demo.on_sqs_message(queue="phananh-dev-nowhere", name="lost")(Calls())
    runner = EventRunner(demo, province)
    assert runner.queues == []
    assert runner.ignored == ["lost: no provisioned queue named phananh-dev-nowhere"]


def test_every_event_source_of_the_real_app_is_driven_locally(province):
    from app import app

    runner = EventRunner(app, province)
    assert runner.ignored == []
    names = {m.fn.name for m in (*runner.streams, *runner.queues, *runner.schedules, *runner.topics)}
    assert names == {source.name for source in app.event_sources}


def test_an_email_dropped_into_the_inbox_reaches_the_inbox_handler_through_its_topic(province):
    """What `python -m devstack.mail FILE.eml` does on `make run`: store, publish, the runner delivers SNS."""
    from moto.backends import get_backend

    from app import app
    from chalicelib import container
    from devstack.mail import deliver, store

    container.reset()
    runner = EventRunner(app, province)
    raw = (Path(__file__).resolve().parent.parent / "events" / "email_report_photo.eml").read_bytes()
    notification = store(boto3.client("s3"), province.environment["MEDIA_BUCKET"], province.arns["InboundMailTopic"],
                         raw, recipient="tiepnhan@phananh.example.gov.vn")
    deliver(boto3.client("sns"), notification)
    assert runner.run_until_idle() >= 1
    items = boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"]).scan()["Items"]
    assert [i["channel"] for i in items] == ["email"]
    sent = get_backend("ses")["123456789012"]["ap-southeast-1"].sent_messages
    assert [m.destinations["ToAddresses"] for m in sent] == [["hoa.nguyen@example.com"]]
    assert items[0]["id"] in sent[0].body


def test_an_sns_handler_that_raises_is_retried_twice_then_dropped(province, caplog):
    calls: list[str] = []

    def inbox(event):
        calls.append(event.to_dict()["Records"][0]["Sns"]["MessageId"])
        raise RuntimeError("s3 down")

    demo = Chalice(app_name="phananh")
    demo.on_sns_message(topic="phananh-dev-inbound-mail", name="read_inbound_mail")(inbox)
    runner = EventRunner(demo, province)
    boto3.client("sns").publish(TopicArn=province.arns["InboundMailTopic"], Message="{}")
    with caplog.at_level(logging.ERROR, logger="devstack.runner"):
        assert runner.run_until_idle() == 1
    assert len(calls) == 3 and len(set(calls)) == 1
    assert "dropped after 3 attempts" in caplog.text


@pytest.mark.parametrize("name", ["dynamodb_stream_insert.json", "sqs_s3_object_created.json",
                                  "scheduled_event.json", "stream_failure_record.json"])
def test_event_fixtures_are_valid_json(name):
    assert fixture(name)


def test_moto_forgets_old_shard_iterators_but_the_runner_keeps_reading(province):
    from devstack.stack import prune_stream_iterators

    seen = Calls()
    demo = Chalice(app_name="phananh")
    demo.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="n")(seen)
    runner = EventRunner(demo, province)
    for _ in range(5):
        runner.poll_once()
    assert prune_stream_iterators(keep=1) >= 5
    put_items(province, "A")
    runner.run_until_idle()
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in seen.records] == ["A"]


def test_binary_attributes_arrive_base64_encoded_as_lambda_sends_them(province):
    seen = Calls()
    demo = Chalice(app_name="phananh")
    demo.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="n")(seen)
    runner = EventRunner(demo, province)
    boto3.client("dynamodb").put_item(TableName=province.names["ReportsTable"],
                                      Item={"id": {"S": "B1"}, "blob": {"B": b"\x00\xff"}, "n": {"N": "7"}})
    runner.run_until_idle()
    [record] = seen.records
    assert record["dynamodb"]["NewImage"]["blob"] == {"B": "AP8="}
    assert record["dynamodb"]["NewImage"]["n"] == {"N": "7"}


def test_function_memory_and_timeout_follow_chalice_precedence():
    from devstack.runner import function_settings

    config = {
        "lambda_timeout": 20,
        "lambda_functions": {"make_thumbnails": {"lambda_timeout": 30, "lambda_memory_size": 1024}},
        "stages": {"hue": {"lambda_memory_size": 256, "lambda_functions": {"sla_sweep": {"lambda_timeout": 120}}}},
    }
    assert function_settings(config, "dev", "make_thumbnails") == (1024, 30)
    assert function_settings(config, "dev", "sla_sweep") == (128, 20)
    assert function_settings(config, "hue", "make_thumbnails") == (256, 30)
    assert function_settings(config, "hue", "sla_sweep") == (256, 120)


# -- a stream that moto replaces ------------------------------------------------------
def stream_runner(province) -> tuple[Calls, EventRunner]:
    """A runner whose one stream function records every batch it is given."""
    seen = Calls()
    demo = Chalice(app_name="phananh")
    demo.on_dynamodb_record(stream_arn=province.stream_arns["ReportsTable"], name="notify")(seen)
    return seen, EventRunner(demo, province)


def cancelled_transaction(province, item_id: str) -> None:
    """A Put then a failing ConditionCheck: DynamoDB writes nothing; moto rolls back by replacing the table."""
    ddb = boto3.client("dynamodb")
    table = province.names["ReportsTable"]
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"id": {"S": item_id}, "n": {"N": "1"}}}},
            {"ConditionCheck": {"TableName": table, "Key": {"id": {"S": "no-such-report"}},
                                "ConditionExpression": "attribute_exists(id)"}},
        ])


def test_after_a_cancelled_transaction_the_runner_resumes_on_the_new_stream_and_says_so(province, caplog):
    seen, runner = stream_runner(province)
    put_items(province, "A")
    runner.run_until_idle()

    cancelled_transaction(province, "REFUSED")
    with caplog.at_level(logging.WARNING, logger="devstack.runner"):
        runner.run_until_idle()
        put_items(province, "B")
        runner.run_until_idle()
        put_items(province, "C")
        runner.run_until_idle()

    delivered = [r["dynamodb"]["Keys"]["id"]["S"] for r in seen.records]
    assert delivered[0] == "A" and delivered[-2:] == ["B", "C"]
    assert delivered.count("B") == 1 and delivered.count("C") == 1
    assert "replaced" in caplog.text


def test_a_cancelled_transaction_before_anything_new_is_read_does_not_lose_later_records(province):
    seen, runner = stream_runner(province)
    put_items(province, "A")
    runner.run_until_idle()
    cancelled_transaction(province, "REFUSED")
    cancelled_transaction(province, "REFUSED-AGAIN")
    put_items(province, "B")
    runner.run_until_idle()
    runner.run_until_idle()
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in seen.records][-1:] == ["B"]


def test_a_lost_shard_iterator_is_reopened_from_the_last_delivered_record(province, caplog):
    from devstack.stack import prune_stream_iterators

    seen, runner = stream_runner(province)
    put_items(province, "A")
    runner.run_until_idle()
    prune_stream_iterators(keep=0)  # moto forgets every iterator, the runner's too
    put_items(province, "B")
    with caplog.at_level(logging.WARNING, logger="devstack.runner"):
        runner.run_until_idle()
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in seen.records] == ["A", "B"]


def switch_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
            and r.name == "devstack.runner" and "switching from stream" in r.getMessage()]


def test_switching_to_a_replaced_stream_is_a_warning_naming_the_old_and_the_new_stream(province, caplog):
    _, runner = stream_runner(province)
    arn = province.stream_arns["ReportsTable"]
    put_items(province, "A")
    runner.run_until_idle()
    cancelled_transaction(province, "REFUSED")
    with caplog.at_level(logging.WARNING, logger="devstack.runner"):
        runner.run_until_idle()
        put_items(province, "B")
        runner.run_until_idle()
    [message] = switch_warnings(caplog)
    assert f"from stream {arn} (old) to stream {arn} (new)" in message  # moto's roll-back keeps the ARN


def test_a_table_recreated_under_the_runner_is_read_from_its_new_streams_start(province, caplog):
    seen, runner = stream_runner(province)
    old = province.stream_arns["ReportsTable"]
    table = province.names["ReportsTable"]
    ddb = boto3.client("dynamodb")
    put_items(province, "A")
    runner.run_until_idle()
    ddb.update_table(TableName=table, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=table)
    ddb.create_table(TableName=table, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST",
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    new = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    assert new != old
    put_items(province, "B")
    with caplog.at_level(logging.WARNING, logger="devstack.runner"):
        runner.run_until_idle()
        runner.run_until_idle()
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in seen.records] == ["A", "B"]
    assert seen.records[-1]["eventSourceARN"] == new
    [message] = switch_warnings(caplog)
    assert f"from stream {old} (old) to stream {new} (new)" in message
