"""The Zalo OA adapters over real HTTP, against the local stand-in for the OA API (devstack/zalo_oa.py)."""

from __future__ import annotations

import pytest

from chalicelib.adapters.zalo import AttachmentFetcher, OaError, ZaloOa
from chalicelib.ports import AttachmentRefused
from devstack.zalo_oa import ZaloOaStandIn, demo_photo

PHOTO_TYPES = ("image/jpeg", "image/png")


@pytest.fixture
def oa():
    server = ZaloOaStandIn().start()
    yield server
    server.stop()


def test_a_message_goes_to_the_oa_api_with_the_access_token(oa):
    ZaloOa(oa.url, lambda: "token-1").send_text("user-1", "Xin chào")
    assert oa.sent == [{"user_id": "user-1", "text": "Xin chào"}]
    [call] = [r for r in oa.requests if r["method"] == "POST"]
    assert call["path"] == "/v3.0/oa/message/cs" and call["headers"]["access_token"] == "token-1"


def test_an_oa_error_or_an_unreachable_api_raises_so_the_message_is_retried(oa):
    oa.failures = 1
    with pytest.raises(OaError, match="-216"):
        ZaloOa(oa.url, lambda: "token-1").send_text("user-1", "Xin chào")
    assert oa.sent == []
    oa.stop()
    with pytest.raises(OaError, match="unreachable"):
        ZaloOa(oa.url, lambda: "token-1").send_text("user-1", "Xin chào")


def test_an_attachment_from_an_allowed_host_is_fetched_with_its_type(oa):
    photo = demo_photo()
    oa.media["a.jpg"] = (photo, "image/jpeg; charset=binary")
    got = AttachmentFetcher([oa.host_port]).fetch(f"{oa.url}/media/a.jpg", 10**6, PHOTO_TYPES)
    assert (got.data, got.content_type) == (photo, "image/jpeg")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/media/a.jpg",  # loopback (not the allowed host:port)
    "http://10.0.0.5/a.jpg", "http://192.168.1.1/a.jpg", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/a.jpg", "http://[::ffff:127.0.0.1]/a.jpg", "http://0.0.0.0/a.jpg", "http://localhost/a.jpg",
    "file:///etc/passwd", "ftp://example.com/a.jpg", "http://user:pw@example.com/a.jpg", "http://:80/a.jpg",
])
def test_private_addresses_and_other_schemes_are_refused_before_connecting(url):
    with pytest.raises(AttachmentRefused) as refused:
        AttachmentFetcher().fetch(url, 10**6, PHOTO_TYPES)
    assert refused.value.reason == "address"


def test_the_allowed_host_is_exactly_its_host_and_port(oa):
    oa.media["a.jpg"] = (demo_photo(), "image/jpeg")
    with pytest.raises(AttachmentRefused) as refused:
        AttachmentFetcher(["127.0.0.1:1"]).fetch(f"{oa.url}/media/a.jpg", 10**6, PHOTO_TYPES)
    assert refused.value.reason == "address"
    assert not [r for r in oa.requests if r["path"] == "/media/a.jpg"]


def test_a_redirect_is_not_followed(oa):
    oa.redirects["moved.jpg"] = "http://169.254.169.254/latest/meta-data/"
    with pytest.raises(AttachmentRefused) as refused:
        AttachmentFetcher([oa.host_port]).fetch(f"{oa.url}/media/moved.jpg", 10**6, PHOTO_TYPES)
    assert refused.value.reason == "fetch"


def test_a_wrong_type_a_missing_file_and_an_oversized_body_are_refused(oa):
    fetcher = AttachmentFetcher([oa.host_port])
    oa.media["page.html"] = (b"<html></html>", "text/html")
    oa.media["big.jpg"] = (b"\xff" * 2048, "image/jpeg")
    for name, limit, reason in (("page.html", 10**6, "type"), ("gone.jpg", 10**6, "fetch"), ("big.jpg", 1024, "size")):
        with pytest.raises(AttachmentRefused) as refused:
            fetcher.fetch(f"{oa.url}/media/{name}", limit, PHOTO_TYPES)
        assert refused.value.reason == reason, name
