"""The host's SDK: the only module of ``resalat_core`` a plugin may import.

Everything a plugin needs from the host is re-exported here, so the host can reorganise itself
without breaking plugins, and a test can check that plugins reach nothing else. Money moves only
through ``ledger`` (``ledger.transfer``, ``ledger.main_account``, ``ledger.open_earmarked`` ...).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user

from resalat_core.access import can, login_required, permission_required, public, require
from resalat_core.auth import services as auth_services
from resalat_core.cli import cli_errors, echo_json, json_option
from resalat_core.db import Base, db_session, get_db, is_sqlite, utcnow
from resalat_core.errors import BadInput, Conflict, NotAllowed, NotFound, ResalatError
from resalat_core.formats import format_date, format_money, parse_jalali_date, parse_money, today_in_iran
from resalat_core.i18n import _, _l, gettext, lazy_gettext, ngettext
from resalat_core.identity import (
    is_valid_national_code,
    national_code_with_check_digit,
    normalize_mobile,
    normalize_national_code,
    normalize_person_name,
    normalize_sheba,
)
from resalat_core.members.models import ROLES, SUPPORTER_KINDS, Member, RoleGrant
from resalat_core.members.services import (
    Registration,
    area_of,
    find_member,
    get_member,
    grant_role,
    has_role,
    regions_where,
    register_member,
)
from resalat_core.pagination import Page, page_args, paginate
from resalat_core.plugins.activation import active_modules, is_active, region_hook
from resalat_core.plugins.base import (
    CreditSignal,
    Figure,
    Message,
    NavItem,
    Permission,
    Plugin,
    Reputation,
    Tile,
)
from resalat_core.plugins.spec import hookimpl
from resalat_core.regions.models import Region
from resalat_core.regions.services import get_region
from resalat_core.rest.core import api_doc, dump, idempotent, load
from resalat_core.text import normalize_text, search_key, to_latin_digits, to_persian_digits
from resalat_core.wallet import services as ledger
from resalat_core.wallet.models import Account, Entry, Transfer
from resalat_core.wallet.services import Spend, SpendDecision, TransferSpec
from resalat_core.web.templating import current_language


def notify(member: Member, message: Message) -> Any:
    """Tell ``member`` something; returns what the notification plugin stored, or None.

    Reaches only a notification plugin active in the member's region; with none, nothing happens.
    """
    return region_hook("resalat_notify", member)(member=member, message=message)


def confirm_password(session: Any, member: Member, password: str) -> bool:
    """Is ``password`` the member's own? For acts signed by re-entering it (a social guarantee).

    Shares the sign-in throttle (config ``login_max_failures`` per ``login_window_seconds``):
    raises TooManyAttempts (429) when spent. A wrong password is recorded in ``session``; commit
    after refusing the act so that the failure counts.
    """
    config = current_app.config["RESALAT"]
    return auth_services.confirm_password(
        session,
        member,
        password,
        max_failures=int(config["login_max_failures"]),
        window=int(config["login_window_seconds"]),
    )


def current_member() -> Member | None:
    """The signed-in member, or None."""
    return current_user if current_user and current_user.is_authenticated else None


__all__ = [
    "Reputation",
    "area_of",
    "CreditSignal",
    "Registration",
    "national_code_with_check_digit",
    "register_member",
    "regions_where",
    "Account",
    "Entry",
    "Spend",
    "SpendDecision",
    "Transfer",
    "TransferSpec",
    "ledger",
    "ROLES",
    "SUPPORTER_KINDS",
    "BadInput",
    "Base",
    "Conflict",
    "Figure",
    "Member",
    "Message",
    "NavItem",
    "NotAllowed",
    "NotFound",
    "Page",
    "Permission",
    "Plugin",
    "Region",
    "ResalatError",
    "RoleGrant",
    "Tile",
    "_",
    "_l",
    "active_modules",
    "api_doc",
    "can",
    "confirm_password",
    "cli_errors",
    "current_language",
    "current_member",
    "db_session",
    "dump",
    "echo_json",
    "find_member",
    "format_date",
    "format_money",
    "today_in_iran",
    "get_db",
    "get_member",
    "get_region",
    "gettext",
    "grant_role",
    "has_role",
    "hookimpl",
    "idempotent",
    "is_active",
    "is_sqlite",
    "is_valid_national_code",
    "json_option",
    "lazy_gettext",
    "load",
    "login_required",
    "ngettext",
    "normalize_mobile",
    "normalize_national_code",
    "normalize_person_name",
    "normalize_sheba",
    "normalize_text",
    "notify",
    "page_args",
    "paginate",
    "parse_jalali_date",
    "parse_money",
    "permission_required",
    "public",
    "region_hook",
    "require",
    "search_key",
    "to_latin_digits",
    "to_persian_digits",
    "utcnow",
]
