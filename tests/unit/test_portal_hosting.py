"""The portal's hosting rules: clean URLs, the CSP, and the CloudFront resources built from them."""

from __future__ import annotations

import json
import subprocess

import pytest

from infra import portal_config, portal_hosting
from infra.portal import content_security_policy, load_routes, page_config, route_file, security_headers

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
    # the console signs staff in from the page: Cognito's API in the stack's region is reachable
    assert "https://cognito-idp.${AWS::Region}.amazonaws.com" in csp.split("connect-src", 1)[1].split(";")[0]
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


def test_the_pages_are_told_where_the_console_signs_in_only_when_both_parts_are_known():
    assert page_config("/api") == {"api_base": "/api", "tile_url": None, "tile_attribution": None}
    assert "cognito_endpoint" not in page_config("/api", cognito="https://c/", console_client_id=None)
    assert page_config("/api", cognito="https://c/", console_client_id="abc") == {
        "api_base": "/api", "tile_url": None, "tile_attribution": None,
        "cognito_endpoint": "https://c/", "cognito_client_id": "abc"}


def test_a_deployed_stages_config_comes_from_its_pool_and_console_client(capsys):
    assert portal_config.main(["--user-pool-id", "ap-southeast-1_AbC123xyZ", "--console-client-id", "4h2k9"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "api_base": "/api", "tile_url": None, "tile_attribution": None,
        "cognito_endpoint": "https://cognito-idp.ap-southeast-1.amazonaws.com/", "cognito_client_id": "4h2k9"}


@pytest.mark.parametrize(("pool", "client"), [("None", "4h2k9"), ("", "4h2k9"), ("ap-southeast-1_AbC", "None"),
                                              ("ap-southeast-1_AbC", " ")])
def test_a_stack_without_its_outputs_gives_no_config_and_says_why(pool, client, capsys):
    with pytest.raises(SystemExit) as stopped:  # the AWS CLI prints "None" for an output the stack lacks
        portal_config.main(["--user-pool-id", pool, "--console-client-id", client])
    assert stopped.value.code == 2 and "is the stack deployed" in capsys.readouterr().err
