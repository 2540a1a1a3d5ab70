"""The host's hooks: the wiring every plugin may answer and the host's own events and questions.

A plugin implements any of these in its ``hooks`` module with ``@hookimpl`` (from the SDK).
Hooks that belong to one plugin's domain (M-Bazar's orders, loans' instalments, Merat's signals)
are not here: the plugin that owns them declares them in its own ``hookspecs`` module, named by
its ``Plugin``, and the host adds them before the plugins that require it load.

Every hook below says when it is called, its arguments, whether it runs inside the caller's
database transaction, and what an exception does. Hooks that concern a member or a region are
called only for the plugins active in that region (``region_hook``): no plugin checks
activation itself. A hook that nobody implements yet says so with ``awaiting(...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

if TYPE_CHECKING:
    import click
    from apispec import APISpec
    from flask import Blueprint
    from sqlalchemy.orm import Session

    from resalat_core.demo import World
    from resalat_core.members.models import Member
    from resalat_core.plugins.base import (
        AuditAction,
        DataSection,
        Figure,
        FileStore,
        Message,
        NavItem,
        NextStep,
        PeriodicJob,
        Permission,
        Reference,
        Tile,
    )
    from resalat_core.wallet.models import Account
    from resalat_core.wallet.services import Spend, SpendDecision

PROJECT = "resalat"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

F = TypeVar("F", bound=Callable[..., Any])
AWAITING_ATTR = "resalat_awaiting"


def awaiting(reason: str) -> Callable[[F], F]:
    """Mark a hook that no plugin implements yet, saying who will (checked by the host's tests)."""

    def mark(spec: F) -> F:
        setattr(spec, AWAITING_ATTR, reason)
        return spec

    return mark


# --- wiring: called once per plugin while the app is built -------------------------------------


@hookspec
def resalat_blueprints() -> list[Blueprint]:
    """Return the plugin's Flask blueprints (pages and API).

    When: once, while the app is built. Arguments: none. Transaction: none.
    Names must be the plugin's name or start with ``<name>_``; URL prefixes must start with
    ``/<name>`` (pages) or ``/api/v1/<name>`` (API). Every view must declare who may call it
    (``public``, ``login_required``, ``permission_required``). An exception, or a name outside
    the plugin's namespace, refuses the whole plugin: it is marked failed with the reason.

    Example::

        @hookimpl
        def resalat_blueprints():
            return [views.bp, api.bp]
    """


@hookspec
def resalat_cli() -> click.Group:
    """Return the plugin's click group, named as the plugin (``resalat <name> ...``).

    When: once, while the app is built. Transaction: none (each command opens its own).
    An exception or another name refuses the plugin.

    Example::

        @hookimpl
        def resalat_cli():
            return cli.health
    """


@hookspec
def resalat_permissions() -> list[Permission]:
    """Return the ``Permission`` objects the plugin declares.

    When: once, while the app is built. Transaction: none. Names are ``<plugin>.<action>``; each
    lists the roles that hold it. A role held in a region grants the permission in that region
    and every place under it; admins hold every permission in their region. A name outside the
    namespace or already declared refuses the plugin.

    Example::

        @hookimpl
        def resalat_permissions():
            return [Permission("health.visit", _l("Record a health visit"), ("health_worker",))]
    """


@hookspec
def resalat_audit_actions() -> list[AuditAction]:
    """Return the ``AuditAction`` objects: every action code the plugin writes with ``audit()``.

    When: once, while the app is built (since 1.6). Arguments: none. Transaction: none. Codes are
    ``<plugin>.<action>``, each with a lazy title (``_l``) that the audit page shows in the
    reader's language; ``audit()`` raises for a code not declared here, so nothing raw reaches a
    screen. An exception, a code outside the plugin's namespace or one already declared refuses
    the plugin: it is marked failed with the reason.

    Example::

        @hookimpl
        def resalat_audit_actions():
            return [AuditAction("health.visit_cancelled", _l("Health visit cancelled"))]
    """


@hookspec
def resalat_periodic_jobs() -> list[PeriodicJob]:
    """Return the ``PeriodicJob`` objects: the plugin's periodic work, in chunks (since 1.7).

    When: once, while the app is built. Arguments: none. Transaction: none. Codes are
    ``<plugin>.<job>``. The host runs a job three ways, always through the same chunks: Celery
    beat plans it on its ``schedule`` and workers on any machine take its chunks (``celery -A
    resalat_core.jobs.worker worker``); ``resalat jobs run CODE`` runs it in-process, or sends
    its chunks to the workers with ``--celery``; and the plugin's own command may run it with
    ``run_job``. Each chunk runs in a transaction of its own, committed after it; a chunk that
    raises is rolled back (and retried by Celery). An exception here, a code outside the plugin's
    namespace or one already declared refuses the plugin.

    Example::

        @hookimpl
        def resalat_periodic_jobs():
            return [PeriodicJob("health.remind", _l("Health visit reminders"), "0 7 * * *",
                                plan=services.plan_reminders, run_chunk=services.remind_chunk)]
    """


@hookspec
def resalat_tiles(member: Member) -> list[Tile]:
    """Return the home-screen ``Tile`` objects this plugin shows to ``member``.

    When: on every home page a signed-in member opens; only plugins active in the member's
    region are asked. Arguments: ``member``, the signed-in member. Transaction: the request's,
    read only; keep it to one cheap query. An exception is a 500 of the home page: do not raise.

    Example::

        @hookimpl
        def resalat_tiles(member):
            return [Tile(plugin.title, url_for("health.index"), icon="heart")]
    """


@hookspec
def resalat_next_steps(member: Member) -> list[NextStep]:
    """Return ``NextStep`` cards: what ``member`` should do next in this plugin, if anything.

    When: on every home page a signed-in member opens, before the tiles; only plugins active in
    the member's region are asked. The cards of every plugin are shown above the tiles, highest
    ``priority`` first. Arguments: ``member``, the signed-in member. Transaction: the request's,
    read only; a few cheap, indexed queries that do not grow with the member's history, and none
    for a member the card cannot concern (check the role first with ``can``). Return ``[]`` when
    there is nothing to do. An exception is a 500 of the home page: do not raise.

    Example::

        @hookimpl
        def resalat_next_steps(member):
            due = services.visits_due(object_session(member), member)
            if not due:
                return []
            return [NextStep(_l("A health visit is due"), _l("Book it this week."),
                             url_for("health.visits"), priority=50, icon="heart-pulse")]
    """


@hookspec
def resalat_nav_items(member: Member) -> list[NavItem]:
    """Return ``NavItem`` objects for the layout's top bar, such as an inbox with its unread count.

    When: on every page a signed-in member opens (region-scoped). Arguments: ``member``.
    Transaction: the request's, read only; at most one cheap query. Do not raise.
    """


@hookspec
def resalat_demo(session: Session, world: World) -> None:
    """Add the plugin's part of the demo world.

    When: by ``resalat demo``, after the host's regions and the personas every role declares,
    in load order (what a plugin requires has added its part first). Arguments: ``session``, the
    demo's session (flush, never commit); ``world`` holds the regions, the personas
    (``world.members['guide']``) and what earlier plugins put in ``world.extras``.
    Transaction: the demo's one transaction: an exception rolls the whole demo back.
    """


@hookspec
def resalat_demo_rows(session: Session, world: World, rows: int) -> None:
    """Add ``rows`` more entries to every list the plugin's pages and API show the demo's people.

    When: by ``resalat demo --rows N`` and by the host's test of queries at size, after the demo
    world is loaded (possibly in an earlier run, so ``world.extras`` is empty: find your demo rows
    by query), in load order. Each list one of the plugin's GET pages or operations shows a persona
    (a member's orders, a booth's products, a guide's queue, an officer's table, a thread's
    messages) gets ``rows`` more entries the persona sees, so that a page that asks the database
    once per row shows it. Use bulk inserts of your own models where no money moves; money moves
    only through the ledger, as everywhere. ``add_demo_members`` (SDK 1.8) makes the new people
    a list needs in one statement; ``seed_demo_rows`` lets ``resalat_demo`` add a row of each list
    once. Arguments: ``session`` (flush, never commit);
    ``world.members`` by persona key; ``rows``, e.g. 1,000. Transaction: one for the host and
    every plugin; an exception rolls all of it back and the command (or test) fails.
    """


@hookspec
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    """Return ``Figure`` objects for the administrators' dashboard, counted within ``area``.

    When: on the dashboard page (``/admin``), for every loaded plugin. Arguments: ``session``;
    ``area``, the region ids the administrator oversees (None: nationwide), to be used as
    ``Model.region_id.in_(area)``. Transaction: the request's, read only. An exception is logged
    and that plugin's figures are left out; the other plugins' still show.

    Example::

        @hookimpl
        def resalat_stats(session, area):
            return [Figure(_l("Health visits"), services.count_visits(session, area))]
    """


@hookspec
@awaiting("a plugin whose API needs schemas or paths its views cannot describe; none does yet")
def resalat_openapi(spec: APISpec) -> None:
    """Add schemas or paths to the OpenAPI document beyond what the API views declare.

    When: each time ``/api/v1/openapi.json`` is built. Arguments: ``spec``, the apispec APISpec.
    Transaction: none. An exception is a 500 of the document.
    """


# --- questions ---------------------------------------------------------------------------------


@hookspec(firstresult=True)
def resalat_notify(member: Member, message: Message) -> Any:
    """Deliver ``message`` (a ``Message``) to ``member``; the first plugin that answers wins.

    When: each time a plugin calls the SDK's ``notify()``; only plugins active in the member's
    region are asked, and with none, nothing happens. Arguments: ``member``, the recipient;
    ``message``, a declared kind and its variables. Transaction: the caller's (the notification
    is stored, or rolled back, with what caused it). An exception propagates to the caller.
    Answer with what was stored (the notifications plugin answers with the notification).
    """


@hookspec(firstresult=True)
def resalat_spend_allowed(account: Account, spend: Spend) -> SpendDecision | None:
    """May this earmarked ``account`` pay for ``spend``?

    When: by the ledger, for every transfer out of an earmarked account, after the account's own
    rules (open, not expired, an allowed purpose) passed. Arguments: ``account``, the earmarked
    account; ``spend``, the amount, purpose, reference, receiving account and the spending
    plugin's ``details``. Transaction: the transfer's. Return None to abstain, or a
    ``SpendDecision`` (allowed, and the rule that decided, shown to the member). Money with no
    answer at all is refused: earmarked funds are closed unless a policy opens them. An exception
    propagates and the transfer does not happen.
    """


@hookspec(firstresult=True)
def resalat_reference(kind: str, ident: int) -> Reference | None:
    """Name the thing a stored reference points at (``"loan:12"``: ``kind`` "loan", ``ident`` 12).

    When: each time a page shows a reference kept by another plugin (a Merat request's reason,
    a note's pledge), through the host's ``reference`` filter. Arguments: ``kind``, the part
    before the colon; ``ident``, the number after it. Transaction: the request's; read only.
    Answer with a ``Reference`` (a name in the reader's language, "Qard al-Hasan loan no. 12",
    and the page's URL) for a kind the plugin owns, None otherwise. An exception propagates.
    """


@hookspec
def resalat_file_stores(session: Session) -> list[FileStore]:
    """Name the storages of files the plugin keeps outside the host's uploads (since 1.5).

    When: by ``resalat db backup`` (which archives every name listed) and ``resalat db restore``
    (which writes the archived files back into ``storage``), whatever the regions' switches say.
    Arguments: ``session``. Transaction: a session of its own, read only. Answer with one
    ``FileStore`` per storage; a plugin whose files are all host uploads (``store_upload``) needs
    no answer: the host backs those up itself. An exception stops the command: a backup writes
    no archive; a restore, called once the database is back, stops before writing the files.

    Example::

        @hookimpl
        def resalat_file_stores(session):
            return [FileStore("shop", media.storage(), services.photo_names(session))]
    """


@hookspec
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    """Return what the plugin holds about ``member``, for the member's own copy of their data (since 1.6).

    When: each time the member opens ``/account/data``, downloads ``/account/data.json`` or calls
    ``GET /api/v1/me/data``; every loaded plugin is asked, switched on in the member's region or
    not, since data kept while a module was on is still the member's. Arguments: ``session``;
    ``member``, the signed-in member (only ever the member themself). Transaction: the request's,
    read only. Answer with ``DataSection`` objects (a title, rows for the page and a plain JSON
    ``data`` dict for the download), only of this member's own records: what they wrote, what is
    recorded about them, never another member's personal data; ``[]`` when there is nothing.
    An exception is a 500 of the page: the member gets no copy that silently lacks a part.

    Example::

        @hookimpl
        def resalat_member_data(session, member):
            visits = services.visits_of(session, member)
            return [DataSection("visits", _l("Health visits"),
                                [DataRow(_l("Visit"), v.day) for v in visits],
                                {"visits": [v.day.isoformat() for v in visits]})]
    """


@hookspec
def resalat_closing_blockers(session: Session, member: Member) -> list[str]:
    """Return why ``member`` may not close their account now, each reason translated (since 1.6).

    When: on the page ``/account/close`` (the member reads every reason before trying) and again
    inside the closing itself, just before the member row is anonymised; every loaded plugin is
    asked. Arguments: ``session``; ``member``. Transaction: the request's (while closing, the
    closing's own, so a blocker that appears meanwhile still stops it); read only. Answer with
    one sentence per thing in the reader's language that says what stops the closing and what
    to do (a running loan: repay it; an open order: wait for it to finish or cancel it), or
    ``[]``. An exception propagates: the page is a 500 and no account is closed.

    Example::

        @hookimpl
        def resalat_closing_blockers(session, member):
            if services.open_visits(session, member):
                return [_("A health visit is booked: cancel it or wait until it is over.")]
            return []
    """


@hookspec
def resalat_member_closed(session: Session, member: Member) -> None:
    """``member`` has closed their account: remove or anonymise the plugin's personal data (since 1.6).

    When: by the host's account closing, after every ``resalat_closing_blockers`` answered
    ``[]`` and the member row was anonymised (``member.closed_at`` is set, the name is a
    placeholder); every loaded plugin hears it. Arguments: ``session``; ``member``.
    Transaction: the closing's, not yet committed: write through ``session`` (flush, never
    commit), so a refused closing leaves everything as it was. Remove or blank what the member
    wrote and their contact details (posts' text, profile fields, addresses, phone numbers,
    bank account numbers), keep the money records the law requires (ledger transfers, loans,
    promissory notes, orders' amounts) with their ids. An exception rolls the whole closing
    back and the member sees an error.

    Example::

        @hookimpl
        def resalat_member_closed(session, member):
            for visit in services.visits_of(session, member):
                visit.note = ""
    """


# --- events ------------------------------------------------------------------------------------


@hookspec
def resalat_member_joined(member: Member) -> None:
    """A member has just registered.

    When: by the member service's ``register_member``, whichever way the member came (the
    sign-up page, the CLI, the API, a test); only plugins active in the member's region hear it.
    Arguments: ``member``, flushed (it has an id). Transaction: the registration's, not yet
    committed: write through ``object_session(member)`` so that a refused registration leaves
    nothing behind. An exception refuses the registration.

    Example::

        @hookimpl
        def resalat_member_joined(member):
            notify(member, messages.WELCOME())
    """
