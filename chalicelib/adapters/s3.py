"""The media bucket: presigned uploads and downloads (signing makes no network call)."""

from __future__ import annotations

from typing import Any

from chalicelib.config import Settings


class MediaBucket:
    """S3 access for one province's media bucket; the client is built on first use."""

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self._settings = settings
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            s = self._settings
            config = Config(signature_version="s3v4", s3={"addressing_style": "path" if s.endpoint_url else "auto"})
            self._client = boto3.client("s3", region_name=s.region, endpoint_url=s.endpoint_url, config=config)
        return self._client

    def presigned_post(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
        """A browser-ready POST that S3 itself limits to this key, type and size."""
        return self.client.generate_presigned_post(
            Bucket=self._settings.media_bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=self._settings.presign_ttl_seconds,
        )

    def presigned_get(self, key: str, ttl_seconds: int = 300) -> str:
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self._settings.media_bucket, "Key": key}, ExpiresIn=ttl_seconds
        )
