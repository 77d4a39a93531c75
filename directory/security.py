"""Security headers on every response: a strict CSP, no framing, no sniffing, few features.

The values are built with `secure` (typed builders that reject a misspelt directive) and
added after every request, error pages and static files included. A response that sets a
header itself keeps it: evidence documents carry a stricter CSP and `no-referrer`.
docs/security.md explains each header.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import secure
from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

SELF, NONE = "'self'", "'none'"


def tile_origin(template: str | None) -> str | None:
    """Return the origin of a map tile URL template (Leaflet's {s} becomes a wildcard)."""
    if not template:
        return None
    parts = urlsplit(template.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(config: Mapping) -> dict[str, str]:
    """Return the headers every response carries, for this configuration."""
    images = [SELF, "data:"]
    tiles = tile_origin(config.get("MAP_TILES"))
    if tiles:
        images.append(tiles)
    csp = (
        secure.ContentSecurityPolicy()
        .clear()
        .default_src(SELF)
        # No inline script or style anywhere: templates link to files under /static.
        .script_src(SELF)
        .style_src(SELF)
        .img_src(*images)
        .object_src(NONE)
        .base_uri(NONE)
        .form_action(SELF)
        .frame_ancestors(NONE)
    )
    # Nothing on the site uses a device or sensor; compare.js copies a link to the clipboard.
    permissions = (
        secure.PermissionsPolicy()
        .clear()
        .accelerometer()
        .camera()
        .display_capture()
        .geolocation()
        .gyroscope()
        .magnetometer()
        .microphone()
        .midi()
        .payment()
        .usb()
        .browsing_topics()
        .clipboard_write(SELF)
    )
    headers = secure.Secure(
        csp=csp,
        permissions=permissions,
        referrer=secure.ReferrerPolicy().strict_origin_when_cross_origin(),
        xcto=secure.XContentTypeOptions().nosniff(),
        xfo=secure.XFrameOptions().deny(),
        coop=secure.CrossOriginOpenerPolicy().same_origin(),
        # Over https (VETTED_HTTPS), browsers that saw the site refuse plain http to it for a
        # year; its cookies are Secure too (settings.py).
        hsts=(
            secure.StrictTransportSecurity().max_age(31536000).include_subdomains()
            if config.get("HTTPS")
            else None
        ),
    )
    return dict(headers.headers)


def init_app(app: Flask) -> None:
    """Add the security headers to every response; trust the configured proxies' headers."""
    headers = security_headers(app.config)
    hops = app.config["PROXY_HOPS"]
    if hops:
        # Behind nginx (docs/deployment.md) the visitor's address and scheme are in the
        # headers the proxy sets: per-address limits then count visitors, not the proxy.
        # Never by default: a visitor reaching the app directly could forge them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
