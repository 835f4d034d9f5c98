"""One boto3 client per adapter, for the stage's region and endpoint, built on first use.

Never at import: a client made before moto starts is not mocked, and an
unused client is cold-start time wasted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from chalicelib.config import Settings


def aws_client(service: str, settings: Settings, config: Any = None) -> Any:
    """A boto3 client for the stage (the local stack's endpoint when one is set)."""
    import boto3

    return boto3.client(service, region_name=settings.region, endpoint_url=settings.endpoint_url, config=config)


class AwsAdapter:
    """Base of the adapters: settings in, a lazily built client of `service` out (or one given by a test)."""

    service: ClassVar[str]

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self._settings = settings
        self._client = client

    def client_config(self) -> Any:
        """botocore Config for the client (None: the defaults)."""
        return None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = aws_client(self.service, self._settings, self.client_config())
        return self._client
