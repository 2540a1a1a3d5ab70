"""Security headers on every response: pages, the API, errors, static files; HSTS only over TLS."""

from __future__ import annotations

import pytest

from resalat_core.web.headers import CSP


@pytest.mark.parametrize(
    "path", ["/", "/auth/login", "/api/v1/openapi.json", "/nowhere", "/static/css/app.css"]
)
def test_every_answer_carries_the_security_headers(app, path):
    response = app.test_client().get(path)

    assert response.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: a browser would ignore it


def test_over_tls_the_browser_is_told_to_stay_on_tls(app):
    response = app.test_client().get("/auth/login", base_url="https://resalat.example")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_page_carries_an_inline_script(app):
    """The policy runs no inline script: a page with one would silently lose it."""
    for path in ["/", "/auth/login", "/auth/register", "/auth/forgot"]:
        page = app.test_client().get(path).get_data(as_text=True)
        assert "<script>" not in page and " onclick=" not in page, path


def test_no_template_of_the_host_or_any_plugin_holds_inline_script():
    """Read from the templates, so it holds for pages no test opens: scripts live in files."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']|javascript:", re.I)
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in [
            *root.glob("resalat_core/**/templates/**/*.html"),
            *root.glob("plugins/*/resalat_*/templates/**/*.html"),
        ]
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize("path", ["/", "/healthz", "/nowhere"])
def test_each_security_header_is_sent_once(app, path):
    # A stored file's own, stricter policy is kept (tests/test_files.py).
    response = app.test_client().get(path)
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert len(response.headers.getlist(name)) == 1, name
