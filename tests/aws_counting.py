"""AWS calls counted in functional tests (services built inside the block are seen)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def counting_aws_calls() -> Iterator[Counter]:
    """Count AWS calls by (service, operation) with a botocore hook on every session made meanwhile."""
    import boto3
    from botocore.handlers import BUILTIN_HANDLERS

    from chalicelib import container
    from chalicelib.storage.models import bind

    calls: Counter = Counter()

    def count(model, **_):
        calls[(model.service_model.service_name, model.name)] += 1

    hook, saved = ("before-call", count), boto3.DEFAULT_SESSION
    BUILTIN_HANDLERS.append(hook)
    boto3.DEFAULT_SESSION = None  # boto3.client() builds a fresh session, with the hook
    bind(container.settings())  # PynamoDB opens fresh connections, with the hook
    container.reset()
    try:
        yield calls
    finally:
        BUILTIN_HANDLERS.remove(hook)
        boto3.DEFAULT_SESSION = saved
