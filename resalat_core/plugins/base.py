"""What a plugin declares about itself, and the small value types hooks take and return.

Every text here is written once, in English, with lazy gettext (``_l``) and translated by the
plugin's catalogue when it is shown; nothing is declared as a Persian/English pair, so another
language (Azerbaijani, Kurdish) needs only catalogues.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from resalat_core.words import Text, encode_params, render

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
CODE_RE = re.compile(r"^[a-z][a-z0-9_.\-]{0,63}$")


@lru_cache(maxsize=1)
def _distributions() -> dict[str, list[str]]:
    return dict(importlib.metadata.packages_distributions())


def distribution_version(package: str) -> str | None:
    """The installed version of the distribution that ships the top-level ``package``, if any."""
    top = package.split(".")[0]
    # Most plugins ship as the distribution of their package's own name (resalat_bimeh as
    # resalat-bimeh): found directly. Mapping every installed distribution's files to their
    # packages read hundreds of RECORD files, a tenth of a worker's start-up.
    try:
        return importlib.metadata.version(top)
    except importlib.metadata.PackageNotFoundError:
        pass
    for dist in _distributions().get(top, []):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - stale metadata
            continue
    return None


# --- what a plugin brings: roles, accounts, purposes --------------------------------------------


@dataclass(frozen=True)
class RoleKind:
    """A kind a role is held as (a supporter is a credit, technical ... supporter)."""

    name: str
    title: Text


@dataclass(frozen=True)
class Persona:
    """A demo member who holds a role: ``resalat demo`` creates one per declared persona.

    ``body`` is the national code's first nine digits (the check digit is computed);
    ``role_region`` is the region code where the role is held (None: nationwide).
    """

    key: str
    name: str
    mobile: str
    body: str
    region: str
    role_region: str | None = None
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Role:
    """A role a plugin adds to the ecosystem, held nationwide or in a region.

    ``permissions`` names permissions declared elsewhere (the host's, another plugin's) that this
    role also holds: the guides plugin's ``guide`` holds the host's ``core.members.view``.
    """

    name: str
    title: Text
    kinds: tuple[RoleKind, ...] = ()
    permissions: tuple[str, ...] = ()
    personas: tuple[Persona, ...] = ()
    description: Text = ""

    def kind(self, name: str) -> RoleKind | None:
        return next((k for k in self.kinds if k.name == name), None)


@dataclass(frozen=True)
class SystemAccount:
    """A ledger account the plugin's money moves through (``escrow``, ``loan_fund``).

    Opened on first use by ``system_account(session, code)``; ``may_go_negative`` for accounts
    that stand for the outside world or income (their balance is what they gave out).
    """

    code: str
    name: Text
    may_go_negative: bool = False


@dataclass(frozen=True)
class AccountKind:
    """A kind of member account a plugin opens (``deposit``), and what its owner reads."""

    name: str
    title: Text


@dataclass(frozen=True)
class Purpose:
    """Why money moved: a ledger transfer's ``purpose`` code and how a statement line reads.

    ``detail`` is rendered with the transfer's ``params`` (``_l("Order %(order)s")``).
    """

    code: str
    label: Text
    detail: Text | None = None


# --- the plugin ---------------------------------------------------------------------------------


@dataclass
class Plugin:
    """A plugin's identity card, the object its ``resalat.plugins`` entry point names.

    ``package`` is the import name of the plugin's package (pass ``__name__`` from its
    ``__init__``); the host finds ``templates/<name>/``, ``static/``, ``translations/`` and
    ``migrations/`` there and imports ``<package>.models``, ``<package>.messages`` and
    ``<package>.hooks``. ``sdk`` is the range of ``SDK_VERSION`` the plugin is written for
    (``">=1,<2"``); the host refuses the plugin, with the reason, when it does not satisfy it.
    ``hookspecs`` names the module of hooks the plugin offers to others. The version is read
    from the installed distribution's metadata (one source: its pyproject).
    """

    name: str
    title: Text
    package: str
    sdk: str
    requires: tuple[str, ...] = ()
    description: Text = ""
    icon: str = "grid"
    # Settings as data, with defaults; a deployment overrides them in the config file's
    # [plugins.<name>] table, and the plugin reads them with ``plugin.setting(key)``.
    settings: dict[str, Any] = field(default_factory=dict)
    hookspecs: str | None = None
    roles: tuple[Role, ...] = ()
    accounts: tuple[SystemAccount, ...] = ()
    account_kinds: tuple[AccountKind, ...] = ()
    purposes: tuple[Purpose, ...] = ()
    # Only for plugins that are not installed distributions (test fixtures given in code).
    version: str = ""

    def __post_init__(self) -> None:
        if not NAME_RE.match(self.name):
            raise ValueError(
                f"plugin name {self.name!r} must be lower-case letters, digits and _ (2-40 chars)"
            )
        self.requires = tuple(self.requires)
        self.roles = tuple(self.roles)
        self.accounts = tuple(self.accounts)
        self.account_kinds = tuple(self.account_kinds)
        self.purposes = tuple(self.purposes)
        if not self.version:
            self.version = distribution_version(self.package) or "0+unknown"

    @property
    def root(self) -> Path:
        module = importlib.import_module(self.package)
        assert module.__file__ is not None
        return Path(module.__file__).resolve().parent

    @property
    def migrations_dir(self) -> Path | None:
        path = self.root / "migrations" / "versions"
        return path if path.is_dir() else None

    @property
    def templates_dir(self) -> Path | None:
        path = self.root / "templates"
        return path if path.is_dir() else None

    def setting(self, key: str) -> Any:
        """A setting: the config file's ``[plugins.<name>]`` table, else the flat key
        ``<name>_<key>`` (so ``RESALAT_BAZAAR_LOW_STOCK`` in the environment works), else the
        default the plugin declared in ``settings`` (KeyError for an undeclared key). Values from
        the environment are read as the type of the default."""
        from flask import current_app, has_app_context

        if key not in self.settings:
            raise KeyError(f"plugin {self.name} declares no setting {key!r}")
        default = self.settings[key]
        if not has_app_context():
            return default
        config = current_app.config["RESALAT"]
        table = (config.get("plugins") or {}).get(self.name) or {}
        if key in table:
            return table[key]
        raw = config.get(f"{self.name}_{key}", default)
        if isinstance(default, bool) and isinstance(raw, str):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int) and not isinstance(default, bool) and isinstance(raw, str):
            return int(raw.strip())
        return raw

    def optional_module(self, room: str) -> Any:
        """Import ``<package>.<room>`` (None if the plugin has no such module)."""
        try:
            return importlib.import_module(f"{self.package}.{room}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{self.package}.{room}":
                return None
            raise

    def load_hooks(self) -> Any:
        """Import the plugin's hooks module (None if it has none)."""
        return self.optional_module("hooks")


