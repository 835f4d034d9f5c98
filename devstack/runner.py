"""The local event runner: what Lambda's event source mappings and EventBridge do, on moto.

`chalice local` serves HTTP only. This runner discovers the app's registered
event sources (`app.event_sources`), finds the provisioned resource each one
listens to, and calls the very handler object Lambda would call
(`app.handler_map[name]`) with events in Lambda's shape and a Lambda-like
context:

- DynamoDB streams: one position per handler (separate event source
  mappings), `batchItemFailures` honoured (retry from the failed record),
  bounded retries, then the batch's description goes to the stage's
  stream-failure queue, as the mapping's on-failure destination would;
- SQS: successes deleted, failures left to reappear after the visibility
  timeout, so the queue's redrive policy moves them to the dead-letter queue;
- schedules: a Scheduled Event per rule at a configurable (fast) interval,
  retried like an asynchronous invocation;
- SNS topics: a queue of the runner's own subscribed to the topic stands in for
  SNS's push; each notification goes to the handler as Lambda's SNS event,
  retried like an asynchronous invocation.

A handler error is logged with its traceback and retried as Lambda would; the
runner never dies of it. Tests drive it in-process (`poll_once`,
`run_until_idle`, `tick`); `python -m devstack.runner` runs it as its own
process, like a Lambda function's environment.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import signal
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devstack import events
from devstack.chalice_local import watch_parent
from devstack.provision import ACCOUNT_ID, Provisioned

log = logging.getLogger("devstack.runner")

DEFAULT_MEMORY_MB = 128  # Chalice's defaults for lambda_memory_size / lambda_timeout
DEFAULT_TIMEOUT_S = 60
_STREAM_ARN = re.compile(r"^arn:aws[\w-]*:dynamodb:[^:]*:[^:]*:table/(?P<table>[^/]+)/stream/")
_RATE = re.compile(r"^rate\((?P<n>\d+)\s+(?P<unit>minute|minutes|hour|hours|day|days)\)$")


# -- the Lambda context ---------------------------------------------------------
@dataclass
class LambdaContext:
    """The attributes and method handlers and Powertools read from Lambda's context object."""

    function_name: str
    memory_limit_in_mb: int = DEFAULT_MEMORY_MB
    timeout_seconds: int = DEFAULT_TIMEOUT_S
    region: str = "ap-southeast-1"
    account_id: str = ACCOUNT_ID
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    client_context: Any = None
    identity: Any = None
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def function_settings(chalice_config: Mapping[str, Any], stage: str, name: str) -> tuple[int, int]:
    """(memory MB, timeout s) for one function, with Chalice's precedence: stage+function > stage > function > top."""
    stage_cfg = chalice_config.get("stages", {}).get(stage, {})
    layers = (
        chalice_config,
        chalice_config.get("lambda_functions", {}).get(name, {}),
        stage_cfg,
        stage_cfg.get("lambda_functions", {}).get(name, {}),
    )
    memory, timeout = DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S
    for layer in layers:
        memory = int(layer.get("lambda_memory_size", memory))
        timeout = int(layer.get("lambda_timeout", timeout))
    return memory, timeout


@dataclass
class Function:
    """One Lambda function: the handler object Lambda calls, and how its context looks."""

    name: str
    handler: Callable[[dict[str, Any], Any], Any]
    function_name: str
    region: str
    memory_mb: int = DEFAULT_MEMORY_MB
    timeout_s: int = DEFAULT_TIMEOUT_S

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"

    def invoke(self, event: dict[str, Any]) -> tuple[bool, Any]:
        """(succeeded, response). The event travels as JSON, as it does to Lambda; an error is logged, not raised."""
        payload = json.loads(json.dumps(event))
        context = LambdaContext(self.function_name, self.memory_mb, self.timeout_s, self.region)
        try:
            return True, self.handler(payload, context)
        except Exception:
            log.exception("handler %s raised (request %s)", self.name, context.aws_request_id)
            return False, None


