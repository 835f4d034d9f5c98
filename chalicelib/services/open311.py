"""Open311 GeoReport v2: reads anyone may make, POSTs on an API key through the citizen intake, the admin's keys.

A POST is the same submission as `POST /reports` (services/intake.py: routing by the point, the due date,
urgency, the phone's daily limit), made on the `app` channel with the key's name as the channel's client
and the key's hourly quota in the report's own transaction. A retried identical POST is answered from the
idempotency record (its key is a digest of the API key's id and the form's fields), so it files nothing new.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import ApiKey, ApiKeysPort, KeyNameTaken, ReportsPort, RequestWindowPort
from chalicelib.rules import ids, open311
from chalicelib.rules.actors import PROVINCE_ADMIN, Actor
from chalicelib.rules.errors import Conflict, Forbidden, InvalidInput, NotFound, several
from chalicelib.rules.limits import KEY_HOUR, quota
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import Report
from chalicelib.schemas.open311 import Open311Post, RequestsQuery
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import open311 as views

if TYPE_CHECKING:
    from chalicelib.services.intake import IntakeService
    from chalicelib.services.media import MediaService

KEY_NAME_PUNCTUATION = frozenset(" .-_")


class Open311Service:
    """The GeoReport v2 use cases of one province."""

    def __init__(self, profile: ProvinceProfile, reports: ReportsPort, window: RequestWindowPort, keys: ApiKeysPort,
                 intake: IntakeService, media: MediaService | None = None, clock: Clock = utc_now, *,
                 token_key: bytes, key_secret: bytes, limits_key: bytes) -> None:
        self.profile = profile
        self._reports = reports
        self._window = window
        self._keys = keys
        self._intake = intake
        self._media = media
        self._clock = clock
        self._token_key = token_key
        self._key_secret = key_secret
        self._limits_key = limits_key

    # -- who asks ----------------------------------------------------------------------------------------------
    def jurisdictions(self) -> tuple[str, ...]:
        """The jurisdiction_id values we answer to: the province's slug and its public site's host."""
        host = self.profile.public_base_url.split("://", 1)[-1].split("/", 1)[0]
        return (self.profile.slug, host)

    def check_jurisdiction(self, jurisdiction_id: str | None) -> None:
        if jurisdiction_id and jurisdiction_id.strip() not in self.jurisdictions():
            raise NotFound("open311_unknown_jurisdiction", "jurisdiction_id", value=jurisdiction_id[:80],
                           expected=self.jurisdictions()[0])

    def authenticate(self, api_key: str | None) -> ApiKey:
        """The live key behind `api_key`; 403 for none, an unknown one or a revoked one."""
        if not api_key:
            raise Forbidden("open311_key_required", "api_key")
        found = self._keys.by_digest(open311.key_digest(self._key_secret, api_key))
        if found is None or found.revoked_at is not None:
            raise Forbidden("open311_key_invalid", "api_key")
        return found

    def knows_service(self, code: str) -> bool:
        """A service code a POST may name: an active category."""
        return self.profile.category(code) is not None

    # -- reads -------------------------------------------------------------------------------------------------
    def discovery(self, base_url: str) -> dict[str, Any]:
        return views.discovery(self.profile, base_url)

    def services(self) -> list[dict[str, Any]]:
        return [views.service(self.profile, c) for c in self.profile.active_categories()]

    def service_definition(self, code: str) -> dict[str, Any]:
        category = self.profile.category(code)
        if category is None or not open311.ATTRIBUTES:
            raise NotFound("open311_service_not_found", "service_code", value=code[:80])
        return views.service_definition(category)

    @trace_use_case
    def requests(self, q: RequestsQuery) -> list[dict[str, Any]]:
        """GET requests: the ids asked for (which override the rest), else the window's newest 1,000."""
        if q.ids:
            found = [self._reports.get(ids.normalise_report_id(i)) for i in q.ids]
            return [views.service_request(self.profile, f[0]) for f in found if f is not None]
        unknown = [c for c in q.service_codes if self.profile.any_category(c) is None]
        if unknown:
            raise several([InvalidInput("unknown_category", "service_code", value=c[:80]) for c in unknown])
        window = open311.request_window(q.start, q.end, self._clock())
        statuses: set[str] = set()
        for s in q.statuses:
            statuses |= open311.STATUS_FILTERS[s]
        reports = self._window.received_between(self.profile.province_code, window.start, window.end,
                                                categories=q.service_codes, statuses=statuses,
                                                limit=open311.MAX_RESULTS)
        return [views.service_request(self.profile, r) for r in reports]

    @trace_use_case
    def request(self, request_id: str) -> list[dict[str, Any]]:
        """requests/{id}: a one-element list, with the published result's first photo when there is one."""
        found = self._reports.get(ids.normalise_report_id(request_id))
        if found is None:
            raise NotFound("open311_request_not_found", "service_request_id", value=request_id[:80])
        report = found[0]
        return [views.service_request(self.profile, report, self._photo(report))]

    def _photo(self, report: Report) -> str | None:
        """A public rendition of the shown round's evidence (as the public page shows it), or None."""
        shown = open311.shown_round(report)
        wanted = set((shown.result or {}).get("media_ids", []))
        if not wanted or shown.status not in {"published", "closed"} or self._media is None:
            return None
        for photo in self._media.public_media(report.id, ("evidence",)):
            if photo["media_id"] in wanted and photo["renditions"]:
                return str(photo["renditions"][-1]["url"])
        return None

    def token(self, token: str) -> list[dict[str, Any]]:
        report_id = open311.report_of_token(self._token_key, token)
        if self._reports.get(report_id) is None:
            raise NotFound("open311_token_not_found", "token")
        return [views.token_item(report_id, token)]

    # -- the POST ----------------------------------------------------------------------------------------------
    @trace_use_case
    def submit(self, key: ApiKey, post: Open311Post, lambda_context: Any = None) -> list[dict[str, Any]]:
        """File the report through the citizen intake on the key's quota (`key` from `authenticate`); answer its
        id, token and notice."""
        from chalicelib.services.intake import IntakeClient

        now = self._clock()
        key_quota = quota(KEY_HOUR, self._limits_key, key.key_id, self.profile.open311.posts_per_key_per_hour, now)
        client = IntakeClient(name=key.name, quotas=(key_quota,), media_urls=post.media_urls)
        receipt, replayed = self._intake.submit(post.intake, idempotency_key=self._retry_key(key, post),
                                                lambda_context=lambda_context, client=client)
        report_id = receipt["id"]
        self._keys.record_report(key.digest, report_id)  # a set: a replay after a failure here completes it
        emit("Open311Posts", province=self.profile.slug, replayed=str(replayed).lower())
        logger.info("open311 request filed", extra={"report_id": report_id, "client": key.name,
                                                    "replayed": replayed})
        return [views.posted(self.profile, receipt, open311.request_token(self._token_key, report_id),
                             post.account_id)]

    @staticmethod
    def _retry_key(key: ApiKey, post: Open311Post) -> str:
        """The idempotency key of a POST: the same API key with the same fields is the same request."""
        fields = {"intake": post.intake.model_dump(mode="json"), "account_id": post.account_id,
                  "device_id": post.device_id, "media": list(post.media_urls)}
        digest = hashlib.sha256(json.dumps({"key": key.key_id, **fields}, sort_keys=True).encode()).hexdigest()
        return f"open311-{digest[:48]}"

    # -- the admin's keys --------------------------------------------------------------------------------------
    @staticmethod
    def _admin(actor: Actor) -> None:
        if PROVINCE_ADMIN not in actor.roles:
            raise Forbidden("action_forbidden", action="open311_keys")

    def issue_key(self, actor: Actor, name: str) -> dict[str, Any]:
        self._admin(actor)
        name = " ".join(name.split())
        if not 2 <= len(name) <= 64 or not all(ch.isalnum() or ch in KEY_NAME_PUNCTUATION for ch in name):
            raise InvalidInput("open311_key_name", "name")
        api_key = open311.new_api_key()
        digest = open311.key_digest(self._key_secret, api_key)
        now = self._clock()
        try:
            self._keys.add(ApiKey(digest=digest, key_id=open311.key_id(digest), name=name, created_at=now,
                                  created_by=actor.id))
        except KeyNameTaken as exc:
            raise Conflict("open311_key_name_taken", "name", value=name) from exc
        logger.info("open311 key issued", extra={"key_id": open311.key_id(digest), "client": name})
        return views.key_issued(open311.key_id(digest), name, api_key, now)

    def list_keys(self, actor: Actor) -> dict[str, Any]:
        self._admin(actor)
        keys = sorted(self._keys.all(), key=lambda k: k.created_at)
        return {"keys": [views.key_entry(k.key_id, k.name, k.created_at, k.created_by, k.revoked_at,
                                         sorted(k.report_ids)) for k in keys]}

    def revoke_key(self, actor: Actor, key_id: str) -> dict[str, Any]:
        self._admin(actor)
        found = self._keys.revoke(key_id, actor.id, self._clock())
        if found is None:
            raise NotFound("open311_key_not_found", "key_id", value=key_id[:40])
        logger.info("open311 key revoked", extra={"key_id": key_id})
        return views.key_entry(found.key_id, found.name, found.created_at, found.created_by, found.revoked_at,
                               sorted(found.report_ids))


def seed_key(keys: ApiKeysPort, key_secret: bytes, name: str, api_key: str, now: datetime) -> str:
    """Store a known key (the local stack's demo key); its id. A key already there is left as it is."""
    digest = open311.key_digest(key_secret, api_key)
    if keys.by_digest(digest) is None:
        keys.add(ApiKey(digest=digest, key_id=open311.key_id(digest), name=name, created_at=now,
                        created_by="devstack"))
    return open311.key_id(digest)
