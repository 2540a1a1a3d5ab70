"""The one place that decides whether a module is active for a region.

Routes, tiles, navigation and region-scoped hook calls all ask ``is_active`` or ``region_hook``;
no plugin checks activation itself. The activation table is read once per request.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from flask import current_app, g, has_app_context
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from resalat_core.db import db_session
from resalat_core.errors import BadInput, NotFound
from resalat_core.i18n import _
from resalat_core.plugins.models import ModuleActivation
from resalat_core.regions.models import Region


class Activation:
    """A snapshot of the activation table: the most specific row wins (place, province, all)."""

    def __init__(self, rows: list[tuple[str, int | None, bool]]) -> None:
        self._rows = {(module, region_id): enabled for module, region_id, enabled in rows}
        # region_hook's answers, by plugin manager and place: a job telling thousands of members
        # asks the same few places again and again.
        self._inactive: dict[tuple[int, int | None, int | None], list[Any]] = {}

    def is_active(self, module: str, region: Region | None) -> bool:
        if region is None:
            # Someone not signed in: a module's public pages are reachable if it is on anywhere.
            return self.enabled_anywhere(module)
        for region_id in (region.id, region.parent_id):
            if region_id is not None and (module, region_id) in self._rows:
                return self._rows[(module, region_id)]
        return self._rows.get((module, None), False)

    def enabled_anywhere(self, module: str) -> bool:
        return any(enabled for (m, _r), enabled in self._rows.items() if m == module)

    def rows(self) -> list[tuple[str, int | None, bool]]:
        """Every decision, as (module, region id or None for nationwide, enabled), sorted."""
        return sorted(
            ((m, r, on) for (m, r), on in self._rows.items()), key=lambda row: (row[0], row[1] or 0)
        )

    def state(self, module: str, region_id: int | None) -> bool | None:
        return self._rows.get((module, region_id))


def load_activation(session: Session) -> Activation:
    rows = session.execute(
        select(ModuleActivation.module, ModuleActivation.region_id, ModuleActivation.enabled)
    ).all()
    return Activation([(str(m), r, bool(on)) for m, r, on in rows])


def activation() -> Activation:
    """This request's snapshot (read once, cached on ``g``).

    With the member cache on, the worker's snapshot serves every request until a switch moves the
    generation on (``touch_modules``) or ``member_cache_seconds`` pass (``kept_by_worker``);
    without it, the table is read once per request."""
    from resalat_core.web.membercache import kept_by_worker

    if not has_app_context():
        return load_activation(db_session())
    if "resalat_activation" not in g:
        g.resalat_activation = kept_by_worker("activation", lambda: load_activation(db_session()))
    return g.resalat_activation


def forget_activation() -> None:
    from resalat_core.web.membercache import forget_kept

    if has_app_context():
        g.pop("resalat_activation", None)
        forget_kept()


def _plugins() -> Any:
    return current_app.extensions["resalat"].plugins


def region_of(subject: Any) -> Region | None:
    """A member's region, a region itself, or None (anonymous)."""
    if subject is None or getattr(subject, "is_anonymous", False):
        return None
    if isinstance(subject, Region):
        return subject
    return getattr(subject, "region", None)


def is_active(module: str, subject: Any) -> bool:
    """Is ``module`` loaded and switched on for this member's (or region's) place?"""
    return _plugins().is_loaded(module) and activation().is_active(module, region_of(subject))


def active_modules(subject: Any) -> list[str]:
    snap = activation()
    region = region_of(subject)
    return [r.name for r in _plugins().loaded if snap.is_active(r.name, region)]


def region_hook(hook_name: str, subject: Any) -> Any:
    """A hook caller that reaches only the plugins active for ``subject``'s region."""
    manager = _plugins()
    snap = activation()
    region = region_of(subject)
    key = (id(manager), region.id if region else None, region.parent_id if region else None)
    inactive = snap._inactive.get(key)
    if inactive is None:
        inactive = snap._inactive[key] = [
            r.hooks for r in manager.loaded if r.hooks is not None and not snap.is_active(r.name, region)
        ]
    if not inactive:
        return getattr(manager.pm.hook, hook_name)
    return manager.pm.subset_hook_caller(hook_name, remove_plugins=inactive)


def every_plugin_hook(hook_name: str) -> Any:
    """A hook caller that reaches every loaded plugin, switched on in a region or not.

    Only for events a plugin must hear about its own records whatever the switches say now: the
    refund of a payment it took while it was on. Everything a member sees or starts goes through
    ``region_hook``.
    """
    return getattr(_plugins().pm.hook, hook_name)


