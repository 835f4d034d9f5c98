"""The composition root: the one place that knows which adapter and store stand behind each port.

`build(settings, clock)` gives one stage's set of services; each is built on
first use (a cold start pays only for what its first request needs) and
every one of them reads the same settings and the same clock. Handlers call
the module-level getters, which delegate to one cached set; tests under moto
call `reset()` to rebuild it inside their mock, and may replace `clock`
before that to move time for every service at once.
"""

from __future__ import annotations

from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from chalicelib.config import NOTIFY_FUNCTION, Settings, settings

if TYPE_CHECKING:
    from chalicelib.adapters.auth import JwksKeys, StaffAuthenticator
    from chalicelib.adapters.email import Mailer
    from chalicelib.adapters.s3 import MediaBucket
    from chalicelib.adapters.secrets import StageSecrets
    from chalicelib.adapters.zalo import ZaloSecret
    from chalicelib.rules.profile import ProvinceProfile
    from chalicelib.services.cases import CaseService
    from chalicelib.services.clock import Clock
    from chalicelib.services.digest import DigestService
    from chalicelib.services.inbox import InboxService
    from chalicelib.services.intake import IntakeService
    from chalicelib.services.media import MediaService
    from chalicelib.services.notify import NotifyService
    from chalicelib.services.open311 import Open311Service
    from chalicelib.services.originals import OriginalsService
    from chalicelib.services.places import PlacesService
    from chalicelib.services.portal import PortalService
    from chalicelib.services.retention import RetentionService
    from chalicelib.services.sla import SlaSweeper
    from chalicelib.services.staff_admin import StaffAdminService
    from chalicelib.services.stats import StatisticsService
    from chalicelib.services.support import SupportService
    from chalicelib.services.zalo import ZaloConversations, ZaloWebhook
    from chalicelib.storage.directory import DirectoryIndex
    from chalicelib.storage.media import MediaStore
    from chalicelib.storage.reports import ReportStore
    from chalicelib.storage.stream import StreamChange
    from chalicelib.storage.support import SupportStore


