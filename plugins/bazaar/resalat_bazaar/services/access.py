"""Who may do what in M-Bazar: its two permissions, and the plugin's settings."""

from __future__ import annotations

from typing import Any

from resalat_bazaar import plugin
from resalat_core.sdk import Region, can

# Any member may open a booth and sell; administrators hide booths and products and refund orders.
SELL = "bazaar.sell"
ADMIN = "bazaar.admin"


def setting(name: str) -> Any:
    """A plugin setting: ``[plugins.bazaar]``, or ``RESALAT_BAZAAR_<NAME>``, or the default."""
    return plugin.setting(name)


def is_person(member: Any) -> bool:
    """Is ``member`` someone signed in (not None, not the anonymous visitor)?"""
    return member is not None and not getattr(member, "is_anonymous", True)


def is_admin(member: Any, region: Region | None = None) -> bool:
    """May ``member`` administer M-Bazar in ``region`` (nationwide when None)?"""
    return is_person(member) and can(ADMIN, region, member)


def may_sell(member: Any) -> bool:
    return is_person(member) and can(SELL, None, member)
