"""The application factory: config, database, sign-in, plugins, blueprints and error handling."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, Flask, abort, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel, Domain
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, NotFound, RequestURITooLarge
from werkzeug.routing import IntegerConverter, Map, Rule

import resalat_core.models  # noqa: F401  (map every host table before plugins load)
from resalat_core.access import access_of, is_api_request
from resalat_core.audit.services import HOST_AUDIT_ACTIONS
from resalat_core.cli import register_host_commands
from resalat_core.config import check_production, load_config
from resalat_core.db import DEFAULT_PING_IDLE_SECONDS, Database
from resalat_core.errors import BadInput, PluginError, ResalatError
from resalat_core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _l
from resalat_core.plugins.activation import is_active
from resalat_core.plugins.base import AuditAction, PeriodicJob, Permission, Plugin
from resalat_core.plugins.manager import PluginManager, PluginRecord
from resalat_core.rest.guard import check_request
from resalat_core.sms.services import load_provider
from resalat_core.vocabulary import Vocabulary, messages_of

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

HOST_PERMISSIONS = [
    Permission("core.modules.manage", _l("Manage modules"), ("admin",)),
    Permission("core.members.manage", _l("Manage members"), ("admin",)),
    # Plugins' roles that look members up (guides, social leaders) add themselves with
    # ``Role(permissions=("core.members.view",))``.
    Permission("core.members.view", _l("View members"), ("admin",)),
    Permission("core.dashboard.view", _l("See the dashboard of figures"), ("admin",)),
    # Held nationwide only: the outbox holds every member's recovery codes, whatever the region.
    Permission("core.sms.view", _l("Read the text messages in the outbox"), ("admin",)),
    # Held in a region, it reads the entries of that region and the places under it.
    Permission("core.audit.read", _l("Read the audit trail"), ("admin",)),
]
# Blueprint names the host keeps for itself; a plugin may not take them.
HOST_BLUEPRINTS = {"web", "auth", "account", "api", "static", "files", "files_api", "pwa", "audit"}


@dataclass
class HostState:
    """Everything the host keeps per app; reached with ``current_app.extensions['resalat']``."""

    config: dict[str, Any]
    db: Database
    plugins: PluginManager
    permissions: dict[str, Permission] = field(default_factory=dict)
    # Action code -> its declaration: what ``audit()`` accepts and the log page names.
    audit_actions: dict[str, AuditAction] = field(default_factory=dict)
    # blueprint name -> plugin name, to find which module a request belongs to.
    blueprint_owner: dict[str, str] = field(default_factory=dict)
    plugin_loaders: dict[str, Any] = field(default_factory=dict)
    cli_groups: dict[str, click.Command] = field(default_factory=dict)
    # plugin name -> its translation domain (its catalog over those of what it requires).
    domains: dict[str, Domain] = field(default_factory=dict)
    # Roles, system accounts, account kinds, purposes and message kinds, each with its owner.
    vocabulary: Vocabulary = field(default_factory=Vocabulary.of_host)
    # The SMS adapter the ``sms_provider`` setting names (resalat_core.sms.services).
    sms: Any = None
    # Job code -> the periodic job a plugin declared (resalat_core.jobs).
    jobs: dict[str, PeriodicJob] = field(default_factory=dict)
    # The scratch app each plugin's blueprints are tried on before the real app takes them.
    probe: Any = None


csrf = CSRFProtect()
login_manager = LoginManager()

# Row ids: 64-bit for the tables that grow with activity (``BigId``), 32-bit for the others; a
# number above 2**63-1 can name no row in any table, one above 2**31-1 none in a 32-bit table.
MAX_ROW_ID = 2**63 - 1
MAX_NARROW_ROW_ID = 2**31 - 1


def _at_most(limit: int) -> str:
    """A regular expression for the decimal numbers 0..limit, without leading zeros."""
    digits = str(limit)
    options = ["0", f"[1-9][0-9]{{0,{len(digits) - 2}}}"]
    for i, d in enumerate(digits):
        if int(d) == 0:
            continue
        lower = "1" if i == 0 else "0"
        if int(d) - 1 >= int(lower):
            rest = len(digits) - i - 1
            options.append(digits[:i] + f"[{lower}-{int(d) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class RowIdConverter(IntegerConverter):
    """``<int:id>`` in every route: only 0..2⁶³−1 match, so a larger id is a 404 for any method.

    Without it PostgreSQL refuses the number (bigint out of range), SQLite cannot bind it, and the
    request ends in a 500 in the middle of whatever the view was doing. An id between 2³¹ and
    2⁶³−1 on a route whose table keeps 32-bit ids is answered 404 too (``_names_no_row``).
    """

    regex = _at_most(MAX_ROW_ID)


class _LazyRule(Rule):
    """A URL rule whose address builder (what ``url_for`` runs) is compiled the first time it is
    used, not when the rule is added: werkzeug compiles two builders per rule, through ``ast`` and
    ``compile``, and with every plugin's 770 rules that was a fifth of a worker's start-up, for
    addresses most workers never build. Matching is compiled at once, as before."""

    def _compile_builder(self, append_unknown: bool = True) -> Any:
        built: list[Any] = []

        def build(rule: Rule, *args: Any, **kwargs: Any) -> Any:
            if not built:  # two threads may both compile it once: the same function either way
                built.append(Rule._compile_builder(rule, append_unknown))
            return built[0](rule, *args, **kwargs)

        return build


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its signing serializer built once per set of keys.

    Flask builds a new one for every request, and building one runs a JSON round trip to tell
    whether its serializer writes text: a tenth of what a request that reads no page costs. The
    serializer holds no state between calls, so the workers' threads share it.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        try:
            return self._serializers[keys]
        except KeyError:
            made = self._serializers[keys] = super().get_signing_serializer(app)
            return made


class _App(Flask):
    url_rule_class = _LazyRule

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session_interface = _SessionInterface()  # one per app: tests build several
        self._synced: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        # Flask asks ``inspect`` whether every hook and view is a coroutine, on every request; the
        # answer for a function never changes.
        try:
            return self._synced[func]
        except KeyError:
            made = self._synced[func] = super().ensure_sync(func)
            return made
        except TypeError:  # an unhashable callable: asked each time, as Flask does
            return super().ensure_sync(func)


def create_app(
    overrides: dict[str, Any] | None = None, *, extra_plugins: dict[str, Plugin] | None = None
) -> Flask:
    """Build the app: every installed plugin is discovered, ordered, and wired in or isolated."""
    config = load_config(overrides)
    app = _App(
        "resalat_core",
        template_folder=str(HERE / "web" / "templates"),
        static_folder=str(HERE / "web" / "static"),
        static_url_path="/static",
    )
    app.config.update(
        RESALAT=config,
        SECRET_KEY=config["secret_key"],
        TESTING=bool(config.get("testing")),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(config["session_cookie_secure"]),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=bool(config["session_cookie_secure"]),
        REMEMBER_COOKIE_DURATION=int(config["remember_days"]) * 86400,
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_ENABLED=bool(config.get("csrf", True)),
        MAX_CONTENT_LENGTH=int(config.get("max_upload_bytes", 8 * 1024 * 1024)),
        BABEL_DEFAULT_LOCALE=config.get("default_language", DEFAULT_LANGUAGE),
        JSON_SORT_KEYS=False,
    )
    check_production(config, debug=app.debug)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Persian in JSON stays readable
    app.url_map.converters["int"] = RowIdConverter
    if config.get("testing"):
        from resalat_core.members.passwords import use_fast_hashing

        use_fast_hashing()

    state = HostState(
        config=config,
        db=Database(
            config["database_url"],
            pooler=str(config.get("database_pooler") or ""),
            ping_idle_seconds=float(config.get("database_ping_idle_seconds", DEFAULT_PING_IDLE_SECONDS)),
        ),
        plugins=PluginManager(),
    )
    # A provider that cannot be found stops the start with its name, not the first message sent.
    state.sms = load_provider(config)
    app.extensions["resalat"] = state
    state.permissions = {p.name: p for p in HOST_PERMISSIONS}
    state.audit_actions = {a.code: a for a in HOST_AUDIT_ACTIONS}

    _init_auth(app)
    csrf.init_app(app)
    from resalat_core.web.pwa import init_pwa

    # First: compression must run after every other after_request that reads a body.
    init_pwa(app)
    _register_host_blueprints(app)
    register_host_commands(app)

    state.plugins.discover(extra_plugins)
    state.plugins.load(lambda record: _wire_plugin(app, state, record))
    state.probe = None  # its work is done; a worker need not keep it
    _grant_role_permissions(state)

    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(HERE / "web" / "templates")), PrefixLoader(state.plugin_loaders)]
    )
    _init_translations(app, state)

    from resalat_core.web.templating import init_templating

    init_templating(app)
    _init_request_hooks(app)
    _init_error_handlers(app)
    from resalat_core.ratelimit import init_ratelimit
    from resalat_core.web.headers import init_headers

    init_ratelimit(app)
    init_headers(app)
    from resalat_core.web.membercache import init_member_cache

    init_member_cache(app, state.db.session_factory)
    _check_every_route_declares_access(app)

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        state.db.remove()

    return app


# --- plugins -----------------------------------------------------------------------------------


def _wire_plugin(app: Flask, state: HostState, record: PluginRecord) -> None:
    """Accept a plugin's wiring after checking every name is in its namespace; raise to refuse."""
    name = record.name
    plugin = record.plugin
    assert plugin is not None
    hooks = record.hooks
    # Models must be mapped before migrations and before other plugins' relationships refer to them.
    if importlib.util.find_spec(f"{plugin.package}.models") is not None:
        importlib.import_module(f"{plugin.package}.models")
    messages = messages_of(plugin.optional_module("messages"))
    state.vocabulary.check(name, plugin, messages)
    blueprints: list[Blueprint] = []
    perms: list[Permission] = []
    actions: list[AuditAction] = []
    jobs: list[PeriodicJob] = []
    group = None
    if hooks is not None:
        if hasattr(hooks, "resalat_blueprints"):
            blueprints = list(hooks.resalat_blueprints() or [])
        if hasattr(hooks, "resalat_permissions"):
            perms = list(hooks.resalat_permissions() or [])
        if hasattr(hooks, "resalat_audit_actions"):
            actions = list(hooks.resalat_audit_actions() or [])
        if hasattr(hooks, "resalat_cli"):
            group = hooks.resalat_cli()
        if hasattr(hooks, "resalat_periodic_jobs"):
            jobs = list(hooks.resalat_periodic_jobs() or [])
    # Check everything before touching the app, so a refused plugin leaves no trace.
    seen: set[str] = set()
    for bp in blueprints:
        _check_blueprint(name, bp, state)
        # Flask refuses a second blueprint of the same name only after the first is registered.
        if bp.name in seen:
            raise PluginError(f"blueprint name {bp.name!r} is already taken")
        seen.add(bp.name)
    for perm in perms:
        if not perm.name.startswith(f"{name}."):
            raise PluginError(f"permission {perm.name!r} must start with '{name}.'")
        if perm.name in state.permissions:
            raise PluginError(f"permission {perm.name!r} is already declared")
    codes: set[str] = set()
    for action in actions:
        if not action.code.startswith(f"{name}."):
            raise PluginError(f"audit action {action.code!r} must start with '{name}.'")
        if action.code in state.audit_actions or action.code in codes:
            raise PluginError(f"audit action {action.code!r} is already declared")
        codes.add(action.code)
    job_codes: set[str] = set()
    for job in jobs:
        if not job.code.startswith(f"{name}."):
            raise PluginError(f"periodic job {job.code!r} must start with '{name}.'")
        if job.code in state.jobs or job.code in job_codes:
            raise PluginError(f"periodic job {job.code!r} is already declared")
        job_codes.add(job.code)
    if group is not None and group.name != name:
        raise PluginError(f"CLI group must be named {name!r}, not {group.name!r}")
    # app.cli holds the host's groups (db, members...) too, which add_command would silently replace.
    if group is not None and name in app.cli.commands:
        raise PluginError(f"CLI group {name!r} is already taken")
    templates = plugin.templates_dir
    if templates is not None:
        stray = [p.name for p in templates.iterdir() if p.is_dir() and p.name != name]
        if stray:
            raise PluginError(
                f"templates must live in templates/{name}/; found templates/{', '.join(stray)}/"
            )
    for message in messages:
        if message.source not in ("", name):
            raise PluginError(f"message kind {message.kind!r} already belongs to {message.source}")
    for message in messages:
        object.__setattr__(message, "source", name)
    state.vocabulary.add(
        name,
        roles=plugin.roles,
        accounts=plugin.accounts,
        account_kinds=plugin.account_kinds,
        purposes=plugin.purposes,
        messages=messages,
    )
    for bp in blueprints:
        app.register_blueprint(bp)
        state.blueprint_owner[bp.name] = name
    for perm in perms:
        state.permissions[perm.name] = perm
    for action in actions:
        state.audit_actions[action.code] = action
    for job in jobs:
        state.jobs[job.code] = replace(job, source=name)
    if group is not None:
        state.cli_groups[name] = group
        app.cli.add_command(group)
    if templates is not None and (templates / name).is_dir():
        state.plugin_loaders[name] = FileSystemLoader(str(templates / name))


