"""Powertools Logger, Metrics and Tracer shared by every entry point.

Nothing here does I/O at import: Logger writes JSON lines to stdout, metrics
are EMF lines CloudWatch reads from the logs. The Tracer is built on first
use, and only for an invocation X-Ray is tracing: the SDK's import alone costs
about 0.6 s (it patches every library it knows), more than the rest of a first
request, and our functions run with X-Ray pass-through, so most invocations are
not sampled.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer
    from aws_lambda_powertools.utilities.typing import LambdaContext

SERVICE = "phananh"
NAMESPACE = "Phananh"

logger = Logger(service=SERVICE)


def tracing_on(env: dict[str, str] | None = None) -> bool:
    """True on Lambda for an invocation X-Ray samples: Lambda puts the trace header in `_X_AMZN_TRACE_ID`
    before each invocation (`Sampled=1` when this one is traced); POWERTOOLS_TRACE_DISABLED=true turns it off."""
    e = os.environ if env is None else env
    if not e.get("AWS_LAMBDA_FUNCTION_NAME") or e.get("POWERTOOLS_TRACE_DISABLED", "").lower() in ("1", "true"):
        return False
    return "Sampled=1" in e.get("_X_AMZN_TRACE_ID", "")


@functools.cache
def tracer() -> Tracer:
    """The process's Tracer, built on the first traced invocation (patches boto3/botocore for AWS call
    subsegments from then on)."""
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


@contextmanager
def traced(name: str) -> Iterator[Any]:
    """A subsegment around a use case when this invocation is traced; nothing otherwise (no X-Ray import)."""
    if not tracing_on():
        yield None
        return
    with tracer().provider.in_subsegment(name) as subsegment:
        yield subsegment


def trace_use_case(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator form of `traced`, named after the function."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with traced(fn.__qualname__):
            return fn(*args, **kwargs)

    return wrapper


def emit(name: str, value: float = 1, unit: MetricUnit = MetricUnit.Count, **dimensions: str) -> None:
    """One metric with its own dimensions (province always among them), flushed at once as EMF."""
    with single_metric(name=name, unit=unit, value=value, namespace=NAMESPACE) as metric:
        for key, dim in dimensions.items():
            metric.add_dimension(name=key, value=str(dim))


def lambda_context(event: Any) -> LambdaContext | None:
    """Lambda's context object a Chalice event carries (Chalice types it loosely)."""
    return cast("LambdaContext | None", getattr(event, "context", None))


# Where each kind of event keeps an id worth correlating log lines by (JMESPath, as Powertools reads it).
CORRELATION_PATHS = {
    "schedule": "id",
    "dynamodb": "Records[0].eventID",
    "sqs": "Records[0].messageId",
    "sns": "Records[0].Sns.MessageId",
}


def logged_event(kind: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Decorate a Chalice event handler so its log lines carry the Lambda context and a correlation id.

    Chalice hands an event handler one object, not Lambda's (event, context)
    pair, so Powertools' `inject_lambda_context` wraps an inner call that
    receives the raw event and the context from that object.
    """
    path = CORRELATION_PATHS[kind]

    def decorate(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
        @functools.wraps(handler)
        def wrapper(event: Any) -> Any:
            context = getattr(event, "context", None)
            if context is None or not hasattr(context, "aws_request_id"):
                return handler(event)

            @logger.inject_lambda_context(correlation_id_path=path, clear_state=True)
            def with_context(raw: dict[str, Any], lambda_context: Any) -> Any:
                return handler(event)

            return with_context(event.to_dict(), context)

        return wrapper

    return decorate
