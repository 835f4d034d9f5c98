"""The media bucket: presigned uploads and downloads (signing makes no network call)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.adapters.aws import AwsAdapter
from chalicelib.ports import PresignedPost


class MediaBucket(AwsAdapter):
    """S3 access for one province's media bucket; the client is built on first use."""

    service = "s3"

    def client_config(self) -> Any:
        """SigV4 (presigned POSTs need it); path-style addressing against a local endpoint."""
        from botocore.config import Config

        local = bool(self._settings.endpoint_url)
        return Config(signature_version="s3v4", s3={"addressing_style": "path" if local else "auto"})

    def presigned_post(self, key: str, content_type: str, max_bytes: int) -> PresignedPost:
        """A browser-ready POST that S3 itself limits to this key, type and size, for the stage's TTL."""
        ttl = self._settings.presign_ttl_seconds
        post = self.client.generate_presigned_post(
            Bucket=self._settings.media_bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=ttl,
        )
        return PresignedPost(url=post["url"], fields=dict(post["fields"]), expires_in=ttl)

    def presigned_get(self, key: str, ttl_seconds: int = 300, version_id: str | None = None,
                      content_type: str | None = None) -> str:
        """A short-lived link; `version_id` pins the vetted upload, `content_type` is what the browser is told."""
        params: dict[str, Any] = {"Bucket": self._settings.media_bucket, "Key": key}
        if version_id:
            params["VersionId"] = version_id
        if content_type:
            params["ResponseContentType"] = content_type
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=ttl_seconds)

    # -- what the thumbnailer needs (one call each) ---------------------------------
    def _where(self, key: str, version_id: str | None) -> dict[str, Any]:
        where = {"Bucket": self._settings.media_bucket, "Key": key}
        return {**where, "VersionId": version_id} if version_id else where

    def stat(self, key: str, version_id: str | None = None) -> dict[str, Any] | None:
        """Size and version id of an object, or None when it is gone."""
        from botocore.exceptions import ClientError

        kwargs = self._where(key, version_id)
        try:
            head = self.client.head_object(**kwargs)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NoSuchVersion", "405"):
                return None
            raise
        return {"size": head["ContentLength"], "version_id": head.get("VersionId")}

    def read(self, key: str, version_id: str | None = None) -> bytes:
        kwargs = self._where(key, version_id)
        return self.client.get_object(**kwargs)["Body"].read()

    def read_range(self, key: str, start: int, length: int, version_id: str | None = None) -> bytes:
        """`length` bytes from `start` (fewer at the end of the object)."""
        kwargs = {**self._where(key, version_id), "Range": f"bytes={start}-{start + length - 1}"}
        return self.client.get_object(**kwargs)["Body"].read()

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self._settings.media_bucket, Key=key, Body=data, ContentType=content_type,
                               CacheControl="private, max-age=86400")

    def delete(self, key: str, version_id: str | None = None) -> None:
        """Delete an object; with `version_id`, that version for good (not just a delete marker)."""
        kwargs = self._where(key, version_id)
        self.client.delete_object(**kwargs)

    # -- what the retention rule needs: every version under a prefix, deleted for good ------------
    def versions(self, prefix: str) -> list[tuple[str, str]]:
        """(key, version id) of each version and delete marker under `prefix` (ListObjectVersions, paginated)."""
        found: list[tuple[str, str]] = []
        pages = self.client.get_paginator("list_object_versions").paginate(
            Bucket=self._settings.media_bucket, Prefix=prefix)
        for page in pages:
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                found.append((entry["Key"], entry["VersionId"]))
        return found

    def delete_versions(self, versions: Sequence[tuple[str, str]]) -> None:
        """DeleteObjects with each VersionId (up to 1,000 a call): versions are gone, not hidden behind a marker.

        A version already deleted is no error (S3 answers it as deleted); any other refusal raises, so the
        caller does not record the originals as removed.
        """
        for start in range(0, len(versions), _DELETE_BATCH):
            batch = [{"Key": key, "VersionId": version} for key, version in versions[start:start + _DELETE_BATCH]]
            answer = self.client.delete_objects(Bucket=self._settings.media_bucket,
                                                Delete={"Objects": batch, "Quiet": True})
            errors = answer.get("Errors") or []
            if errors:
                raise RuntimeError(f"S3 kept {len(errors)} object version(s): {errors[0].get('Code')}")


_DELETE_BATCH = 1000  # DeleteObjects' limit