class Services:
    """One stage's services over one settings object and one clock; nothing is built before it is asked for."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        from chalicelib.services.clock import utc_now

        self.settings = settings
        self.clock = clock or utc_now
        self._bound = False

    @cached_property
    def profile(self) -> ProvinceProfile:
        from chalicelib.provinces import load_profile

        return load_profile(self.settings.province)

    def bind_storage(self) -> None:
        """Point PynamoDB's models at this stage's tables (once, before the first store is used)."""
        if not self._bound:
            from chalicelib.storage.models import bind

            bind(self.settings)
            self._bound = True

    @cached_property
    def reports(self) -> ReportStore:
        from chalicelib.storage.reports import ReportStore

        self.bind_storage()
        return ReportStore(cursor_secret=lambda: cursor_key(self.settings, self.stage_secrets))

    @cached_property
    def stage_secrets(self) -> StageSecrets:
        """The stage's Secrets Manager secret (read on first use, once per process)."""
        from chalicelib.adapters.secrets import StageSecrets

        return StageSecrets(self.settings)

    @cached_property
    def media_records(self) -> MediaStore:
        from chalicelib.storage.media import MediaStore

        self.bind_storage()
        return MediaStore()

    @cached_property
    def bucket(self) -> MediaBucket:
        from chalicelib.adapters.s3 import MediaBucket

        return MediaBucket(self.settings)

    @cached_property
    def mailer(self) -> Mailer:
        from chalicelib.adapters.email import Mailer

        return Mailer(self.settings)

    @cached_property
    def media(self) -> MediaService:
        """Upload offers, the thumbnailer and the media links (Pillow is imported on the first photo, not here)."""
        from chalicelib.adapters import imaging
        from chalicelib.services.media import MediaService

        s = self.settings
        return MediaService(s.province, s.media_bucket, self.media_records, self.bucket, imaging,
                            clock=self.clock, uploads=self.bucket)

    @cached_property
    def intake(self) -> IntakeService:
        from chalicelib.adapters.idempotency import IdempotentRunner
        from chalicelib.services.intake import IntakeService

        return IntakeService(self.profile, self.reports, self.media, once=IdempotentRunner(self.settings),
                             clock=self.clock, token_key=tracking_key(self.settings),
                             limits_key=limits_key(self.settings), nearby=self.support)

    @cached_property
    def inbox(self) -> InboxService:
        """The e-mail inbox: stored inbound mail into reports (with channel `email`) and answers."""
        from chalicelib.adapters import imaging
        from chalicelib.adapters.idempotency import IdempotentRunner
        from chalicelib.services.inbox import InboxService

        s = self.settings
        return InboxService(self.profile, self.intake, self.media, self.bucket, imaging, self.mailer,
                            IdempotentRunner(s), bucket_name=s.media_bucket,
                            own_addresses=frozenset({s.ses_sender, s.inbox_address}))

    @cached_property
    def cases(self) -> CaseService:
        """The workflow's use cases: staff actions and views, citizen feedback/reopen, the public portal."""
        from chalicelib.services.cases import CaseService

        return CaseService(self.profile, self.reports, self.media, clock=self.clock, merger=self.support_store,
                           supporters=self.support_store, limits_key=limits_key(self.settings))

    @cached_property
    def support_store(self) -> SupportStore:
        """The nearby-cell index, the supporters and the merge transaction."""
        from chalicelib.storage.support import SupportStore

        self.bind_storage()
        return SupportStore()

    @cached_property
    def support(self) -> SupportService:
        """Nearby candidates and "me too" supports."""
        from chalicelib.services.support import SupportService

        return SupportService(self.profile, self.reports, self.support_store, self.support_store, clock=self.clock,
                              token_key=tracking_key(self.settings), limits_key=limits_key(self.settings))

    @cached_property
    def retention(self) -> RetentionService:
        """The reporter's data rights: my-data and erase."""
        from chalicelib.services.retention import RetentionService
        from chalicelib.storage.erasure import ErasureStore

        self.bind_storage()
        return RetentionService(self.profile, self.reports, ErasureStore(), self.support_store, clock=self.clock,
                                limits_key=limits_key(self.settings))

    @cached_property
    def originals(self) -> OriginalsService:
        """The retention rule for media originals (deleted some days after publication)."""
        from chalicelib.services.originals import OriginalsService
        from chalicelib.storage.originals import OriginalsStore

        self.bind_storage()
        return OriginalsService(self.profile, OriginalsStore(), self.media_records, self.bucket, clock=self.clock)

    @cached_property
    def portal(self) -> PortalService:
        """The public portal's reads."""
        from chalicelib.services.portal import PortalService

        return PortalService(self.profile, self.reports, self.reports, self.media)

    @cached_property
    def places(self) -> PlacesService:
        """Ward lookups on the province's 2025 map."""
        from chalicelib.services.places import PlacesService

        return PlacesService(self.profile)

    @cached_property
    def sla_sweeper(self) -> SlaSweeper:
        from chalicelib.services.sla import SlaSweeper
        from chalicelib.storage.sla import SlaStore

        self.bind_storage()
        return SlaSweeper(self.profile, SlaStore(), clock=self.clock)

    @cached_property
    def digest(self) -> DigestService:
        from chalicelib.services.digest import DigestService
        from chalicelib.storage.sla import SlaStore
        from chalicelib.storage.stats import StatsStore

        self.bind_storage()
        return DigestService(self.profile, SlaStore(), self.mailer, claims=StatsStore(), clock=self.clock,
                             contacts=self.directory_index)

    @cached_property
    def statistics(self) -> StatisticsService:
        from chalicelib.services.stats import StatisticsService
        from chalicelib.storage.stats import StatsStore

        self.bind_storage()
        return StatisticsService(self.profile, StatsStore(), clock=self.clock)

    @cached_property
    def notifier(self) -> NotifyService:
        from chalicelib.adapters.notice_ledger import NoticeLedger
        from chalicelib.adapters.sns import SnsAlerts
        from chalicelib.notices import load_templates
        from chalicelib.services.notify import NotifyService
        from chalicelib.storage.limits import LimitStore

        s = self.settings
        self.bind_storage()
        return NotifyService(
            self.profile,
            load_templates(),
            topics=SnsAlerts(s),
            mail=self.mailer,
            ledger=NoticeLedger(s, key_prefix=NOTIFY_FUNCTION),
            agency_topic_arn=s.agency_alerts_topic_arn,
            ioc_topic_arn=s.ioc_alerts_topic_arn,
            limits=LimitStore(),
            limits_key=limits_key(s),
            contacts=self.directory_index,
            supporters=self.support_store,
        )

    @cached_property
    def open311(self) -> Open311Service:
        """Open311 GeoReport v2: reads, POSTs through the intake on an API key, the admin's keys."""
        from chalicelib.services.open311 import Open311Service
        from chalicelib.storage.open311_keys import ApiKeyStore

        self.bind_storage()
        s = self.settings
        return Open311Service(self.profile, self.reports, self.reports, ApiKeyStore(), self.intake, self.media,
                              clock=self.clock, token_key=tracking_key(s), key_secret=open311_key_secret(s),
                              limits_key=limits_key(s))

    @cached_property
    def staff_auth(self) -> StaffAuthenticator:
        """Verifies staff ID tokens; its key cache lives as long as the process."""
        from chalicelib.adapters.auth import StaffAuthenticator
        from chalicelib.storage.revocations import RevocationStore

        self.bind_storage()
        return StaffAuthenticator(self.settings, keys=self.staff_keys, clock=self.clock,
                                  revoked_at=RevocationStore().revoked_at)

    @cached_property
    def staff_keys(self) -> JwksKeys:
        """The staff pool's signing keys, fetched once per process (prefetched by the first staff request)."""
        from chalicelib.adapters.auth import JwksKeys, jwks_url_of

        return JwksKeys(jwks_url_of(self.settings))

    @cached_property
    def staff_admin(self) -> StaffAdminService:
        """Disable, regroup or sign out staff, each with its revocation marker (scripts/staff_admin.py)."""
        from chalicelib.adapters.cognito_admin import CognitoDirectory
        from chalicelib.services.staff_admin import StaffAdminService
        from chalicelib.storage.revocations import RevocationStore

        self.bind_storage()
        return StaffAdminService(CognitoDirectory(self.settings), RevocationStore(), clock=self.clock,
                                 index=self.directory_index, profile=self.profile)

    @cached_property
    def directory_index(self) -> DirectoryIndex:
        """The staff directory index (agency -> its people's e-mail, one query) and its audit rows."""
        from chalicelib.storage.directory import DirectoryIndex

        self.bind_storage()
        return DirectoryIndex(cursor_secret=lambda: cursor_key(self.settings, self.stage_secrets))

    @cached_property
    def zalo_secret(self) -> ZaloSecret:
        """The stage's Zalo secret (ZALO_SECRET_ARN): `oa_secret_key`, `access_token`; read once per process."""
        from chalicelib.adapters.zalo import ZaloSecret

        return ZaloSecret(self.settings)

    @cached_property
    def zalo_webhook(self) -> ZaloWebhook:
        """The Zalo OA webhook: signature check, then the event on the channel's queue."""
        from chalicelib.adapters.sqs import ZaloQueue
        from chalicelib.services.zalo import ZaloWebhook

        s = self.settings
        secret = (lambda: self.zalo_secret.get("oa_secret_key")) if s.zalo_secret_arn else None
        return ZaloWebhook(secret, ZaloQueue(s), zalo_key(s), clock=self.clock, province=self.profile.slug)

    @cached_property
    def zalo_conversations(self) -> ZaloConversations:
        """The Zalo queue's handler: drafts in the limits table, the OA message API, attachments, intake."""
        from chalicelib.adapters.zalo import AttachmentFetcher, ZaloOa
        from chalicelib.services.zalo import ZaloConversations
        from chalicelib.storage.zalo import ZaloDraftStore

        s = self.settings
        self.bind_storage()
        oa = ZaloOa(s.zalo_api_base_url, lambda: self.zalo_secret.get("access_token"))
        return ZaloConversations(self.profile, ZaloDraftStore(), oa, AttachmentFetcher(s.zalo_media_allowed_hosts),
                                 self.bucket, self.media, self.intake, key=zalo_key(s), clock=self.clock,
                                 draft_ttl_seconds=s.zalo_draft_ttl_seconds)


