"""What a plugin declares about itself, and the small value types hooks return."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass
class Plugin:
    """A plugin's identity card, the object its ``resalat.plugins`` entry point names.

    ``package`` is the import name of the plugin's package (pass ``__name__`` from its
    ``__init__``); the host finds ``templates/<name>/``, ``static/`` and ``migrations/`` there and
    imports ``<package>.hooks`` for the hook implementations.
    """

    name: str
    version: str
    title_fa: str
    title_en: str
    package: str
    requires: tuple[str, ...] = ()
    description_fa: str = ""
    description_en: str = ""
    icon: str = "grid"
    # Settings as data, with defaults; a deployment overrides them in the config file's
    # [plugins.<name>] table, and the plugin reads them with ``plugin.setting(key)``.
    settings: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not NAME_RE.match(self.name):
            raise ValueError(
                f"plugin name {self.name!r} must be lower-case letters, digits and _ (2-40 chars)"
            )
        self.requires = tuple(self.requires)

    @property
    def root(self) -> Path:
        module = importlib.import_module(self.package)
        return Path(module.__file__).resolve().parent

    @property
    def migrations_dir(self) -> Path | None:
        path = self.root / "migrations" / "versions"
        return path if path.is_dir() else None

    @property
    def templates_dir(self) -> Path | None:
        path = self.root / "templates"
        return path if path.is_dir() else None

    def title(self, lang: str = "fa") -> str:
        return self.title_fa if lang == "fa" else self.title_en

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

    def load_hooks(self) -> Any:
        """Import the plugin's hooks module (None if it has none)."""
        try:
            return importlib.import_module(f"{self.package}.hooks")
        except ModuleNotFoundError as exc:
            if exc.name == f"{self.package}.hooks":
                return None
            raise


@dataclass(frozen=True)
class Permission:
    """A permission a plugin declares, and the roles that hold it by default."""

    name: str
    title_fa: str
    title_en: str
    roles: tuple[str, ...] = ("admin",)


@dataclass(frozen=True)
class Tile:
    """A home-screen tile."""

    title_fa: str
    title_en: str
    url: str
    icon: str = "grid"
    description_fa: str = ""
    description_en: str = ""
    badge: int | None = None
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    """A link in the layout's top bar, with an optional count (unread messages...)."""

    title_fa: str
    title_en: str
    url: str
    badge: int | None = None
    icon: str = ""
    order: int = 100


@dataclass(frozen=True)
class Message:
    """A notification for one member, in both languages."""

    title_fa: str
    title_en: str
    body_fa: str = ""
    body_en: str = ""
    url: str | None = None
    # The plugin that sends it and a kind of its choosing ("order.shipped"), for grouping.
    source: str = "host"
    kind: str = "info"


@dataclass(frozen=True)
class Figure:
    """A figure for the dashboard."""

    label_fa: str
    label_en: str
    value: int
    unit_fa: str = ""
    unit_en: str = ""


@dataclass(frozen=True)
class CreditSignal:
    """One thing a plugin knows about a member's creditworthiness, for Merat's score.

    ``kind`` names the signal (``social_guarantee``, ``repayment_on_time``...); ``value`` is its
    size in the signal's own unit (rials for a guarantee cap, a count, a ratio in thousandths);
    Merat's configured weights turn kinds and values into points, so plugins never score.
    """

    source: str
    kind: str
    value: int
    description_fa: str
    description_en: str
    reference: str | None = None


@dataclass(frozen=True)
class Reputation:
    """Reviews and reports about a booth or product, as social supervision sums them up."""

    rating: float | None  # average stars 1..5, None before the first review
    reviews: int
    open_reports: int
    url: str | None = None
    hidden: bool = False  # hidden by a supervisor's decision