# -- DynamoDB stream -> handler ---------------------------------------------------
HISTORY = 1000  # records remembered per shard, to find where a replaced stream parts from what was read


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None
    failing_seq: str | None = None
    failures: int = 0
    read: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=HISTORY))  # (sequence, eventID)

    def passed(self, records: list[dict[str, Any]]) -> None:
        self.read.extend((int(r["dynamodb"]["SequenceNumber"]), r["eventID"]) for r in records)


class StreamMapping:
    """One handler's event source mapping on a DynamoDB stream: its own position per shard."""

    kind = "dynamodb"

    def __init__(self, fn: Function, stream_arn: str, *, client: Any, batch_size: int, starting_position: str,
                 max_retries: int, on_failure: Callable[[dict[str, Any]], None] | None,
                 clock: Callable[[], datetime]) -> None:
        self.fn = fn
        self.stream_arn = stream_arn
        self.batch_size = max(1, min(batch_size, 1000))  # GetRecords returns at most 1,000 records
        self.max_retries = max_retries
        self._client = client
        self._on_failure = on_failure
        self._clock = clock
        self._shards: dict[str, _Shard] = {}
        self._start = starting_position
        self._discover_shards(initial=True)

    def describe(self) -> str:
        return f"{self.fn.name} <- DynamoDB stream {self.stream_arn.split('/')[1]} (batch {self.batch_size})"

    def _discover_shards(self, initial: bool = False) -> None:
        """Open an iterator on each new shard: the mapping's starting position now, TRIM_HORIZON for later shards."""
        desc = self._client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in desc.get("Shards", []):
            sid = shard["ShardId"]
            if sid in self._shards:
                continue
            position = self._start if initial else "TRIM_HORIZON"
            it = self._client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=sid,
                                                 ShardIteratorType=position)["ShardIterator"]
            self._shards[sid] = _Shard(sid, it)

    def _iterator_at(self, shard: _Shard, seq: str) -> str:
        return self._client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard.shard_id,
                                               ShardIteratorType="AT_SEQUENCE_NUMBER",
                                               SequenceNumber=seq)["ShardIterator"]

    def _reopen(self, shard: _Shard) -> str:
        """A new iterator just after the last record read (the mapping's own start if none was read)."""
        if shard.read:
            return self._client.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard.shard_id, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                SequenceNumber=str(shard.read[-1][0]))["ShardIterator"]
        return self._client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard.shard_id,
                                               ShardIteratorType=self._start)["ShardIterator"]

    def _page(self, shard: _Shard) -> dict[str, Any]:
        """One GetRecords; an expired, trimmed or forgotten iterator is reopened after the last record read."""
        try:
            return self._client.get_records(ShardIterator=shard.iterator, Limit=self.batch_size)
        except Exception as exc:
            log.warning("%s: shard iterator of %s unusable (%s); reopening it after the last record read",
                        self.fn.name, shard.shard_id, exc)
            shard.iterator = self._reopen(shard)
            return self._client.get_records(ShardIterator=shard.iterator, Limit=self.batch_size)

    def _check_replaced(self, shard: _Shard) -> None:
        """Idle: make sure the stream read is still the table's, and resume on the new one if it is not.

        moto rolls a cancelled transaction back by putting a copy of the
        table in its place: same stream ARN, same shard id, but a new
        shard, so an old iterator never sees another record. The record
        last read is looked up afresh: if it is still there with the same
        eventID and more follow, the iterator was stale; if it is gone or
        different, reading resumes where the new stream parts from what
        was read.
        """
        if not shard.read:
            return
        last_seq, last_id = shard.read[-1]
        probe = self._client.get_records(ShardIterator=self._iterator_at(shard, str(last_seq)), Limit=2)
        records = probe.get("Records", [])
        if records and records[0]["eventID"] == last_id:
            if len(records) > 1:
                new_arn = self._replaced_by(f"stream was replaced under the runner; reading on after record "
                                            f"{last_seq}")
                if new_arn is None:
                    shard.iterator = self._reopen(shard)
            return
        first_seq = shard.read[0][0]
        fresh = self._client.get_records(ShardIterator=self._iterator_at(shard, str(first_seq)),
                                         Limit=min(1000, len(shard.read) + 1)).get("Records", [])
        now = {int(r["dynamodb"]["SequenceNumber"]): r["eventID"] for r in fresh}
        resume = next((seq for seq, eid in shard.read if now.get(seq) != eid), last_seq)
        new_arn = self._replaced_by(f"table was replaced (moto rolls a cancelled transaction back that way); "
                                    f"records read from {resume} on are gone; resuming on the new stream at {resume}")
        if new_arn is not None:
            return
        while shard.read and shard.read[-1][0] >= resume:
            shard.read.pop()
        shard.iterator = self._iterator_at(shard, str(resume))

    def _replaced_by(self, why: str) -> str | None:
        """Say loudly which stream is left for which; a new ARN (a re-enabled stream) is read from its start.

        The new ARN is the table's latest stream (ListStreams); moto's
        roll-back keeps the ARN, so the mapping goes on where it parted.
        None: same ARN, the caller repositions its shard.
        """
        old = self.stream_arn
        new = self._latest_arn() or old
        log.warning("%s: %s; switching from stream %s (old) to stream %s (new)", self.fn.name, why, old, new)
        if new == old:
            return None
        self.stream_arn = new
        self._shards = {}
        self._discover_shards()  # TRIM_HORIZON: every record of the new stream is new to this mapping
        return new

    def _latest_arn(self) -> str | None:
        m = _STREAM_ARN.match(self.stream_arn)
        if not m:
            return None
        streams = self._client.list_streams(TableName=m.group("table")).get("Streams", [])
        labels = {s.get("StreamLabel") or "": s["StreamArn"] for s in streams}
        return labels[max(labels)] if labels else None

    def poll(self) -> int:
        """Read one batch per shard and deliver it; the number of records delivered."""
        delivered = 0
        closed = False
        for shard in list(self._shards.values()):
            if shard.iterator is None:
                continue
            page = self._page(shard)
            api_records = page.get("Records", [])
            next_iterator = page.get("NextShardIterator")
            if not api_records:
                shard.iterator = next_iterator
                closed = closed or next_iterator is None
                if next_iterator is not None:
                    self._check_replaced(shard)
                continue
            batch = [events.dynamodb_record(r, self.stream_arn, self.fn.region) for r in api_records]
            delivered += len(batch)
            self._deliver(shard, batch, next_iterator)
        if closed:
            self._discover_shards()
        return delivered

    def _deliver(self, shard: _Shard, batch: list[dict[str, Any]], next_iterator: str | None) -> None:
        ok, response = self.fn.invoke(events.dynamodb_event(batch))
        seqs = [r["dynamodb"]["SequenceNumber"] for r in batch]
        if ok:
            try:
                failed = events.failed_item_ids(response, seqs)
            except events.InvalidBatchResponse as exc:
                log.error("%s answered an invalid batchItemFailures (%s): the whole batch is retried",
                          self.fn.name, exc)
                failed = set(seqs)
        else:
            failed = set(seqs)
        if not failed:
            shard.passed(batch)
            shard.iterator, shard.failing_seq, shard.failures = next_iterator, None, 0
            return
        first = min(failed, key=int)  # Lambda checkpoints before the lowest failed sequence number
        if first == shard.failing_seq:
            shard.failures += 1
        else:
            shard.failing_seq, shard.failures = first, 1
        rest = batch[seqs.index(first):]
        if shard.failures <= self.max_retries:
            shard.passed(batch[:seqs.index(first)])
            log.warning("%s failed from record %s; retry %d of %d", self.fn.name, first,
                        shard.failures, self.max_retries)
            shard.iterator = self._iterator_at(shard, first)
            return
        log.error("%s failed %d times from record %s: %d record(s) go to the on-failure destination",
                  self.fn.name, shard.failures, first, len(rest))
        if self._on_failure is not None:
            self._on_failure(events.stream_failure_record(
                batch=rest, shard_id=shard.shard_id, stream_arn=self.stream_arn, function_arn=self.fn.arn,
                invoke_count=shard.failures, handler_raised=not ok, now=self._clock()))
        shard.passed(batch)
        shard.iterator, shard.failing_seq, shard.failures = next_iterator, None, 0


