"""Finds plugins (stevedore), orders them by their requirements and registers their hooks (pluggy).

Three states are kept apart: *installed* (an entry point exists), *loaded* (imported, its hooks
registered and its wiring accepted by the host) and *active* (switched on for a region, see
``activation``). A plugin that fails at any loading step is isolated: it is recorded as failed
with the reason, and the host and the other plugins carry on.
"""

from __future__ import annotations

import graphlib
import importlib
import logging
import traceback
from dataclasses import dataclass, field
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version
from stevedore import ExtensionManager

from resalat_core.errors import PluginError
from resalat_core.plugins import spec
from resalat_core.plugins.base import Plugin
from resalat_core.sdk_version import SDK_VERSION

log = logging.getLogger(__name__)
NAMESPACE = "resalat.plugins"


@dataclass
class PluginRecord:
    """What the host knows of one installed plugin."""

    name: str
    entry_point: str
    plugin: Plugin | None = None
    status: str = "installed"  # installed -> loaded | failed
    error: str | None = None
    distribution: str | None = None
    hooks: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str | None:
        return self.plugin.version if self.plugin else None

    @property
    def requires(self) -> list[str]:
        return list(self.plugin.requires) if self.plugin else []

    def fail(self, reason: str) -> None:
        self.status = "failed"
        self.error = reason
        log.error("plugin %s failed to load: %s", self.name, reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "requires": self.requires,
            "error": self.error,
            "title": str(self.plugin.title) if self.plugin else None,
            "sdk": self.plugin.sdk if self.plugin else None,
            "entry_point": self.entry_point,
        }


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def resolve_order(plugins: dict[str, Plugin]) -> list[str]:
    """Names in an order where every plugin comes after what it requires.

    Raises ``PluginError`` naming the plugins involved when a requirement is missing or cyclic.
    """
    missing = {name: [r for r in p.requires if r not in plugins] for name, p in plugins.items()}
    missing = {name: reqs for name, reqs in missing.items() if reqs}
    if missing:
        parts = "; ".join(f"{n} requires {', '.join(r)}" for n, r in sorted(missing.items()))
        raise PluginError(f"missing requirement: {parts} (not installed or failed to load)")
    sorter = graphlib.TopologicalSorter({n: p.requires for n, p in sorted(plugins.items())})
    try:
        return list(sorter.static_order())
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        raise PluginError(f"cyclic requirement: {' -> '.join(cycle)}") from exc


def _bound(impl: Any) -> Any:
    """The implementation, called with just the hook arguments it declares (as pluggy calls it)."""
    names = tuple(impl.argnames)

    def call(**kwargs: Any) -> Any:
        return impl.function(**{k: v for k, v in kwargs.items() if k in names})

    return call


def sdk_problem(plugin: Plugin, version: str = SDK_VERSION) -> str | None:
    """Why the host's SDK does not suit ``plugin`` (None when it does)."""
    try:
        wanted = SpecifierSet(plugin.sdk)
    except InvalidSpecifier:
        return f"its sdk range {plugin.sdk!r} is not a version range such as '>=1,<2'"
    if not plugin.sdk.strip():
        return "it states no sdk range (for example sdk='>=1,<2')"
    if not wanted.contains(Version(version), prereleases=True):
        return f"it is written for SDK {plugin.sdk}, and this host offers SDK {version}"
    return None


