"""Configuration: config/default.toml (or RESALAT_CONFIG) overridden by RESALAT_* variables."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS: dict[str, Any] = {
    "database_url": "sqlite:///instance/resalat.db",
    # What stands between the app and PostgreSQL: "" (nothing: the app's own pool talks to the
    # server) or "pgbouncer" (PgBouncer in transaction mode: no prepared statements, since the next
    # transaction may run on another server connection).
    "database_pooler": "",
    # A pooled connection idle longer than this many seconds is pinged before it is handed out
    # (0: every time); one used more recently is trusted (resalat_core.db.ping_when_idle).
    "database_ping_idle_seconds": 10.0,
    # "production" refuses to start with a published secret key, debug on or cookies over HTTP.
    "environment": "development",
    "debug": False,
    "secret_key": "dev-only-change-me",
    "default_language": "fa",
    "login_max_failures": 5,
    "login_window_seconds": 900,
    # Rate limits (resalat_core.ratelimit): where they are counted, and each limit ("" is off).
    "ratelimit_storage": "memory://",
    "ratelimit_namespace": "resalat",
    # What every page shows of its reader (navigation badges, home cards), cached per member in
    # the Redis server this names ("" is off); see resalat_core/web/membercache.py.
    "member_cache_url": "",
    "member_cache_seconds": 60,
    "ratelimit_register": "10/hour",
    "ratelimit_money_member": "60/minute",
    "ratelimit_money_address": "300/minute",
    "ratelimit_forms_member": "120/minute",
    # Text messages: "outbox", an entry point of resalat.sms_providers, or "package.module:Factory".
    "sms_provider": "outbox",
    # A forgotten password: the code's life, its wrong tries, and how often one may be asked for.
    "password_reset_code_minutes": 10,
    "password_reset_max_wrong": 5,
    "password_reset_resend_seconds": 60,
    "password_reset_per_hour": 5,
    "password_reset_per_hour_per_address": 20,
    "session_cookie_secure": False,
    "remember_days": 30,
    "api_token_days": 90,
    "per_page": 20,
    "max_per_page": 100,
    # The longest path and query string accepted (longer: 414).
    "max_uri_length": 8192,
    "enable_new_modules": True,
    # Periodic jobs on Celery (resalat_core.jobs): the broker, where results wait, the queue, the
    # time zone beat's schedules are read in.
    "celery_broker_url": "redis://127.0.0.1:6379/0",
    "celery_result_backend": "redis://127.0.0.1:6379/0",
    "celery_queue": "resalat",
    "celery_timezone": "Asia/Tehran",
    "testing": False,
}


def _coerce(raw: str, like: Any) -> Any:
    """Read an environment string as the type of the default it overrides."""
    if isinstance(like, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(like, int):
        return int(raw)
    if isinstance(like, float):
        return float(raw)
    return raw


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, the TOML file, the environment and explicit overrides, in that order."""
    config = dict(DEFAULTS)
    path = Path(os.environ.get("RESALAT_CONFIG", PROJECT_ROOT / "config" / "default.toml"))
    if path.is_file():
        with path.open("rb") as fh:
            config.update(tomllib.load(fh))
    for key, value in os.environ.items():
        if key.startswith("RESALAT_") and key not in {"RESALAT_CONFIG"}:
            name = key.removeprefix("RESALAT_").lower()
            config[name] = _coerce(value, DEFAULTS.get(name, ""))
    if overrides:
        config.update(overrides)
    config["database_url"] = _absolute_sqlite(config["database_url"])
    return config


def _absolute_sqlite(url: str) -> str:
    """Anchor a relative SQLite path at the project root so every command finds the same file."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        path = PROJECT_ROOT / url.removeprefix(prefix)
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return url


# Secret keys that are published (in this repository's files): signing cookies with one of them
# lets anyone forge a session.
PUBLISHED_SECRETS = frozenset({"dev-only-change-me", "set RESALAT_SECRET_KEY from your secret store"})
MIN_SECRET_LENGTH = 32


class UnsafeConfiguration(RuntimeError):
    """The configuration is not fit for production; the message lists every reason."""


def check_production(config: dict[str, Any], *, debug: bool) -> None:
    """Refuse a production start that would be unsafe; nothing to check in development."""
    if str(config.get("environment", "")).lower() != "production":
        return
    problems = []
    secret = str(config.get("secret_key") or "")
    if secret in PUBLISHED_SECRETS:
        problems.append("secret_key is the published default: set RESALAT_SECRET_KEY to a secret of your own")
    elif len(secret) < MIN_SECRET_LENGTH:
        problems.append(f"secret_key is shorter than {MIN_SECRET_LENGTH} characters")
    if debug or config.get("debug"):
        problems.append("debug is on: unset FLASK_DEBUG (the debugger runs any code a visitor sends)")
    if config.get("testing"):
        problems.append("testing is on: it weakens password hashing")
    if not config.get("session_cookie_secure"):
        problems.append("session_cookie_secure is off: cookies would travel over plain HTTP")
    if problems:
        raise UnsafeConfiguration("refusing to start in production: " + "; ".join(problems))
