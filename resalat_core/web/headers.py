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
# Sent on every response that did not set its own.
ALWAYS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def init_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        # A view that set a stricter policy of its own (a stored file: nothing runs) keeps it. The
        # names present are read in one pass: asking for each of six names walks the list six
        # times, on every response.
        present = {name.lower() for name, _value in headers.items()}
        for name, value in ALWAYS:
            if name.lower() not in present:
                headers.add(name, value)
        if request.is_secure and "strict-transport-security" not in present:
            # Only over TLS (behind a proxy: gunicorn trusts its X-Forwarded-Proto): a
            # browser remembers to come back over TLS only.
            headers.add("Strict-Transport-Security", HSTS)
        return response
