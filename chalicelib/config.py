"""Settings read from the stage's environment, once per process, and checked when read.

Two things live here: `Settings`, what the services need (tables, bucket,
topics, sign-in), and `EventSources`, what Chalice needs while the handler
modules are imported (queue, stream and schedule names). Both come from the
same environment, so a name is derived in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

# Function names (Chalice handler names) the infra's IAM policies and alarms refer to.
API_FUNCTION = "api_handler"
THUMBNAIL_FUNCTION = "make_thumbnails"
NOTIFY_FUNCTION = "notify_report_changes"
STATS_FUNCTION = "update_statistics"
SWEEP_FUNCTION = "sla_sweep"
DIGEST_FUNCTION = "daily_digest"
CLOSE_FUNCTION = "close_expired_reports"
RETENTION_FUNCTION = "apply_retention"
INBOX_FUNCTION = "read_inbound_mail"
ZALO_FUNCTION = "handle_zalo_messages"


class SettingsError(ValueError):
    """The stage's environment is missing something or holds a value that cannot work."""


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
    # The stage's Secrets Manager secret (the cursor key; infra/province.json's StageSecrets).
    stage_secrets_arn: str = ""
    # Abuse-limit counters (storage/limits.py).
    limits_table: str = "phananh-dev-limits"
    # Derives each report's tracking token (rules/ids.tracking_token): never stored, so set per stage from its
    # secret store; changing it invalidates every token handed out before.
    tracking_token_secret: str = ""
    # "Me too" supporters of reports (storage/support.py).
    supporters_table: str = "phananh-dev-supporters"
    # Keys the hashes abuse limits count phones and source addresses under (rules/limits.keyed_hash).
    limits_hash_secret: str = ""
    # The address citizens e-mail reports to (the SES receipt rule's recipient; services/inbox.py).
    inbox_address: str = "tiepnhan@phananh.example.gov.vn"
    # The Zalo OA channel (services/zalo.py): the queue the webhook feeds, the secret holding the OA's
    # `oa_secret_key` (verifies webhook signatures) and `access_token` (the OA message API), that API's base
    # address, the hosts (host:port) an attachment may come from besides public addresses (a local test
    # server), and how long an unfinished conversation's draft lives.
    zalo_queue_url: str = ""
    zalo_secret_arn: str = ""
    zalo_api_base_url: str = "https://openapi.zalo.me"
    zalo_media_allowed_hosts: tuple[str, ...] = ()
    zalo_draft_ttl_seconds: int = 86_400

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
            limits_table=e.get("LIMITS_TABLE", f"{prefix}-limits"),
            media_bucket=e.get("MEDIA_BUCKET", f"{prefix}-media"),
            region=e.get("AWS_REGION") or e.get("AWS_DEFAULT_REGION") or "ap-southeast-1",
            endpoint_url=e.get("AWS_ENDPOINT_URL") or None,
            supporters_table=e.get("SUPPORTERS_TABLE", f"{prefix}-supporters"),
            agency_alerts_topic_arn=e.get("AGENCY_ALERTS_TOPIC_ARN", ""),
            ioc_alerts_topic_arn=e.get("IOC_ALERTS_TOPIC_ARN", ""),
            ses_sender=e.get("SES_SENDER", "no-reply@phananh.example.gov.vn"),
            idempotency_ttl_seconds=_positive_int(e, "IDEMPOTENCY_TTL_SECONDS", 86_400),
            presign_ttl_seconds=_positive_int(e, "PRESIGN_TTL_SECONDS", 900),
            staff_user_pool_id=e.get("STAFF_USER_POOL_ID", ""),
            staff_client_ids=tuple(c for c in e.get("STAFF_CLIENT_IDS", "").replace(" ", "").split(",") if c),
            staff_issuer=e.get("STAFF_ISSUER", ""),
            staff_jwks_url=e.get("STAFF_JWKS_URL", ""),
            cursor_secret=e.get("CURSOR_SECRET", ""),
            stage_secrets_arn=e.get("STAGE_SECRETS_ARN", ""),
            tracking_token_secret=e.get("TRACKING_TOKEN_SECRET", ""),
            limits_hash_secret=e.get("LIMITS_HASH_SECRET", ""),
            inbox_address=e.get("INBOX_ADDRESS", "tiepnhan@phananh.example.gov.vn"),
            zalo_queue_url=e.get("ZALO_QUEUE_URL", ""),
            zalo_secret_arn=e.get("ZALO_SECRET_ARN", ""),
            zalo_api_base_url=e.get("ZALO_API_BASE_URL") or "https://openapi.zalo.me",
            zalo_media_allowed_hosts=tuple(
                h for h in e.get("ZALO_MEDIA_ALLOWED_HOSTS", "").replace(" ", "").split(",") if h),
            zalo_draft_ttl_seconds=_positive_int(e, "ZALO_DRAFT_TTL_SECONDS", 86_400),
        )


    def check(self) -> Settings:
        """Refuse, at start, settings that would only fail later (a notice sent to no topic, a silent sign-in).

        On Lambda against AWS itself (no local endpoint) both alert topics
        and the staff user pool must be named; a local stack and the tests
        provision what they use.
        """
        on_aws = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) and not self.endpoint_url
        missing = [name for name, value in (
            ("AGENCY_ALERTS_TOPIC_ARN", self.agency_alerts_topic_arn),
            ("IOC_ALERTS_TOPIC_ARN", self.ioc_alerts_topic_arn),
            ("STAFF_USER_POOL_ID", self.staff_user_pool_id),
        ) if not value]
        if on_aws and missing:
            raise SettingsError(f"stage {self.stage!r} is missing {', '.join(missing)}")
        if not self.zalo_api_base_url.startswith(("https://", "http://")):
            raise SettingsError(f"ZALO_API_BASE_URL is not an http(s) address: {self.zalo_api_base_url!r}")
        for name, arn in (("AGENCY_ALERTS_TOPIC_ARN", self.agency_alerts_topic_arn),
                          ("IOC_ALERTS_TOPIC_ARN", self.ioc_alerts_topic_arn)):
            if arn and not arn.startswith("arn:"):
                raise SettingsError(f"{name} is not an ARN: {arn!r}")
        return self


def _positive_int(env: dict[str, str] | os._Environ[str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number of seconds, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, not {value}")
    return value


@cache
def settings() -> Settings:
    """The process's settings, checked (cached; tests call `settings.cache_clear()`)."""
    return Settings.from_env().check()


@dataclass(frozen=True)
class EventSources:
    """The names Chalice reads while decorating the event handlers (handlers/sources.py)."""

    stage: str
    thumbnail_queue: str
    reports_stream_arn: str
    sla_sweep_minutes: int
    inbound_mail_topic: str = "phananh-dev-inbound-mail"
    zalo_queue: str = "phananh-dev-zalo.fifo"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> EventSources:
        """STAGE is set in Lambda and by `make package`; the stream ARN is rewired by infra/'s merge template."""
        e = os.environ if env is None else env
        stage = e.get("STAGE", "dev")
        return cls(
            stage=stage,
            thumbnail_queue=f"phananh-{stage}-thumbnails",
            reports_stream_arn=e.get(
                "REPORTS_STREAM_ARN",
                f"arn:aws:dynamodb:ap-southeast-1:123456789012:table/phananh-{stage}-reports/stream/"
                "2026-01-01T00:00:00.000"),
            sla_sweep_minutes=_positive_int(e, "SLA_SWEEP_MINUTES", 15),
            inbound_mail_topic=f"phananh-{stage}-inbound-mail",
            zalo_queue=f"phananh-{stage}-zalo.fifo",
        )