# -- SQS queue -> handler -----------------------------------------------------------
class QueueMapping:
    """One handler's event source mapping on an SQS queue."""

    kind = "sqs"

    def __init__(self, fn: Function, queue_url: str, queue_arn: str, *, client: Any, batch_size: int,
                 wait_seconds: int = 0) -> None:
        self.fn = fn
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.batch_size = max(1, min(batch_size, 10))  # one ReceiveMessage returns at most 10
        self.wait_seconds = wait_seconds
        self._client = client

    def describe(self) -> str:
        return f"{self.fn.name} <- SQS {self.queue_url.rsplit('/', 1)[-1]} (batch {self.batch_size})"

    def poll(self) -> int:
        """Receive one batch, deliver it, delete what succeeded; the number of messages delivered."""
        messages = self._client.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size, WaitTimeSeconds=self.wait_seconds,
            MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        records = [events.sqs_record(m, self.queue_arn, self.fn.region) for m in messages]
        ids = [r["messageId"] for r in records]
        ok, response = self.fn.invoke(events.sqs_event(records))
        if ok:
            try:
                failed = events.failed_item_ids(response, ids)
            except events.InvalidBatchResponse as exc:
                log.error("%s answered an invalid batchItemFailures (%s): no message is deleted", self.fn.name, exc)
                failed = set(ids)
        else:
            failed = set(ids)
        if failed:
            log.warning("%s failed %d of %d message(s); they reappear after the visibility timeout",
                        self.fn.name, len(failed), len(ids))
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                       for i, m in enumerate(done[start:start + 10])]
            self._client.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        return len(messages)