def _grant_role_permissions(state: HostState) -> None:
    """Add each role to the permissions it says it holds (declared by the host or a plugin)."""
    for role in state.vocabulary.roles.values():
        for permission in role.permissions:
            perm = state.permissions.get(permission)
            if perm is not None and role.name not in perm.roles:
                state.permissions[permission] = replace(perm, roles=(*perm.roles, role.name))


def _check_blueprint(name: str, bp: Blueprint, state: HostState) -> None:
    if bp.name != name and not bp.name.startswith(f"{name}_"):
        raise PluginError(f"blueprint {bp.name!r} must be named {name!r} or start with '{name}_'")
    tried = state.probe.blueprints if state.probe is not None else {}
    if bp.name in HOST_BLUEPRINTS or bp.name in state.blueprint_owner or bp.name in tried:
        raise PluginError(f"blueprint name {bp.name!r} is already taken")
    prefix = (bp.url_prefix or "").rstrip("/")
    allowed = (f"/{name}", f"/api/v1/{name}")
    if not any(prefix == a or prefix.startswith(a + "/") for a in allowed):
        raise PluginError(
            f"blueprint {bp.name!r} has URL prefix {bp.url_prefix!r}; use /{name} or /api/v1/{name}"
        )
    # Register on a scratch app to see its views before the real app commits to them; one app for
    # every plugin (blueprint names are unique, checked above): a Flask app per blueprint was a
    # tenth of a start-up.
    if state.probe is None:
        state.probe = _Probe("probe")
    state.probe.register_blueprint(bp)
    undeclared = [
        endpoint
        for endpoint, view in state.probe.view_functions.items()
        if endpoint.startswith(f"{bp.name}.") and not _is_static(endpoint) and access_of(view) is None
    ]
    if undeclared:
        raise PluginError(
            "views must declare who may call them (public, login_required or "
            f"permission_required): {', '.join(sorted(undeclared))}"
        )


