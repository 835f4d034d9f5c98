"""One boto3 client per adapter, for the stage's region and endpoint, built on first use.

Never at import: a client made before moto starts is not mocked, and an
unused client is cold-start time wasted.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from chalicelib.config import Settings

_CREATE_LOCK = threading.Lock()


def _boto3_session() -> Any:
    """boto3's default session (tests hook its events; a test that replaces it is followed), its client
    creation made safe across threads."""
    import boto3

    session = boto3._get_default_session()
    core = session._session
    if not getattr(core, "_phananh_locked", False):
        def create_client(*args: Any, **kwargs: Any) -> Any:
            # The class's method, looked up on each call: a hook set on it later (bench/aws_calls.py counts
            # each block's new clients) is followed, not only the one present on the first call.
            with _CREATE_LOCK:
                return type(core).create_client(core, *args, **kwargs)

        core.create_client, core._phananh_locked = create_client, True
    return session


def botocore_session() -> Any:
    """The process's one botocore session (boto3's default one): boto3's clients and PynamoDB's
    (storage/dynamo.py) share it, so a service's model and the endpoint data are read and parsed once,
    not once per client (~40-70 ms each on a cold start).

    botocore sessions are not meant to build clients from several threads at once (`chalice local`, the
    concurrency tests), so client creation takes a lock.
    """
    return _boto3_session()._session


def aws_client(service: str, settings: Settings, config: Any = None) -> Any:
    """A boto3 client for the stage (the local stack's endpoint when one is set), on the shared session."""
    return _boto3_session().client(service, region_name=settings.region, endpoint_url=settings.endpoint_url,
                                   config=config)


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