# -- SNS topic -> handler -----------------------------------------------------------
class TopicMapping:
    """A function's subscription to an SNS topic: SNS pushes to Lambda, which moto cannot, so the runner
    subscribes a queue of its own to the topic and hands each notification over as Lambda's SNS event (one
    record per invocation), retried like an asynchronous invocation, then dropped with an error logged."""

    kind = "sns"

    def __init__(self, fn: Function, topic_arn: str, queue_url: str, *, client: Any, retries: int,
                 clock: Callable[[], datetime]) -> None:
        self.fn = fn
        self.topic_arn = topic_arn
        self.queue_url = queue_url
        self.retries = retries
        self._client = client
        self._clock = clock

    def describe(self) -> str:
        return f"{self.fn.name} <- SNS {self.topic_arn.rsplit(':', 1)[-1]}"

    def poll(self) -> int:
        messages = self._client.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for m in messages:
            try:
                envelope = json.loads(m["Body"])
                record = events.sns_record(envelope["Message"], self.topic_arn, self._clock(),
                                           subject=envelope.get("Subject"), message_id=envelope.get("MessageId"),
                                           region=self.fn.region)
            except (ValueError, KeyError, TypeError):
                log.error("%s: a message on the topic's queue is not an SNS envelope; dropped", self.fn.name)
            else:
                for attempt in range(1 + self.retries):
                    ok, _ = self.fn.invoke(events.sns_event([record]))
                    if ok:
                        break
                    if attempt < self.retries:
                        log.warning("%s: retrying the SNS notification (%d of %d)", self.fn.name, attempt + 1,
                                    self.retries)
                else:
                    log.error("%s: SNS notification dropped after %d attempts", self.fn.name, 1 + self.retries)
            self._client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])
        return len(messages)