class _UncompiledMap(Map):
    """A URL map that only keeps its rules: the probe reads views, it never matches a URL, so the
    cost of compiling each rule (most of a start-up's time with every plugin) is paid once, by the
    real app."""

    def add(self, rulefactory: Any) -> None:
        pass


class _Probe(Flask):
    url_map_class = _UncompiledMap


def module_of_request() -> str | None:
    """The plugin that owns the current request's endpoint, or None for host routes."""
    from flask import current_app

    bp = request.blueprint
    if not bp:
        return None
    return current_app.extensions["resalat"].blueprint_owner.get(bp.split(".")[0])


# --- auth --------------------------------------------------------------------------------------


def _init_auth(app: Flask) -> None:
    from resalat_core.auth.services import TOKEN_TOUCHED, member_for_token, reader_options
    from resalat_core.db import db_session
    from resalat_core.i18n import _l
    from resalat_core.members.models import Member
    from resalat_core.web.membercache import kept_reader

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_id: str) -> Member | None:
        member_id, _, version = user_id.partition(":")
        if not member_id.isdecimal():
            return None
        # One query for what every page reads of its reader: the member, their place with its
        # province, and their roles (each with its region), instead of three or four.
        member = kept_reader(
            int(member_id), lambda: db_session().get(Member, int(member_id), options=reader_options())
        )
        if member is None or not member.is_active or str(member.session_version) != version:
            return None
        return member

    @login_manager.request_loader
    def _load_from_token(req: Any) -> Member | None:
        header = req.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            return None
        session = db_session()
        member = member_for_token(session, header[7:].strip())
        if member is not None:
            g.resalat_token_auth = True
        if session.info.pop(TOKEN_TOUCHED, False):
            # The token's last use (written at most once a minute) stays, whatever the request does
            # next; a use that wrote nothing costs no commit and no new transaction.
            session.commit()
        return member


