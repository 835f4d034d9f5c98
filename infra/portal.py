"""The portal's hosting rules, one source for the local server (devstack/portal.py) and CloudFront (infra/).

The clean URLs come from web/routes.json; the security headers and the Content-Security-Policy are built
here so that `make run` serves exactly the headers the deployed distribution adds. Scripts come from 'self'
only (no 'unsafe-inline': the build emits no inline script), styles too (Leaflet sets styles through the
DOM, which a CSP does not restrict).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
DIST = WEB / "dist"


def load_routes(web: Path = WEB) -> dict[str, str]:
    """Clean URL (or prefix ending in /*) -> built file."""
    routes = json.loads((web / "routes.json").read_text(encoding="utf-8"))
    return {k: v for k, v in routes.items() if not k.startswith("_")}


def route_file(path: str, routes: dict[str, str]) -> str | None:
    """The built file a clean URL serves, or None (a plain file path is served as itself)."""
    clean = path.rstrip("/") or "/"
    if clean in routes:
        return routes[clean]
    for pattern, file in routes.items():
        if pattern.endswith("/*") and clean.startswith(pattern[:-1]):
            return file
    return None


def content_security_policy(connect: Iterable[str] = (), images: Iterable[str] = ()) -> str:
    """The portal's CSP: everything from 'self', plus the API and the media bucket where they live elsewhere."""
    connect_src = " ".join(dict.fromkeys(["'self'", *connect]))
    img_src = " ".join(dict.fromkeys(["'self'", "blob:", *images]))
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", f"img-src {img_src}",
        f"connect-src {connect_src}", "font-src 'self'", "object-src 'none'", "base-uri 'self'",
        "form-action 'self'", "frame-ancestors 'none'", "upgrade-insecure-requests",
    ])


def cognito_endpoint(region: str) -> str:
    """Cognito's JSON API in a region: where the console signs staff in, straight from the page."""
    return f"https://cognito-idp.{region}.amazonaws.com/"


def page_config(api_base: str, *, cognito: str | None = None, console_client_id: str | None = None,
                tile_url: str | None = None, tile_attribution: str | None = None) -> dict[str, str | None]:
    """What /config.json tells the pages: where the API is, and for the console where and with which app
    client staff sign in (without both, the console says sign-in is not configured). One shape for `make run`
    (devstack/portal.py) and a deployed stage (`make deploy-portal`, python -m infra.portal_config)."""
    config: dict[str, str | None] = {"api_base": api_base, "tile_url": tile_url, "tile_attribution": tile_attribution}
    if cognito and console_client_id:
        config.update(cognito_endpoint=cognito, cognito_client_id=console_client_id)
    return config


def security_headers(csp: str, *, https: bool) -> dict[str, str]:
    """Every response's security headers (HSTS only over HTTPS)."""
    headers = {
        "Content-Security-Policy": csp if https else csp.replace("; upgrade-insecure-requests", ""),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


def page_weight(html_name: str, dist: Path = DIST) -> dict[str, int]:
    """Bytes one built page ships (gzip -9 of each file: the HTML, and the scripts, module preloads and styles it
    names), the ward polygons excepted (an API answer, cached a day)."""
    import gzip
    import re

    html = (dist / html_name).read_text(encoding="utf-8")
    files = [html_name, *re.findall(r'(?:src|href)="/(assets/[^"]+\.(?:js|css))"', html)]
    return {name: len(gzip.compress((dist / name).read_bytes(), 9)) for name in dict.fromkeys(files)}
