"""Security headers on every response: a policy that runs no inline script, no framing, no sniffing."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

# Scripts only from this site's files (no inline script, no eval): an injected <script> or
# onclick= does not run. Styles may be inline (the pages set widths of bars in style=""); fonts,
# pictures and the service worker come from here; nothing may frame a page.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def init_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        # A view that set a stricter policy of its own (a stored file: nothing runs) keeps it.
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            # Only over TLS (behind a proxy: gunicorn trusts its X-Forwarded-Proto): a
            # browser remembers to come back over TLS only.
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