def _init_translations(app: Flask, state: HostState) -> None:
    """One Persian catalog per plugin, and every page reads them all.

    A page reads every catalog because it shows other plugins' words too (tiles, notifications,
    statement lines, credit signals). One message id has one wording across the catalogs (a test
    holds them to it; two senses of one English word take a context, ``pgettext``), so the order
    only decides for a catalog outside this repository: a plugin's own pages read its own first,
    then those of what it requires; host pages read the host's first.
    """
    roots = {r.name: r.plugin.root for r in state.plugins.loaded if r.plugin is not None}
    own = {n: str(root / "translations") for n, root in roots.items() if (root / "translations").is_dir()}
    host = str(HERE / "translations")
    # Later directories win when catalogs are merged, so the strongest comes last.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join([*own.values(), host])
    # A Babel of its own for each app: Flask-Babel keeps the default domain, and the catalogues it
    # has merged, on the Babel object, so two apps in one process (tests) would share them.
    Babel(app, locale_selector=_select_locale)
    for record in state.plugins.loaded:
        mine = [record.name, *sorted(_requirements(state, record.name))]
        others = [n for n in state.plugins.order if n in own and n not in mine]
        layers = [own[n] for n in others] + [host]
        layers += [own[n] for n in reversed(mine) if n in own]
        state.domains[record.name] = Domain(translation_directories=layers)