# --- what hooks return ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Permission:
    """A permission a plugin declares, and the roles that hold it by default.

    Names are ``<plugin>.<action>``. Roles declared by other plugins may also hold it (a role's
    ``permissions``); admins hold every permission in their region.
    """

    name: str
    title: Text
    roles: tuple[str, ...] = ("admin",)


@dataclass(frozen=True)
class AuditAction:
    """An action code a plugin writes to the audit trail, and its title for the log's readers.

    Codes are ``<plugin>.<action>`` (``loans.approved``); the title is lazy (``_l``) so the log
    page shows it in each reader's language. ``audit()`` refuses a code nobody declared.
    """

    code: str
    title: Text


@dataclass(frozen=True)
class Tile:
    """A home-screen tile."""

    title: Text
    url: str
    icon: str = "grid"
    description: Text = ""
    badge: int | None = None
    order: int = 100


@dataclass(frozen=True)
class NextStep:
    """A "what to do next" card on the home page, shown above the tiles, most urgent first.

    ``priority`` orders the cards (higher first: 100 for money due or a decision others wait on,
    50 for work waiting, 10 for a reminder); ``icon`` is a Bootstrap Icons name shipped with the
    host (``"cash-coin"``). ``title`` and ``text`` are lazy texts, rendered in the reader's language.
    """

    title: Text
    text: Text
    link: str
    priority: int = 50
    icon: str = "arrow-left-circle"


@dataclass(frozen=True)
class NavItem:
    """A link in the layout's top bar, with an optional count (unread messages...)."""

    title: Text
    url: str
    badge: int | None = None
    icon: str = ""
    order: int = 100


@dataclass(frozen=True)
class Figure:
    """A figure for the administrators' dashboard: a label and a value (rials when ``money``).

    ``key`` names the figure for whoever keeps its history (the ``stats`` plugin's snapshots):
    short, stable across releases and languages (``"active_cores"``), unique within the plugin.
    A figure without one is shown but not kept.
    """

    label: Text
    value: int
    unit: Text = ""
    money: bool = False
    key: str = ""


@dataclass(frozen=True)
class Reference:
    """What a stored reference (``"loan:12"``) names, for a person: its name and its page.

    The plugin that owns the kind answers ``resalat_reference`` with it; ``url`` is None when the
    thing has no page. The host's ``reference`` filter shows it as a link.
    """

    name: Text
    url: str | None = None


