"""Settings read from the stage's environment, once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Settings:
    """Everything a stage configures; one province per deployment."""

    stage: str
    province: str
    reports_table: str
    audit_table: str
    media_table: str
    idempotency_table: str
    media_bucket: str
    region: str
    endpoint_url: str | None
    agency_alerts_topic_arn: str = ""
    ioc_alerts_topic_arn: str = ""
    thumbnail_queue_url: str = ""
    ses_sender: str = "no-reply@phananh.example.gov.vn"
    idempotency_ttl_seconds: int = 86_400
    presign_ttl_seconds: int = 900
    # Agency statistics, the overdue list and stream/digest markers (storage/stats.py).
    stats_table: str = "phananh-dev-stats"
    # Staff sign-in (Cognito). The issuer defaults to the pool's AWS address; the
    # JWKS address is separate because a local moto server serves the keys at
    # its own address while its tokens still name the AWS host as issuer.
    staff_user_pool_id: str = ""
    staff_client_ids: tuple[str, ...] = ()
    staff_issuer: str = ""
    staff_jwks_url: str = ""
    # Signs list cursors so a client cannot forge one (set per stage in production).
    cursor_secret: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read the stage's environment (as .chalice/config.json or infra/ set it)."""
        e = os.environ if env is None else env
        stage = e.get("STAGE", "dev")
        prefix = f"phananh-{stage}"
        return cls(
            stage=stage,
            province=e.get("PROVINCE", "daklak"),
            reports_table=e.get("REPORTS_TABLE", f"{prefix}-reports"),
            audit_table=e.get("AUDIT_TABLE", f"{prefix}-audit"),
            media_table=e.get("MEDIA_TABLE", f"{prefix}-media"),
            stats_table=e.get("STATS_TABLE", f"{prefix}-stats"),
            idempotency_table=e.get("IDEMPOTENCY_TABLE", f"{prefix}-idempotency"),
            media_bucket=e.get("MEDIA_BUCKET", f"{prefix}-media"),
            region=e.get("AWS_REGION") or e.get("AWS_DEFAULT_REGION") or "ap-southeast-1",
            endpoint_url=e.get("AWS_ENDPOINT_URL") or None,
            agency_alerts_topic_arn=e.get("AGENCY_ALERTS_TOPIC_ARN", ""),
            ioc_alerts_topic_arn=e.get("IOC_ALERTS_TOPIC_ARN", ""),
            thumbnail_queue_url=e.get("THUMBNAIL_QUEUE_URL", ""),
            ses_sender=e.get("SES_SENDER", "no-reply@phananh.example.gov.vn"),
            idempotency_ttl_seconds=int(e.get("IDEMPOTENCY_TTL_SECONDS", "86400")),
            staff_user_pool_id=e.get("STAFF_USER_POOL_ID", ""),
            staff_client_ids=tuple(c for c in e.get("STAFF_CLIENT_IDS", "").replace(" ", "").split(",") if c),
            staff_issuer=e.get("STAFF_ISSUER", ""),
            staff_jwks_url=e.get("STAFF_JWKS_URL", ""),
            cursor_secret=e.get("CURSOR_SECRET", ""),
        )


@cache
def settings() -> Settings:
    """The process's settings (cached; tests call `settings.cache_clear()`)."""
    return Settings.from_env()