def _requirements(state: HostState, name: str) -> set[str]:
    """Everything ``name`` requires, directly or through what it requires."""
    seen: set[str] = set()
    stack = list(state.plugins.records[name].requires)
    while stack:
        req = stack.pop()
        if req not in seen:
            seen.add(req)
            stack.extend(state.plugins.records[req].requires)
    return seen


def _select_locale() -> str:
    if not has_request_context():
        # CLI commands: no session or user to ask, and lazy messages (BadInput from the identity
        # checks) are rendered here; the CLI speaks the English msgids, as `_` already does there.
        return "en"
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    if is_api_request():
        best = request.accept_languages.best_match(LANGUAGES)
        if best:
            return best
    from flask import current_app

    return current_app.config["RESALAT"].get("default_language", DEFAULT_LANGUAGE)


def _register_host_blueprints(app: Flask) -> None:
    from resalat_core.account.views import bp as account_bp
    from resalat_core.audit.views import bp as audit_bp
    from resalat_core.auth.views import bp as auth_bp
    from resalat_core.files.views import api_bp as files_api_bp
    from resalat_core.files.views import bp as files_bp
    from resalat_core.rest.views import bp as api_bp
    from resalat_core.web.pwa import bp as pwa_bp
    from resalat_core.web.views import bp as web_bp

    for bp in (web_bp, auth_bp, account_bp, api_bp, files_bp, files_api_bp, pwa_bp, audit_bp):
        app.register_blueprint(bp)


# --- requests and errors -----------------------------------------------------------------------