@dataclass(frozen=True)
class FileStore:
    """Files a plugin keeps in a storage of its own (not the host's uploads), for the backups.

    ``name`` is the plugin's name (the archive keeps the files under it); ``storage`` the
    ``Storage`` they live in; ``names`` every name stored there that the database still refers
    to (read by a backup; a restore only writes into ``storage``).
    """

    name: str
    storage: Any
    names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MessageKind:
    """One kind of notification a plugin sends, declared once in its ``messages`` module.

    ``title`` and ``body`` are lazy texts with ``%(name)s`` variables. Calling the kind with the
    variables (and a ``url``) makes the ``Message`` to send. Notifications store the kind and the
    variables, not the sentence, so each reader reads it in their language, now and later.
    The host sets ``source`` to the plugin's name when it loads the ``messages`` module.
    """

    kind: str
    title: Text
    body: Text = ""
    source: str = ""
    # Written by a person in each language (an administrator's announcement): the variables
    # ``title_fa``, ``title_en``, ``body_fa``, ``body_en`` hold the texts, and the reader gets theirs.
    authored: bool = False

    def __call__(self, *, url: str | None = None, **params: Any) -> Message:
        encode_params(params)  # refuse, now, a value that could not be stored
        return Message(kind=self, params=params, url=url)

    def render(self, params: dict[str, Any] | None = None) -> tuple[str, str]:
        """(title, body) in the reader's language."""
        if self.authored:
            return authored_text(params or {}, "title"), authored_text(params or {}, "body")
        body = render(self.body, params) if self.body else ""
        return render(self.title, params), body


def authored_text(params: dict[str, Any], attr: str) -> str:
    """A person's own text in the reader's language (``<attr>_<lang>``), else in the other one."""
    from resalat_core.web.templating import current_language

    lang = current_language()
    for key in (f"{attr}_{lang}", f"{attr}_fa", f"{attr}_en"):
        if params.get(key):
            return str(params[key])
    return ""


@dataclass(frozen=True)
class Message:
    """A notification for one member: a declared kind and its variables."""

    kind: MessageKind
    params: dict[str, Any] = field(default_factory=dict)
    url: str | None = None

    @property
    def source(self) -> str:
        return self.kind.source

    @property
    def title(self) -> str:
        return self.kind.render(self.params)[0]

    @property
    def body(self) -> str:
        return self.kind.render(self.params)[1]

    def stored_params(self) -> dict[str, Any]:
        return encode_params(self.params)


@dataclass(frozen=True)
class PeriodicJob:
    """Periodic work a plugin declares, made of chunks that any worker may take (since 1.7).

    ``code`` is ``<plugin>.<job>``; ``title`` a lazy translation. ``schedule`` is a cron line
    (minute hour day-of-month month day-of-week, e.g. ``"15 2 * * *"``) that Celery beat follows;
    ``options`` the JSON options beat plans with (a command may pass others). ``plan(session,
    now, **options)`` returns the chunk descriptors: small JSON dicts (an id range, the day),
    read-only and quick. ``run_chunk(session, chunk, now)`` does one chunk in the caller's
    transaction (the host commits after it) and returns counts (``{"reminded": 3}``); it must be
    idempotent and safe to retry: a chunk run twice changes nothing the second time, and money
    moves only with idempotency keys. Keep a chunk to seconds of work (a few hundred rows).
    """

    code: str
    title: Any
    schedule: str
    plan: Callable[..., list[dict[str, Any]]]
    run_chunk: Callable[..., dict[str, int]]
    options: dict[str, Any] = field(default_factory=dict)
    # Filled in by the host with the name of the plugin that declared it.
    source: str = ""


@dataclass(frozen=True)
class CreditSignal:
    """One thing a plugin knows about a member's creditworthiness, for Merat's score.

    ``kind`` names a signal the plugin declared with a ``SignalKind``; ``value`` is its size in
    the kind's unit (rials when the kind is ``money``, else a count); Merat's weights turn kinds
    and values into points, so plugins never score. ``params`` fill the kind's description.
    """

    kind: str
    value: int
    params: dict[str, Any] = field(default_factory=dict)
    reference: str | None = None
    # Filled in by Merat with the name of the plugin that answered.
    source: str = ""


@dataclass(frozen=True)
class SignalKind:
    """A credit signal a plugin gives, with its description and its default weight.

    ``points`` for every ``per`` of the value, never beyond ``cap`` (a negative cap for bad
    signals: the points taken away stop there). A deployment overrides the weight in
    ``[plugins.merat.weights.<kind>]``.
    """

    kind: str
    description: Text
    points: int
    per: int
    cap: int
    money: bool = False


@dataclass(frozen=True)
class DataRow:
    """One line of what a plugin holds about a member, as the readable page shows it (since 1.6).

    ``label`` is a lazy text; ``value`` is what the member typed or what the plugin recorded: a
    person's own text (shown as it is), a lazy text, a number or a date (shown in the reader's
    digits and calendar); with ``money`` the number is rials, shown as tomans.
    """

    label: Text
    value: Any
    money: bool = False


@dataclass(frozen=True)
class DataSection:
    """What one plugin holds about a member, for the member's own copy of their data (since 1.6).

    ``key`` names the section in the download (short, stable: ``"posts"``), unique within the
    plugin; ``title`` is a lazy text; ``rows`` are what the readable page lists; ``data`` is the
    same in plain JSON values (strings, numbers, booleans, lists, dicts; dates as ISO text), for
    the file the member downloads. The host adds the plugin's name as the section's ``source``.
    """

    key: str
    title: Text
    rows: list[DataRow] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
