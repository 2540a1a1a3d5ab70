"""The hook contract between the host and its plugins: every hook, with its promise, in one place.

A plugin implements any of these in its ``hooks`` module with ``@hookimpl`` (from the SDK). The
host calls wiring hooks once per plugin at start-up, and event hooks whenever the event happens.
Hooks that concern a member or a region are called only for the plugins active in that region:
no plugin checks activation itself.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "resalat"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- wiring -----------------------------------------------------------------------------------


@hookspec
def resalat_blueprints() -> list[Any]:
    """Return the plugin's Flask blueprints (pages and API).

    Names must be the plugin's name or start with ``<name>_``; URL prefixes must start with
    ``/<name>`` (pages) or ``/api/v1/<name>`` (API). The host refuses anything else, so two
    plugins can never shadow each other's routes. Every view must declare who may call it with
    ``public``, ``login_required`` or ``permission_required`` from the SDK.
    """


@hookspec
def resalat_cli() -> Any:
    """Return the plugin's click group; its name must be the plugin's name (``resalat <name> ...``)."""


@hookspec
def resalat_permissions() -> list[Any]:
    """Return the ``Permission`` objects the plugin declares.

    Names are ``<plugin>.<action>``; each lists the roles that hold it by default. A role held in a
    region grants the permission in that region and every place under it.
    """


@hookspec
def resalat_tiles(member: Any) -> list[Any]:
    """Return the home-screen ``Tile`` objects this plugin shows to ``member`` (region-scoped)."""


@hookspec
def resalat_nav_items(member: Any) -> list[Any]:
    """Return ``NavItem`` objects for the layout's top bar, such as an inbox with its unread count.

    Called on every page for a signed-in member, so it must cost at most one cheap query.
    """


@hookspec
def resalat_demo(session: Any, world: Any) -> None:
    """Add the plugin's part of the demo world.

    ``world`` holds the demo regions and personas (``world.members['guide']`` ...) and whatever
    earlier plugins (in load order) put there. Called by ``resalat demo`` after the host's part.
    """


@hookspec
def resalat_stats() -> list[Any]:
    """Return ``Figure`` objects for the dashboard (a label, a value, a unit)."""


@hookspec
def resalat_openapi(spec: Any) -> None:
    """Add schemas or paths to the OpenAPI document beyond what the API views declare."""


# --- questions --------------------------------------------------------------------------------


@hookspec(firstresult=True)
def resalat_notify(member: Any, message: Any) -> Any:
    """Deliver ``message`` (a ``Message``) to ``member``; the first plugin that answers wins.

    The notifications plugin answers with the stored notification. Callers use the SDK's
    ``notify()``, which returns None when no notification plugin is active in the member's region.
    """


@hookspec(firstresult=True)
def resalat_spend_allowed(account: Any, spend: Any) -> Any:
    """May this earmarked ``account`` pay for ``spend``?

    Return None to abstain, or a ``SpendDecision`` (allowed, and the rule that decided). Money with
    no answer at all is refused: earmarked funds are closed unless a policy opens them.
    """


@hookspec(firstresult=True)
def resalat_reputation(kind: str, subject_id: int) -> Any:
    """What the community says about a thing: ``kind`` is ``"booth"`` or ``"product"``.

    Return a ``Reputation`` (average stars, review count, open reports, a link to the history),
    or None. M-Bazar shows it on booth and product pages; social supervision answers it.
    """


@hookspec
def resalat_credit_signals(member: Any) -> list[Any]:
    """Return the credit signals this plugin knows about ``member`` for Merat's score."""


@hookspec
def resalat_payment_methods(checkout: Any) -> list[Any]:
    """Return ways to pay this checkout (instalments, vouchers, pay-later...)."""


# --- events -----------------------------------------------------------------------------------


@hookspec
def resalat_member_joined(member: Any) -> None:
    """A member has just registered (the row exists; the transaction is not yet committed)."""


@hookspec
def resalat_order_paid(order: Any) -> None:
    """An M-Bazar order has been paid into escrow."""


@hookspec
def resalat_order_completed(order: Any) -> None:
    """The buyer confirmed receipt; the seller has been paid."""


@hookspec
def resalat_loan_disbursed(loan: Any) -> None:
    """A loan was credited to an earmarked account."""


@hookspec
def resalat_instalment_due(item: Any) -> None:
    """An instalment (of a loan or a purchase plan) has fallen due."""


@hookspec
def resalat_shipment_delivered(shipment: Any) -> None:
    """An M-ST shipment reached its recipient."""