def hook_answers(
    hook_name: str, subject: Any, *, only: Collection[str] | None = None, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Each answer to ``hook_name`` with the plugin that gave it, in load order, asking only the
    plugins active for ``subject``'s region (as ``region_hook`` does). An answer of None is left out.

    For a caller that must know who answered (Merat counts a signal only from the plugin that
    declared its kind). Each implementation is called with the arguments it declares. ``only``
    (since 1.7) asks none but the plugins it names.
    """
    return answers_by_plugin(region_hook(hook_name, subject), only=only, **kwargs)


def hook_answers_many(
    hook_name: str, subjects: Sequence[Any], *, argument: str = "members", **kwargs: Any
) -> list[tuple[str, list[Any], Any]]:
    """Ask each plugin once about many subjects: (plugin, the subjects it was given, its answer),
    in load order (since 1.7).

    Each implementation gets, as ``argument``, only the subjects of the regions where its plugin
    is active (none: it is not asked), and the other arguments it declares. For batched
    questions, such as Merat's signals for a chunk of members: one call per plugin, not one per
    subject. An answer of None is left out.
    """
    snap = activation()
    regions = [region_of(subject) for subject in subjects]
    answers = []
    for name, impl in _in_load_order(every_plugin_hook(hook_name)):
        given = [s for s, region in zip(subjects, regions, strict=True) if snap.is_active(name, region)]
        if not given:
            continue
        answer = _call(impl, {argument: given, **kwargs})
        if answer is not None:
            answers.append((name, given, answer))
    return answers


def answers_by_plugin(
    caller: Any, *, only: Collection[str] | None = None, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Each answer of ``caller`` (from ``region_hook`` or ``every_plugin_hook``) with the plugin that
    gave it, in load order; None answers left out; each implementation gets the arguments it declares.
    ``only`` names the plugins to ask (None: every one the caller reaches)."""
    answers = []
    for name, impl in _in_load_order(caller):
        if only is not None and name not in only:
            continue
        answer = _call(impl, kwargs)
        if answer is not None:
            answers.append((name, answer))
    return answers


def _in_load_order(caller: Any) -> Iterator[tuple[str, Any]]:
    """(plugin name, its implementation) of each plugin ``caller`` reaches, in load order."""
    by_plugin = {impl.plugin_name: impl for impl in caller.get_hookimpls()}
    for record in _plugins().loaded:
        impl = by_plugin.get(record.name)
        if impl is not None:
            yield record.name, impl


def _call(impl: Any, arguments: dict[str, Any]) -> Any:
    """Call a hook implementation with the arguments it declares, as pluggy would."""
    return impl.function(**{k: v for k, v in arguments.items() if k in impl.argnames})


# --- changing activation (CLI and admin pages call these) --------------------------------------


def _require_module(name: str) -> Any:
    plugin = _plugins().plugin(name)
    if plugin is None:
        raise NotFound(_("No loaded module is named %(name)s.", name=name), code="unknown_module")
    return plugin


def _active_everywhere(snap: Activation, module: str, session: Session) -> bool:
    if not snap.state(module, None):
        return False
    disabled = session.scalar(
        select(ModuleActivation.id).where(
            ModuleActivation.module == module, ModuleActivation.enabled.is_(False)
        )
    )
    return disabled is None


def set_module(
    session: Session,
    module: str,
    *,
    enabled: bool,
    region: Region | None = None,
    with_dependants: bool = False,
) -> None:
    """Switch ``module`` on or off for ``region`` (None: everywhere, clearing regional overrides).

    Refuses to switch a module on where a module it requires is off, and to switch one off where
    an active module requires it, naming the modules in the way; with ``with_dependants`` those
    modules are switched off there first (latest-loaded first).
    """
    plugin = _require_module(module)
    snap = load_activation(session)
    manager = _plugins()
    # A province's decision replaces its places' own (below), so requirements must hold in each.
    scope = [region]
    if region is not None and region.parent_id is None:
        scope += list(session.scalars(select(Region).where(Region.parent_id == region.id)))
    if enabled:
        if region is None:
            off = [r for r in plugin.requires if not _active_everywhere(snap, r, session)]
        else:
            off = [r for r in plugin.requires if not all(snap.is_active(r, x) for x in scope)]
        if off:
            raise BadInput(
                _(
                    "%(module)s requires %(missing)s, which is off there; enable it first.",
                    module=module,
                    missing=", ".join(off),
                ),
                code="requirement_off",
            )
    else:
        dependants = [
            r.name
            for r in manager.loaded
            if module in r.requires
            and (
                any(snap.is_active(r.name, x) for x in scope)
                if region is not None
                else snap.enabled_anywhere(r.name)
            )
        ]
        if dependants and with_dependants:
            for name in reversed([r.name for r in manager.loaded if r.name in dependants]):
                set_module(session, name, enabled=False, region=region, with_dependants=True)
            snap = load_activation(session)
        elif dependants:
            raise BadInput(
                _(
                    "%(names)s require %(module)s there; disable them first.",
                    names=", ".join(dependants),
                    module=module,
                ),
                code="required_by_active",
            )
    if region is None:
        session.execute(delete(ModuleActivation).where(ModuleActivation.module == module))
        session.add(ModuleActivation(module=module, region_id=None, enabled=enabled))
    else:
        row = session.scalar(
            select(ModuleActivation).where(
                ModuleActivation.module == module, ModuleActivation.region_id == region.id
            )
        )
        if row is None:
            session.add(ModuleActivation(module=module, region_id=region.id, enabled=enabled))
        else:
            row.enabled = enabled
        if region.parent_id is None:
            # A province-level decision replaces the decisions of its places.
            places = select(Region.id).where(Region.parent_id == region.id)
            session.execute(
                delete(ModuleActivation).where(
                    ModuleActivation.module == module, ModuleActivation.region_id.in_(places)
                )
            )
    from resalat_core.audit.services import audit

    # The admin page's switch, the CLI's and the dependants switched off with them alike.
    audit(
        session,
        "core.module_on" if enabled else "core.module_off",
        subject=f"module:{module}",
        region=region,
        after={"enabled": enabled},
    )
    from resalat_core.web.membercache import touch_modules

    # Every worker's snapshot, and every member's cached cards, once this commits.
    touch_modules(session)
    forget_activation()


def enable_everything(session: Session) -> None:
    """Switch every loaded module on nationwide, in load order (so requirements come first)."""
    for record in _plugins().loaded:
        set_module(session, record.name, enabled=True)
