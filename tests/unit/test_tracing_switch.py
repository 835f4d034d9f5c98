"""The X-Ray Tracer is built only for an invocation X-Ray samples (its import is most of a cold start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from chalicelib.observability import tracing_on

ON_LAMBDA = {"AWS_LAMBDA_FUNCTION_NAME": "phananh-dev-api_handler"}
SAMPLED = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def test_a_sampled_invocation_on_lambda_is_traced() -> None:
    assert tracing_on({**ON_LAMBDA, "_X_AMZN_TRACE_ID": SAMPLED})


def test_an_unsampled_or_untraced_invocation_is_not() -> None:
    assert not tracing_on({**ON_LAMBDA, "_X_AMZN_TRACE_ID": SAMPLED.replace("Sampled=1", "Sampled=0")})
    assert not tracing_on(ON_LAMBDA)


def test_outside_lambda_or_switched_off_nothing_is_traced() -> None:
    assert not tracing_on({"_X_AMZN_TRACE_ID": SAMPLED})
    assert not tracing_on({**ON_LAMBDA, "_X_AMZN_TRACE_ID": SAMPLED, "POWERTOOLS_TRACE_DISABLED": "true"})


def test_a_traced_use_case_outside_a_sampled_invocation_never_imports_the_sdk() -> None:
    probe = ("import sys; from chalicelib.observability import traced\n"
             "with traced('use case'): pass\n"
             "print('aws_xray_sdk' in sys.modules)")
    env = {"PATH": "/usr/bin:/bin", **ON_LAMBDA}
    out = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[2], env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
