"""One cold start, in the process this file starts: what bench/first_request.py times.

    python bench/first_request_probe.py KIND EVENT_FILE [SECOND_EVENT_FILE]

KIND is `floor` (import boto3, make a DynamoDB client, put one report-sized item: the least any function
that writes a report must pay), `stack` (the floor plus the design card's libraries an intake loads, and none
of our code) or a function of the app (`api_handler`, `notify_report_changes`,
`make_thumbnails`): `import app`, then the handler Lambda would call, with the event in EVENT_FILE and a
Lambda-like context. Prints one line, `ok <answer>`, as soon as the answer exists; the parent times from
spawning this process to reading that line. Only the standard library is imported before the work. With a
second event, it is then handled in the same (now warm) process, as the next invocation of a container
would be, and a second line says how long it took: `ok <answer> <seconds>`.
"""

import json
import sys


class Context:
    """The attributes Powertools and our handlers read from Lambda's context object."""

    def __init__(self, name: str) -> None:
        self.function_name = name
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:ap-southeast-1:123456789012:function:{name}"
        self.aws_request_id = "bench-first-request"
        self.function_version = "$LATEST"
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def floor(event: dict) -> str:
    import boto3

    client = _floor_clients.get("dynamodb") or _floor_clients.setdefault("dynamodb", boto3.client("dynamodb"))
    client.put_item(TableName=event["table"], Item=event["item"])
    return "put_item"


_floor_clients: dict = {}  # the floor keeps its client across invocations, as the functions do


def stack(event: dict) -> str:
    """The floor, plus the libraries the design card puts on every intake's path, each used once: Chalice's
    app object, Powertools' Logger, Metrics and parser (a pydantic model validated), PynamoDB's model layer
    and phonenumbers parsing a number. No code of ours: the least any intake on this stack can pay."""
    import phonenumbers
    import pynamodb.models  # noqa: F401  (its import, which builds the connection layer on botocore)
    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.utilities.parser import BaseModel, parse
    from chalice import Chalice

    class Submission(BaseModel):
        description: str
        phone: str

    Chalice(app_name="stack-floor")
    Logger(service="stack-floor")
    Metrics(namespace="StackFloor", service="stack-floor")
    item = event["item"]
    submission = parse({"description": item["description"]["S"], "phone": item["reporter_phone"]["S"]},
                       model=Submission)
    phonenumbers.parse(submission.phone, "VN")
    return floor(event)


def function(kind: str, event: dict) -> str:
    import app

    handler = app.app if kind == "api_handler" else app.app.handler_map[kind]
    answer = handler(event, Context(kind))
    if kind == "api_handler":
        return str(answer["statusCode"])
    return "failures=" + str(len((answer or {}).get("batchItemFailures", [])))


def answer(kind: str, path: str) -> str:
    with open(path, encoding="utf-8") as f:
        event = json.load(f)
    if kind in ("floor", "stack"):
        return floor(event) if kind == "floor" else stack(event)
    return function(kind, event)


def main() -> None:
    kind, paths = sys.argv[1], sys.argv[2:]
    sys.stdout.write(f"ok {answer(kind, paths[0])}\n")
    sys.stdout.flush()
    if len(paths) > 1:
        import time

        start = time.perf_counter()
        second = answer(kind, paths[1])
        sys.stdout.write(f"ok {second} {time.perf_counter() - start:.6f}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