# -- EventBridge schedule -> handler ------------------------------------------------
class ScheduleMapping:
    """One schedule rule; ticked by the runner, retried like an asynchronous invocation."""

    kind = "schedule"

    def __init__(self, fn: Function, rule_arn: str, expression: str, *, retries: int) -> None:
        self.fn = fn
        self.rule_arn = rule_arn
        self.expression = expression
        self.retries = retries

    def describe(self) -> str:
        return f"{self.fn.name} <- schedule {self.expression}"

    def rate_seconds(self) -> float | None:
        """The rule's own period when it is a rate(); None for cron()."""
        m = _RATE.match(self.expression)
        if not m:
            return None
        per = {"minute": 60, "hour": 3600, "day": 86400}[m.group("unit").rstrip("s")]
        return int(m.group("n")) * per

    def fire(self, now: datetime) -> bool:
        """Send one Scheduled Event; up to `retries` more attempts if the handler raises. True if one succeeded."""
        event = events.scheduled_event(self.rule_arn, self.fn.region, now)
        for attempt in range(1 + self.retries):
            ok, _ = self.fn.invoke(event)
            if ok:
                return True
            if attempt < self.retries:
                log.warning("%s: retrying the scheduled event (%d of %d)", self.fn.name, attempt + 1, self.retries)
        log.error("%s: scheduled event dropped after %d attempts", self.fn.name, 1 + self.retries)
        return False