def cursor_key(s: Settings, secrets: StageSecrets | None = None) -> bytes:
    """The key list cursors are signed with.

    On a deployed stage it is the stage secret's `cursor_key` (STAGE_SECRETS_ARN,
    random per stack, read once). CURSOR_SECRET, if set, is used instead. Without
    either (`chalice local`, the tests) it is derived from the stage's own names:
    cursors still cannot reach outside their query's partition
    (storage/queries.py checks the decoded key), only forge-proofing weakens.
    """
    import hashlib

    if s.cursor_secret:
        secret = s.cursor_secret
    elif s.stage_secrets_arn:
        if secrets is None:
            from chalicelib.adapters.secrets import StageSecrets

            secrets = StageSecrets(s)
        secret = secrets.get("cursor_key")
    else:
        secret = f"{s.stage}|{s.reports_table}|{s.staff_user_pool_id}"
    return hashlib.sha256(secret.encode()).digest()


def tracking_key(s: Settings) -> bytes:
    """The key tracking tokens are derived under (rules/ids.tracking_token).

    A deployed stage sets TRACKING_TOKEN_SECRET from its secret store; without
    it (the local stack, tests) the key is derived from the stage's own names,
    so tokens still work but anyone who knows the names could derive them.
    """
    import hashlib

    secret = s.tracking_token_secret or f"tracking|{s.stage}|{s.reports_table}|{s.staff_user_pool_id}"
    return hashlib.sha256(secret.encode()).digest()


