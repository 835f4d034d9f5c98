"""Count AWS calls by (service, operation), whoever makes them: boto3, PynamoDB's own botocore session, Powertools.

    from bench.aws_calls import count_calls

    with count_calls() as calls:          # then build clients inside (container.reset())
        ...drive the real service code under moto...
    calls.by_operation()                  # Counter({("dynamodb", "TransactWriteItems"): 1, ...})

While counting, every botocore client created anywhere (a boto3 session, the
default session, PynamoDB's private botocore session) gets two handlers on its
own event system: `before-call` records the call (with the request parameters
`before-parameter-build` saw; presigning a URL emits that event but makes no
call, so it is not counted), `after-call` its parsed answer. Clients made before counting are
not seen unless passed to `watch()`: build services inside the block.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


def moto_environment(region: str = "ap-southeast-1", **extra: str) -> None:
    """The process environment a bench runs moto in: fake credentials, one region, no account endpoints,
    no local endpoint (moto intercepts in-process); `extra` adds or overrides variables."""
    import os

    os.environ.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": region, "AWS_REGION": region, "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING", **extra,
    })
    os.environ.pop("AWS_ENDPOINT_URL", None)


@dataclass
class Call:
    """One API call: what was asked and what came back (the parsed response)."""

    service: str
    operation: str
    params: dict[str, Any]
    response: dict[str, Any] | None = None


@dataclass
class CallLog:
    """The calls made while counting, in order."""

    calls: list[Call] = field(default_factory=list)

    def by_operation(self) -> Counter[tuple[str, str]]:
        return Counter((c.service, c.operation) for c in self.calls)

    def total(self) -> int:
        return len(self.calls)

    def clear(self) -> None:
        self.calls.clear()

    def _params(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["phananh_params"] = dict(params)  # presigning emits this too, but never before-call

    def _before(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        call = Call(model.service_model.service_name, model.name, context.get("phananh_params", {}))
        context["phananh_counted_call"] = call
        self.calls.append(call)

    def _after(self, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        call = context.get("phananh_counted_call")
        if call is not None:
            call.response = parsed

    def watch(self, client: Any) -> Any:
        """Count a client's calls (for a client that existed before counting began)."""
        client.meta.events.register("before-parameter-build", self._params, unique_id=f"count-params-{id(self)}")
        client.meta.events.register("before-call", self._before, unique_id=f"count-before-{id(self)}")
        client.meta.events.register("after-call", self._after, unique_id=f"count-after-{id(self)}")
        return client


@contextlib.contextmanager
def count_calls() -> Iterator[CallLog]:
    """Count the calls of every botocore client created inside the block."""
    import botocore.session

    log = CallLog()
    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        return log.watch(original(self, *args, **kwargs))

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    try:
        yield log
    finally:
        botocore.session.Session.create_client = original  # type: ignore[method-assign]
