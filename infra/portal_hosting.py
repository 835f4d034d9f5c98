"""The portal's hosting on a deployed stage: a private bucket read by CloudFront through Origin Access Control,
the API as a second origin under /api/* (same origin for the browser: the API stage is named `api`), a
CloudFront function mapping clean URLs to the built files (web/routes.json), and a response-headers policy
with the CSP and security headers of infra/portal.py. Deployed only: `make run` serves web/dist itself.
"""

from __future__ import annotations

import json
from typing import Any

from infra.portal import content_security_policy, load_routes

# AWS managed policies (CloudFront's documented ids).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
MEDIA_ORIGINS = ["https://${MediaBucket}.s3.amazonaws.com", "https://${MediaBucket.RegionalDomainName}"]
COGNITO_ORIGIN = "https://cognito-idp.${AWS::Region}.amazonaws.com"  # the console signs staff in from the page


def rewrite_function_code(routes: dict[str, str]) -> str:
    """A viewer-request function (cloudfront-js-2.0): a clean URL becomes its built file's key."""
    exact = {k: "/" + v for k, v in routes.items() if not k.endswith("/*")}
    prefixes = {k[:-1]: "/" + v for k, v in routes.items() if k.endswith("/*")}
    return (
        "function handler(event) {\n"
        "  var r = event.request;\n"
        "  if (r.uri.indexOf('/api/') === 0) return r;\n"
        f"  var exact = {json.dumps(exact)};\n"
        f"  var prefixes = {json.dumps(prefixes)};\n"
        "  var clean = r.uri.length > 1 ? r.uri.replace(/\\/$/, '') : r.uri;\n"
        "  if (exact[clean]) { r.uri = exact[clean]; return r; }\n"
        "  for (var p in prefixes) { if (clean.indexOf(p) === 0) { r.uri = prefixes[p]; return r; } }\n"
        "  return r;\n"
        "}\n"
    )


def resources() -> tuple[dict[str, Any], dict[str, Any]]:
    """(resources, outputs) to merge into the stage's template."""
    csp = content_security_policy(connect=[*MEDIA_ORIGINS, COGNITO_ORIGIN], images=MEDIA_ORIGINS)
    bucket = {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            "BucketName": {"Fn::Sub": "phananh-${Stage}-portal-${AWS::AccountId}"},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                               "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "LoggingConfiguration": {"DestinationBucketName": {"Ref": "AccessLogBucket"},
                                     "LogFilePrefix": "portal-bucket/"},
        },
    }
    policy = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": {"Ref": "PortalBucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Sid": "CloudFrontReadsThroughOac", "Effect": "Allow",
             "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
             "Resource": {"Fn::Sub": "${PortalBucket.Arn}/*"},
             "Condition": {"StringEquals": {"AWS:SourceArn": {
                 "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}"
                            ":distribution/${PortalDistribution}"}}}},
            {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [{"Fn::GetAtt": ["PortalBucket", "Arn"]}, {"Fn::Sub": "${PortalBucket.Arn}/*"}],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ]}},
    }
    oac = {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {"OriginAccessControlConfig": {
        "Name": {"Fn::Sub": "phananh-${Stage}-portal"}, "OriginAccessControlOriginType": "s3",
        "SigningBehavior": "always", "SigningProtocol": "sigv4"}}}
    headers = {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {"ResponseHeadersPolicyConfig": {
        "Name": {"Fn::Sub": "phananh-${Stage}-portal-headers"},
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {"ContentSecurityPolicy": {"Fn::Sub": csp}, "Override": True},
            "ContentTypeOptions": {"Override": True},
            "FrameOptions": {"FrameOption": "DENY", "Override": True},
            "ReferrerPolicy": {"ReferrerPolicy": "no-referrer", "Override": True},
            "StrictTransportSecurity": {"AccessControlMaxAgeSec": 63072000, "IncludeSubdomains": True,
                                        "Override": True},
        },
        "CustomHeadersConfig": {"Items": [
            {"Header": "Permissions-Policy", "Value": "geolocation=(self), camera=(), microphone=(), payment=()",
             "Override": True},
            {"Header": "Cross-Origin-Opener-Policy", "Value": "same-origin", "Override": True}]},
    }}}
    rewrite = {"Type": "AWS::CloudFront::Function", "Properties": {
        "Name": {"Fn::Sub": "phananh-${Stage}-portal-routes"}, "AutoPublish": True,
        "FunctionConfig": {"Comment": "clean URLs to the built pages (web/routes.json)",
                           "Runtime": "cloudfront-js-2.0"},
        "FunctionCode": rewrite_function_code(load_routes())}}
    distribution = {
        "Type": "AWS::CloudFront::Distribution",
        "Metadata": {"checkov": {"skip": [
            {"id": "CKV_AWS_174", "comment": "the default certificate until the province's domain is attached"},
            {"id": "CKV_AWS_68", "comment": "the API behind /api/* has its own WAF web ACL"},
            {"id": "CKV_AWS_310", "comment": "one origin per path; no failover origin for a static bucket"},
            {"id": "CKV_AWS_374", "comment": "a public service for the province's citizens: no geo restriction"}]}},
        "Properties": {"DistributionConfig": {
            "Enabled": True, "Comment": {"Fn::Sub": "phananh ${Stage} portal"}, "DefaultRootObject": "index.html",
            "HttpVersion": "http2and3", "PriceClass": "PriceClass_200", "IPV6Enabled": True,
            "Logging": {"Bucket": {"Fn::GetAtt": ["AccessLogBucket", "RegionalDomainName"]}, "Prefix": "portal-cdn/"},
            "Origins": [
                {"Id": "portal", "DomainName": {"Fn::GetAtt": ["PortalBucket", "RegionalDomainName"]},
                 "OriginAccessControlId": {"Fn::GetAtt": ["PortalOac", "Id"]},
                 "S3OriginConfig": {"OriginAccessIdentity": ""}},
                {"Id": "api", "DomainName": {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.amazonaws.com"},
                 "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}},
            ],
            "DefaultCacheBehavior": {
                "TargetOriginId": "portal", "ViewerProtocolPolicy": "redirect-to-https", "Compress": True,
                "CachePolicyId": CACHING_OPTIMIZED, "ResponseHeadersPolicyId": {"Ref": "PortalHeaders"},
                "FunctionAssociations": [{"EventType": "viewer-request",
                                          "FunctionARN": {"Fn::GetAtt": ["PortalRoutes", "FunctionARN"]}}]},
            "CacheBehaviors": [{
                "PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
                "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                "CachePolicyId": CACHING_DISABLED, "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                "Compress": True}],
            "ViewerCertificate": {"CloudFrontDefaultCertificate": True, "MinimumProtocolVersion": "TLSv1.2_2021"},
        }},
    }
    out = {"PortalBucket": bucket, "PortalBucketPolicy": policy, "PortalOac": oac, "PortalHeaders": headers,
           "PortalRoutes": rewrite, "PortalDistribution": distribution}
    outputs = {"PortalBucketName": {"Value": {"Ref": "PortalBucket"}},
               "PortalUrl": {"Value": {"Fn::Sub": "https://${PortalDistribution.DomainName}"}},
               "PortalDistributionId": {"Value": {"Ref": "PortalDistribution"}}}
    return out, outputs