def _init_request_hooks(app: Flask) -> None:
    from resalat_core.auth.sessions import renew_if_roles_changed
    from resalat_core.web.once import claim, init_once

    init_once(app)
    max_uri = int(app.config["RESALAT"].get("max_uri_length", 8192))

    @app.before_request
    def _gate() -> Any:
        # A front proxy usually refuses long lines itself; the app says the same when it is alone,
        # before a long query string reaches a view (and the database) at all.
        if len(request.full_path) > max_uri:
            raise RequestURITooLarge()
        module = module_of_request()
        if module is not None and not is_active(module, current_user):
            # Switched off here: as if it did not exist.
            abort(404)
        if module is not None:
            app.extensions["resalat"].domains[module].as_default()
        check_request()
        if request.method in ("GET", "HEAD", "OPTIONS"):
            renew_if_roles_changed()
            return
        # Loading the user first tells whether a bearer token (no cookie, so no CSRF risk) was used.
        signed_in = current_user.is_authenticated
        if g.get("resalat_token_auth") or (is_api_request() and not signed_in):
            return
        csrf.protect()
        # After the form's token was checked: a form sent just after a role change still counts.
        renew_if_roles_changed()
        # A form sent again (a dropped connection) gets its first outcome instead of acting twice.
        return claim()


def _init_error_handlers(app: Flask) -> None:
    from resalat_core.db import get_db
    from resalat_core.i18n import _
    from resalat_core.rest.core import _retry_after, error_response, field_errors
    from resalat_core.web.views import render_error

    def _rollback() -> None:
        get_db().session.rollback()

    @app.errorhandler(ResalatError)
    def _resalat_error(exc: ResalatError) -> Any:
        if exc.keep_changes:
            # Refused, but what it wrote must count (a wrong signing password, for throttling);
            # a form's one-time claim (web.once) is let go and the rest committed when it settles.
            g.resalat_keep_changes = True
            get_db().session.commit()
        else:
            _rollback()
        if is_api_request():
            return error_response(exc)
        response = app.make_response(render_error(exc.status, str(exc.message)))
        _retry_after(response, exc)
        return response

    @app.errorhandler(ValidationError)
    def _schema_error(exc: ValidationError) -> Any:
        _rollback()
        return _resalat_error(
            BadInput(_("Please correct the marked fields."), fields=field_errors(exc.messages))
        )

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError) -> Any:
        _rollback()
        message = _("The form has expired or was tampered with. Please reload the page and try again.")
        return _resalat_error(BadInput(message, code="csrf"))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        _rollback()
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have permission to see this page."),
            404: _("Nothing here: the page does not exist or is not available in your region."),
            405: _("This address does not accept that kind of request."),
            413: _("The upload is too large."),
            414: _("The address is too long."),
        }
        status = exc.code or 500
        message = messages.get(status, exc.description or "")
        if is_api_request():
            err = ResalatError(message, code=(exc.name or "error").lower().replace(" ", "_"))
            err.status = status
            return error_response(err)
        return render_error(status, message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        _rollback()
        if _names_no_row(exc):
            return _http_error(NotFound())
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS") and app.config.get("TESTING"):
            raise exc
        message = _("Something went wrong on our side. It has been logged; please try again later.")
        if is_api_request():
            err = ResalatError(message, code="internal_error")
            err.status = 500
            return error_response(err)
        return render_error(500, message)


def _names_no_row(exc: Exception) -> bool:
    """Whether the database refused a number because the URL named an id its column cannot hold.

    The converter lets through every 64-bit id; a table that keeps 32-bit ids then gets a number
    PostgreSQL refuses to cast (integer out of range). No row has that id: a 404, not a 500.
    """
    if not isinstance(exc, DBAPIError) or "out of range" not in str(exc.orig):
        return False
    values = (request.view_args or {}).values()
    return any(isinstance(v, int) and not isinstance(v, bool) and v > MAX_NARROW_ROW_ID for v in values)


def _check_every_route_declares_access(app: Flask) -> None:
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if not _is_static(endpoint) and access_of(view) is None
    ]
    if missing:
        raise RuntimeError(f"routes without an access declaration: {', '.join(sorted(missing))}")


def _is_static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")
