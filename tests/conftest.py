"""Shared fixtures: a province provisioned on moto from infra/, and the app's client."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Tests never reach AWS: fake credentials, a fixed region, no account endpoints.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="ap-southeast-1",
    AWS_REGION="ap-southeast-1",
    AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    POWERTOOLS_METRICS_NAMESPACE="Phananh",
    POWERTOOLS_DEV="false",
)
os.environ.pop("AWS_ENDPOINT_URL", None)


@pytest.fixture
def aws() -> Iterator[None]:
    """moto for everything AWS, for the length of one test."""
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def province(aws, monkeypatch: pytest.MonkeyPatch):
    """Stage 'dev' (Đắk Lắk's profile) provisioned on moto from infra/province.json."""
    from chalicelib import container
    from devstack.provision import provision

    stack = provision("dev")
    for key, value in {**stack.environment, "PROVINCE": "daklak"}.items():
        monkeypatch.setenv(key, value)
    container.reset()
    yield stack
    container.reset()


@pytest.fixture
def client(province):
    """The Chalice app under chalice.test.Client, on the provisioned province."""
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="dev") as c:
        yield c


def pytest_configure(config) -> None:
    """Record each Lambda function's AWS calls (tests/iam_recording.py); the controller clears the last run's."""
    import iam_recording

    iam_recording.install()
    checking = any("check_iam_policies" in str(arg) for arg in config.args)
    if not hasattr(config, "workerinput") and not checking:
        iam_recording.clear()


def pytest_sessionfinish(session) -> None:
    import iam_recording

    iam_recording.write(iam_recording.worker_id())