def limits_key(s: Settings) -> bytes:
    """The key abuse limits hash phones and source addresses under (rules/limits.keyed_hash)."""
    import hashlib

    secret = s.limits_hash_secret or f"limits|{s.stage}|{s.limits_table}|{s.staff_user_pool_id}"
    return hashlib.sha256(secret.encode()).digest()


def zalo_key(s: Settings) -> bytes:
    """The key Zalo user and message ids are hashed under before they are stored (rules/zalo.keyed)."""
    import hashlib

    return hashlib.sha256(b"zalo|" + limits_key(s)).digest()


def open311_key_secret(s: Settings) -> bytes:
    """The key Open311 API keys are digested under (rules/open311.key_digest): the abuse limits' secret, or the
    stage's own names without one (the local stack's demo key is digested the same way)."""
    import hashlib

    secret = s.limits_hash_secret or f"open311|{s.stage}|{s.stats_table}|{s.staff_user_pool_id}"
    return hashlib.sha256(f"open311-keys|{secret}".encode()).digest()


def build(settings: Settings, clock: Clock | None = None) -> Services:
    """One stage's services (built lazily, each once)."""
    return Services(settings, clock)


def clock() -> Clock:
    """The services' notion of now (tests replace this function, then call `reset()`)."""
    from chalicelib.services.clock import utc_now

    return utc_now


@cache
def services() -> Services:
    """The process's services, from its settings and clock."""
    return build(settings(), clock())


# The getters handlers call: each delegates to the one cached set of services.
def profile() -> ProvinceProfile:
    return services().profile


def _bound_storage() -> None:
    services().bind_storage()


def intake() -> IntakeService:
    return services().intake


def cases() -> CaseService:
    return services().cases


def inbox() -> InboxService:
    return services().inbox


def support() -> SupportService:
    return services().support


def retention() -> RetentionService:
    return services().retention


def originals() -> OriginalsService:
    return services().originals


def places() -> PlacesService:
    return services().places


def portal() -> PortalService:
    return services().portal


def media() -> MediaService:
    return services().media


def mailer() -> Mailer:
    return services().mailer


def sla_sweeper() -> SlaSweeper:
    return services().sla_sweeper


def digest() -> DigestService:
    return services().digest


def statistics() -> StatisticsService:
    return services().statistics


def notifier() -> NotifyService:
    return services().notifier


def staff_auth() -> StaffAuthenticator:
    return services().staff_auth


def staff_keys() -> JwksKeys:
    return services().staff_keys


def reset() -> None:
    """Forget the built services and the settings (tests, and a new stage in one process)."""
    services.cache_clear()
    settings.cache_clear()


def stream_change(record: dict[str, Any]) -> StreamChange:
    """One reports-stream record decoded (both stream consumers read it this one way)."""
    from chalicelib.storage.stream import decode

    services().bind_storage()
    return decode(record)


def open311() -> Open311Service:
    return services().open311


def staff_admin() -> StaffAdminService:
    return services().staff_admin


def zalo_webhook() -> ZaloWebhook:
    return services().zalo_webhook


def zalo_conversations() -> ZaloConversations:
    return services().zalo_conversations
