"""The host's SDK, version ``SDK_VERSION``: the only module of ``resalat_core`` a plugin may import.

Everything a plugin needs from the host is named here, so the host can reorganise itself without
breaking plugins, and a test checks that plugins reach nothing else. A plugin states the SDK
versions it is written for (``Plugin(sdk=">=1,<2")``); the host refuses it, with the reason,
when it does not satisfy them. Within a major version names are only added, never removed.

What is here, by the plugin's rooms:

- the plugin object and what it declares: ``Plugin``, ``Role``, ``RoleKind``, ``Persona``,
  ``SystemAccount``, ``AccountKind``, ``Purpose``, ``MessageKind``, ``Permission``;
- hooks: ``hookimpl`` to answer, ``hookspec`` and ``awaiting`` to offer hooks of one's own,
  ``region_hook`` to call a hook only where plugins are active, and the values hooks carry
  (``Tile``, ``NextStep``, ``NavItem``, ``Figure``, ``Message``, ``CreditSignal``, ``SignalKind``);
- words: ``_``, ``_l``, ``ngettext``, ``pgettext``, typed variables (``Money``, ``Number``,
  ``Digits``, ``Day``, ``Moment``, ``Words``) and ``render``;
- the request edge: ``me``, ``read_money``, ``handle_form`` (and ``flash_back``, its "say what was
  wrong and go back" for a button on another page), ``load``, ``dump``, ``api_doc``,
  ``idempotent``, ``page_args``, ``paginate``, and the access decorators;
- members, roles and regions: ``register_member``, ``grant_role``, ``area_of``, ``covers``,
  ``ids_under``, ``region_choices`` ...;
- money: the ledger's named functions (``transfer``, ``main_account`` ...), never its module;
- identities: ``normalize_mobile``, ``normalize_national_code``, ``normalize_persian_name`` (a
  name in Persian letters only) ...;
- text messages: ``send_sms(mobile, text)`` through the configured provider (``SmsProvider``,
  ``SmsNotSent``);
- uploads: ``store_upload`` (checked by content, images re-encoded), ``owned_files`` (an API
  client's uploads by token), ``file_url``, ``file_response``, ``files_by_id``, ``StoredFile``,
  ``IMAGE`` and ``PDF``, and ``check_image``, ``Storage`` and ``LocalStorage`` for a plugin that keeps
  pictures its own way
  (since 1.3), with ``FileStore`` to have them backed up (since 1.5);
- a member's own data: ``DataSection`` and ``DataRow`` answer ``resalat_member_data`` (since 1.6);
- the audit trail (since 1.6): ``audit(session, action, subject=..., region=..., before=...,
  after=...)`` writes an entry in the caller's transaction; each action code is declared as an
  ``AuditAction`` through ``resalat_audit_actions`` (``UnknownAuditAction`` for one that is not);
- 64-bit ids (since 1.7): ``BigId``, the column type of the id of a table that grows with
  activity and of every column that refers to one, ``widen_ids`` / ``narrow_ids`` for the
  migration that changes existing columns to it, ``BigRowId`` for such an id in a body and
  ``MAX_BIG_ID`` (2⁶³−1) for a service's check of one;
- periodic work in chunks (since 1.7): ``PeriodicJob`` answers ``resalat_periodic_jobs``;
  ``run_job`` plans a job and runs its chunks in this process (a plugin's own command),
  ``plan_job``, ``JobResult``, and ``split_ids`` to cut sorted ids into ranges for a plan;
  ``hook_answers_many`` asks each plugin once about many members (a chunk's batched hook);
- demo rows (since 1.8): ``add_demo_members`` writes many members at once for a plugin's
  ``resalat_demo_rows``, and ``seed_demo_rows`` runs its own rows once in its ``resalat_demo``;
- reference data kept by each worker (since 1.9): ``kept_by_worker(name, compute)`` serves what
  depends on no reader and changes with the module switches only (a category tree), while
  their generation stands, computing it again when it moves;
- the CLI's helpers and the database's ``Base`` and session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy.orm import object_session

from resalat_core.access import can, login_required, permission_required, public, require
from resalat_core.audit.services import UnknownAuditAction, audit
from resalat_core.auth import services as auth_services
from resalat_core.cli import cli_errors, echo_json, fund_command, json_option
from resalat_core.db import Base, BigId, db_session, get_db, is_sqlite, utcnow
from resalat_core.demo import DEMO_SEED, add_demo_members, seed_demo_rows
from resalat_core.errors import BadInput, Conflict, NotAllowed, NotFound, ResalatError, TooManyAttempts
from resalat_core.files.models import IMAGE, PDF, StoredFile
from resalat_core.files.services import (
    check_image,
    file_response,
    file_url,
    files_by_id,
    owned_files,
    store_upload,
)
from resalat_core.files.storage import LocalStorage, Storage
from resalat_core.formats import (
    MAX_RIALS,
    format_date,
    format_decimal,
    format_money,
    format_number,
    parse_jalali_date,
    today_in_iran,
)
from resalat_core.i18n import _, _l, gettext, lazy_gettext, lazy_pgettext, ngettext, pgettext
from resalat_core.identity import (
    is_valid_national_code,
    mobile_for_reader,
    national_code_for_reader,
    national_code_with_check_digit,
    normalize_mobile,
    normalize_national_code,
    normalize_persian_name,
    normalize_person_name,
    normalize_sheba,
)
from resalat_core.jobs import JobResult, plan_job, run_job, split_ids
from resalat_core.members.models import Member, RoleGrant
from resalat_core.members.services import (
    Registration,
    area_of,
    find_member,
    get_member,
    grant_role,
    has_role,
    register_member,
)
from resalat_core.migration_ops import narrow_ids, widen_ids
from resalat_core.pagination import Page, page_args, paginate
from resalat_core.plugins.activation import (
    active_modules,
    every_plugin_hook,
    hook_answers,
    hook_answers_many,
    region_hook,
)
from resalat_core.plugins.activation import is_active as module_active
from resalat_core.plugins.base import (
    AccountKind,
    AuditAction,
    CreditSignal,
    DataRow,
    DataSection,
    Figure,
    FileStore,
    Message,
    MessageKind,
    NavItem,
    NextStep,
    PeriodicJob,
    Permission,
    Persona,
    Plugin,
    Purpose,
    Reference,
    Role,
    RoleKind,
    SignalKind,
    SystemAccount,
    Tile,
)
from resalat_core.plugins.spec import awaiting, hookimpl, hookspec
from resalat_core.regions.models import Region
from resalat_core.regions.services import covers, get_region, ids_under, region_choices
from resalat_core.rest.core import (
    MAX_BIG_ID,
    BigRowId,
    PageMeta,
    RowId,
    UtcDateTime,
    api_doc,
    dump,
    idempotent,
    load,
)
from resalat_core.sdk_version import SDK_VERSION
from resalat_core.sms.services import SmsNotSent, SmsProvider, send_sms
from resalat_core.text import normalize_text, search_key, to_latin_digits, to_persian_digits
from resalat_core.vocabulary import vocabulary
from resalat_core.wallet.models import EARMARKED, MEMBER_MAIN, SYSTEM, Account, Entry, Transfer
from resalat_core.wallet.services import (
    MAX_AMOUNT,
    Spend,
    SpendDecision,
    TransferSpec,
    account_name,
    accounts_of,
    check_spend,
    describe_transfer,
    get_account,
    main_account,
    open_account,
    open_earmarked,
    pending_of,
    post_pending,
    statement_query,
    system_account,
    transfer,
    transfer_linked,
    void_pending,
)
from resalat_core.wallet.services import (
    verify as verify_ledger,
)
from resalat_core.web.edge import (
    FieldReader,
    chosen_id,
    current_member,
    flash_back,
    handle_form,
    me,
    read_count,
    read_money,
)
from resalat_core.web.membercache import kept_by_worker, touch
from resalat_core.web.templating import current_language
from resalat_core.words import (
    Day,
    Digits,
    Moment,
    Money,
    Named,
    Number,
    Text,
    Words,
    decode_params,
    encode_params,
    join_words,
    render,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def notify(member: Member, message: Message) -> Any:
    """Tell ``member`` something; returns what the notification plugin stored, or None.

    Reaches only a notification plugin active in the member's region; with none, nothing happens.
    Runs in the caller's transaction; what the member's pages show of them is refreshed when it
    commits. The notifications plugin writes the row with the session's next flush (its id comes
    then), so a job telling thousands of members writes them in a few batched INSERTs.
    """
    touch(object_session(member), member.id)
    return region_hook("resalat_notify", member)(member=member, message=message)


def confirm_password(session: Session, member: Member, password: str) -> bool:
    """Is ``password`` the member's own? For acts signed by re-entering it (a social guarantee).

    Shares the sign-in throttle (config ``login_max_failures`` per ``login_window_seconds``):
    raises TooManyAttempts (429) when spent. A wrong password is recorded in ``session``; refuse
    the act with ``BadInput(..., keep_changes=True)`` so that the failure still counts.
    """
    config = current_app.config["RESALAT"]
    return auth_services.confirm_password(
        session,
        member,
        password,
        max_failures=int(config["login_max_failures"]),
        window=int(config["login_window_seconds"]),
    )


__all__ = [
    "DEMO_SEED",
    "add_demo_members",
    "seed_demo_rows",
    "MAX_BIG_ID",
    "BigRowId",
    "BigId",
    "narrow_ids",
    "widen_ids",
    "hook_answers_many",
    "JobResult",
    "PeriodicJob",
    "plan_job",
    "run_job",
    "split_ids",
    "EARMARKED",
    "IMAGE",
    "PDF",
    "StoredFile",
    "LocalStorage",
    "Storage",
    "check_image",
    "file_response",
    "file_url",
    "files_by_id",
    "owned_files",
    "store_upload",
    "MAX_AMOUNT",
    "MAX_RIALS",
    "MEMBER_MAIN",
    "SDK_VERSION",
    "SYSTEM",
    "Account",
    "AccountKind",
    "AuditAction",
    "BadInput",
    "Base",
    "Conflict",
    "CreditSignal",
    "DataRow",
    "DataSection",
    "Day",
    "Digits",
    "Entry",
    "FieldReader",
    "Figure",
    "FileStore",
    "Member",
    "Message",
    "MessageKind",
    "Moment",
    "Money",
    "Named",
    "NavItem",
    "NextStep",
    "NotAllowed",
    "NotFound",
    "Number",
    "Page",
    "PageMeta",
    "Permission",
    "Reference",
    "Persona",
    "Plugin",
    "Purpose",
    "Region",
    "Registration",
    "ResalatError",
    "Role",
    "RoleGrant",
    "RoleKind",
    "SignalKind",
    "SmsNotSent",
    "SmsProvider",
    "Spend",
    "SpendDecision",
    "SystemAccount",
    "Text",
    "Tile",
    "TooManyAttempts",
    "UnknownAuditAction",
    "Transfer",
    "TransferSpec",
    "Words",
    "_",
    "_l",
    "account_name",
    "accounts_of",
    "active_modules",
    "RowId",
    "UtcDateTime",
    "api_doc",
    "area_of",
    "audit",
    "awaiting",
    "can",
    "check_spend",
    "chosen_id",
    "cli_errors",
    "confirm_password",
    "covers",
    "current_language",
    "current_member",
    "db_session",
    "decode_params",
    "describe_transfer",
    "dump",
    "echo_json",
    "every_plugin_hook",
    "fund_command",
    "encode_params",
    "find_member",
    "format_date",
    "format_decimal",
    "format_money",
    "format_number",
    "get_account",
    "get_db",
    "get_member",
    "get_region",
    "gettext",
    "grant_role",
    "flash_back",
    "handle_form",
    "has_role",
    "hookimpl",
    "hook_answers",
    "hookspec",
    "idempotent",
    "ids_under",
    "is_sqlite",
    "is_valid_national_code",
    "mobile_for_reader",
    "national_code_for_reader",
    "join_words",
    "national_code_with_check_digit",
    "json_option",
    "kept_by_worker",
    "lazy_gettext",
    "lazy_pgettext",
    "load",
    "login_required",
    "main_account",
    "me",
    "module_active",
    "ngettext",
    "normalize_mobile",
    "normalize_national_code",
    "normalize_persian_name",
    "normalize_person_name",
    "normalize_sheba",
    "normalize_text",
    "notify",
    "open_account",
    "open_earmarked",
    "page_args",
    "paginate",
    "parse_jalali_date",
    "pending_of",
    "permission_required",
    "pgettext",
    "post_pending",
    "public",
    "read_count",
    "read_money",
    "region_choices",
    "region_hook",
    "register_member",
    "render",
    "require",
    "search_key",
    "send_sms",
    "statement_query",
    "system_account",
    "to_latin_digits",
    "to_persian_digits",
    "today_in_iran",
    "transfer",
    "transfer_linked",
    "utcnow",
    "verify_ledger",
    "vocabulary",
    "void_pending",
]