# -- the runner -------------------------------------------------------------------
class EventRunner:
    """Drives an app's event handlers from a provisioned stack, the way Lambda would."""

    def __init__(
        self,
        app: Any,
        stack: Provisioned,
        endpoint_url: str | None = None,
        *,
        stage: str | None = None,
        chalice_config: Mapping[str, Any] | None = None,
        max_stream_retries: int = 2,
        async_retries: int = 2,
        starting_position: str | None = None,
        sqs_wait_seconds: int = 0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Discover the handlers and open their event sources now, as creating the mappings would.

        `starting_position` overrides each stream handler's own (LATEST by
        default: records written before the runner starts are not delivered).
        """
        import boto3

        self.app = app
        self.stack = stack
        self.stage = stage or stack.stage
        self.region = stack.region
        self.clock = clock or (lambda: datetime.now(UTC))
        self._config = chalice_config or {}
        kw = {"region_name": self.region, "endpoint_url": endpoint_url}
        self._sqs = boto3.client("sqs", **kw)
        self._streams = boto3.client("dynamodbstreams", **kw)
        self._failure_queue = stack.queue_urls.get("StreamFailureQueue")
        self.streams: list[StreamMapping] = []
        self.queues: list[QueueMapping] = []
        self.schedules: list[ScheduleMapping] = []
        self.topics: list[TopicMapping] = []
        self.ignored: list[str] = []
        self._sns = boto3.client("sns", **kw)
        self._discover(max_stream_retries, async_retries, starting_position, sqs_wait_seconds)

    # -- discovery ------------------------------------------------------------------
    def _function(self, name: str) -> Function:
        memory, timeout = function_settings(self._config, self.stage, name)
        return Function(name=name, handler=self.app.handler_map[name],
                        function_name=f"{self.app.app_name}-{self.stage}-{name}",
                        region=self.region, memory_mb=memory, timeout_s=timeout)

    def _discover(self, max_retries: int, async_retries: int, start: str | None, wait: int) -> None:
        from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SNSEventConfig, SQSEventConfig

        for source in self.app.event_sources:
            if isinstance(source, DynamoDBEventConfig):
                arn = self._stream_arn(source.name, source.stream_arn)
                if arn:
                    self.streams.append(StreamMapping(
                        self._function(source.name), arn, client=self._streams, batch_size=source.batch_size,
                        starting_position=start or source.starting_position, max_retries=max_retries,
                        on_failure=self._send_stream_failure, clock=self.clock))
            elif isinstance(source, SQSEventConfig):
                found = self._queue(source.queue, source.queue_arn)
                if found:
                    url, queue_arn = found
                    self.queues.append(QueueMapping(self._function(source.name), url, queue_arn, client=self._sqs,
                                                    batch_size=source.batch_size, wait_seconds=wait))
                else:
                    self._ignore(source.name, f"no provisioned queue named {source.queue or source.queue_arn}")
            elif isinstance(source, ScheduledEventConfig):
                expr = source.schedule_expression
                expression = expr if isinstance(expr, str) else expr.to_string()
                rule_name = f"{self.app.app_name}-{self.stage}-{source.name}-event"  # as chalice names it
                rule = f"arn:aws:events:{self.region}:{ACCOUNT_ID}:rule/{rule_name}"
                self.schedules.append(ScheduleMapping(self._function(source.name), rule, expression,
                                                      retries=async_retries))
            elif isinstance(source, SNSEventConfig):
                topic = self._topic(source.topic)
                if topic:
                    self.topics.append(self._subscribe(self._function(source.name), topic, async_retries))
                else:
                    self._ignore(source.name, f"no provisioned topic named {source.topic}")
            else:
                self._ignore(source.name, f"{type(source).__name__} is not driven locally")

    def _ignore(self, name: str, why: str) -> None:
        log.warning("handler %s: %s", name, why)
        self.ignored.append(f"{name}: {why}")

    def _stream_arn(self, name: str, declared: str) -> str | None:
        """The real stream ARN for a handler: its own if provisioned, else its table's latest stream."""
        known = self.stack.stream_arns
        if declared in known.values():
            return declared
        m = _STREAM_ARN.match(declared or "")
        table = m.group("table") if m else None
        for logical, arn in known.items():
            if table and self.stack.names.get(logical) == table:
                log.warning("handler %s names stream %s; using table %s's stream %s (set REPORTS_STREAM_ARN)",
                            name, declared, table, arn)
                return arn
        self._ignore(name, f"no provisioned stream matches {declared}")
        return None

    def _queue(self, name: str | None, arn: str | None) -> tuple[str, str] | None:
        for logical, url in self.stack.queue_urls.items():
            queue_arn = self.stack.arns.get(logical, "")
            if (name and url.rsplit("/", 1)[-1] == name) or (arn and queue_arn == arn):
                return url, queue_arn
        return None

    def _topic(self, name_or_arn: str) -> str | None:
        for arn in self.stack.arns.values():
            if arn.startswith("arn:aws:sns:") and (arn == name_or_arn or arn.rsplit(":", 1)[-1] == name_or_arn):
                return arn
        return None

    def _subscribe(self, fn: Function, topic_arn: str, retries: int) -> TopicMapping:
        """The runner's queue on the topic, standing in for SNS's subscription of the function (idempotent)."""
        from devstack.inboxes import _queue_for

        url = _queue_for(self._sns, self._sqs, f"phananh-{self.stage}-runner-{fn.name}"[:80], topic_arn, None)
        return TopicMapping(fn, topic_arn, url, client=self._sqs, retries=retries, clock=self.clock)

    def _send_stream_failure(self, record: dict[str, Any]) -> None:
        if not self._failure_queue:
            log.error("no StreamFailureQueue provisioned; dropping %s", json.dumps(record))
            return
        self._sqs.send_message(QueueUrl=self._failure_queue, MessageBody=json.dumps(record))

    # -- driving ----------------------------------------------------------------------
    def describe(self) -> list[str]:
        """One line per mapping, for people."""
        return [m.describe() for m in (*self.streams, *self.queues, *self.topics, *self.schedules)]

    def poll_once(self) -> int:
        """One round over every stream and queue mapping; the number of records and messages delivered."""
        delivered = 0
        for mapping in (*self.streams, *self.queues, *self.topics):
            try:
                delivered += mapping.poll()
            except Exception:  # an AWS hiccup must not stop the other mappings
                log.exception("polling %s failed", mapping.describe())
        return delivered

    def run_until_idle(self, max_rounds: int = 100) -> int:
        """Poll until a round delivers nothing (or `max_rounds`); the total delivered."""
        total = 0
        for _ in range(max_rounds):
            n = self.poll_once()
            total += n
            if n == 0:
                break
        return total

    def tick(self, now: datetime | None = None) -> int:
        """Fire every schedule once; the number of schedules whose handler succeeded."""
        at = now or self.clock()
        return sum(1 for s in self.schedules if s.fire(at))

    def run_forever(self, stop: threading.Event, poll_seconds: float = 1.0, tick_seconds: float | None = 30.0) -> None:
        """Poll and tick until `stop` is set. `tick_seconds` None: each rule's own rate (cron: hourly)."""
        due = {id(s): time.monotonic() + (tick_seconds or s.rate_seconds() or 3600) for s in self.schedules}
        while not stop.is_set():
            busy = self.poll_once()
            now = time.monotonic()
            for s in self.schedules:
                if now >= due[id(s)]:
                    s.fire(self.clock())
                    due[id(s)] = now + (tick_seconds or s.rate_seconds() or 3600)
            if not busy:
                stop.wait(poll_seconds)


