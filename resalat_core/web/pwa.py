"""Phones on a weak connection: the manifest, the service worker, the offline page, compressed
answers and static files cached for a year under addresses that name their content.

Nothing here is a plugin's concern: every page extends the host's layout, so every page is
installable, works offline from what the member opened before, and is compressed.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, has_app_context, render_template, request, url_for
from flask_babel import force_locale
from flask_compress import Compress
from flask_login import current_user
from werkzeug.wrappers import Response

from resalat_core.access import public
from resalat_core.i18n import _

bp = Blueprint("pwa", __name__)

STATIC = Path(__file__).resolve().parent / "static"
# What a phone keeps from its first visit on: the look, the icons' font, the Persian font, the
# registration script and the icons. The offline page is added by the worker itself.
SHELL = (
    "css/app.css",
    "vendor/bootstrap/bootstrap.rtl.min.css",
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "js/pwa.js",
    "img/favicon.svg",
    "img/icon-192.png",
)
# Files a stylesheet names by a relative address (no ?v= from url_for): cached as they are named.
SHELL_FONTS = (
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/vazirmatn/Vazirmatn-Variable.woff2",
)
YEAR = 365 * 24 * 3600
THEME = "#0f6e56"  # --rs-green in css/app.css
BACKGROUND = "#f6f3ec"  # --rs-sand


@lru_cache(maxsize=512)
def _digest_of(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


# filename -> its version, for a worker's life: the package's files do not change under a running
# worker, and resolving and stat-ing a dozen files was a quarter of a cached page's time.
_VERSIONS: dict[str, str | None] = {}


def static_version(filename: str) -> str | None:
    """A short hash of a static file's bytes (None for a file that is not there).

    Read once per file and process; in debug mode (a developer editing the styles) every time."""
    if filename in _VERSIONS and not (has_app_context() and current_app.debug):
        return _VERSIONS[filename]
    path = (STATIC / filename).resolve()
    version = None
    if path.is_file() and STATIC in path.parents:
        version = _digest_of(str(path), path.stat().st_mtime_ns)
    _VERSIONS[filename] = version
    return version


def shell_version() -> str:
    """One hash of every shell file and the worker's own template: a new release, a new cache."""
    digest = hashlib.sha256()
    for name in (*SHELL, *SHELL_FONTS):
        digest.update(f"{name}={static_version(name)};".encode())
    worker = Path(__file__).resolve().parent / "templates" / "core" / "sw.js"
    digest.update(worker.read_bytes())
    return digest.hexdigest()[:16]


def viewer_tag() -> str:
    """Who the page was made for, without saying it: the worker keeps saved pages of one member
    and drops them when another signs in on the same phone. Empty for a visitor."""
    if not current_user.is_authenticated:
        return ""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"viewer:{current_user.id}".encode(), hashlib.sha256).hexdigest()[:20]


@bp.get("/manifest.webmanifest")
@public
def manifest() -> Any:
    """The web app manifest: installable, in Persian, right to left."""
    with force_locale("fa"):
        name = _("M-Resalat")
        description = _("The super-app of interest-free loans and family businesses")
    icons = [
        {"src": url_for("static", filename="img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": url_for("static", filename="img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": url_for("static", filename="img/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "id": "/",
        "name": name,
        "short_name": name,
        "description": description,
        "lang": "fa",
        "dir": "rtl",
        "start_url": url_for("web.home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": icons,
    }
    response = current_app.response_class(current_app.json.dumps(body), mimetype="application/manifest+json")
    response.cache_control.no_cache = True
    return response


@bp.get("/sw.js")
@public
def worker() -> Any:
    """The service worker, at the site's root so its scope is every page."""
    shell = [url_for("static", filename=name) for name in SHELL]
    shell += [url_for("static", filename=name, v=None) for name in SHELL_FONTS]
    body = render_template(
        "core/sw.js",
        version=shell_version(),
        shell=shell,
        offline_url=url_for("pwa.offline"),
        logout_url=url_for("auth.logout"),
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    # A browser must ask for the worker every time, or a release would reach phones a day late.
    response.cache_control.no_cache = True
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
@public
def offline() -> Any:
    """What still works without a connection: the pages opened before, and no sending of forms."""
    return render_template("core/offline.html")


def _static_url_version(endpoint: str, values: dict[str, Any]) -> None:
    # Every url_for('static', ...) names the file's content, so the file may be kept for a year.
    if endpoint == "static" and "v" not in values and values.get("filename"):
        version = static_version(str(values["filename"]))
        if version is not None:
            values["v"] = version
    elif endpoint == "static" and values.get("v") is None:
        values.pop("v", None)


def _cache_headers(response: Response) -> Response:
    if request.endpoint == "static" and response.status_code in (200, 304):
        if request.query_string:
            # The address names the content (?v=<hash>, or a vendor's own hash): it never changes.
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        else:
            response.cache_control.no_cache = True
    if request.endpoint == "auth.logout":
        # The browser forgets what it kept for this member; the worker drops its saved pages too.
        response.headers["Clear-Site-Data"] = '"cache"'
    return response


def init_pwa(app: Flask) -> None:
    """Compressed answers (Brotli or gzip), versioned static addresses and their cache headers.

    Call it before any other ``after_request`` that reads a response's body: Flask runs them last
    registered first, so compression, registered first, runs after them.
    """
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    Compress(app)
    app.after_request(_cache_headers)
    app.url_defaults(_static_url_version)

    @app.context_processor
    def _pwa_context() -> dict[str, Any]:
        return {"viewer_tag": viewer_tag}