class PluginManager:
    """The host's view of its plugins: discovery, order, hooks."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(spec.PROJECT)
        self.pm.add_hookspecs(spec)
        self.records: dict[str, PluginRecord] = {}
        self.order: list[str] = []
        # hook name -> who declared it: "core" for the host's, else the plugin's name.
        self.hook_owner: dict[str, str] = {name: "core" for name in dir(spec) if name.startswith("resalat_")}

    # -- discovery -----------------------------------------------------------------------------
    def discover(self, extra: dict[str, Plugin] | None = None) -> None:
        """Read every ``resalat.plugins`` entry point; ``extra`` adds plugins given in code (tests)."""

        def on_failure(_manager: Any, entrypoint: Any, exc: BaseException) -> None:
            record = PluginRecord(name=entrypoint.name, entry_point=entrypoint.value)
            record.fail(f"import failed: {_describe(exc)}")
            self.records[entrypoint.name] = record

        manager = ExtensionManager(
            namespace=NAMESPACE,
            invoke_on_load=False,
            on_load_failure_callback=on_failure,
        )
        for ext in manager.extensions:
            record = PluginRecord(name=ext.name, entry_point=ext.entry_point.value)
            dist = getattr(ext.entry_point, "dist", None)
            record.distribution = getattr(dist, "name", None) if dist else None
            obj = ext.plugin
            if not isinstance(obj, Plugin):
                record.fail(f"entry point {ext.entry_point.value} is not a resalat Plugin object")
            elif obj.name != ext.name:
                record.fail(f"entry point is named {ext.name!r} but the plugin calls itself {obj.name!r}")
            else:
                record.plugin = obj
            self.records[ext.name] = record
        for name, plugin in (extra or {}).items():
            self.records[name] = PluginRecord(name=name, entry_point="(given)", plugin=plugin)

    # -- ordering and registration --------------------------------------------------------------
    def load(self, register: Any) -> None:
        """Order the importable plugins and register each; ``register(record)`` does the wiring.

        A plugin whose requirement failed fails too, naming it; so does every plugin on a cycle.
        """
        candidates = {n: r.plugin for n, r in self.records.items() if r.plugin and r.status != "failed"}
        while True:
            try:
                order = resolve_order(candidates)
                break
            except PluginError as exc:
                broken = self._broken_by(candidates)
                for name, reason in broken.items():
                    self.records[name].fail(reason)
                    candidates.pop(name, None)
                if not broken:  # pragma: no cover - resolve_order only fails for the two reasons
                    raise exc
        for name in order:
            record = self.records[name]
            failed_reqs = [r for r in record.requires if self.records[r].status != "loaded"]
            if failed_reqs:
                record.fail(f"requires {', '.join(failed_reqs)}, which failed to load")
                continue
            assert record.plugin is not None
            problem = sdk_problem(record.plugin)
            if problem:
                record.fail(f"incompatible: {problem}")
                continue
            try:
                # The plugin's own hooks exist before it, or anything that requires it, registers.
                self._add_hookspecs(record)
                record.hooks = record.plugin.load_hooks()
                if record.hooks is not None:
                    self.pm.register(record.hooks, name=name)
                    self._check_implementations(record)
                register(record)
            except Exception as exc:
                if record.hooks is not None and self.pm.is_registered(record.hooks):
                    self.pm.unregister(record.hooks)
                record.hooks = None
                record.fail(f"registration failed: {_describe(exc)}")
                continue
            record.status = "loaded"
            self.order.append(name)

    def _add_hookspecs(self, record: PluginRecord) -> None:
        assert record.plugin is not None
        if not record.plugin.hookspecs:
            return
        module = importlib.import_module(record.plugin.hookspecs)
        names = [n for n in dir(module) if n.startswith("resalat_") and callable(getattr(module, n))]
        for hook in names:
            owner = self.hook_owner.get(hook)
            if owner is not None and owner != record.name:
                raise PluginError(f"hook {hook} is already declared by {owner}")
        self.pm.add_hookspecs(module)
        for hook in names:
            self.hook_owner[hook] = record.name

    def _check_implementations(self, record: PluginRecord) -> None:
        """Refuse an implementation of a hook nobody declares, unless it is marked optional.

        A plugin that answers another plugin's hook without requiring it marks the answer
        ``@hookimpl(optionalhook=True)``: with that plugin absent there is nobody to ask.
        """
        unknown = []
        for impl in self.pm.get_hookcallers(record.hooks) or []:
            if impl.has_spec():
                continue
            for hookimpl in impl.get_hookimpls():
                if hookimpl.plugin_name == record.name and not hookimpl.optionalhook:
                    unknown.append(impl.name)
        if unknown:
            raise PluginError(
                f"implements {', '.join(sorted(unknown))}, which no loaded plugin declares; "
                "if it belongs to a plugin that may be absent, mark it @hookimpl(optionalhook=True)"
            )

    @staticmethod
    def _broken_by(candidates: dict[str, Plugin]) -> dict[str, str]:
        """The plugins that a missing or cyclic requirement rules out, each with its reason."""
        broken: dict[str, str] = {}
        for name, plugin in candidates.items():
            missing = [r for r in plugin.requires if r not in candidates]
            if missing:
                broken[name] = f"requires {', '.join(missing)}, which is not installed or failed"
        if broken:
            return broken
        sorter = graphlib.TopologicalSorter({n: p.requires for n, p in candidates.items()})
        try:
            sorter.prepare()
        except graphlib.CycleError as exc:
            cycle = exc.args[1]
            for name in set(cycle):
                broken[name] = f"cyclic requirement: {' -> '.join(cycle)}"
        return broken

    # -- queries --------------------------------------------------------------------------------
    @property
    def loaded(self) -> list[PluginRecord]:
        return [self.records[n] for n in self.order]

    def plugin(self, name: str) -> Plugin | None:
        record = self.records.get(name)
        return record.plugin if record and record.status == "loaded" else None

    def is_loaded(self, name: str) -> bool:
        record = self.records.get(name)
        return bool(record and record.status == "loaded")

    def impls(self, hook_name: str) -> list[tuple[str, Any]]:
        """(plugin name, function) for each loaded plugin that implements ``hook_name``, in order.

        Each function takes the hook's arguments by keyword, as pluggy would pass them: only
        those the implementation declares.
        """
        caller = getattr(self.pm.hook, hook_name)
        by_name = {impl.plugin_name: _bound(impl) for impl in caller.get_hookimpls()}
        return [(n, by_name[n]) for n in self.order if n in by_name]

    def listing(self) -> list[dict[str, Any]]:
        return [self.records[n].as_dict() for n in sorted(self.records)]