# -- `python -m devstack.runner` ----------------------------------------------------------
def load_stack(path: Path) -> Provisioned:
    return Provisioned(**json.loads(path.read_text(encoding="utf-8")))


def _configure_logging() -> None:
    """Everything to stdout (the stage's runner log); warnings and handler errors also to stderr (the console)."""
    fmt = logging.Formatter("%(asctime)s %(levelname)s [runner %(stage)s] %(message)s")
    stage = _StageFilter()
    out = logging.StreamHandler(sys.stdout)
    out.setFormatter(fmt)
    out.addFilter(stage)
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(logging.WARNING)
    err.setFormatter(fmt)
    err.addFilter(stage)
    log.addHandler(out)
    log.addHandler(err)
    log.setLevel(logging.INFO)
    log.propagate = False


class _StageFilter(logging.Filter):
    stage = "?"

    def filter(self, record: logging.LogRecord) -> bool:
        record.stage = self.stage
        return True


def shift_handler_clock(days: float) -> None:
    """The services' now in this process (the event and schedule handlers), `days` ahead of the real one."""
    from datetime import timedelta

    from chalicelib import container

    ahead = timedelta(days=days)
    container.clock = lambda: lambda: datetime.now(UTC) + ahead  # type: ignore[assignment]  # the hook tests use
    container.reset()
    log.warning("the handlers' clock runs %s days ahead", days)


def main(argv: list[str] | None = None) -> int:
    """Run one stage's event runner until SIGTERM/SIGINT; the environment is the stage's (as chalice local's)."""
    import os

    parser = argparse.ArgumentParser(prog="python -m devstack.runner", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--stack", required=True, type=Path, help="the provisioned stack (JSON) devstack wrote")
    parser.add_argument("--tick", type=float, default=30.0, help="seconds between schedule ticks (0: rules' rates)")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle")
    parser.add_argument("--ready-file", type=Path, help="written once the handlers are discovered")
    parser.add_argument("--days-ahead", type=float, default=0.0,
                        help="the handlers' clock this many days ahead of now (a controlled clock for local runs)")
    args = parser.parse_args(argv)
    if args.days_ahead:
        shift_handler_clock(args.days_ahead)

    _StageFilter.stage = args.stage
    _configure_logging()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    watch_parent(stop.set)  # devstack killed outright: stop rather than poll forever

    stack = load_stack(args.stack)
    project = Path.cwd()
    if str(project) not in sys.path:
        sys.path.insert(0, str(project))
    config_path = project / ".chalice" / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
    import app as app_module  # the same module `chalice package` points Lambda at

    runner = EventRunner(app_module.app, stack, os.environ.get("AWS_ENDPOINT_URL"), stage=args.stage,
                         chalice_config=config)
    lines = runner.describe()
    for line in lines or ["(no event handlers registered yet)"]:
        log.info("mapping: %s", line)
    if args.ready_file:
        args.ready_file.write_text(json.dumps({"mappings": lines, "ignored": runner.ignored}), encoding="utf-8")
    runner.run_forever(stop, poll_seconds=args.poll, tick_seconds=args.tick or None)
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
