"""Powertools Logger, Metrics and Tracer shared by every entry point.

Nothing here does I/O at import: Logger writes JSON lines to stdout, metrics
are EMF lines CloudWatch reads from the logs, and Tracer is a no-op off Lambda.
"""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

SERVICE = "phananh"
NAMESPACE = "Phananh"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
tracer = Tracer(service=SERVICE, disabled=not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def emit(name: str, value: float = 1, unit: MetricUnit = MetricUnit.Count, **dimensions: str) -> None:
    """One metric with its own dimensions (province always among them), flushed at once as EMF."""
    with single_metric(name=name, unit=unit, value=value, namespace=NAMESPACE) as metric:
        for key, dim in dimensions.items():
            metric.add_dimension(name=key, value=str(dim))
