"""The portal's hosting rules: clean URLs, the CSP, and the CloudFront resources built from them."""

from __future__ import annotations

import json
import subprocess

import pytest

from infra import portal_hosting
from infra.portal import content_security_policy, load_routes, route_file, security_headers

ROUTES = load_routes()


@pytest.mark.parametrize(("path", "file"), [
    ("/", "index.html"), ("/gui-phan-anh", "index.html"), ("/gui-phan-anh/", "index.html"),
    ("/tra-cuu", "tra-cuu/index.html"), ("/theo-doi/DLK-7KQ3-M9XD", "tra-cuu/index.html"),
    ("/ket-qua", "ket-qua/index.html"), ("/thong-ke", "thong-ke/index.html"), ("/assets/x.js", None),
])
def test_clean_urls_map_to_built_pages(path, file):
    assert route_file(path, ROUTES) == file


def test_the_csp_allows_scripts_and_styles_from_self_only():
    csp = content_security_policy(connect=["http://127.0.0.1:8000"], images=["http://127.0.0.1:5000"])
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    assert "connect-src 'self' http://127.0.0.1:8000" in csp and "frame-ancestors 'none'" in csp
    local = security_headers(csp, https=False)
    assert "upgrade-insecure-requests" not in local["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in local
    assert "Strict-Transport-Security" in security_headers(csp, https=True)


def test_cloudfront_reads_a_private_bucket_through_oac_and_sends_the_api_under_its_path():
    res, outputs = portal_hosting.resources()
    bucket = res["PortalBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    config = res["PortalDistribution"]["Properties"]["DistributionConfig"]
    s3, api = config["Origins"]
    assert s3["OriginAccessControlId"] == {"Fn::GetAtt": ["PortalOac", "Id"]}
    assert [b["PathPattern"] for b in config["CacheBehaviors"]] == ["/api/*"]
    assert config["CacheBehaviors"][0]["TargetOriginId"] == api["Id"]
    grant = res["PortalBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert grant["Principal"] == {"Service": "cloudfront.amazonaws.com"} and "AWS:SourceArn" in str(grant)
    csp = res["PortalHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"][
        "ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert {"PortalBucketName", "PortalDistributionId", "PortalUrl"} <= set(outputs)


def test_the_cloudfront_function_routes_as_the_local_server_does():
    code = portal_hosting.rewrite_function_code(ROUTES)
    script = code + "\nconsole.log(JSON.stringify(['/', '/tra-cuu/', '/theo-doi/X-1', '/api/reports', "\
        "'/assets/a.js'].map(u => handler({request: {uri: u}}).uri)));"
    try:
        out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=30).stdout
    except FileNotFoundError:
        pytest.skip("node is not installed (make web needs it too)")
    assert json.loads(out) == ["/index.html", "/tra-cuu/index.html", "/tra-cuu/index.html", "/api/reports",
                               "/assets/a.js"]
